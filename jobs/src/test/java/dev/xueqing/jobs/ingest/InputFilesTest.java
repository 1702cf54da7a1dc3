package dev.xueqing.jobs.ingest;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How inputs are found and named: names with ':', spaces and brackets, symbolic links, globs. */
class InputFilesTest extends SparkTestBase {
    static final Instant NOW = Instant.parse("2026-03-10T00:00:00Z");

    private static String statement(int i) {
        return IngestJobTest.stmt(String.format("6f1f6a38-2f5b-4f2a-9b7e-%012d", i), "s" + i, IngestJobTest.VIEWED,
                "urn:p1", "2026-03-01T08:00:00Z");
    }

    @Test
    void namesWithColonSpaceAndBracketsAreIngestedInAFolderAndGivenDirectly(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("lrs 2026-09-01T10:00.jsonl"), statement(1) + "\n");
        Files.writeString(in.resolve("export[1].jsonl"), statement(2) + "\n");
        Path direct = Files.writeString(Files.createDirectories(dir.resolve("direct"))
                .resolve("lrs 2026-09-02T10:00 [2].jsonl"), statement(3) + "\n");
        Path wh = dir.resolve("wh");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(new String[] {"ingest", "--input", in.toString(), direct.toString(),
                "--warehouse", wh.toString(), "--tenant", "t1"}, new HashMap<>(), new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("3 file(s)").contains("format xapi: detected");
        assertThat(err.toString()).doesNotContain("URISyntaxException").doesNotContain("\tat ");

        List<String> refs = new Warehouse(spark(), wh.toString()).read(DatasetRef.EVENTS).select("raw_ref")
                .orderBy("raw_ref").collectAsList().stream().map(r -> r.getString(0)).toList();
        assertThat(refs).containsExactly(
                "file:" + direct + ":1",
                "file:" + in.resolve("export[1].jsonl") + ":1",
                "file:" + in.resolve("lrs 2026-09-01T10:00.jsonl") + ":1");

        // a file named directly is that file, not a glob; a glob still matches
        assertThat(InputFiles.expand(List.of(in.resolve("export[1].jsonl").toString()), new Configuration()))
                .containsExactly("file:" + in.resolve("export[1].jsonl"));
        assertThat(InputFiles.expand(List.of(in + "/export*.jsonl", in + "/lrs*"), new Configuration()))
                .containsExactly("file:" + in.resolve("export[1].jsonl"),
                        "file:" + in.resolve("lrs 2026-09-01T10:00.jsonl"));
    }

    @Test
    void aSymbolicLinkLoopIsNotFollowedAndEachFileIsReadOnce(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path a = Files.writeString(in.resolve("a.jsonl"), statement(1) + "\n" + statement(2) + "\n");
        Path sub = Files.createDirectories(in.resolve("sub"));
        Files.createSymbolicLink(sub.resolve("loop"), in);          // in/sub/loop -> in: a loop
        Files.createSymbolicLink(in.resolve("same.jsonl"), a);      // a second name for a.jsonl

        InputFiles.Listing listing = InputFiles.list(List.of(in.toString(), a.toString()), new Configuration());
        assertThat(listing.files()).containsExactly("file:" + a);
        assertThat(listing.skipped()).hasSize(2);
        assertThat(listing.skipped().get(0)).contains("sub/loop").contains("symbolic link loop");
        assertThat(listing.skipped().get(1)).contains("same.jsonl").contains("the same file as file:" + a);

        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        XapiAdapter adapter = new XapiAdapter(IngestJobTest.CONFIG.xapi(), IngestJobTest.CONFIG.skills().extensions(),
                IngestJobTest.PSEUDO,
                IngestJobTest.CONFIG.timezone(), "t", "r1", NOW);
        IngestJob.Result r = new IngestJob(wh).run(adapter, listing.files(), "t", "r1", NOW, null);
        assertThat(r.files()).isEqualTo(1);
        assertThat(r.read()).isEqualTo(2);
        assertThat(r.accepted()).isEqualTo(2);
        assertThat(r.duplicates()).isZero();
    }

    @Test
    void anArgumentThatIsNoPathIsAGlobAndMatchingNothingSaysSo(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.jsonl"), statement(1) + "\n");
        Configuration conf = new Configuration();
        assertThat(InputFiles.expand(List.of(dir + "/*.jsonl"), conf)).containsExactly("file:" + dir.resolve("a.jsonl"));
        assertThatThrownBy(() -> InputFiles.expand(List.of(dir + "/*.csv"), conf))
                .isInstanceOf(InputFiles.NoInputException.class).hasMessageStartingWith("Input path not found: ");
        // a relative name with ':' is no URI scheme: it is looked for, and not found, as a name
        assertThatThrownBy(() -> InputFiles.expand(List.of("lrs 2026-09-01T10:00.jsonl"), conf))
                .isInstanceOf(InputFiles.NoInputException.class)
                .hasMessageStartingWith("Input path not found: lrs 2026-09-01T10:00.jsonl.");
    }
}
