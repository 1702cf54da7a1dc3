package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.Datasets;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Quarantine retention: old run partitions go, recent ones stay, 0 keeps all; status shows the oldest. */
class QuarantineRetentionTest extends SparkTestBase {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final String OLD = RunLog.newRunId(NOW.minus(Duration.ofDays(200)));
    private static final String OLDER_THAN_90 = RunLog.newRunId(NOW.minus(Duration.ofDays(91)));
    private static final String RECENT = RunLog.newRunId(NOW.minus(Duration.ofDays(3)));

    /** A warehouse with two quarantine rows in each of the three runs, the runs recorded in _runs. */
    private static Warehouse warehouse(Path root) {
        Warehouse wh = new Warehouse(spark(), root.toString());
        List<Row> rows = new ArrayList<>();
        RunLog log = new RunLog(wh);
        for (String run : List.of(OLD, OLDER_THAN_90, RECENT)) {
            Instant start = RunLog.startOf(run).orElseThrow();
            for (int i = 1; i <= 2; i++) {
                rows.add(RowFactory.create("xapi", "t1", "file:/in/f:" + i, "malformed_json", "detail", "{oops",
                        Timestamp.from(start), run));
            }
            log.record(run, "ingest", Map.of(), null, start, start.plusSeconds(5), "succeeded", Map.of(), null);
        }
        spark().createDataFrame(rows, Datasets.QUARANTINE).write().partitionBy("run_id").mode("append")
                .parquet(wh.path(DatasetRef.QUARANTINE).toString());
        return wh;
    }

    @Test
    void runIdsCarryTheirStart() {
        assertThat(RunLog.startOf("20261128T101500Z-3f9a1c2b")).contains(Instant.parse("2026-11-28T10:15:00Z"));
        assertThat(RunLog.startOf("not-a-run")).isEmpty();
    }

    @Test
    void partitionsOfRunsOlderThanTheRetentionAreDeletedAndRecentOnesKept(@TempDir Path dir) {
        Warehouse wh = warehouse(dir.resolve("wh"));
        QuarantineRetention.Purged purged = QuarantineRetention.purge(wh, 90, NOW);
        assertThat(purged.runs()).containsExactlyInAnyOrder(OLD, OLDER_THAN_90);
        assertThat(purged.rows()).isEqualTo(4);
        assertThat(wh.partitionValues(DatasetRef.QUARANTINE)).containsExactly(RECENT);
        assertThat(wh.read(DatasetRef.QUARANTINE).count()).isEqualTo(2);

        assertThat(QuarantineRetention.oldest(wh, NOW)).hasValueSatisfying(o -> {
            assertThat(o.runId()).isEqualTo(RECENT);
            assertThat(o.ageDays()).isEqualTo(3.0);
            assertThat(o.rows()).isEqualTo(2);
            assertThat(o.runs()).isEqualTo(1);
        });
    }

    @Test
    void zeroKeepsQuarantineForever(@TempDir Path dir) {
        Warehouse wh = warehouse(dir.resolve("wh"));
        assertThat(QuarantineRetention.purge(wh, 0, NOW).runs()).isEmpty();
        assertThat(wh.partitionValues(DatasetRef.QUARANTINE)).hasSize(3);
        assertThat(QuarantineRetention.oldest(wh, NOW)).hasValueSatisfying(o -> {
            assertThat(o.runId()).isEqualTo(OLD);
            assertThat(o.ageDays()).isEqualTo(200.0);
            assertThat(o.rows()).isEqualTo(6);
        });
    }

    @Test
    void aWritingRunPurgesAtItsStartAndStatusShowsTheOldestQuarantineRun(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("wh");
        Instant now = Instant.now();
        String old = RunLog.newRunId(now.minus(Duration.ofDays(40)));
        String older = RunLog.newRunId(now.minus(Duration.ofDays(400)));
        Warehouse wh = new Warehouse(spark(), root.toString());
        List<Row> rows = new ArrayList<>();
        for (String run : List.of(old, older)) {
            Instant start = RunLog.startOf(run).orElseThrow();
            rows.add(RowFactory.create("xapi", "t1", "file:/in/f:1", "malformed_json", "d", "{oops",
                    Timestamp.from(start), run));
            new RunLog(wh).record(run, "ingest", Map.of(), null, start, start.plusSeconds(5), "succeeded", Map.of(),
                    null);
        }
        spark().createDataFrame(rows, Datasets.QUARANTINE).write().partitionBy("run_id").mode("append")
                .parquet(wh.path(DatasetRef.QUARANTINE).toString());

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{oops\n", StandardCharsets.UTF_8);
        String[] ingest = {"ingest", "--format", "xapi", "--input", bad.toString(), "--warehouse", root.toString(),
                "--set", "quarantine.retention-days=60"};
        assertThat(cli(ingest)[0]).isEqualTo("1");
        List<String> kept = wh.partitionValues(DatasetRef.QUARANTINE);
        assertThat(kept).contains(old).doesNotContain(older).hasSize(2);

        String[] text = cli("status", "--warehouse", root.toString(), "--set", "quarantine.retention-days=60");
        assertThat(text[1]).contains("Quarantine: 2 row(s) in 2 run(s); the oldest from run " + old)
                .contains("40.0 day(s) ago").contains("kept 60 day(s)");
        String[] json = cli("status", "--warehouse", root.toString(), "--format", "json");
        assertThat(json[1]).contains("\"oldest_run_id\" : \"" + old + "\"").contains("\"oldest_age_days\" : 40.0")
                .contains("\"retention_days\" : 90").contains("\"rows\" : 2");
    }

    /** Exit code, standard output and error of an in-process CLI run. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = new HashMap<>();
        int code = XueqingCli.execute(args, env, new PrintWriter(out), new PrintWriter(err));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }
}
