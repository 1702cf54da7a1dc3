package dev.xueqing.jobs.ops;

import dev.xueqing.jobs.testing.TestInputs.Run;
import dev.xueqing.jobs.testing.TestInputs;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.UsageException;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every run leaves its row in {@code _runs}, whatever ends it: a checked Spark exception, an input whose every record
 * is rejected, a dead process whose lock the next run takes over. And {@code status} reports what the last run was.
 */
class RunRecordsTest extends SparkTestBase {
    private static final Map<String, String> ENV = Map.of("XUEQING_PSEUDONYM_KEY", "run-records-test-key-0123456789");


    static Run cli(String... args) {
        return TestInputs.cli(ENV, args);
    }

    static String stmt(String id, String learner, String ts) {
        return TestInputs.viewed(id, learner, ts);
    }

    private static Path goodFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("good.jsonl"),
                stmt("21111111-2222-4333-8444-555555555501", "alice", "2026-03-01T08:00:00+08:00") + "\n"
                        + stmt("21111111-2222-4333-8444-555555555502", "bob", "2026-03-02T09:00:00+08:00") + "\n",
                StandardCharsets.UTF_8);
    }

    private static List<Row> runs(String warehouse) {
        return new RunLog(new Warehouse(spark(), warehouse)).all().orderBy("started_at").collectAsList();
    }

    @Test
    void aFirstIngestThatAcceptsNothingPrintsTheSummaryRecordsAFailureAndBuildsNoDims(@TempDir Path dir)
            throws IOException {
        String wh = dir.resolve("wh").toString();
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"not\": \"a statement\"}\n{oops\n", StandardCharsets.UTF_8);

        Run r = cli("ingest", "--format", "xapi", "--input", bad.toString(), "--warehouse", wh);
        assertThat(r.code()).as(r.toString()).isEqualTo(XueqingCli.FAILED);
        assertThat(r.out()).contains("quarantined", "malformed_json")
                .contains("FAILED: no event was accepted: all 2 record(s) read were quarantined (")
                .contains("malformed_json 1")
                .contains("the dims were not built");
        assertThat(r.err()).doesNotContain("does not exist");
        Warehouse w = new Warehouse(spark(), wh);
        assertThat(w.exists(DatasetRef.EVENTS)).isFalse();
        assertThat(w.exists(DatasetRef.LEARNERS)).isFalse();
        assertThat(w.read(DatasetRef.QUARANTINE).count()).isEqualTo(2);
        List<Row> runs = runs(wh);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).<String>getAs("status")).isEqualTo("failed");
        assertThat(runs.get(0).<String>getAs("message")).startsWith("no event was accepted");
        assertThat(runs.get(0).<scala.collection.Map<String, Long>>getAs("counts").get("quarantined").get())
                .isEqualTo(2L);

        Run status = cli("status", "--warehouse", wh);
        assertThat(status.code()).isEqualTo(XueqingCli.FAILED);
        assertThat(status.out()).contains("failed: no event was accepted");

        // an empty file gives nothing either, and says so
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        Run e = cli("ingest", "--format", "xapi", "--input", empty.toString(), "--warehouse", wh);
        assertThat(e.code()).as(e.toString()).isEqualTo(XueqingCli.FAILED);
        assertThat(e.out()).contains("FAILED: no event was accepted");

        // good input afterwards: accepted, dims built, exit 0
        Run good = cli("ingest", "--format", "xapi", "--input", goodFile(dir).toString(), "--warehouse", wh);
        assertThat(good.code()).as(good.toString()).isZero();
        assertThat(w.read(DatasetRef.EVENTS).count()).isEqualTo(2);
        assertThat(w.read(DatasetRef.LEARNERS).count()).isEqualTo(2);

        // all rejected into a warehouse that has events: the summary says so per input, dims kept, exit 1
        Path bad2 = Files.writeString(dir.resolve("bad2.jsonl"), "{oops again\n", StandardCharsets.UTF_8);
        Run again = cli("ingest", "--format", "xapi", "--input", bad2.toString(), "--warehouse", wh);
        assertThat(again.code()).as(again.toString()).isEqualTo(XueqingCli.FAILED);
        assertThat(again.out()).contains("Dims:").contains("FAILED: no event was accepted: all 1 record(s)");
        assertThat(w.read(DatasetRef.EVENTS).count()).isEqualTo(2);
    }

    @Test
    void aCheckedSparkExceptionInANightlyIsRecordedAsAFailedRunAndStatusReportsIt(@TempDir Path dir)
            throws IOException {
        String wh = dir.resolve("wh").toString();
        Path good = goodFile(dir);
        assertThat(cli("ingest", "--format", "xapi", "--input", good.toString(), "--warehouse", wh).code()).isZero();
        // a damaged ingest ledger: reading it raises Spark's AnalysisException, a checked exception to Java
        Warehouse w = new Warehouse(spark(), wh);
        w.publish(DatasetRef.INGESTED_FILES, spark().sql("SELECT 1 AS damaged"), "damage");
        Path conf = Files.writeString(dir.resolve("n.conf"),
                "xueqing.inputs = [ { format = xapi, paths = [\"" + good + "\"] } ]\n");

        Run r = cli("nightly", "--conf", conf.toString(), "--warehouse", wh, "--date", "2026-03-31");
        assertThat(r.code()).as(r.toString()).isEqualTo(XueqingCli.FAILED);
        assertThat(r.err()).startsWith("error: ").contains("UNRESOLVED_COLUMN").doesNotContain("\tat ");
        List<Row> runs = runs(wh);
        Row nightly = runs.stream().filter(x -> "nightly".equals(x.getAs("job"))).findFirst().orElseThrow();
        assertThat(nightly.<String>getAs("status")).isEqualTo("failed");
        assertThat(nightly.<String>getAs("message")).contains("UNRESOLVED_COLUMN").contains("damaged");

        Run status = cli("status", "--warehouse", wh);
        assertThat(status.code()).isEqualTo(XueqingCli.FAILED);
        assertThat(status.out()).contains("(nightly) failed:");
    }

    @Test
    void aRunWhoseProcessDiedIsRecordedAsInterruptedByTheRunThatTakesOverItsLock(@TempDir Path dir)
            throws IOException {
        String wh = dir.resolve("wh").toString();
        Files.createDirectories(Path.of(wh));
        // the lock of a nightly whose process is gone (no process has this pid on this host)
        long deadPid = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1) + 100_000;
        String dead = "20261201T010000Z-deadbeef";
        Files.writeString(Path.of(wh, "_lock"), new ObjectMapper().writeValueAsString(Map.of("runId", dead,
                "command", "nightly", "pid", deadPid, "host", InetAddress.getLocalHost().getHostName(),
                "startedAt", "2026-12-01T01:00:00Z")));

        Run r = cli("ingest", "--format", "xapi", "--input", goodFile(dir).toString(), "--warehouse", wh);
        assertThat(r.code()).as(r.toString()).isZero();
        Row interrupted = runs(wh).stream().filter(x -> dead.equals(x.getAs("run_id"))).findFirst().orElseThrow();
        assertThat(interrupted.<String>getAs("job")).isEqualTo("nightly");
        assertThat(interrupted.<String>getAs("status")).isEqualTo("interrupted");
        assertThat(interrupted.<String>getAs("message")).contains("process " + deadPid).contains("took over");
        assertThat(interrupted.<java.sql.Timestamp>getAs("started_at").toInstant())
                .isEqualTo(java.time.Instant.parse("2026-12-01T01:00:00Z"));
    }

    @Test
    void onlyTheCommandsOwnChecksAreUsageErrors() {
        assertThat(XueqingCli.exitCode(new UsageException("--to needs --from"))).isEqualTo(XueqingCli.USAGE);
        // thrown inside Spark, MLlib or a job: the run failed, it is not a usage error
        assertThat(XueqingCli.exitCode(new IllegalArgumentException("requirement failed"))).isEqualTo(XueqingCli.FAILED);
        Run marts = cli("marts", "--to", "2026-03-01", "--warehouse", "/nonexistent-xueqing-wh");
        assertThat(marts.code()).isEqualTo(XueqingCli.USAGE);
        assertThat(marts.err()).contains("--to needs --from");
    }
}
