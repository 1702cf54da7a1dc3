package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.samples.FormatSamples;
import dev.xueqing.jobs.samples.SampleDataGenerator;
import dev.xueqing.jobs.samples.SkillSamples;
import dev.xueqing.jobs.samples.TableSamples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code xueqing generate-samples}: regenerate data-samples/ deterministically. */
@Command(name = "generate-samples", mixinStandardHelpOptions = true,
        description = "Write the sample inputs (data-samples/) from the built-in generator; same seed, same bytes.")
final class GenerateSamplesCommand extends BaseCommand {
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: data-samples).")
    Path outDir = Path.of("data-samples");

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = SampleDataGenerator.DEFAULT_SEED;

    @Override
    public Integer call() throws Exception {
        var summary = SampleDataGenerator.generate(outDir, seed);
        out().println("wrote " + outDir.toAbsolutePath().resolve("xapi") + ": " + summary);
        var tables = TableSamples.generate(outDir, seed);
        out().println("wrote " + outDir.toAbsolutePath().resolve("oulad") + " and "
                + outDir.toAbsolutePath().resolve("csv") + ": " + tables.rowsPerFile());
        var skills = SkillSamples.generate(outDir);
        out().println("wrote " + outDir.toAbsolutePath().resolve("skills") + ": " + skills.prerequisites()
                + " prerequisites, an example mapping file of " + skills.mappingRows() + " rows");
        var formats = FormatSamples.generate(outDir, seed);
        formats.generated().forEach((file, s) -> out().println("wrote " + outDir.toAbsolutePath().resolve(file)
                + ": " + s.lines() + " lines (" + s.events() + " events, " + s.duplicates() + " duplicates)"));
        formats.badLines().forEach((file, n) -> out().println("wrote " + outDir.toAbsolutePath().resolve(file)
                + ": " + n + " bad lines"));
        return XueqingCli.OK;
    }
}
