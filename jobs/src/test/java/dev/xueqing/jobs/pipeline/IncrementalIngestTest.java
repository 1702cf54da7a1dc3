package dev.xueqing.jobs.pipeline;

import dev.xueqing.jobs.testing.TestInputs;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nightly's ingest step ({@link Pipeline#ingestConfigured()}, also {@code xueqing ingest} without
 * {@code --input}) reads only new and changed files; a changed file replaces what it gave before. The nightly runs
 * the same step (NightlyAcceptanceTest's rerun reads nothing); the marts it builds after it play no part here.
 */
class IncrementalIngestTest extends SparkTestBase {
    static String stmt(String id, String learner, String ts) {
        return TestInputs.viewed(id, learner, ts) + "\n";
    }

    static final String ID = "11111111-2222-4333-8444-5555555555";

    private static Pipeline.IngestOutcome night(XueqingConfig config) {
        try (Pipeline p = new Pipeline(config, Map.of())) {
            Pipeline.Summary s = p.ingestConfigured();
            assertThat(s.failed()).isFalse();
            assertThat(s.marts()).isEmpty();
            assertThat(s.dims()).containsKey("learners");
            return s.ingests().get(0);
        }
    }

    private static List<String> ids(Warehouse wh) {
        return wh.read(DatasetRef.EVENTS).select("event_id").as(Encoders.STRING()).collectAsList().stream()
                .sorted().toList();
    }

    @Test
    void onlyNewAndChangedFilesAreReadAndAChangedFileReplacesItsEvents(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.jsonl"), stmt(ID + "01", "alice", "2026-03-01T08:00:00Z")
                + stmt(ID + "02", "bob", "2026-03-02T08:00:00Z"));
        Files.writeString(in.resolve("b.jsonl"), stmt(ID + "03", "carol", "2026-03-03T08:00:00Z"));
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh"),
                "inputs=[{format=xapi,paths=[\"" + in + "\"]}]"), Map.of());
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());

        Pipeline.IngestOutcome first = night(config);
        assertThat(first.result().files()).isEqualTo(2);
        assertThat(first.result().accepted()).isEqualTo(3);

        // nothing new; the same step from the command line: `xueqing ingest` without --input
        TestInputs.Run second = TestInputs.cli(Map.of(), "ingest", "--set", "warehouse=" + dir.resolve("wh"),
                "--set", "inputs=[{format=xapi,paths=[\"" + in + "\"]}]");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out()).contains("nothing new: 2 file(s) unchanged");
        assertThat(ids(wh)).containsExactly(ID + "01", ID + "02", ID + "03");

        // a new file is the only one read; a touched file with the same bytes is unchanged
        Files.writeString(in.resolve("c.jsonl"), stmt(ID + "04", "dave", "2026-03-04T08:00:00Z"));
        Files.setLastModifiedTime(in.resolve("a.jsonl"), FileTime.from(Instant.now().plusSeconds(60)));
        Pipeline.IngestOutcome third = night(config);
        assertThat(third.files()).containsExactly(in.resolve("c.jsonl").toUri().toString().replace("file:///", "file:/"));
        assertThat(third.result().accepted()).isEqualTo(1);
        assertThat(third.unchangedFiles()).isEqualTo(2);
        assertThat(ids(wh)).containsExactly(ID + "01", ID + "02", ID + "03", ID + "04");

        // b.jsonl is rewritten with other content: its old event is replaced, not added to
        Files.writeString(in.resolve("b.jsonl"), stmt(ID + "05", "carol", "2026-03-05T08:00:00Z")
                + stmt(ID + "06", "erin", "2026-03-03T09:00:00Z"));
        Pipeline.IngestOutcome fourth = night(config);
        assertThat(fourth.result().files()).isEqualTo(1);
        assertThat(fourth.result().accepted()).isEqualTo(2);
        assertThat(fourth.result().replacedRemoved()).isEqualTo(1);
        assertThat(ids(wh)).containsExactly(ID + "01", ID + "02", ID + "04", ID + "05", ID + "06");
    }

    @Test
    void ingestWithoutInputNeedsConfiguredInputs(@TempDir Path dir) {
        TestInputs.Run none = TestInputs.cli(Map.of(), "ingest", "--set", "warehouse=" + dir.resolve("wh"),
                "--set", "inputs=[]");
        assertThat(none.code()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).contains("no input is configured (xueqing.inputs)", "--input");
        TestInputs.Run formatAlone = TestInputs.cli(Map.of(), "ingest", "--format", "xapi",
                "--set", "warehouse=" + dir.resolve("wh"));
        assertThat(formatAlone.code()).as(formatAlone.toString()).isEqualTo(2);
        assertThat(formatAlone.err()).contains("--format, --mapping and --tenant describe the files of --input");
        assertThat(dir.resolve("wh")).doesNotExist();
    }
}
