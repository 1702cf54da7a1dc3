package dev.xueqing.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.pipeline.QuarantineRetention;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.io.WarehouseLock;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

/**
 * {@code xueqing status}: the last runs with their outcome and counts, the freshness of every mart, the quarantine
 * trend by reason, and who holds the warehouse lock. Exit code 1 when the last run failed or a mart is missing or
 * older than the allowed age, so that a scheduler or monitor can alert on it; 0 otherwise.
 */
@CommandLine.Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the last runs, the freshness of every mart and the quarantine trend; exit 1 when the "
                + "last run failed or a mart is missing or too old.")
final class StatusCommand extends BaseCommand {
    enum Format { table, json }

    @Option(names = "--runs", paramLabel = "N", description = "How many recent runs to list (default: 10).")
    int runs = 10;

    @Option(names = "--max-age-hours", paramLabel = "H",
            description = "A mart published longer ago than this is stale (default: xueqing.ops.max-mart-age-hours).")
    Double maxAgeHours;

    @Option(names = "--days", paramLabel = "D", description = "Days of quarantine trend to show (default: 7).")
    int days = 7;

    @Option(names = "--format", description = "Output: ${COMPLETION-CANDIDATES} (default: table).")
    Format format = Format.table;

    /** One mart's freshness. */
    record Freshness(String mart, Instant publishedAt, Double ageHours, String state) {}

    @Override
    public Integer call() {
        XueqingConfig config = config();
        double maxAge = maxAgeHours != null ? maxAgeHours : config.ops().maxMartAgeHours();
        try (SparkSessions.Handle handle = SparkSessions.acquire(config)) {
            Warehouse wh = new Warehouse(handle.session(), config.warehouse());
            Instant now = Instant.now();
            List<String> problems = new ArrayList<>();

            // runs
            List<Row> recent = List.of();
            String[] runColumns = {"run_id", "job", "status", "started_at", "seconds", "accepted", "quarantined",
                    "message"};
            if (wh.exists(DatasetRef.RUNS)) {
                Dataset<Row> all = new RunLog(wh).all();
                recent = all.orderBy(col("started_at").desc(), col("run_id").desc()).limit(runs)
                        .selectExpr("run_id", "job", "status", "cast(started_at as string)",
                                "cast(round(unix_millis(ended_at) / 1000.0 - unix_millis(started_at) / 1000.0) as long)",
                                "counts['accepted']", "counts['quarantined']", "message")
                        .collectAsList();
                // the last top-level run decides (ingest runs inside a nightly carry the nightly's id as prefix);
                // failed and interrupted runs (recorded by the run that took over their lock) are both problems
                List<Row> last = all.filter(col("job").isin("nightly", "marts", "ingest", "dims", "train-risk",
                                "score-risk", "train-skills"))
                        .filter("not (job = 'ingest' and run_id rlike '-[a-z]+-[0-9]+$')")
                        .orderBy(col("started_at").desc()).limit(1).collectAsList();
                if (!last.isEmpty() && !"succeeded".equals(last.get(0).getAs("status"))) {
                    problems.add("the last run " + last.get(0).getAs("run_id") + " (" + last.get(0).getAs("job")
                            + ") " + last.get(0).getAs("status") + ": " + last.get(0).getAs("message"));
                }
            } else {
                problems.add("no run has been recorded in " + wh.root());
            }

            // marts
            List<Freshness> marts = new ArrayList<>();
            for (Mart m : MartCatalog.all()) {
                Instant at = wh.publishedAt(m.ref());
                if (at == null) {
                    marts.add(new Freshness(m.spec().name(), null, null, "missing"));
                    problems.add("mart " + m.spec().name() + " has never been published");
                    continue;
                }
                double age = Duration.between(at, now).toMillis() / 3_600_000.0;
                boolean stale = age > maxAge;
                marts.add(new Freshness(m.spec().name(), at, Math.round(age * 10) / 10.0, stale ? "STALE" : "ok"));
                if (stale) {
                    problems.add(String.format(java.util.Locale.ROOT, "mart %s is %.1f h old (more than %.1f h)",
                            m.spec().name(), age, maxAge));
                }
            }

            // quarantine trend: quarantined records by reason and day of the ingest runs
            List<Row> trend = List.of();
            if (wh.exists(DatasetRef.RUNS)) {
                trend = new RunLog(wh).all().filter(col("job").equalTo("ingest"))
                        .filter(col("started_at").geq(java.sql.Timestamp.from(now.minus(Duration.ofDays(days)))))
                        .select(to_date(col("started_at")).as("day"), explode(col("counts")).as(new String[] {"k", "n"}))
                        .filter(col("k").startsWith("quarantined."))
                        .groupBy(col("day"), substring(col("k"), "quarantined.".length() + 1, 200).as("reason"))
                        .agg(sum("n").as("records")).orderBy("day", "reason")
                        .selectExpr("cast(day as string)", "reason", "records").collectAsList();
            }
            java.util.Optional<QuarantineRetention.Oldest> oldest = QuarantineRetention.oldest(wh, now);
            int retention = config.ops().quarantineRetentionDays();
            WarehouseLock.Holder holder = WarehouseLock.holder(wh);

            if (format == Format.json) {
                printJson(wh, holder, recent, runColumns, marts, trend, oldest, retention, problems);
            } else {
                out().println("Warehouse: " + wh.root());
                out().println("Lock: " + (holder == null ? "free" : "held by run " + holder.runId() + " ("
                        + holder.command() + ", process " + holder.pid() + " on " + holder.host() + ", since "
                        + holder.startedAt() + ")"));
                out().println();
                out().println("Last runs:");
                SqlCommand.printTable(out(), runColumns, recent, false);
                out().println();
                out().printf(java.util.Locale.ROOT, "Marts (stale after %.1f h):%n", maxAge);
                List<Row> rows = marts.stream().map(f -> RowFactory.create(f.mart(),
                        f.publishedAt() == null ? null : f.publishedAt().toString(), f.ageHours(), f.state())).toList();
                SqlCommand.printTable(out(), new String[] {"mart", "published_at", "age_hours", "state"}, rows, false);
                out().println();
                out().println("Quarantined records by reason, last " + days + " day(s) of ingest runs:");
                SqlCommand.printTable(out(), new String[] {"day", "reason", "records"}, trend, false);
                out().println();
                out().println(quarantineLine(oldest, retention));
                out().println();
                out().println(problems.isEmpty() ? "Status: OK" : "Status: ATTENTION");
                problems.forEach(p -> out().println("  - " + p));
            }
            return problems.isEmpty() ? XueqingCli.OK : XueqingCli.FAILED;
        }
    }

