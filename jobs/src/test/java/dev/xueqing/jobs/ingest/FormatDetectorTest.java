package dev.xueqing.jobs.ingest;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

    private static String head(Path p) {
        try {
            return new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
