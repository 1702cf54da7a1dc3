package dev.xueqing.jobs.report;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xueqing report} over a warehouse whose marts are written here by hand (through the warehouse's own
 * publish): what it writes, what a missing or failed mart and a course without activity look like, {@code --course},
 * {@code --date} and {@code reports/latest}, and the refusals.
 */
class ReportJobTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static Path warehouse;

    record Out(int code, String out, String err) {}

    static Out report(String... args) {
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(List.of(args));
        all.addAll(List.of("--warehouse", warehouse.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(all.toArray(String[]::new), Map.of(), new PrintWriter(out),
                new PrintWriter(err));
        return new Out(code, out.toString(), err.toString());
    }

    /** A row of the mart's schema from the given values; other columns null, or a zero value when not nullable. */
    static Row row(MartSpec spec, Map<String, Object> values) {
        List<Object> cells = new ArrayList<>();
        for (StructField f : spec.schema().fields()) {
            Object v = values.get(f.name());
            if (v instanceof LocalDate d) {
                v = Date.valueOf(d);
            } else if (v instanceof Instant i) {
                v = java.sql.Timestamp.from(i);
            }
            cells.add(v != null || f.nullable() ? v : zero(f.dataType()));
        }
        return RowFactory.create(cells.toArray());
    }

    static Object zero(DataType t) {
        if (t.equals(DataTypes.LongType)) {
            return 0L;
        } else if (t.equals(DataTypes.IntegerType)) {
            return 0;
        } else if (t.equals(DataTypes.DoubleType)) {
            return 0.0;
        } else if (t.equals(DataTypes.BooleanType)) {
            return false;
        } else if (t instanceof ArrayType) {
            return List.of();
        } else if (t instanceof MapType) {
            return Map.of();
        } else if (t.equals(DataTypes.DateType)) {
            return Date.valueOf("2026-09-01");
        }
        return "";
    }

    static void publish(Warehouse wh, String mart, List<Map<String, Object>> rows) {
        MartSpec spec = ReportData.spec(mart);
        wh.publish(DatasetRef.mart(mart), spark().createDataFrame(rows.stream().map(r -> row(spec, r)).toList(),
                spec.schema()), "test-run");
    }

    static Map<String, Object> summary(String course, String cls, double active, boolean flag) {
        Map<String, Object> m = new HashMap<>(Map.of("course_id", course, "enrolled", 20L, "active_rate", active,
                "active_rate_threshold", 0.5, "active_rate_flag", flag, "flag_count", flag ? 1 : 0,
                "flags", flag ? List.of("active_rate") : List.of()));
        m.put("class_id", cls);
        return m;
    }

    @BeforeAll
    static void marts() {
        warehouse = tmp.resolve("warehouse");
        Warehouse wh = new Warehouse(spark(), warehouse.toString());
        publish(wh, "course_quality_summary", List.of(summary("C1", null, 0.35, true), summary("C1", "C1/A", 0.2,
                true), summary("C2", null, 0.9, false)));
        List<Map<String, Object>> weekly = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Map<String, Object> m = new HashMap<>(Map.of("course_id", "C1", "week_start",
                    LocalDate.of(2026, 8, 31).plusWeeks(w), "enrolled", 20L, "active_learners", 5L + w,
                    "active_rate", (5.0 + w) / 20));
            m.put("class_id", null);
            weekly.add(m);
        }
        Map<String, Object> quiet = new HashMap<>(Map.of("course_id", "C2", "week_start", LocalDate.of(2026, 9, 14),
                "enrolled", 3L, "active_learners", 0L));
        quiet.put("class_id", null);
        weekly.add(quiet);
        publish(wh, "course_weekly_quality", weekly);
        new RunLog(wh).record("run-1", "marts", Map.of(), LocalDate.of(2026, 9, 13),
                Instant.parse("2026-09-13T18:00:00Z"), Instant.parse("2026-09-13T18:05:00Z"), RunLog.FAILED,
                Map.of(), "cohort_retention: the cohort table is corrupt; learner_segments: KMeans did not converge");
    }

    static List<Path> files(Path dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void writesEveryPageAndSaysWhichMartIsMissingAndWhy() throws Exception {
        Out r = report("--lang", "en", "--date", "2026-09-13");
        assertThat(r.code()).as(r.err()).isZero();
        Path dir = warehouse.resolve("reports/2026-09-13");
        assertThat(r.out()).contains("Report 2026-09-13 (en): 4 page(s)", "Open: " + dir.resolve("index.html").toUri());
        assertThat(files(dir, ".html").stream().map(p -> dir.relativize(p).toString()))
                .containsExactly(Views.courseFile("C1"), Views.courseFile("C2"), "data-quality.html", "index.html");
        assertThat(dir.resolve("assets/echarts.min.js")).isNotEmptyFile();
        String c1 = Files.readString(dir.resolve(Views.courseFile("C1")));
        assertThat(c1).contains("The mart cohort_retention has never been built: its last build failed on",
                "the cohort table is corrupt", "Active rate 35.0% is below the minimum 50.0%", "class/A".substring(0, 5));
        assertThat(c1).doesNotContain("KMeans did not converge;");
        assertThat(Files.readString(dir.resolve(Views.courseFile("C2")))).contains("No activity yet.");
        String index = Files.readString(dir.resolve("index.html"));
        assertThat(index).contains("<html lang=\"en\">", "1 of 2 courses below standard");
        // the CSV: every summary row as published, UTF-8 with a byte-order mark
        List<String> csv = Files.readAllLines(dir.resolve("data/course_quality_summary.csv"), StandardCharsets.UTF_8);
        assertThat(csv).hasSize(4);
        assertThat(csv.get(0)).startsWith("\uFEFFcourse_id,class_id,enrolled");
        assertThat(Files.readString(dir.resolve("data-quality.html"))).contains("KMeans did not converge (run-1)");
        assertThat(Files.readSymbolicLink(warehouse.resolve("reports/latest"))).isEqualTo(Path.of("2026-09-13"));
    }

    @Test
    void chineseIsTheDefaultAndCourseLimitsThePages() throws Exception {
        Path out = tmp.resolve("only-c1");
        Out r = report("--course", "C1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(files(out, ".html")).hasSize(3);
        String index = Files.readString(out.resolve("index.html"));
        assertThat(index).contains("<html lang=\"zh-CN\">", "活跃率 35.0%，低于最低标准 50.0%", "学情分析报告")
                .doesNotContain(Views.courseFile("C2"));
    }

    @Test
    void aNewerReportMovesLatestAndRewritingADateLeavesNothingBehind() throws Exception {
        assertThat(report("--date", "2026-09-20").code()).isZero();
        assertThat(report("--date", "2026-09-06").code()).isZero();
        assertThat(report("--date", "2026-09-06", "--lang", "en").code()).isZero();
        Path reports = warehouse.resolve("reports");
        assertThat(Files.readSymbolicLink(reports.resolve("latest"))).isEqualTo(Path.of("2026-09-20"));
        assertThat(Files.readString(reports.resolve("2026-09-06/index.html"))).contains("<html lang=\"en\">");
        try (Stream<Path> s = Files.list(reports)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).isEmpty();
        }
    }

    @Test
    void refusesAnUnknownCourseAndNamesSomeKnownOnes() {
        Out r = report("--course", "C9");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--course: no course [C9] in the warehouse's marts");
    }

    @Test
    void neverReplacesAFolderThatIsNotAReport() throws Exception {
        Path mine = tmp.resolve("my-documents");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.docx"), "keep me");
        Out r = report("--out", mine.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("exists and is not a Xueqing report");
        assertThat(Files.readString(mine.resolve("thesis.docx"))).isEqualTo("keep me");
        // an earlier report in the same place is replaced
        Path earlier = tmp.resolve("earlier");
        assertThat(report("--out", earlier.toString(), "--lang", "en").code()).isZero();
        assertThat(report("--out", earlier.toString()).code()).isZero();
        assertThat(Files.readString(earlier.resolve("index.html"))).contains("<html lang=\"zh-CN\">");
    }

    @Test
    void aMartThatCannotBeReadEmptiesOnlyItsSections() throws Exception {
        Path damaged = tmp.resolve("damaged");
        Warehouse wh = new Warehouse(spark(), damaged.toString());
        publish(wh, "course_quality_summary", List.of(summary("C1", null, 0.35, true)));
        publish(wh, "course_weekly_quality", List.of(new HashMap<>(Map.of("course_id", "C1",
                "week_start", LocalDate.of(2026, 8, 31), "enrolled", 20L, "active_learners", 5L))));
        try (Stream<Path> files = Files.walk(damaged.resolve("marts/course_weekly_quality"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                Files.writeString(f, "not parquet");
            }
        }
        Path out = tmp.resolve("damaged-report");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = XueqingCli.execute(new String[] {"report", "--warehouse", damaged.toString(), "--lang", "en",
                "--out", out.toString()}, Map.of(), new PrintWriter(o), new PrintWriter(e));
        assertThat(code).as(e.toString()).isZero();
        String c1 = Files.readString(out.resolve(Views.courseFile("C1")));
        assertThat(c1).contains("The mart course_weekly_quality is published but could not be read",
                "xueqing marts --only course_weekly_quality", "Active rate 35.0% is below the minimum 50.0%");
        assertThat(Files.readString(out.resolve("data-quality.html"))).contains("unreadable");
    }

    @Test
    void refusesAnUnknownLanguage() {
        Out r = report("--lang", "fr");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--lang fr is not a report language: use one of [zh-CN, en]");
    }

    @Test
    void anEmptyWarehouseGetsAPageThatSaysWhatToRunAndExitOne() throws Exception {
        Path empty = tmp.resolve("empty");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(new String[] {"report", "--warehouse", empty.toString(), "--lang", "en",
                "--date", "2026-09-13"}, Map.of(), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("has no marts yet. Run `xueqing nightly`");
        assertThat(Files.readString(empty.resolve("reports/2026-09-13/index.html"))).contains("No marts yet",
                "has no marts yet. Run `xueqing nightly`");
    }
}
