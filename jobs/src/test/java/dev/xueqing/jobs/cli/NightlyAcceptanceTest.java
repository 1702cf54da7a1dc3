package dev.xueqing.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.PseudonymKeys;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The README's first command, for real: {@code xueqing nightly} in a child JVM over the project's data-samples/
 * into a temporary warehouse, as of 2026-09-13 (the end of the hand-checked course's first week), then the same
 * night again. Checks every dim's and mart's spec on what was written, the quarantine of every bad line, the
 * values of docs/hand-course.md, the absence of raw ids, and that the rerun changes nothing.
 */
class NightlyAcceptanceTest extends SparkTestBase {
    static final String DATE = "2026-09-13";
    static final String TENANT = "demo-university";
    static final String HAND = "https://lms.example.edu/course/HAND-001";

    @TempDir
    static Path tmp;
    static Path warehouseDir;
    static CliProcess.Result first;
    static CliProcess.Result second;
    static Warehouse wh;
    static Map<String, List<Row>> martsAfterFirst = new HashMap<>();
    static long eventsAfterFirst;

    @BeforeAll
    static void runNightlyTwice() throws Exception {
        Path root = projectRoot();
        warehouseDir = tmp.resolve("warehouse");
        Map<String, String> env = Map.of("XUEQING_HOME", root.toString());
        // generated code on, as over a large warehouse: the in-process tests interpret expressions (SparkTestBase),
        // and a nightly over the samples does too by default (xueqing.spark.small-input)
        first = CliProcess.run(CliProcess.COMPILED, root, env, "nightly", "--date", DATE, "--warehouse", warehouseDir.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        wh = new Warehouse(spark(), warehouseDir.toString());
        eventsAfterFirst = wh.read(DatasetRef.EVENTS).count();
        for (Mart m : MartCatalog.all()) {
            martsAfterFirst.put(m.spec().name(), wh.read(m.ref()).collectAsList());
        }
        second = CliProcess.run(CliProcess.COMPILED, root, env, "nightly", "--date", DATE, "--warehouse", warehouseDir.toString(),
                "--log-format", "json");
        assertThat(second.exitCode()).as(second.toString()).isZero();
    }

    @Test
    void summaryTellsWhatHappened() {
        assertThat(first.out()).contains("Xueqing nightly", "as of " + DATE, "DEMO key", "24,292 record(s) read",
                "events accepted           24,274", "duplicates dropped             1", "quarantined                   15",
                "malformed_json", "learner_daily_activity", "course_quality_summary", "data_quality",
                "Warehouse: " + "file:" + warehouseDir, "Time taken:", "bin/xueqing sql");
        // the nightly's risk step ran: without a trained model it scores nothing and says so
        assertThat(first.out()).containsPattern(
                "learner_risk_scores +0 rows .*not scored: no risk model yet \\(train one with xueqing train-risk\\)");
        // progress: one line per step, 1 input + dims + 16 marts
        assertThat(first.err()).contains("[1/18] ingest xapi", "[2/18] dims", "[18/18] mart data_quality");
        // --log-format json: every log line is a JSON object
        // (native-library notices that bypass the logging, such as netlib's BLAS message, are not log lines)
        assertThat(second.err().lines().filter(l -> l.contains("xueqing")).toList()).isNotEmpty()
                .allSatisfy(l -> assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(l).isObject())
                        .as(l).isTrue());
        assertThat(second.err()).contains("\"message\":\"[1/18] ingest xapi");
        // the rerun finds every input file in the ledger, unchanged, and reads nothing
        assertThat(second.out()).contains("Input xapi (tenant demo-university): nothing new: 8 file(s) unchanged");
    }

    @Test
    void everyBadLineIsQuarantinedWithItsReason() {
        Map<String, Long> byReason = new HashMap<>();
        for (Row r : wh.read(DatasetRef.QUARANTINE).filter(col("raw_ref").contains("bad-lines.jsonl"))
                .groupBy("run_id", "reason").count().collectAsList()) {
            byReason.merge(r.getString(1), r.getLong(2), Long::sum);
        }
        // two nightly runs, the second reads nothing: each bad line is quarantined once
        Map<String, Long> expectedPerRun = Map.ofEntries(Map.entry("malformed_json", 1L),
                Map.entry("not_a_statement", 1L), Map.entry("invalid_id", 1L), Map.entry("missing_actor", 1L),
                Map.entry("invalid_actor", 2L), Map.entry("missing_verb", 1L), Map.entry("invalid_verb", 1L),
                Map.entry("missing_object", 1L), Map.entry("score_out_of_range", 2L), Map.entry("bad_duration", 1L),
                Map.entry("invalid_timestamp", 1L), Map.entry("missing_course", 1L));
        expectedPerRun.forEach((reason, n) -> assertThat(byReason.get(reason)).as(reason).isEqualTo(n));
        // the conflicting pair: files are read in path order, so bad-lines.jsonl's copy comes first and is
        // published; the copy in statements-DS101 is quarantined as id_conflict
        String conflictId = "a66470d6-314f-44f3-88fe-0c8bd0744f8a";
        List<Row> conflicts = wh.read(DatasetRef.QUARANTINE).filter(col("reason").equalTo("id_conflict")).collectAsList();
        assertThat(conflicts).hasSize(1).allSatisfy(q -> {
            assertThat(q.<String>getAs("detail")).contains(conflictId);
            assertThat(q.<String>getAs("raw_ref")).contains("statements-DS101-2026A.jsonl.gz:");
        });
        assertThat(wh.read(DatasetRef.EVENTS).filter(col("event_id").equalTo(conflictId)).count()).isEqualTo(1);
        // the voided page view is not an event; the duplicate is one event
        assertThat(wh.read(DatasetRef.EVENTS).filter(col("event_id").isin("bc344e5f-dce0-423a-82b3-e5af455c7cea"))
                .count()).isZero();
        assertThat(wh.read(DatasetRef.EVENTS).filter(col("event_id").equalTo("b620b41b-c0a3-4ba5-8ad0-66ec126228af"))
                .count()).isEqualTo(1);
    }

    @Test
    void everyPublishedDatasetMeetsItsSpec() {
        List<MartSpec> specs = new ArrayList<>(DimSpecs.ALL);
        MartCatalog.all().forEach(m -> specs.add(m.spec()));
        for (MartSpec spec : specs) {
            DatasetRef ref = DimSpecs.ALL.contains(spec) ? DatasetRef.dim(spec.name()) : DatasetRef.mart(spec.name());
            Dataset<Row> data = wh.read(ref);
            assertThat(data.count()).as(spec.name()).isPositive();
            ExpectationChecker.require(spec, data.select(spec.columnNames().stream()
                    .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new)), wh::read);
        }
    }

    @Test
    void handCourseValuesMatchTheHandComputation() {
        Pseudonymizer p = PseudonymKeys.demo().pseudonymizer();
        String a = p.pseudonym(TENANT, "account:https://lms.example.edu|hand-a");
        String b = p.pseudonym(TENANT, "account:https://lms.example.edu|hand-b");
        String c = p.pseudonym(TENANT, "account:https://lms.example.edu|hand-c");
        Map<String, Row> daily = new HashMap<>();
        for (Row r : wh.read(DatasetRef.mart("learner_daily_activity")).filter(col("course_id").equalTo(HAND))
                .collectAsList()) {
            daily.put((r.<String>getAs("learner_key").equals(a) ? "a " : r.<String>getAs("learner_key").equals(b)
                    ? "b " : "? ") + r.getAs("event_date"), r);
        }
        assertThat(daily.keySet()).containsExactlyInAnyOrder("a 2026-09-07", "a 2026-09-08", "b 2026-09-07",
                "b 2026-09-08", "b 2026-09-10");
        // events / sessions / active minutes, docs/hand-course.md
        assertDaily(daily.get("a 2026-09-07"), 9, 2, 51, 720);
        assertDaily(daily.get("a 2026-09-08"), 3, 1, 25, 0);
        assertDaily(daily.get("b 2026-09-07"), 2, 1, 20, 0);
        assertDaily(daily.get("b 2026-09-08"), 9, 1, 50, 900);
        assertDaily(daily.get("b 2026-09-10"), 2, 1, 15, 0);

        Map<String, Row> progress = new HashMap<>();
        for (Row r : wh.read(DatasetRef.mart("learner_course_progress")).filter(col("course_id").equalTo(HAND))
                .collectAsList()) {
            String k = r.getAs("learner_key");
            progress.put(k.equals(a) ? "a" : k.equals(b) ? "b" : k.equals(c) ? "c" : k, r);
        }
        assertThat(progress.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(progress.get("a").<Double>getAs("active_minutes")).isCloseTo(76.0, within(1e-9));
        assertThat(progress.get("b").<Double>getAs("active_minutes")).isCloseTo(85.0, within(1e-9));
        assertThat(progress.get("a").<Double>getAs("on_time_rate")).isEqualTo(1.0);
        assertThat(progress.get("b").<Double>getAs("on_time_rate")).isEqualTo(0.5);
        assertThat(progress.get("a").<Double>getAs("mean_score")).isCloseTo(0.65, within(1e-9));
        assertThat(progress.get("b").<Double>getAs("mean_score")).isCloseTo(0.80, within(1e-9));
        assertThat(progress.get("a").<Double>getAs("content_coverage")).isEqualTo(1.0);
        assertThat(progress.get("a").<String>getAs("status")).isEqualTo("on_track");
        assertThat(progress.get("b").<String>getAs("status")).isEqualTo("on_track");
        assertThat(progress.get("c").<String>getAs("status")).isEqualTo("not_started");
        assertThat(progress.get("a").<Integer>getAs("days_since_last_activity")).isEqualTo(5);
        assertThat(progress.get("b").<Integer>getAs("days_since_last_activity")).isEqualTo(3);

        Row week = wh.read(DatasetRef.mart("course_weekly_quality")).filter(col("course_id").equalTo(HAND)
                .and(col("class_id").isNull()).and(col("week_start").equalTo("2026-09-07"))).first();
        assertThat(week.<Long>getAs("enrolled")).isEqualTo(3);
        assertThat(week.<Long>getAs("active_learners")).isEqualTo(2);
        assertThat(week.<Double>getAs("active_rate")).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(week.<Double>getAs("median_active_minutes")).isCloseTo(80.5, within(1e-9));
        assertThat(week.<Long>getAs("assigned")).isEqualTo(6);
        assertThat(week.<Double>getAs("submission_rate")).isCloseTo(4 / 6.0, within(1e-9));
        assertThat(week.<Double>getAs("on_time_rate")).isCloseTo(0.75, within(1e-9));
    }

    private static void assertDaily(Row r, long events, long sessions, double minutes, double videoSeconds) {
        assertThat(r.<Long>getAs("events")).as("events " + r).isEqualTo(events);
        assertThat(r.<Long>getAs("sessions")).as("sessions " + r).isEqualTo(sessions);
        assertThat(r.<Double>getAs("active_minutes")).as("minutes " + r).isCloseTo(minutes, within(1e-9));
        Double video = r.getAs("video_seconds");
        assertThat(video == null ? 0.0 : video.doubleValue()).as("video " + r).isCloseTo(videoSeconds, within(1e-9));
    }

    @Test
    void noRawLearnerIdReachesTheWarehouse() throws IOException {
        TreeSet<String> raw = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(projectRoot().resolve("data-samples/xapi"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl.gz") || f.toString().endsWith(".jsonl"))
                    .toList()) {
                try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f))
                        : Files.newInputStream(f);
                     BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        try {
                            JsonNode actor = json.readTree(line).path("actor");
                            if (actor.path("account").has("name")) {
                                raw.add(actor.path("account").path("name").asText());
                            }
                            if (actor.has("mbox")) {
                                raw.add(actor.path("mbox").asText());
                            }
                        } catch (IOException ignored) {
                            // the deliberately malformed line
                        }
                    }
                }
            }
        }
        assertThat(raw).hasSizeGreaterThan(300).contains("hand-a");
        List<DatasetRef> refs = new ArrayList<>(List.of(DatasetRef.EVENTS));
        refs.addAll(DatasetRef.DIMS);
        MartCatalog.all().forEach(m -> refs.add(m.ref()));
        for (DatasetRef ref : refs) {
            Dataset<Row> d = wh.read(ref);
            for (StructField f : d.schema().fields()) {
                if (f.dataType() instanceof StringType) {
                    long hits = d.filter(col(f.name()).isin(raw.toArray()).or(col(f.name()).contains("mailto:")))
                            .count();
                    assertThat(hits).as(ref.name() + "." + f.name()).isZero();
                }
            }
        }
    }

    @Test
    void martsAreRealParquetThatAnotherReaderOpens() throws IOException {
        // the `current` link of the mart folder points at its committed version
        Path dir = warehouseDir.resolve("marts/course_quality_summary/current");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".parquet")).toList();
        }
        long rows = 0;
        for (Path f : files) {
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
                rows += r.getRecordCount();
                assertThat(r.getFooter().getFileMetaData().getSchema().containsField("flags")).isTrue();
            }
        }
        assertThat(rows).isEqualTo(wh.read(DatasetRef.mart("course_quality_summary")).count()).isPositive();
    }

    @Test
    void rerunningTheSameNightChangesNothing() {
        assertThat(wh.read(DatasetRef.EVENTS).count()).isEqualTo(eventsAfterFirst).isEqualTo(24_274);
        for (Mart m : MartCatalog.all()) {
            String name = m.spec().name();
            if (name.equals("data_quality")) {
                continue;   // one row set per run by design; checked below
            }
            List<Row> again = wh.read(m.ref()).collectAsList();
            assertThat(again).as(name).containsExactlyInAnyOrderElementsOf(martsAfterFirst.get(name));
        }
        List<Row> dq = wh.read(DatasetRef.mart("data_quality")).filter(col("reason").equalTo("malformed_json"))
                .orderBy("started_at").collectAsList();
        assertThat(dq).hasSize(1);
        assertThat(dq.get(0).<Long>getAs("accepted")).isEqualTo(24_274);
        // the second night's ingest run is recorded with nothing read
        List<Row> ingests = new RunLog(wh).all().filter(col("job").equalTo("ingest")).orderBy("started_at")
                .collectAsList();
        assertThat(ingests).hasSize(2);
        assertThat(ingests.get(1).<scala.collection.Map<String, Long>>getAs("counts").apply("read")).isZero();
        assertThat(ingests.get(1).<scala.collection.Map<String, Long>>getAs("counts").apply("unchanged_files"))
                .isEqualTo(8L);
        List<Row> runs = new RunLog(wh).all().filter(col("job").equalTo("nightly")).collectAsList();
        assertThat(runs).hasSize(2).allSatisfy(r -> assertThat(r.<String>getAs("status")).isEqualTo("succeeded"));
    }

    /**
     * The nightly wrote the supervisor's report (zh-CN, the default), and {@code report --lang en} writes it in
     * English: every page of both opens in headless Chromium with the network blocked, loads nothing from outside
     * its folder, logs no error, draws every chart, and shows the mart's value in its table. Screenshots go to
     * target/report-screenshots/.
     */
    @Test
    void theNightlyWritesTheReportAndEveryPageOpensOfflineInABrowser() throws Exception {
        Path reports = warehouseDir.resolve("reports");
        Path zh = reports.resolve(DATE);
        assertThat(first.out()).contains("Report: " + zh.resolve("index.html").toUri());
        assertThat(second.out()).contains("Report: " + zh.resolve("index.html").toUri());
        assertThat(Files.readSymbolicLink(reports.resolve("latest"))).isEqualTo(Path.of(DATE));
        Path en = tmp.resolve("report-en");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = XueqingCli.execute(new String[] {"report", "--lang", "en", "--out", en.toString(), "--warehouse",
                warehouseDir.toString()}, Map.of("XUEQING_HOME", projectRoot().toString()),
                new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Report " + DATE + " (en): 7 page(s)", "Open: " + en.resolve("index.html")
                .toUri());

        Row hand = wh.read(DatasetRef.mart("course_quality_summary"))
                .filter(col("course_id").equalTo(HAND).and(col("class_id").isNull())).first();
        Path screenshots = projectRoot().resolve("jobs/target/report-screenshots");
        try (dev.xueqing.jobs.testing.ReportBrowser browser = new dev.xueqing.jobs.testing.ReportBrowser()) {
            for (Map.Entry<String, Path> lang : Map.of("zh-CN", zh, "en", en).entrySet()) {
                dev.xueqing.jobs.report.ReportText text = new dev.xueqing.jobs.report.ReportText(lang.getKey(),
                        java.time.ZoneId.of("Asia/Shanghai"));
                List<Path> pages;
                try (Stream<Path> files = Files.walk(lang.getValue())) {
                    pages = files.filter(f -> f.toString().endsWith(".html")).sorted().toList();
                }
                assertThat(pages).hasSize(7);
                String folder = lang.getValue().toUri().toString();
                for (Path page : pages) {
                    String html = Files.readString(page);
                    assertThat(html).as(page + ": nothing from outside the folder")
                            .doesNotContainPattern("(src|href)=\"(https?:|//)").contains("lang=\"" + lang.getKey());
                    var check = browser.open(page);
                    assertThat(check.errors()).as(page + " errors").isEmpty();
                    assertThat(check.resources()).as(page + " loads").isNotEmpty()
                            .allSatisfy(r -> assertThat(r).startsWith(folder));
                    assertThat(check.rendered()).as(page + " charts drawn").isEqualTo(check.charts());
                    assertThat(check.emptyCharts()).as(page + " empty charts").isZero();
                    String name = lang.getValue().relativize(page).toString().replace('/', '_').replace(".html", "");
                    browser.screenshot(screenshots.resolve(lang.getKey()).resolve(name + ".png"));
                    if (page.getFileName().toString().contains("HAND-001")) {
                        assertThat(check.charts()).as("the hand course's charts").isGreaterThanOrEqualTo(8);
                    }
                }
                // a table value is the mart's value, formatted for the language
                browser.open(lang.getValue().resolve("index.html"));
                assertThat(browser.cell("courses-table", List.of(text.t("class.all"), "Hand-checked course"), 3))
                        .isEqualTo(text.percent(hand.<Double>getAs("active_rate")));
                assertThat(browser.cell("courses-table", List.of(text.t("class.all"), "Hand-checked course"), 2))
                        .isEqualTo(text.count(hand.<Long>getAs("enrolled")));
                if (lang.getKey().equals("zh-CN")) {
                    assertThat(browser.fontAvailable("Noto Sans CJK SC", "学情")).as("a CJK font (fonts-noto-cjk)")
                            .isTrue();
                    assertThat(browser.driver().getTitle()).contains("学情分析报告");
                }
            }
        }
    }
}
