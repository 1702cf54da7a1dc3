package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.research.ResearcherExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code xueqing export --researcher}: the learning index and de-identified aggregates, after disclosure control,
 * with a codebook and a manifest (docs/privacy.md).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export for researchers: the learning index marts and de-identified aggregates (course × week "
                + "quality, item statistics, cohort retention, tutor service by course), each after disclosure "
                + "control, with codebook.md/.csv and manifest.json (rules, run, row counts, SHA-256 of each file).")
final class ExportCommand extends BaseCommand {
    @Option(names = "--researcher", required = true,
            description = "The researcher export (the only export; required, so that what leaves is explicit).")
    boolean researcher;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write into this folder, replacing an earlier export there (default: "
                    + "<warehouse>/export/researcher/<as-of date>).")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "parquet or csv (default: parquet; csv writes arrays and maps as JSON text).")
    ResearcherExport.Format format = ResearcherExport.Format.parquet;

    @Override
    public Integer call() {
        XueqingConfig config = config();
        try (SparkSessions.Handle handle = SparkSessions.acquire(config)) {
            Warehouse wh = new Warehouse(handle.session(), config.warehouse());
            ResearcherExport.Result r = new ResearcherExport(wh, config).run(out, format);
            out().println("Researcher export " + (r.asOf() != null ? "as of " + r.asOf() + " (run " + r.runId() + ")"
                    : "(no marts run recorded)") + ": " + r.folder());
            for (Map.Entry<String, Long> e : r.rows().entrySet()) {
                Long hidden = r.suppressed().get(e.getKey());
                out().printf("  %-28s %8d rows%s%n", e.getKey(), e.getValue(),
                        hidden == null ? "" : ", " + hidden + " suppressed");
            }
            out().println("Codebook: " + r.folder().resolve(ResearcherExport.CODEBOOK_MD) + "; manifest: "
                    + r.folder().resolve(ResearcherExport.MANIFEST));
            out().flush();
            return XueqingCli.OK;
        }
    }
}
