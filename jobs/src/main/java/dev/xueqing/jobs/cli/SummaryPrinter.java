package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.pipeline.Pipeline;

import java.io.PrintWriter;
import java.util.Map;

/** The readable run summary the CLI prints after ingest, marts and nightly. */
final class SummaryPrinter {
    private SummaryPrinter() {}

    static void print(PrintWriter out, String title, Pipeline.Summary s) {
        out.println();
        out.println(title + " — run " + s.runId() + (s.asOf() == null ? "" : ", as of " + s.asOf()));
        out.println("=".repeat(Math.min(100, title.length() + 30)));
        if (s.demoKey()) {
            out.println("WARNING: learner pseudonyms use the built-in DEMO key (" + s.keyOrigin() + "). They are not "
                    + "private. Set XUEQING_PSEUDONYM_KEY or xueqing.pseudonym.key-file before real use.");
        } else {
            out.println("Pseudonym key: " + s.keyOrigin());
        }
        for (Pipeline.IngestOutcome o : s.ingests()) {
            IngestJob.Result r = o.result();
            out.println();
            if (r.files() == 0) {
                out.printf("Input %s (tenant %s): nothing new: %d file(s) unchanged since they were ingested%n",
                        r.source(), r.tenant(), o.unchangedFiles());
                continue;
            }
            out.printf("Input %s (tenant %s): %d file(s), %,d record(s) read%s%n", r.source(), r.tenant(), r.files(),
                    r.read(), o.unchangedFiles() > 0 ? " (" + o.unchangedFiles() + " unchanged file(s) skipped)" : "");
            if (r.replacedRemoved() > 0) {
                out.printf("  events of changed files replaced %,8d%n", r.replacedRemoved());
            }
            if (o.detection() != null) {
                out.printf("  format %s: %s%n", r.source(), o.detection());
            }
            out.printf("  events accepted     %,12d%n", r.accepted());
            out.printf("  duplicates dropped  %,12d%n", r.duplicates());
            out.printf("  voiding statements  %,12d  (%d event(s) removed)%n", r.voidingStatements(),
                    r.voidedRemoved());
            out.printf("  late arrivals       %,12d%n", r.late());
            out.printf("  quarantined         %,12d%n", r.quarantined());
            for (Map.Entry<String, Long> e : r.quarantinedByReason().entrySet()) {
                out.printf("    %-24s %,8d%n", e.getKey(), e.getValue());
            }
            out.printf("  event_date partitions written: %d%n", r.touchedDates().size());
            if (r.nothingAccepted() && s.problem() == null) {
                out.println("  NO EVENT ACCEPTED from this input: " + Pipeline.nothingAccepted(r));
            }
        }
        if (!s.dims().isEmpty()) {
            out.println();
            out.println("Dims:");
            s.dims().forEach((k, v) -> out.printf("  %-28s %,10d rows%n", k, v));
        }
        if (!s.marts().isEmpty()) {
            out.println();
            out.println("Marts:");
            for (MartsJob.MartResult m : s.marts()) {
                if (m.ok()) {
                    out.printf("  %-28s %,10d rows  (%.1f s)%s%n", m.name(), m.rows(), m.took().toMillis() / 1000.0,
                            m.rebuild() == null || m.rebuild().startsWith("full rebuild (not of day grain")
                                    ? "" : "  " + m.rebuild());
                } else {
                    out.printf("  %-28s FAILED: %s%n", m.name(), m.error());
                }
            }
        }
        if (s.problem() != null) {
            out.println();
            out.println("FAILED: " + s.problem() + ".");
        }
        if (s.report() != null) {
            out.println();
            if (s.report().skipped() != null) {
                out.println("Report: not written: " + s.report().skipped());
            } else if (s.report().failed()) {
                out.println("Report FAILED: " + s.report().error());
            } else {
                out.printf("Report: %s (%.1f s)%n", s.report().index().toUri(), s.report().took().toMillis() / 1000.0);
            }
        }
        out.println();
        out.println("Warehouse: " + s.warehouse());
        out.printf("Time taken: %.1f s%n", s.took().toMillis() / 1000.0);
        if (!s.marts().isEmpty() && !s.failed()) {
            out.println();
            out.println("Try:");
            out.println("  bin/xueqing sql \"SELECT course_id, class_id, enrolled, active_rate, flags FROM "
                    + "course_quality_summary ORDER BY course_id, class_id\"");
            out.println("  bin/xueqing sql \"SELECT status, count(*) AS learners FROM learner_course_progress "
                    + "GROUP BY status ORDER BY learners DESC\"");
        }
    }
}
