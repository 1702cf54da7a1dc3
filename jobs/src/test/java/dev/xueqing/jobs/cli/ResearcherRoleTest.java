package dev.xueqing.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.assessment.AssessmentItemStatsMart;
import dev.xueqing.jobs.marts.progress.CohortRetentionMart;
import dev.xueqing.jobs.marts.progress.LearnerCourseProgressMart;
import dev.xueqing.jobs.marts.quality.CourseWeeklyQualityMart;
import dev.xueqing.jobs.marts.tutor.LearnerQuestionsMart;
import dev.xueqing.jobs.marts.tutor.TutorServiceQualityMart;
import dev.xueqing.jobs.research.ResearcherOutputs;
import dev.xueqing.jobs.runs.RunLog;
import dev.xueqing.jobs.testing.TestInputs;
import dev.xueqing.jobs.testing.TestInputs.Run;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The researcher's way in: {@code sql --role researcher} sees only the disclosure-controlled outputs and refuses
 * everything else (exit 2, naming what it may read), whatever the query hides it in; {@code export --researcher}
 * writes the same outputs with a codebook and a manifest. The warehouse is built from hand-made mart rows, so every
 * suppression, rounding and share below is computed by hand (k = 10, counts to 5, shares over at least 23).
 */
class ResearcherRoleTest extends SparkTestBase {
    static final String KEY = "researcher-test-pseudonym-key-0123456789";
    static final Date WEEK = Date.valueOf("2026-03-02");

    @TempDir
    static Path dir;
    static Path warehouse;
    static SqlSandbox sandbox;
    static String runId;

    static Run cli(String... args) {
        return TestInputs.cli(Map.of("XUEQING_PSEUDONYM_KEY", KEY), args);
    }

    static Run researcher(String query, String... options) {
        List<String> args = new ArrayList<>(List.of("sql", "--role", "researcher", query, "--warehouse",
                warehouse.toString()));
        args.addAll(List.of(options));
        return cli(args.toArray(String[]::new));
    }

    @BeforeAll
    static void aWarehouseWithMarts() throws IOException {
        warehouse = dir.resolve("wh");
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, TestInputs.viewed("11111111-2222-4333-8444-555555555501", "alice",
                "2026-03-01T08:00:00+08:00") + "\n", StandardCharsets.UTF_8);
        Run ingest = cli("ingest", "--format", "xapi", "--input", input.toString(), "--warehouse",
                warehouse.toString(), "--tenant", "t1");
        assertThat(ingest.code()).as(ingest.toString()).isZero();

