package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.testing.TestInputs.Run;
import dev.xueqing.jobs.testing.TestInputs;
import dev.xueqing.common.testing.SparkTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line contract: options, exit codes, messages; run in-process on the shared test session. */
class CliCommandsTest extends SparkTestBase {

    @TempDir
    static Path dir;
    static Path warehouse;
    static Path good;
    static Path bad;

    static Run cli(String... args) {
        return TestInputs.cli(new HashMap<>(), args);
    }

    static String stmt(String id, String learner, String ts) {
        return TestInputs.viewed(id, learner, ts);
    }

    @BeforeAll
    static void ingestATinyFile() throws IOException {
        spark();
        warehouse = dir.resolve("wh");
        good = dir.resolve("good.jsonl");
        Files.writeString(good, stmt("11111111-2222-4333-8444-555555555501", "alice", "2026-03-01T08:00:00+08:00")
                + "\n" + stmt("11111111-2222-4333-8444-555555555502", "bob", "2026-03-02T09:00:00+08:00") + "\n",
                StandardCharsets.UTF_8);
        bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, stmt("11111111-2222-4333-8444-555555555503", "carol", "2026-03-02T09:00:00+08:00")
                + "\n{oops\n" + stmt("not-a-uuid", "dave", "2026-03-02T09:00:00+08:00") + "\n", StandardCharsets.UTF_8);
        Run r = cli("ingest", "--format", "xapi", "--input", good.toString(), "--warehouse", warehouse.toString(),
                "--tenant", "t1");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("events accepted").contains("2").contains("DEMO key");
    }

    @Test
    void helpListsTheCommands() {
        Run r = cli("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("nightly", "ingest", "marts", "train-risk", "score-risk", "sql", "validate", "docs", "generate-samples");
    }

    @Test
    void usageErrorsExitWith2AndSayWhatToDo() {
        assertThat(cli().code()).isEqualTo(2);
        Run unknown = cli("nightly", "--colour");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--colour").contains("--help");
        Run badDate = cli("nightly", "--date", "2026-13-01");
        assertThat(badDate.code()).isEqualTo(2);
        Run badConf = cli("marts", "--set", "timezone=Mars/Olympus", "--warehouse", warehouse.toString());
        assertThat(badConf.code()).isEqualTo(2);
        assertThat(badConf.err()).contains("xueqing.timezone");
        Run badFormat = cli("ingest", "--format", "scorm", "--input", good.toString());
        assertThat(badFormat.code()).isEqualTo(2);
        assertThat(badFormat.err()).contains("scorm").contains("xapi");
        Run missing = cli("ingest", "--format", "xapi", "--input", dir.resolve("nope").toString(),
                "--warehouse", dir.resolve("wh-missing").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Input path not found").doesNotContain("\tat ");
        Run prod = cli("ingest", "--format", "xapi", "--input", good.toString(), "--set", "mode=production",
                "--warehouse", dir.resolve("wh-prod").toString());
        assertThat(prod.code()).isEqualTo(2);
        assertThat(prod.err()).contains("demo pseudonym key");
    }

    @Test
    void sqlAnswersOverEventsAndDimsInEveryFormat() {
        Run table = cli("sql", "SELECT count(*) AS n FROM events", "--warehouse", warehouse.toString());
        assertThat(table.code()).as(table.toString()).isZero();
        assertThat(table.out()).contains("| n ").contains("| 2 ").contains("1 row(s)");
        Run csv = cli("sql", "SELECT learner_key, course_id FROM enrollments ORDER BY learner_key",
                "--format", "csv", "--warehouse", warehouse.toString());
        assertThat(csv.code()).isZero();
        assertThat(csv.out().lines().toList()).hasSize(3).first().isEqualTo("learner_key,course_id");
        assertThat(csv.out()).doesNotContain("alice").doesNotContain("bob");
        Run json = cli("sql", "SELECT course_id, learners FROM courses", "--format", "json",
                "--warehouse", warehouse.toString());
        assertThat(json.out().trim()).isEqualTo("{\"course_id\":\"https://lms.example.edu/course/C1\",\"learners\":2}");
        Run limited = cli("sql", "SELECT * FROM events", "--limit", "1", "--warehouse", warehouse.toString());
        assertThat(limited.out()).contains("1 row(s) (more rows exist");
    }

    @Test
    void sqlIsReadOnlyAndBadQueriesGiveSparksMessageWithoutAStackTrace() {
        Run write = cli("sql", "INSERT OVERWRITE DIRECTORY '/tmp/x' SELECT * FROM events",
                "--warehouse", warehouse.toString());
        assertThat(write.code()).isEqualTo(2);
        assertThat(write.err()).contains("read-only");
        Run drop = cli("sql", "DROP VIEW events", "--warehouse", warehouse.toString());
        assertThat(drop.code()).isEqualTo(2);
        Run bad = cli("sql", "SELECT nope FROM events", "--warehouse", warehouse.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("nope").doesNotContain("\tat org.apache");
        Run empty = cli("sql", "SELECT 1", "--warehouse", dir.resolve("empty").toString());
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("no datasets yet");
    }

    @Test
    void statusReportsRunsFreshnessAndTheTrendAndExits1WhenAttentionIsNeeded() throws IOException {
        Path wh = dir.resolve("wh-status");
        Run none = cli("status", "--warehouse", wh.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.out()).contains("no run has been recorded").contains("has never been published");

        Run nightly = cli("nightly", "--warehouse", wh.toString(), "--date", "2026-03-05", "--set",
                "inputs=[{format=xapi,paths=[\"" + bad + "\"]}]");
        assertThat(nightly.code()).as(nightly.toString()).isZero();
        Run ok = cli("status", "--warehouse", wh.toString());
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("Lock: free").contains("| nightly").contains("succeeded")
                .contains("learner_daily_activity").contains("Status: OK")
                .contains("| malformed_json | 1 ").contains("| invalid_id     | 1 ");
        Run stale = cli("status", "--warehouse", wh.toString(), "--max-age-hours", "0.00001", "--format", "json");
        assertThat(stale.code()).isEqualTo(1);
        assertThat(stale.out()).contains("\"ok\" : false").contains("STALE").contains("\"problems\"");

        // a failed run: an input that does not exist
        Run failed = cli("ingest", "--format", "xapi", "--input", dir.resolve("gone.jsonl").toString(),
                "--warehouse", wh.toString());
        assertThat(failed.code()).isEqualTo(2);
        Run attention = cli("status", "--warehouse", wh.toString());
        assertThat(attention.code()).isEqualTo(1);
        assertThat(attention.out()).contains("Status: ATTENTION").contains("failed: Input path not found");
    }

    @Test
    void aSecondRunOnTheSameWarehouseStopsAtStartWithExit3() throws IOException {
        Path wh = dir.resolve("wh-locked");
        Files.createDirectories(wh);
        // a live holder: this very process, as another run
        Files.writeString(wh.resolve("_lock"), "{\"runId\":\"other-run\",\"command\":\"nightly\",\"pid\":"
                + ProcessHandle.current().pid() + ",\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName()
                + "\",\"startedAt\":\"2026-11-28T01:00:00Z\"}");
        Run r = cli("ingest", "--format", "xapi", "--input", good.toString(), "--warehouse", wh.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("in use by another run").contains("other-run").doesNotContain("\tat ");
        Run status = cli("status", "--warehouse", wh.toString());
        assertThat(status.out()).contains("Lock: held by run other-run");
    }

    @Test
    void validateCountsReasonsWritesNothingAndExits1OnInvalidInput() {
        Path wh = dir.resolve("wh-validate");
        Run ok = cli("validate", "--format", "xapi", "--input", good.toString(), "--warehouse", wh.toString());
        assertThat(ok.code()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("2 valid event(s)").contains("All records are valid");
        Run r = cli("validate", "--input", bad.toString(), "--warehouse", wh.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("Format xapi: detected from the content").contains("malformed_json").contains("invalid_id").contains("bad.jsonl:2")
                .contains("2 record(s) would be quarantined");
        assertThat(wh).doesNotExist();
    }
}
