package dev.xueqing.jobs.ops;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input and a bad warehouse: corrupted bytes and lines at volume, a corrupt gzip, a warehouse on a read-only
 * file system. Every line is accounted for, the run completes or stops with a clear message, and nothing already
 * published is lost.
 */
@Tag("faults")
class BadInputTest extends SparkTestBase {
    private static final XueqingConfig CONFIG = ConfigLoader.defaults();
    private static final Pseudonymizer PSEUDO =
            new Pseudonymizer("bad-input-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    /** The project's sample statements, as lines. */
    private static List<String> sampleLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(projectRoot().resolve("data-samples/xapi"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl.gz")).sorted().toList()) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                }
            }
        }
        return lines;
    }

    @Test
    void randomlyCorruptedBytesAndLinesAreAllAccountedFor(@TempDir Path dir) throws IOException {
        List<String> clean = sampleLines();
        Random rnd = new Random(20261128);
        List<String> out = new ArrayList<>();
        Map<String, Integer> done = new TreeMap<>();
        for (String line : clean) {
            double p = rnd.nextDouble();
            if (p < 0.02) {            // flip a few bytes somewhere in the line
                char[] c = line.toCharArray();
                for (int k = 0; k < 3; k++) {
                    c[rnd.nextInt(c.length)] = (char) (rnd.nextInt(94) + 33);
                }
                out.add(new String(c));
                done.merge("flipped", 1, Integer::sum);
            } else if (p < 0.03) {     // cut short
                out.add(line.substring(0, rnd.nextInt(line.length())));
                done.merge("truncated", 1, Integer::sum);
            } else if (p < 0.04) {     // a line of binary noise before the statement
                byte[] noise = new byte[40];
                rnd.nextBytes(noise);
                out.add(new String(noise, StandardCharsets.ISO_8859_1).replace('\n', ' ').replace('\r', ' '));
                out.add(line);
                done.merge("noise", 1, Integer::sum);
            } else if (p < 0.05) {     // delivered twice
                out.add(line);
                out.add(line);
                done.merge("twice", 1, Integer::sum);
            } else {
                out.add(line);
            }
        }
        // half the lines gzipped, half plain
        Path in = Files.createDirectories(dir.resolve("in"));
        int half = out.size() / 2;
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(in.resolve("part-1.jsonl.gz")))) {
            gz.write((String.join("\n", out.subList(0, half)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(in.resolve("part-2.jsonl"), String.join("\n", out.subList(half, out.size())) + "\n",
                StandardCharsets.UTF_8);
        long blankLines = out.stream().filter(String::isBlank).count();

        Instant now = Instant.parse("2026-11-28T00:00:00Z");
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        XapiAdapter adapter = new XapiAdapter(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDO,
                CONFIG.timezone(), "t", "vol", now);
        IngestJob.Result r = new IngestJob(wh).run(adapter, List.of(in.resolve("part-1.jsonl.gz").toUri().toString(),
                in.resolve("part-2.jsonl").toUri().toString()), "t", "vol", now, null);
        System.out.printf("bad input at volume: %d lines (%s), read %d, accepted %d, duplicates %d, quarantined %d %s,"
                        + " voiding %d, voided %d%n", out.size(), done, r.read(), r.accepted(), r.duplicates(),
                r.quarantined(), r.quarantinedByReason(), r.voidingStatements(), r.voidedRemoved());

        // every non-blank line is a record, and every record is an event, a duplicate, a quarantine row or voiding
        assertThat(r.read()).isEqualTo(out.size() - blankLines);
        assertThat(r.read()).isEqualTo(r.accepted() + r.duplicates() + r.quarantined() + r.voidingStatements()
                + r.voidedRemoved());
        assertThat(r.duplicates()).isGreaterThanOrEqualTo(done.get("twice"));
        assertThat(r.quarantinedByReason()).containsKey("malformed_json");
        assertThat(r.quarantined()).isGreaterThanOrEqualTo(done.get("noise") + done.get("truncated") / 2);
        assertThat(wh.read(DatasetRef.EVENTS).count()).isEqualTo(r.accepted());
        assertThat(wh.read(DatasetRef.QUARANTINE).count()).isEqualTo(r.quarantined());
    }

    @Test
    void aCorruptGzipIsQuarantinedAndThePublishedWarehouseIsKept(@TempDir Path dir) throws Exception {
        Path wh = dir.resolve("wh");
        Path hand = projectRoot().resolve("data-samples/xapi/hand-course.jsonl");
        assertThat(cli("ingest", "--format", "xapi", "--input", hand.toString(), "--warehouse", wh.toString()).code())
                .isZero();
        Warehouse w = new Warehouse(spark(), wh.toString());
        long before = w.read(DatasetRef.EVENTS).count();
        List<Row> progressBefore = w.read(DatasetRef.LEARNERS).collectAsList();

        // a gzip whose middle bytes are garbage
        Path bad = Files.createDirectories(dir.resolve("bad"));
        byte[] gz;
        try (var bytes = new java.io.ByteArrayOutputStream(); OutputStream o = new GZIPOutputStream(bytes)) {
            List<String> lines = sampleLines().subList(0, 3000);
            o.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            o.close();
            gz = bytes.toByteArray();
        }
        for (int i = gz.length / 2; i < gz.length / 2 + 64; i++) {
            gz[i] = (byte) (gz[i] ^ 0x5a);
        }
        Files.write(bad.resolve("corrupt.jsonl.gz"), gz);
        Run r = cli("ingest", "--format", "xapi", "--input", bad.toString(), "--warehouse", wh.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("unreadable_input");
        assertThat(w.read(DatasetRef.EVENTS).count()).isGreaterThan(before);
        Row q = w.read(DatasetRef.QUARANTINE).filter(col("reason").equalTo("unreadable_input")).first();
        assertThat(q.<String>getAs("detail")).contains("the records before this point were read");
        // the earlier learners are all still there
        List<String> keysBefore = progressBefore.stream().map(x -> x.<String>getAs("learner_key")).toList();
        assertThat(w.read(DatasetRef.LEARNERS).select("learner_key").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsAll(keysBefore);
    }

    @Test
    void anUnreadableInputIsQuarantinedByNameAndTriedAgainNextNight(@TempDir Path dir) throws IOException {
        // root reads any file, so "unreadable" here is a link to a file that is not there (a real sight in
        // shared folders); Hadoop's folder listing leaves such an entry out without a word
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(projectRoot().resolve("data-samples/xapi/hand-course.jsonl"), in.resolve("hand.jsonl"));
        Path missing = dir.resolve("elsewhere/late.jsonl");
        Files.createSymbolicLink(in.resolve("late.jsonl"), missing);
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh"),
                "inputs=[{format=xapi,paths=[\"" + in + "\"]}]"), Map.of());
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        // the nightly's ingest step (its marts play no part in this)
        IngestJob.Result first;
        try (var p = new dev.xueqing.jobs.pipeline.Pipeline(config, Map.of())) {
            first = p.ingestConfigured().ingests().get(0).result();
        }
        assertThat(first.files()).isEqualTo(2);
        assertThat(first.accepted()).isEqualTo(33);
        assertThat(first.quarantinedByReason()).containsEntry("unreadable_input", 1L);
        Row q = wh.read(DatasetRef.QUARANTINE).filter(col("reason").equalTo("unreadable_input")).first();
        assertThat(q.<String>getAs("raw_ref")).contains("late.jsonl");
        assertThat(q.<String>getAs("detail")).contains("late.jsonl").contains("does not exist");

        // not recorded as ingested: the next night tries it again; once it is there, it is read
        Files.createDirectories(missing.getParent());
        Files.write(missing, sampleLines().subList(0, 5));
        IngestJob.Result second;
        try (var p = new dev.xueqing.jobs.pipeline.Pipeline(config, Map.of())) {
            second = p.ingestConfigured().ingests().get(0).result();
        }
        assertThat(second.files()).isEqualTo(1);
        assertThat(second.accepted()).isEqualTo(5);
        assertThat(second.quarantinedByReason()).doesNotContainKey("unreadable_input");
        assertThat(wh.read(DatasetRef.EVENTS).count()).isEqualTo(38);
    }

    @Test
    void aWarehouseOnAReadOnlyFileSystemStopsWithAClearMessage() {
        // /proc refuses new folders even to root: a real read-only place
        Run r = cli("ingest", "--format", "xapi", "--input",
                projectRoot().resolve("data-samples/xapi/hand-course.jsonl").toString(),
                "--warehouse", "/proc/xueqing-warehouse");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("/proc/xueqing-warehouse").doesNotContain("\tat ");
    }

    record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(args, Map.of(), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }
}
