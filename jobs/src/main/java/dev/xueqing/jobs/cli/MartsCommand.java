package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** {@code xueqing marts}: build marts from the published events and dims. */
@Command(name = "marts", mixinStandardHelpOptions = true,
        description = "Build the marts (all, or those named with --only) from published events and dims.")
final class MartsCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "As-of date (default: today in xueqing.timezone).")
    LocalDate date;

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Comma-separated mart names.")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        XueqingConfig config = config();
        LocalDate asOf = date != null ? date : LocalDate.now(config.timezone());
        try (Pipeline p = new Pipeline(config, env)) {
            Pipeline.Summary s = p.marts(asOf, only);
            SummaryPrinter.print(out(), "Xueqing marts", s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }
}
