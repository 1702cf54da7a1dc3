package dev.xueqing.jobs.ingest;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormatDetectorTest {
    @Test
    void eachFormatIsRecognisedByItsSignature() {
        assertThat(FormatDetector.detectOne("{\"actor\":{},\"verb\":{},\"object\":{}}\n")).isEqualTo("xapi");
        assertThat(FormatDetector.detectOne("{\n \"statements\": [\n  {\"actor\":{}}\n ],\n \"more\": \"\"\n}"))
                .isEqualTo("xapi");
        assertThat(FormatDetector.detectOne("{\n  \"sensor\": \"https://example.edu/s\",\n  \"sendTime\": \"x\",\n"
                + "  \"data\": []\n}")).isEqualTo("caliper");
        assertThat(FormatDetector.detectOne("{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\","
                + "\"type\":\"ViewEvent\",\"action\":\"Viewed\",\"actor\":{},\"eventTime\":\"t\"}")).isEqualTo("caliper");
        assertThat(FormatDetector.detectOne("{\"username\":\"u\",\"event_type\":\"play_video\",\"time\":\"t\","
                + "\"context\":{}}\n")).isEqualTo("edx");
        assertThat(FormatDetector.detectOne("id,eventname,component,action,target,userid,courseid,timecreated\n1,x"))
                .isEqualTo("moodle");
        assertThat(FormatDetector.detectOne(",Time,User full name,Affected user,Event context,Component,Event name\n"))
                .isEqualTo("moodle");
        assertThat(FormatDetector.detectOne("code_module,code_presentation,id_student,gender\n")).isEqualTo("oulad");
        assertThat(FormatDetector.detectOne("student,when,what\n1,2,3\n")).isEqualTo("csv");
        assertThat(FormatDetector.detectOne("just some words\n")).isNull();
        assertThat(FormatDetector.detectOne("{\"hello\":1}\n")).isNull();
    }

    @Test
    void aBrokenFirstLineDoesNotHideTheFormat() {
        assertThat(FormatDetector.detectOne("{\"actor\": {\n{\"actor\":{},\"verb\":{},\"object\":{}}\n"
                + "{\"actor\":{},\"verb\":{},\"object\":{}}\n")).isEqualTo("xapi");
    }

    @Test
    void mixedOrUnknownInputsAreAnErrorThatListsWhatEachFileLooksLike(@TempDir Path dir) throws IOException {
        Path x = Files.writeString(dir.resolve("a.jsonl"), "{\"actor\":{},\"verb\":{},\"object\":{}}\n");
        Path e = Files.writeString(dir.resolve("b.log"), "{\"event_type\":\"x\",\"time\":\"t\"}\n");
        Path u = Files.writeString(dir.resolve("c.txt"), "hello\n");
        Configuration conf = new Configuration();
        assertThat(FormatDetector.detect(List.of(x.toUri().toString()), conf).format()).isEqualTo("xapi");
        assertThatThrownBy(() -> FormatDetector.detect(List.of(x.toUri().toString(), e.toUri().toString()), conf))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mix formats")
                .hasMessageContaining("a.jsonl: xapi").hasMessageContaining("b.log: edx");
        assertThatThrownBy(() -> FormatDetector.detect(List.of(u.toUri().toString()), conf))
                .hasMessageContaining("c.txt: unknown").hasMessageContaining("--format");
    }

    static final String STATEMENT = "{\"id\":\"6f1f6a38-2f5b-4f2a-9b7e-000000000001\",\"actor\":{\"mbox\":"
            + "\"mailto:a@example.edu\"},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/experienced\"},"
            + "\"object\":{\"id\":\"https://example.edu/page/1\"},\"timestamp\":\"2026-09-01T10:00:00Z\"}";

    @Test
    void filesThatAreNotTextSayWhatTheyAre(@TempDir Path dir) throws IOException {
        Configuration conf = new Configuration();
        String empty = Files.write(dir.resolve("empty.jsonl"), new byte[0]).toUri().toString();
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        String binary = Files.write(dir.resolve("blob.jsonl"), noise).toUri().toString();
        String zip = Files.write(dir.resolve("export.csv"), new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}).toUri().toString();
        String utf16Bom = Files.write(dir.resolve("bom.csv"), "student,when,what\n1,2,3\n"
                .getBytes(StandardCharsets.UTF_16)).toUri().toString(); // Java's UTF-16 writes a byte-order mark
        String utf16 = Files.write(dir.resolve("le.jsonl"), (STATEMENT + "\n").getBytes(StandardCharsets.UTF_16LE))
                .toUri().toString();
        String bzip2 = Files.write(dir.resolve("a.jsonl.bz2"), new byte[] {'B', 'Z', 'h', '9', 1, 2}).toUri().toString();
        String parquet = Files.write(dir.resolve("events.parquet"), new byte[] {'P', 'A', 'R', '1', 0, 0}).toUri()
                .toString();
        String utf32 = Files.write(dir.resolve("w.csv"), new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0, 'a', 0, 0, 0})
                .toUri().toString();
        assertThat(kind(empty, conf)).isEqualTo(InputContent.Kind.EMPTY);
        assertThat(kind(binary, conf)).isEqualTo(InputContent.Kind.BINARY);
        assertThat(kind(zip, conf)).isEqualTo(InputContent.Kind.ZIP);
        assertThat(kind(bzip2, conf)).isEqualTo(InputContent.Kind.BZIP2);
        assertThat(kind(parquet, conf)).isEqualTo(InputContent.Kind.PARQUET);
        assertThat(kind(utf16Bom, conf)).isEqualTo(InputContent.Kind.UTF16_WITH_BOM);
        assertThat(kind(utf16, conf)).isEqualTo(InputContent.Kind.UTF16);
        assertThat(kind(utf32, conf)).isEqualTo(InputContent.Kind.UTF32);
        // what the user is told to do (the message is the product here: it ends up in the error and the quarantine)
        assertThat(FormatDetector.look(zip, conf).problem().message()).contains("zip", "export the data as CSV");
        assertThat(FormatDetector.look(utf16, conf).problem().message()).contains("convert it to UTF-8");
        assertThatThrownBy(() -> FormatDetector.detect(List.of(binary, empty, utf16), conf))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--format")
                .hasMessageContaining("blob.jsonl: binary file (not text)")
                .hasMessageContaining("empty.jsonl: empty file")
                .hasMessageContaining("le.jsonl: UTF-16 text");
    }

    @Test
    void filesThatAreNotTextDoNotVoteAndTheReasonNamesThem(@TempDir Path dir) throws IOException {
        String x = Files.writeString(dir.resolve("a.jsonl"), STATEMENT + "\n").toUri().toString();
        String empty = Files.write(dir.resolve("b.jsonl"), new byte[0]).toUri().toString();
        FormatDetector.Detection d = FormatDetector.detect(List.of(x, empty), new Configuration());
        assertThat(d.format()).isEqualTo("xapi");
        assertThat(d.decidedBy()).containsExactly(x);
        assertThat(d.notRead()).containsOnlyKeys(empty);
        assertThat(d.notRead().get(empty).kind()).isEqualTo(InputContent.Kind.EMPTY);
        // the reason printed to the user names the file that was not read
        assertThat(d.reason()).contains(empty);
    }

    @Test
    void aFiveMegabyteStatementOnOneLineIsXapi(@TempDir Path dir) throws IOException {
        String big = STATEMENT.replace("\"timestamp\"", "\"result\":{\"response\":\"" + "x".repeat(5 << 20)
                + "\"},\"timestamp\"");
        Path f = Files.writeString(dir.resolve("one.jsonl"), big + "\n" + STATEMENT + "\n");
        assertThat(FormatDetector.look(f.toUri().toString(), new Configuration()).format()).isEqualTo("xapi");
        // an LRS envelope, pretty-printed: of its statements only the first are read
        Path envelope = Files.writeString(dir.resolve("envelope.json"), "{\n  \"more\": \"\",\n  \"statements\": [\n"
                + String.join(",\n", java.util.Collections.nCopies(30, STATEMENT)) + "\n  ]\n}\n");
        assertThat(FormatDetector.firstRecords(Files.newInputStream(envelope))).hasSize(1 + FormatDetector.SAMPLE_RECORDS);
        assertThat(FormatDetector.look(envelope.toUri().toString(), new Configuration()).format()).isEqualTo("xapi");
    }

    @Test
    void realXapiExportIsDetected() {
        Path data = SparkTestBase.sharedData();
        Assumptions.assumeTrue(data != null, "../shared/data is not here");
        Path mooc = data.resolve("xapi-fun-mooc/statements.json.gz");
        assertThat(FormatDetector.detect(List.of(mooc.toUri().toString()), new Configuration()).format())
                .isEqualTo("xapi");
        assertThat(FormatDetector.detectOne(head(data.resolve("edx-tracking-logs/user_activity_tracking.log"))))
                .isEqualTo("edx");
        assertThat(FormatDetector.detectOne(head(data.resolve("caliper/v1p2/caliperEnvelopeEventBatch.json"))))
                .isEqualTo("caliper");
        assertThat(FormatDetector.detectOne(head(data.resolve("oulad/studentInfo.csv")))).isEqualTo("oulad");
        assertThat(FormatDetector.detectOne(head(data.resolve(
                "moodle/report_log_export_example/src/datasets/example_platform_logs.csv")))).isEqualTo("moodle");
    }

    /** The kind of content of a file that is not text; fails when the file is text. */
    private static InputContent.Kind kind(String file, Configuration conf) {
        FormatDetector.Look look = FormatDetector.look(file, conf);
        assertThat(look.format()).as(file).isNull();
        assertThat(look.problem()).as(file).isNotNull();
        return look.problem().kind();
    }

    private static String head(Path p) {
        try {
            return new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
