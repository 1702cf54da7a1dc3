package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.report.ReportJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** {@code xueqing report}: the supervisor's report, a static site from the current marts (docs/report.md). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the supervisor's report from the current marts: HTML pages that open from the folder "
                + "with no server and no network, zh-CN or en.")
final class ReportCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD",
            description = "The report's date and folder name (default: the as-of date of the current marts).")
    LocalDate date;

    @Option(names = "--lang", paramLabel = "LANG", description = "zh-CN or en (default: xueqing.locale).")
    String lang;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write into this folder (default: <warehouse>/reports/<date>, with reports/latest "
                    + "pointing at the newest).")
    Path out;

    @Option(names = "--course", paramLabel = "COURSE", arity = "1..*",
            description = "Only these courses (course ids as in the marts; default: every course).")
    List<String> courses = new ArrayList<>();

    @Override
    public Integer call() {
        if (lang != null && !XueqingConfig.Report.LOCALES.contains(lang)) {
            err().println("error: --lang " + lang + " is not a report language: use one of "
                    + XueqingConfig.Report.LOCALES + ".");
            return XueqingCli.USAGE;
        }
        XueqingConfig config = config();
        try (SparkSessions.Handle handle = SparkSessions.acquire(config)) {
            Warehouse wh = new Warehouse(handle.session(), config.warehouse());
            ReportJob.Result r;
            try {
                r = new ReportJob(wh, config).run(new ReportJob.Options(date, lang, out, courses));
            } catch (IllegalArgumentException e) {
                err().println("error: " + e.getMessage());
                return XueqingCli.USAGE;
            }
            print(r);
            if (r.failed()) {
                err().println("error: " + r.problem());
                return XueqingCli.FAILED;
            }
            return XueqingCli.OK;
        }
    }

    private void print(ReportJob.Result r) {
        long bytes = r.pages().stream().mapToLong(ReportJob.PageSize::bytes).sum();
        long largest = r.pages().stream().mapToLong(ReportJob.PageSize::bytes).max().orElse(0);
        out().printf(java.util.Locale.ROOT, "Report %s (%s): %d page(s), %,d bytes (largest page %,d) in %.1f s%n",
                r.date(), r.lang(), r.pages().size(), bytes, largest, r.took().toMillis() / 1000.0);
        out().println("Open: " + r.index().toUri());
        out().flush();
    }
}