        Warehouse wh = new Warehouse(spark(), warehouse.toString());
        Instant start = Instant.now();
        runId = RunLog.newRunId(start);
        wh.publish(DatasetRef.mart("course_weekly_quality"), rows(CourseWeeklyQualityMart.SPEC,
                cwq("C1", null, 40, 30, 3, 1),
                cwq("C1", "A", 9, 9, 0, 0),
                cwq("C1", "B", 10, 8, 0, 0),
                cwq("C1", "C", 21, 13, 0, 0),
                cwq("C2", null, 30, 27, 3, 1),
                cwq("C2", "A", 12, 11, 0, 0),
                cwq("C2", "B", 18, 16, 0, 0)), runId);
        wh.publish(DatasetRef.mart("assessment_item_stats"), rows(AssessmentItemStatsMart.SPEC,
                item("i1", 9, 0.5, Map.of("a", 1.0)),
                item("i2", 22, 0.5, Map.of("a", 0.5, "b", 0.5)),
                item("i3", 40, 0.75, Map.of("a", 0.75, "b", 0.25))), runId);
        wh.publish(DatasetRef.mart("cohort_retention"), rows(CohortRetentionMart.SPEC,
                Map.of("course_id", "C1", "enrolment_week", WEEK, "weeks_since_enrolment", 1, "cohort_size", 12L,
                        "retained", 7L, "retention_rate", 7 / 12.0),
                Map.of("course_id", "C1", "enrolment_week", WEEK, "weeks_since_enrolment", 2, "cohort_size", 8L,
                        "retained", 4L, "retention_rate", 0.5),
                Map.of("course_id", "C2", "enrolment_week", WEEK, "weeks_since_enrolment", 1, "cohort_size", 30L,
                        "retained", 14L, "retention_rate", 14 / 30.0)), runId);
        List<Map<String, Object>> questions = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            questions.add(question("T1", "q" + i, "learner-" + i, i, i <= 10));
        }
        questions.add(question("T1", "q13", "learner-1", 20, false));   // learner-1 asked twice: 12 distinct learners
        for (int i = 1; i <= 3; i++) {
            questions.add(question("T2", "r" + i, "learner-" + i, i, true));
        }
        wh.publish(DatasetRef.mart("learner_questions"), rows(LearnerQuestionsMart.SPEC,
                questions.toArray(Map[]::new)), runId);
        wh.publish(DatasetRef.mart("tutor_service_quality"), rows(TutorServiceQualityMart.SPEC,
                Map.of("staff_key", "s1", "course_id", "T1", "week_start", WEEK, "replies", 5L,
                        "unanswered_at_week_end", 1L, "oldest_unanswered_hours", 30.0),
                Map.of("staff_key", "s2", "course_id", "T1", "week_start", WEEK, "replies", 9L),
                Map.of("staff_key", "s3", "course_id", "T2", "week_start", WEEK, "replies", 2L)), runId);
        wh.publish(DatasetRef.mart("learner_course_progress"), rows(LearnerCourseProgressMart.SPEC,
                Map.of("course_id", "C1")), runId);
        // an index mart as its own mart publishes it (already disclosure-controlled): passed through as it is
        StructType index = new StructType().add("unit_type", DataTypes.StringType).add("unit", DataTypes.StringType)
                .add("period", DataTypes.StringType).add("learning_index", DataTypes.DoubleType)
                .add("learners", DataTypes.LongType).add("suppressed", DataTypes.BooleanType)
                .add("suppression_rule", DataTypes.StringType).add("disclosure_rules", DataTypes.StringType);
        wh.publish(DatasetRef.mart("learning_index"), spark().createDataFrame(List.of(
                RowFactory.create("course", "C1", "2026-T1", 61.5, 40L, false, null, "xueqing-sdc-1: …"),
                RowFactory.create("course", "C9", "2026-T1", null, null, true, "min-learners", "xueqing-sdc-1: …")),
                index), runId);
        new RunLog(wh).record(runId, "marts", Map.of(), LocalDate.parse("2026-03-08"), start, Instant.now(),
                RunLog.SUCCEEDED, Map.of(), null);

        sandbox = new SqlSandbox(SqlCommand.registerResearcherViews(wh, ConfigLoader.load(null, List.of(), Map.of())),
                SqlCommand.RESEARCHER_READS_ONLY, false);
    }

    // ---- what researchers see --------------------------------------------------------------------------------

    @Test
    void theViewsAreTheResearcherOutputsOnly() {
        assertThat(sandbox.views()).containsExactly("assessment_item_stats", "cohort_retention",
                "course_weekly_quality", "learning_index", "tutor_service_by_course");
        Run tables = researcher("SHOW TABLES", "--format", "csv");
        assertThat(tables.code()).as(tables.toString()).isZero();
        assertThat(tables.out()).contains("course_weekly_quality").contains("tutor_service_by_course")
                .doesNotContain("events").doesNotContain("learner_course_progress").doesNotContain("quarantine");
        for (String view : sandbox.views()) {
            List<String> cols = List.of(spark().table(view).columns());
            assertThat(cols).as(view).doesNotContainAnyElementsOf(ResearcherOutputs.FORBIDDEN_COLUMNS)
                    .contains("suppressed", "disclosure_rules");
        }
    }

    @Test
    void courseWeeksAreSuppressedRoundedAndProtectedBySecondarySuppression() {
        Map<String, Row> byClass = byKey("SELECT course_id, class_id, enrolled, active_learners, active_rate, "
                + "pass_rate, mean_score, suppressed, suppression_rule, disclosure_rules FROM course_weekly_quality");
        Row a = byClass.get("C1/A");                    // 9 learners: hidden
        assertThat(a.getBoolean(7)).isTrue();
        assertThat(a.getString(8)).isEqualTo("min-learners");
        assertThat(a.isNullAt(2)).isTrue();
        assertThat(a.isNullAt(3)).isTrue();
        assertThat(a.isNullAt(6)).isTrue();
        Row b = byClass.get("C1/B");                    // 10 learners, but C1 total − C − B would give A
        assertThat(b.getString(8)).isEqualTo("secondary");
        assertThat(b.isNullAt(2)).isTrue();
        Row c = byClass.get("C1/C");                    // 21 → 20, 13 → 15, share over 21 < 23: null
        assertThat(c.getBoolean(7)).isFalse();
        assertThat(c.getLong(2)).isEqualTo(20L);
        assertThat(c.getLong(3)).isEqualTo(15L);
        assertThat(c.isNullAt(4)).isTrue();
        assertThat(c.getDouble(6)).isEqualTo(0.5);
        Row c1 = byClass.get("C1/null");
        assertThat(c1.getLong(2)).isEqualTo(40L);
        assertThat(c1.getDouble(4)).isEqualTo(0.75);
        assertThat(c1.isNullAt(5)).as("pass rate over 3 + 1 decided").isTrue();
        Row c2a = byClass.get("C2/A");                  // 12 learners, no hidden sibling: shown
        assertThat(c2a.getBoolean(7)).isFalse();
        assertThat(c2a.getLong(2)).isEqualTo(10L);
        assertThat(byClass.get("C2/null").getLong(3)).isEqualTo(25L);
        assertThat(byClass.get("C2/null").getDouble(4)).isEqualTo(0.9);
        assertThat(c1.getString(9)).startsWith("xueqing-sdc-1: ").contains("fewer than 10 learners");
        assertThat(List.of(spark().table("course_weekly_quality").columns())).doesNotContain("within_sla_share",
                "_passed_or_failed");
    }

    @Test
    void itemsRetentionAndTutorServiceFollowTheSameRules() {
        Map<String, Row> items = byKey("SELECT item_id, responses, facility, option_shares, discrimination, "
                + "suppression_rule FROM assessment_item_stats");
        assertThat(items.get("i1").getString(5)).isEqualTo("min-learners");
        assertThat(items.get("i1").isNullAt(2)).isTrue();
        assertThat(items.get("i2").isNullAt(5)).isTrue();
        assertThat(items.get("i2").getLong(1)).isEqualTo(20L);
        assertThat(items.get("i2").isNullAt(2)).as("facility over 22 responses").isTrue();
        assertThat(items.get("i2").isNullAt(3)).as("option shares over 22 responses").isTrue();
        assertThat(items.get("i2").getDouble(4)).isEqualTo(0.3);
        assertThat(items.get("i3").getDouble(2)).isEqualTo(0.75);
        assertThat(items.get("i3").getJavaMap(3)).containsEntry("b", 0.25);

        Map<String, Row> cohorts = byKey("SELECT concat(course_id, weeks_since_enrolment), cohort_size, retained, "
                + "retention_rate, suppression_rule FROM cohort_retention");
        assertThat(cohorts.get("C11").getLong(1)).isEqualTo(10L);
        assertThat(cohorts.get("C11").getLong(2)).isEqualTo(5L);
        assertThat(cohorts.get("C11").isNullAt(3)).isTrue();
        assertThat(cohorts.get("C12").getString(4)).isEqualTo("min-learners");
        assertThat(cohorts.get("C21").getLong(2)).isEqualTo(15L);
        assertThat(cohorts.get("C21").getDouble(3)).isEqualTo(14 / 30.0);

        Map<String, Row> tutor = byKey("SELECT course_id, staff_members, learners_helped, questions_answered, "
                + "replies, median_response_hours, within_sla_share, unanswered_at_week_end, oldest_unanswered_hours, "
                + "suppression_rule, week_start FROM tutor_service_by_course");
        Row t1 = tutor.get("T1");
        assertThat(t1.getLong(1)).isEqualTo(2L);
        assertThat(t1.getLong(2)).as("12 distinct learners").isEqualTo(10L);
        assertThat(t1.getLong(3)).as("13 questions").isEqualTo(15L);
        assertThat(t1.getLong(4)).as("5 + 9 replies").isEqualTo(15L);
        assertThat(t1.getDouble(5)).as("median of 1..12 and 20").isEqualTo(7.0);
        assertThat(t1.isNullAt(6)).as("share over 13 < 23").isTrue();
        assertThat(t1.getLong(7)).isEqualTo(0L);
        assertThat(t1.getDouble(8)).isEqualTo(30.0);
        assertThat(t1.getDate(10)).isEqualTo(WEEK);
        assertThat(tutor.get("T2").getString(9)).isEqualTo("min-learners");
        assertThat(tutor.get("T2").isNullAt(4)).isTrue();
    }

    @Test
    void indexMartsArePassedThroughAsPublished() {
        Run r = researcher("SELECT unit, learning_index, suppressed FROM LEARNING_INDEX ORDER BY unit", "--format",
                "csv");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("unit,learning_index,suppressed", "C1,61.5000,false",
                "C9,,true");
    }

    @Test
    void kComesFromConfig() {
        Run r = researcher("SELECT enrolled, suppression_rule FROM course_weekly_quality WHERE course_id = 'C1' AND "
                + "class_id = 'A'", "--format", "csv", "--set", "disclosure.min-learners=5", "--set",
                "disclosure.round-to=1");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("enrolled,suppression_rule", "9,");
    }

    // ---- what they may not read ------------------------------------------------------------------------------

    static void assertRefused(String query, String... inMessage) {
        Run r = researcher(query);
        assertThat(r.code()).as(query + "\n" + r).isEqualTo(XueqingCli.USAGE);
        assertThat(r.err().strip().lines().count()).as(query + "\n" + r).isEqualTo(1);
        assertThat(r.err()).as(query).contains(inMessage).doesNotContain("\tat ");
        assertThat(r.out()).as(query).isEmpty();
    }

    static void assertSandboxRefuses(String query, String... inMessage) {
        assertThatThrownBy(() -> sandbox.dataset(spark(), query)).as(query)
                .isInstanceOf(SqlSandbox.RefusedException.class).hasMessageContainingAll(inMessage);
    }

    static final String VIEWS = "Views: assessment_item_stats, cohort_retention, course_weekly_quality, "
            + "learning_index, tutor_service_by_course.";

    @Test
    void eventsDimsQuarantineLearnerMartsAndFilesAreRefusedNamingWhatMayBeRead() {
        assertRefused("SELECT * FROM events", "error: `xueqing sql --role researcher` reads only the researcher "
                + "outputs", "there is no view `events`", VIEWS);
        assertRefused("SELECT learner_key FROM learner_course_progress", "`learner_course_progress`", VIEWS);
        // the supervisor still reads them: the refusal is the role's, not a missing dataset
        Run supervisor = cli("sql", "SELECT count(*) AS n FROM learner_course_progress", "--format", "csv",
                "--warehouse", warehouse.toString());
        assertThat(supervisor.code()).as(supervisor.toString()).isZero();
        assertThat(supervisor.out().lines().toList()).containsExactly("n", "1");
        SqlCommand.registerResearcherViews(new Warehouse(spark(), warehouse.toString()),
                ConfigLoader.load(null, List.of(), Map.of()));
        String cwqPath = warehouse.resolve("marts/course_weekly_quality").toString();
        for (String q : List.of(
                "SELECT * FROM quarantine",
                "SELECT * FROM learners",
                "SELECT * FROM enrollments",
                "SELECT * FROM courses",
                "SELECT * FROM course_items",
                "SELECT * FROM _runs",
                "SELECT * FROM learner_risk_scores",
                "SELECT * FROM learner_questions",
                "SELECT * FROM tutor_service_quality",
                "SELECT * FROM learner_daily_activity",
                "SELECT * FROM EVENTS",
                "SELECT * FROM `events`",
                "SELECT * FROM `EvEnTs`",
                "SELECT * FROM parquet.`" + cwqPath + "`",
                "SELECT * FROM PARQUET.`" + cwqPath + "`",
                "SELECT * FROM default.course_weekly_quality",
                "SELECT * FROM global_temp.course_weekly_quality",
                "SELECT * FROM course_weekly_quality WHERE course_id IN (SELECT course_id FROM events)",
                "SELECT * FROM course_weekly_quality WHERE course_id IN (SELECT course_id FROM learner_course_progress "
                        + "WHERE learner_key IS NOT NULL)",
                "SELECT * FROM course_weekly_quality WHERE EXISTS (SELECT 1 FROM events)",
                "SELECT (SELECT count(*) FROM events) AS n",
                "SELECT course_id FROM course_weekly_quality UNION SELECT course_id FROM events",
                "SELECT course_id FROM course_weekly_quality UNION ALL SELECT learner_key FROM learners",
                "SELECT * FROM course_weekly_quality q JOIN learner_course_progress p ON q.course_id = p.course_id",
                "SELECT * FROM course_weekly_quality q, events e",
                "WITH learning_index AS (SELECT * FROM events) SELECT * FROM learning_index",
                "WITH x AS (WITH y AS (SELECT learner_key FROM events) SELECT * FROM y) SELECT * FROM x",
                "SELECT * FROM (SELECT * FROM (SELECT * FROM quarantine))",
                "SELECT * FROM course_weekly_quality, LATERAL (SELECT * FROM events)",
                "TABLE events",
                "DESCRIBE events",
                "DESCRIBE learner_course_progress")) {
            assertSandboxRefuses(q, "reads only the researcher outputs", VIEWS);
        }
        assertSandboxRefuses("SELECT * FROM read_files('" + cwqPath + "')", "table-valued function `read_files`");
        assertSandboxRefuses("EXPLAIN SELECT * FROM learning_index", "EXPLAIN is not allowed", VIEWS);
        assertSandboxRefuses("EXPLAIN EXTENDED SELECT * FROM tutor_service_by_course", "EXPLAIN is not allowed");
        // an analysis error says what is wrong, without the plan of what the views are made from
        Run unknownColumn = researcher("SELECT no_such_column FROM tutor_service_by_course");
        assertThat(unknownColumn.code()).as(unknownColumn.toString()).isEqualTo(XueqingCli.FAILED);
        assertThat(unknownColumn.err()).contains("no_such_column").doesNotContain("learner_key")
                .doesNotContain("Relation").doesNotContain(warehouse.toString());
        assertSandboxRefuses("CREATE TEMPORARY VIEW learning_index AS SELECT * FROM events", "not allowed");
        assertSandboxRefuses("CREATE OR REPLACE TEMP VIEW v AS SELECT * FROM course_weekly_quality", "not allowed");
        assertSandboxRefuses("CREATE VIEW v AS SELECT 1", "not allowed");
        assertSandboxRefuses("DROP VIEW learning_index", "not allowed");
        assertRefused("CREATE TEMPORARY VIEW course_weekly_quality AS SELECT * FROM events", "not allowed");
        // nothing was replaced: the researcher's course_weekly_quality is still the controlled one
        assertThat(List.of(spark().table("course_weekly_quality").columns())).contains("suppressed");
    }

    @Test
    void theAnalysedPlanDecidesNotTheText() throws java.io.IOException {
        // a plan that reads a view of another name, however the query spelled it, is refused after analysis
        Warehouse wh = new Warehouse(spark(), warehouse.toString());
        wh.read(DatasetRef.mart("learner_course_progress")).createOrReplaceTempView("lcp_probe");
        try {
            LogicalPlan probe = spark().sql("SELECT * FROM course_weekly_quality WHERE course_id IN "
                    + "(SELECT course_id FROM lcp_probe)").queryExecution().analyzed();
            assertThatThrownBy(() -> sandbox.checkAnalysed(probe)).isInstanceOf(SqlSandbox.RefusedException.class)
                    .hasMessageContaining("`lcp_probe`").hasMessageContaining(VIEWS);
            LogicalPlan file = spark().read().parquet(warehouse.resolve("marts/learner_course_progress/current")
                    .toRealPath().toString()).queryExecution().analyzed();
            assertThatThrownBy(() -> sandbox.checkAnalysed(file)).isInstanceOf(SqlSandbox.RefusedException.class);
            LogicalPlan allowed = spark().sql("WITH events AS (SELECT * FROM course_weekly_quality) "
                    + "SELECT count(*) FROM events").queryExecution().analyzed();
            sandbox.checkAnalysed(allowed);
        } finally {
            spark().catalog().dropTempView("lcp_probe");
        }
    }

    @Test
    void everyAllowedShapeOfQueryStillAnswers() throws Exception {
        for (String q : List.of(
                "SELECT count(*) FROM course_weekly_quality",
                "SELECT count(*) FROM COURSE_WEEKLY_QUALITY",
                "SELECT count(*) FROM `Course_Weekly_Quality`",
                "SELECT count(*) FROM `learning_index`",
                "WITH events AS (SELECT * FROM course_weekly_quality) SELECT count(*) FROM events",
                "WITH learning_index AS (SELECT * FROM cohort_retention) SELECT count(*) FROM learning_index",
                "SELECT count(*) FROM course_weekly_quality WHERE course_id IN (SELECT course_id FROM cohort_retention)",
                "SELECT count(*) FROM course_weekly_quality WHERE EXISTS (SELECT 1 FROM learning_index)",
                "SELECT count(*) FROM (SELECT course_id FROM course_weekly_quality UNION SELECT course_id FROM "
                        + "tutor_service_by_course)",
                "SELECT count(*) FROM course_weekly_quality q JOIN cohort_retention r ON q.course_id = r.course_id",
                "SELECT count(*) FROM (SELECT * FROM (SELECT * FROM assessment_item_stats))",
                "SELECT (SELECT count(*) FROM learning_index) AS n",
                "TABLE cohort_retention",
                "DESCRIBE tutor_service_by_course")) {
            assertThat(sandbox.dataset(spark(), q).collectAsList()).as(q).isNotEmpty();
        }
        Map<String, Long> counts = new HashMap<>();
        for (String q : List.of("SELECT count(*) FROM course_weekly_quality",
                "WITH events AS (SELECT * FROM course_weekly_quality) SELECT count(*) FROM events",
                "SELECT count(*) FROM course_weekly_quality WHERE course_id IN (SELECT course_id FROM cohort_retention)",
                "SELECT count(*) FROM course_weekly_quality q JOIN cohort_retention r ON q.course_id = r.course_id")) {
            counts.put(q, sandbox.dataset(spark(), q).first().getLong(0));
        }
        assertThat(counts.values()).containsExactlyInAnyOrder(7L, 7L, 7L, 11L);
    }

    // ---- export ----------------------------------------------------------------------------------------------

    @Test
    void theExportHoldsTheControlledOutputsACodebookAndAManifest() throws IOException {
        Path out = dir.resolve("export-parquet");
        Run r = cli("export", "--researcher", "--out", out.toString(), "--warehouse", warehouse.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("as of 2026-03-08").contains(runId);
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(m.get("run_id").asText()).isEqualTo(runId);
        assertThat(m.get("as_of").asText()).isEqualTo("2026-03-08");
        assertThat(m.get("disclosure").get("version").asText()).isEqualTo("xueqing-sdc-1");
        assertThat(m.get("disclosure").get("rules").asText()).startsWith("xueqing-sdc-1: ");
        assertThat(m.get("disclosure").get("min_learners").asInt()).isEqualTo(10);
        Map<String, JsonNode> datasets = new HashMap<>();
        m.get("datasets").forEach(d -> datasets.put(d.get("name").asText(), d));
        assertThat(datasets.keySet()).containsExactlyInAnyOrder("learning_index", "course_weekly_quality",
                "assessment_item_stats", "cohort_retention", "tutor_service_by_course");
        assertThat(datasets.get("course_weekly_quality").get("rows").asLong()).isEqualTo(7);
        assertThat(datasets.get("course_weekly_quality").get("suppressed_rows").asLong()).isEqualTo(2);
        assertThat(datasets.get("learning_index").get("disclosure_control").asText()).isEqualTo("applied by the mart");
        int files = 0;
        for (JsonNode d : m.get("datasets")) {
            for (JsonNode f : d.get("files")) {
                Path p = out.resolve(f.get("path").asText());
                assertThat(Files.size(p)).isEqualTo(f.get("bytes").asLong());
                assertThat(sha256(p)).isEqualTo(f.get("sha256").asText());
                files++;
            }
        }
        assertThat(files).isEqualTo(5);
        for (JsonNode f : m.get("codebook")) {
            assertThat(sha256(out.resolve(f.get("path").asText()))).isEqualTo(f.get("sha256").asText());
        }
        Dataset<Row> cwq = spark().read().parquet(out.resolve("course_weekly_quality").toString());
        assertThat(cwq.filter("suppressed").count()).isEqualTo(2);
        assertThat(cwq.filter("class_id = 'C'").first().<Long>getAs("enrolled")).isEqualTo(20L);
        try (Stream<Path> s = Files.walk(out)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".crc") || n.startsWith("_"));
        }

        // the codebook defines every column of every dataset, from the specs
        String md = Files.readString(out.resolve("codebook.md"));
        List<String> csv = Files.readAllLines(out.resolve("codebook.csv"));
        for (String name : datasets.keySet()) {
            assertThat(md).contains("## " + name);
            for (String col : spark().read().parquet(out.resolve(name).toString()).columns()) {
                assertThat(md).as(name + "." + col).contains("| `" + col + "` |");
                assertThat(csv).as(name + "." + col).anyMatch(l -> l.startsWith(name + "," + col + ","));
            }
        }
        assertThat(md).contains("rows about fewer than 10 learners suppressed")
                .contains("distinct learners whose questions got their first staff response");

        // run again: the export is replaced as a whole
        Run again = cli("export", "--researcher", "--out", out.toString(), "--warehouse", warehouse.toString());
        assertThat(again.code()).as(again.toString()).isZero();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-") || n.contains(".old-"));
        }
    }

    @Test
    void csvExportsReadBackAndTheCommandChecksItsArguments() throws IOException {
        Path out = dir.resolve("export-csv");
        Run r = cli("export", "--researcher", "--format", "csv", "--out", out.toString(), "--warehouse",
                warehouse.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        Dataset<Row> items = spark().read().option("header", "true").option("escape", "\"").csv(out.resolve("assessment_item_stats")
                .toString());
        assertThat(items.count()).isEqualTo(3);
        assertThat(new ObjectMapper().readTree(items.filter("item_id = 'i3'").first().<String>getAs("option_shares")))
                .isEqualTo(new ObjectMapper().readTree("{\"a\":0.75,\"b\":0.25}"));
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(m.get("format").asText()).isEqualTo("csv");

        Run noRole = cli("export", "--out", out.toString(), "--warehouse", warehouse.toString());
        assertThat(noRole.code()).isEqualTo(XueqingCli.USAGE);
        assertThat(noRole.err()).contains("--researcher");
        Path precious = dir.resolve("precious");
        Files.createDirectories(precious);
        Files.writeString(precious.resolve("thesis.tex"), "keep me\n");
        Run notAnExport = cli("export", "--researcher", "--out", precious.toString(), "--warehouse",
                warehouse.toString());
        assertThat(notAnExport.code()).as(notAnExport.toString()).isEqualTo(XueqingCli.USAGE);
        assertThat(notAnExport.err()).contains("holds no researcher export");
        assertThat(Files.readString(precious.resolve("thesis.tex"))).isEqualTo("keep me\n");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static Map<String, Row> byKey(String query) {
        Map<String, Row> out = new HashMap<>();
        try {
            for (Row r : sandbox.dataset(spark(), query).collectAsList()) {
                String key = r.isNullAt(0) ? "null" : r.get(0).toString();
                if (r.schema().fieldNames().length > 1 && r.schema().fieldNames()[1].equals("class_id")) {
                    key += "/" + (r.isNullAt(1) ? "null" : r.getString(1));
                }
                out.put(key, r);
            }
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new AssertionError(query, e);
        }
        return out;
    }

    static Map<String, Object> cwq(String course, String cls, long enrolled, long active, long passed, long failed) {
        Map<String, Object> m = new HashMap<>();
        m.put("course_id", course);
        m.put("class_id", cls);
        m.put("week_start", WEEK);
        m.put("enrolled", enrolled);
        m.put("active_learners", active);
        m.put("active_rate", (double) active / enrolled);
        m.put("passed", passed);
        m.put("failed", failed);
        m.put("pass_rate", passed + failed == 0 ? null : (double) passed / (passed + failed));
        m.put("mean_score", 0.5);
        m.put("within_sla_share", 0.5);
        return m;
    }

    static Map<String, Object> item(String id, long responses, double facility, Map<String, Double> shares) {
        return Map.of("course_id", "C1", "item_id", id, "responses", responses, "facility", facility,
                "discrimination", 0.3, "option_shares", shares, "flags", List.of(), "flag_count", 0);
    }

    static Map<String, Object> question(String course, String id, String learner, double hours, boolean withinSla) {
        Instant asked = Instant.parse("2026-03-02T02:00:00Z");
        Map<String, Object> m = new HashMap<>();
        m.put("question_id", id);
        m.put("course_id", course);
        m.put("thread_id", "th-" + id);
        m.put("learner_key", learner);
        m.put("asked_at", Timestamp.from(asked));
        m.put("week_start", WEEK);
        m.put("learner_posts", 1L);
        m.put("answered", true);
        m.put("first_reply_at", Timestamp.from(Instant.parse("2026-03-03T02:00:00Z")));
        m.put("responder_key", "s1");
        m.put("response_hours", hours);
        m.put("response_business_hours", hours / 2);
        m.put("within_sla", withinSla);
        m.put("attribution", "responder");
        return m;
    }

    /** Rows in the spec's schema: the given values, nulls for other nullable columns, zero-like for the rest. */
    @SafeVarargs
    static Dataset<Row> rows(MartSpec spec, Map<String, Object>... values) {
        StructType schema = spec.schema();
        List<Row> rows = new ArrayList<>();
        for (Map<String, Object> v : values) {
            Object[] cells = new Object[schema.size()];
            for (int i = 0; i < cells.length; i++) {
                StructField f = schema.fields()[i];
                cells[i] = v.containsKey(f.name()) ? v.get(f.name()) : f.nullable() ? null : zero(f.dataType());
            }
            rows.add(RowFactory.create(cells));
        }
        for (ColumnSpec c : spec.columns()) {
            assertThat(c.name()).isNotBlank();
        }
        return spark().createDataFrame(rows, schema);
    }

    private static Object zero(DataType t) {
        if (t instanceof LongType) {
            return 0L;
        } else if (t instanceof IntegerType) {
            return 0;
        } else if (t instanceof DoubleType) {
            return 0.0;
        } else if (t instanceof BooleanType) {
            return false;
        } else if (t instanceof DateType) {
            return WEEK;
        } else if (t instanceof TimestampType) {
            return Timestamp.from(Instant.parse("2026-03-02T00:00:00Z"));
        } else if (t instanceof org.apache.spark.sql.types.ArrayType) {
            return List.of();
        }
        return "x";
    }

    private static String sha256(Path p) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
