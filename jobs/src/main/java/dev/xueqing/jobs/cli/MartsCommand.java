package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.marts.DayRebuild;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** {@code xueqing marts}: build marts from the published events and dims. */
@Command(name = "marts", mixinStandardHelpOptions = true,
        description = "Build the marts (all, or those named with --only) from published events and dims; "
                + "day-grain marts recompute only the days whose events changed (or --from/--to, or --full).")
final class MartsCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "As-of date (default: today in xueqing.timezone).")
    LocalDate date;

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Comma-separated mart names.")
    List<String> only = new ArrayList<>();

    @Option(names = "--from", paramLabel = "YYYY-MM-DD",
            description = "Backfill: recompute the rows of day-grain marts from this day (with --to); the other marts "
                    + "are rebuilt whole as of --date as always.")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day of the backfill (default: --from).")
    LocalDate to;

    @Option(names = "--full", description = "Rebuild every mart whole, day-grain marts included.")
    boolean full;

    @Override
    public Integer call() {
        XueqingConfig config = config();
        LocalDate asOf = date != null ? date : LocalDate.now(config.timezone());
        DayRebuild.Request request = requestFrom(full, from, to, asOf);
        try (Pipeline p = new Pipeline(config, env)) {
            Pipeline.Summary s = p.marts(asOf, only, request);
            SummaryPrinter.print(out(), "Xueqing marts", s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }

    /** The rebuild request of the options; a range that ends after the as-of date or a range with --full is a usage error. */
    static DayRebuild.Request requestFrom(boolean full, LocalDate from, LocalDate to, LocalDate asOf) {
        if (from == null && to != null) {
            throw new dev.xueqing.common.config.UsageException("--to needs --from");
        }
        if (from == null) {
            return full ? DayRebuild.Request.FULL : DayRebuild.Request.AUTO;
        }
        if (full) {
            throw new dev.xueqing.common.config.UsageException("--full rebuilds every day already; give it without --from/--to");
        }
        LocalDate end = to == null ? from : to;
        if (end.isAfter(asOf)) {
            throw new dev.xueqing.common.config.UsageException("--to " + end + " is after the as-of date " + asOf
                    + " (marts hold nothing after it; give --date)");
        }
        return DayRebuild.Request.backfill(from, end);
    }
}
