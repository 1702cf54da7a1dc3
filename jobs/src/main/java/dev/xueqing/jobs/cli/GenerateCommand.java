package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.samples.ScaleGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** {@code xueqing generate}: synthetic activity at any size, in constant memory, deterministic for a seed. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write synthetic learner activity of any size in one input format, with truth files in "
                + "DIR/_truth/ (docs/generator.md); same options, same bytes.")
final class GenerateCommand extends BaseCommand {
    @Option(names = "--learners", required = true, paramLabel = "N", description = "Number of learners.")
    int learners;

    @Option(names = "--courses", required = true, paramLabel = "C", description = "Number of courses.")
    int courses;

    @Option(names = "--weeks", required = true, paramLabel = "W", description = "Weeks of each course (1-52).")
    int weeks;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--format",
            description = "Output format: xapi, csv, edx, moodle or caliper (default: ${DEFAULT-VALUE}).")
    String format = "xapi";

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = ScaleGenerator.DEFAULT_SEED;

    @Option(names = "--events-per-learner-week", paramLabel = "K",
            description = "Mean events of an average learner in an active week (default: ${DEFAULT-VALUE}).")
    int eventsPerLearnerWeek = 25;

    @Option(names = "--duplicates", paramLabel = "SHARE",
            description = "Share of events written twice, same id (default: ${DEFAULT-VALUE}).")
    double duplicates = 0.005;

    @Option(names = "--late", paramLabel = "SHARE",
            description = "Share of events written after later ones, out of time order (default: ${DEFAULT-VALUE}).")
    double late = 0.01;

    @Option(names = "--malformed", paramLabel = "SHARE",
            description = "Share of events followed by a broken line (default: ${DEFAULT-VALUE}).")
    double malformed = 0.001;

    @Option(names = "--lines-per-file", paramLabel = "L",
            description = "Start a new file after about this many lines (default: ${DEFAULT-VALUE}).")
    long linesPerFile = 1_000_000;

    @Option(names = "--skills", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "A skill graph per course and weekly skill-practice questions answered by BKT, with the "
                    + "skill truth files; --no-skills leaves them out, the other events are the same either way "
                    + "(default: on).")
    boolean skills = true;

    @Override
    public Integer call() {
        if (!ScaleGenerator.FORMATS.contains(format)) {
            throw new dev.xueqing.common.config.UsageException("Unknown --format '" + format + "' for generate: use one of "
                    + ScaleGenerator.FORMATS + ".");
        }
        var s = ScaleGenerator.generate(new ScaleGenerator.Options(learners, courses, weeks, out, format, seed,
                eventsPerLearnerWeek, duplicates, late, malformed, linesPerFile, true, true, skills));
        out().printf(Locale.ROOT, "wrote %s: %d %s files, %,d lines = %,d events + %,d duplicates + %,d malformed (%s)"
                        + "; %,d late; %d learners, %d courses, %d enrolments; %.1f s, %,.0f events/s%n",
                out.toAbsolutePath(), s.files(), format, s.lines(), s.events(), s.duplicates(), s.malformed(),
                s.malformedReason(), s.late(), s.learners(), s.courses(), s.enrolments(), s.took().toMillis() / 1000.0,
                s.eventsPerSecond());
        if (skills) {
            out().printf(Locale.ROOT, "%,d of the events are skill-practice answers%s%n", s.practiceAnswers(),
                    format.equals("moodle") ? " (none: the Moodle log has no per-question answers)" : "");
        }
        out().println("truth: " + out.toAbsolutePath().resolve("_truth") + " (learners.csv, enrolments.csv, items.csv"
                + (skills ? ", skills.csv, skill-mapping.csv, skill-prerequisites.csv" : "")
                + (format.equals("csv") ? "; ingest with --conf _truth/" + (skills ? "skills.conf" : "csv-mapping.conf")
                        + " --mapping generated)" : skills ? "; skills and prerequisites: --conf _truth/skills.conf)"
                        : ")"));
        return XueqingCli.OK;
    }
}