    /** "Quarantine: 12 row(s) in 3 run(s); the oldest from run … (started …, 4.5 days ago); kept 90 days". */
    static String quarantineLine(java.util.Optional<QuarantineRetention.Oldest> oldest, int retentionDays) {
        String kept = retentionDays == 0 ? "kept forever (xueqing.quarantine.retention-days = 0)"
                : "kept " + retentionDays + " day(s) (xueqing.quarantine.retention-days)";
        if (oldest.isEmpty()) {
            return "Quarantine: empty; " + kept;
        }
        QuarantineRetention.Oldest o = oldest.get();
        return String.format(java.util.Locale.ROOT, "Quarantine: %d row(s) in %d run(s); the oldest from run %s "
                + "(started %s, %.1f day(s) ago); %s", o.rows(), o.runs(), o.runId(), o.startedAt(), o.ageDays(), kept);
    }

    private void printJson(Warehouse wh, WarehouseLock.Holder holder, List<Row> recent, String[] runColumns,
                           List<Freshness> marts, List<Row> trend,
                           java.util.Optional<QuarantineRetention.Oldest> oldest, int retention,
                           List<String> problems) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("warehouse", wh.root().toString());
        root.put("ok", problems.isEmpty());
        ArrayNode p = root.putArray("problems");
        problems.forEach(p::add);
        root.set("lock", holder == null ? null : json.valueToTree(holder));
        ArrayNode runsNode = root.putArray("runs");
        for (Row r : recent) {
            ObjectNode n = runsNode.addObject();
            for (int i = 0; i < runColumns.length; i++) {
                n.set(runColumns[i], json.valueToTree(r.isNullAt(i) ? null : r.get(i)));
            }
        }
        ArrayNode m = root.putArray("marts");
        for (Freshness f : marts) {
            ObjectNode n = m.addObject();
            n.put("mart", f.mart());
            n.put("published_at", f.publishedAt() == null ? null : f.publishedAt().toString());
            n.put("age_hours", f.ageHours());
            n.put("state", f.state());
        }
        ObjectNode q = root.putObject("quarantine");
        q.put("retention_days", retention);
        q.put("rows", oldest.map(QuarantineRetention.Oldest::rows).orElse(0L));
        q.put("runs", oldest.map(QuarantineRetention.Oldest::runs).orElse(0L));
        q.put("oldest_run_id", oldest.map(QuarantineRetention.Oldest::runId).orElse(null));
        q.put("oldest_started_at", oldest.map(o -> o.startedAt().toString()).orElse(null));
        q.put("oldest_age_days", oldest.map(QuarantineRetention.Oldest::ageDays).orElse(null));
        ArrayNode t = root.putArray("quarantine_trend");
        for (Row r : trend) {
            t.addObject().put("day", r.getString(0)).put("reason", r.getString(1)).put("records", r.getLong(2));
        }
        out().println(root.toPrettyString());
    }
}
