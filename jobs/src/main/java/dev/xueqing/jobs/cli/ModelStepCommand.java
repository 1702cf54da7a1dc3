package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;

/**
 * A command that runs one model step of the pipeline as of a date (train-risk, score-risk, train-skills) and prints
 * its summary; exit 1 when the step failed.
 */
abstract class ModelStepCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "As-of date (default: today in xueqing.timezone).")
    LocalDate date;

    /** The step, on an open pipeline. */
    abstract Pipeline.Summary run(Pipeline pipeline, LocalDate asOf);

    @Override
    public final Integer call() {
        XueqingConfig config = config();
        LocalDate asOf = date != null ? date : LocalDate.now(config.timezone());
        try (Pipeline p = new Pipeline(config, env)) {
            Pipeline.Summary s = run(p, asOf);
            SummaryPrinter.print(out(), "Xueqing " + getClass().getAnnotation(Command.class).name(), s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }
}
