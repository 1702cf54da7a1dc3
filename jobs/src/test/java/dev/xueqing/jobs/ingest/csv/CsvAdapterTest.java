package dev.xueqing.jobs.ingest.csv;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.ParsedRecords;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A mapped activity CSV: columns by role, local timestamps, action and type maps, encodings, bad rows. */
class CsvAdapterTest {
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path dir;

    static XueqingConfig config(String mapping) throws IOException {
        File f = dir.resolve("m" + mapping.hashCode() + ".conf").toFile();
        Files.writeString(f.toPath(), "xueqing.csv.mappings.lms {\n" + mapping + "\n}\n");
        return ConfigLoader.load(f, List.of(), Map.of());
    }

    static final String MAPPING = """
            delimiter = "\\\\t"
            encoding = "GBK"
            columns { learner = "学号", time = "时间", action = "行为", object = "资源", course = "课程",
                      class = "班级", object-type = "资源类型", score = "得分", score-max = "满分", duration = "时长" }
            timestamp-format = "yyyy/MM/dd HH:mm"
            timestamp-zone = "Asia/Shanghai"
            actions { "登录" = logged_in, "观看" = video_played, "提交" = submitted }
            object-types { "视频" = video, "作业" = assignment }
            """;

    private static List<Row> read(XueqingConfig c, String text, Charset charset) throws IOException {
        CsvAdapter a = new CsvAdapter(c.csvMapping("lms"), PSEUDO, ZoneId.of("Asia/Shanghai"), "t", "r1",
                Instant.parse("2026-01-01T00:00:00Z"));
        List<Row> rows = new ArrayList<>();
        a.read("file:/x/log.tsv", 0, new ByteArrayInputStream(text.getBytes(charset)), rows::add);
        return rows;
    }

    private static Row part(Row r, String kind) {
        Row inner = r.getStruct(ParsedRecords.SCHEMA.fieldIndex(kind));
        Object[] v = new Object[inner.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = inner.get(i);
        }
        return new GenericRowWithSchema(v, (StructType) ParsedRecords.SCHEMA.apply(kind).dataType());
    }

    @Test
    void rowsMapThroughTheNamedMappingInItsEncoding() throws IOException {
        XueqingConfig c = config(MAPPING);
        String tsv = "学号\t时间\t行为\t资源\t资源类型\t课程\t班级\t得分\t满分\t时长\n"
                + "s001\t2026/03/01 23:50\t观看\tv-1\t视频\tC1\t一班\t\t\t300\n"
                + "s001\t2026/03/02 08:00\t提交\thw-1\t作业\tC1\t一班\t8\t10\t\n"
                + "s002\t2026/03/02 09:00\t点赞\tp-1\t帖子\tC1\t二班\t\t\t\n";
        List<Row> rows = read(c, tsv, Charset.forName("GBK"));
        List<Row> events = rows.stream().filter(r -> r.getString(0).equals("event")).map(r -> part(r, "event")).toList();
        assertThat(events).hasSize(3);
        Row video = events.get(0);
        assertThat(video.<String>getAs("action")).isEqualTo("video_played");
        assertThat(video.<String>getAs("object_type")).isEqualTo("video");
        assertThat(video.<String>getAs("class_id")).isEqualTo("一班");
        assertThat(video.<Double>getAs("duration_s")).isEqualTo(300.0);
        // 23:50 in Shanghai is 15:50Z, and still 2026-03-01 locally
        assertThat(video.<java.sql.Timestamp>getAs("event_time").toInstant()).isEqualTo(Instant.parse("2026-03-01T15:50:00Z"));
        assertThat(video.<java.sql.Date>getAs("event_date").toLocalDate()).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(video.<String>getAs("learner_key")).isEqualTo(PSEUDO.pseudonym("t", "csv-lms:s001"));
        assertThat(video.<String>getAs("raw_ref")).isEqualTo("file:/x/log.tsv:2");
        Row hw = events.get(1);
        assertThat(hw.<Double>getAs("score_scaled")).isEqualTo(0.8);
        assertThat(hw.<String>getAs("object_type")).isEqualTo("assignment");
        Row like = events.get(2);
        assertThat(like.<String>getAs("action")).isEqualTo("other");
        assertThat(like.<String>getAs("source_verb")).isEqualTo("点赞");
        assertThat(like.<String>getAs("object_type")).isEqualTo("activity");
    }

    @Test
    void aHeaderWithoutTheMappedColumnsIsRejectedNamingThem() throws IOException {
        List<Row> rows = read(config(MAPPING), "学号\t时间\t行为\n1\t2\t3\n4\t5\t6\n", Charset.forName("GBK"));
        assertThat(rows).hasSize(1);
        Row q = part(rows.get(0), "quarantine");
        assertThat(q.<String>getAs("reason")).isEqualTo("unknown_columns");
        assertThat(q.<String>getAs("detail")).contains("资源").contains("课程").contains("2 data row(s) were not read");
    }

    @Test
    void badRowsAreQuarantinedWithTheirReason() throws IOException {
        String tsv = "学号\t时间\t行为\t资源\t资源类型\t课程\t班级\t得分\t满分\t时长\n"
                + "\t2026/03/01 10:00\t登录\tx\t\tC1\t\t\t\t\n"
                + "s1\tyesterday\t登录\tx\t\tC1\t\t\t\t\n"
                + "s1\t2026/03/01 10:00\t提交\thw\t作业\tC1\t\t12\t10\t\n"
                + "s1\t2026/03/01 10:00\t观看\tv\t视频\tC1\t\t\t\t-5\n"
                + "s1\t2026/03/01 10:00\t观看\tv\t视频\t\t\t\t\t\n";
        List<Row> rows = read(config(MAPPING), tsv, Charset.forName("GBK"));
        assertThat(rows).extracting(r -> part(r, "quarantine").<String>getAs("reason")).containsExactly(
                "missing_actor", "invalid_timestamp", "score_out_of_range", "bad_duration", "missing_course");
        assertThat(part(rows.get(1), "quarantine").<String>getAs("detail")).contains("yyyy/MM/dd HH:mm");
    }

    @Test
    void mappingsAreValidatedWhenTheConfigIsLoaded() {
        assertThatThrownBy(() -> config("columns { learner = a, time = b }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("[action, object, course]");
        assertThatThrownBy(() -> config("columns { learner = a, time = b, action = c, object = d, course = e }\n"
                + "actions { x = watched }")).hasMessageContaining("not a canonical action");
        assertThatThrownBy(() -> config("delimiter = \";;\"\ncolumns { learner = a, time = b, action = c, object = d, "
                + "course = e }")).hasMessageContaining("one character");
        assertThatThrownBy(() -> config("colums { learner = a }")).hasMessageContaining("colums");
        assertThatThrownBy(() -> config("encoding = \"KLINGON\"\ncolumns { learner = a, time = b, action = c, "
                + "object = d, course = e }")).hasMessageContaining("character set");
        assertThatThrownBy(() -> ConfigLoader.defaults().csvMapping("nope")).hasMessageContaining("Unknown CSV mapping");
        assertThatThrownBy(() -> ConfigLoader.defaults().csvMapping(null)).hasMessageContaining("--mapping");
    }
}
