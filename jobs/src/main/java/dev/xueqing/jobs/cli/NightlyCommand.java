package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.marts.DayRebuild;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** {@code xueqing nightly}: ingest every configured input, rebuild dims, build every mart. */
@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = "Ingest every configured input (xueqing.inputs), rebuild the dims and build every mart as of a date.")
final class NightlyCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "As-of date of the marts (default: today in xueqing.timezone).")
    LocalDate date;

    @Option(names = "--full", description = "Rebuild every mart whole (day-grain marts otherwise recompute only the "
            + "days whose events changed).")
    boolean full;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "Build only these marts (comma-separated names), after the ingest and the dims; the risk "
                    + "step is left out.")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        XueqingConfig config = config();
        LocalDate asOf = date != null ? date : LocalDate.now(config.timezone());
        try (Pipeline p = new Pipeline(config, env)) {
            Pipeline.Summary s = p.nightly(asOf, full ? DayRebuild.Request.FULL : DayRebuild.Request.AUTO, only);
            SummaryPrinter.print(out(), "Xueqing nightly", s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }
}
