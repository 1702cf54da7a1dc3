package dev.xueqing.jobs.report;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.ml.risk.RiskMarts;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

/**
 * What the report shows, read from the warehouse once: the published marts' rows (filtered to the chosen courses,
 * long lists cut to the page's cap), the state of every mart (published when, last failure) and the recent runs.
 * Aggregations made here are counts of published rows (learners per status, abilities per half-logit bin), never a
 * metric computed again under another definition.
 */
public record ReportData(
        LocalDate asOf,
        Map<String, MartState> marts,
        List<Map<String, Object>> courses,
        List<Map<String, Object>> summary,
        List<Map<String, Object>> weekly,
        List<Map<String, Object>> retention,
        List<Map<String, Object>> statusCounts,
        List<Map<String, Object>> topRisk,
        List<Map<String, Object>> riskEvaluation,
        List<Map<String, Object>> items,
        List<Map<String, Object>> difficulty,
        List<Map<String, Object>> reliability,
        List<Map<String, Object>> abilityBins,
        List<Map<String, Object>> dataQuality,
        List<Map<String, Object>> runs) {

    /** Width of the item–person map's bins, in logits. */
    public static final double ABILITY_BIN = 0.5;
    /** Runs shown on the data-quality page. */
    public static final int RUNS_SHOWN = 60;

    /**
     * One mart's state: when its current version was published (null: never), and the last run that failed to build
     * it after that, with the failure message.
     */
    public record MartState(String name, Instant publishedAt, Instant failedAt, String failure, String failedRun) {
        public boolean present() {
            return publishedAt != null;
        }

        /** A failure newer than the published version: the mart shown is older than the last attempt. */
        public boolean failedSinceLastBuild() {
            return failedAt != null && (publishedAt == null || failedAt.isAfter(publishedAt));
        }
    }

    /** Every mart the report can show: the catalogue's and the risk step's. */
    public static List<MartSpec> specs() {
        List<MartSpec> specs = new ArrayList<>();
        MartCatalog.all().forEach(m -> specs.add(m.spec()));
        specs.addAll(RiskMarts.ALL);
        return specs;
    }

    /** The spec of a mart by name. */
    public static MartSpec spec(String name) {
        return specs().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no mart " + name));
    }

    public MartState mart(String name) {
        return marts.getOrDefault(name, new MartState(name, null, null, null, null));
    }

    /** Whether any mart has been published. */
    public boolean anyMart() {
        return marts.values().stream().anyMatch(MartState::present);
    }

    /**
     * Reads the warehouse. {@code courses} empty: every course. {@code maxRows}: learners at risk kept per course
     * (the full list is written to CSV by {@link ReportWriter}).
     */
    public static ReportData load(Warehouse wh, List<String> courses, int maxRows) {
        List<Map<String, Object>> runs = List.of();
        if (wh.exists(DatasetRef.RUNS)) {
            runs = MartRows.collect(new RunLog(wh).all().orderBy(col("started_at").desc(), col("run_id").desc())
                    .limit(RUNS_SHOWN));
        }
        Map<String, MartState> states = new LinkedHashMap<>();
        List<Map<String, Object>> failedRuns = wh.exists(DatasetRef.RUNS)
                ? MartRows.collect(new RunLog(wh).all().filter(col("status").equalTo(RunLog.FAILED))
                        .filter(col("message").isNotNull()).select("run_id", "ended_at", "message")
                        .orderBy(col("ended_at").desc()))
                : List.of();
        List<String> names = specs().stream().map(MartSpec::name).toList();
        for (String name : names) {
            Instant published = wh.publishedAt(DatasetRef.mart(name));
            Instant failedAt = null;
            String failure = null;
            String failedRun = null;
            for (Map<String, Object> r : failedRuns) {
                String f = failureOf(name, (String) r.get("message"), names);
                if (f != null) {
                    failedAt = (Instant) r.get("ended_at");
                    failure = f;
                    failedRun = (String) r.get("run_id");
                    break;
                }
            }
            states.put(name, new MartState(name, published, failedAt, failure, failedRun));
        }
        Function<String, Dataset<Row>> read = name -> {
            Dataset<Row> d = wh.read(DatasetRef.mart(name));
            return courses.isEmpty() || !List.of(d.columns()).contains("course_id") ? d
                    : d.filter(col("course_id").isin(courses.toArray()));
        };
        Function<String, Boolean> has = name -> states.get(name).present();

        List<Map<String, Object>> courseRows = List.of();
        if (wh.exists(DatasetRef.COURSES)) {
            Dataset<Row> c = wh.read(DatasetRef.COURSES);
            if (!courses.isEmpty()) {
                c = c.filter(col("course_id").isin(courses.toArray()));
            }
            courseRows = MartRows.collect(c.orderBy("course_id"));
        }
        LocalDate asOf = runs.stream().filter(r -> RunLog.SUCCEEDED.equals(r.get("status")))
                .filter(r -> List.of("nightly", "marts").contains(r.get("job")) && r.get("as_of") != null)
                .map(r -> (LocalDate) r.get("as_of")).findFirst().orElse(null);

        return new ReportData(asOf, states, courseRows,
                has.apply("course_quality_summary") ? MartRows.collect(read.apply("course_quality_summary")
                        .orderBy(col("course_id"), col("class_id").asc_nulls_first())) : List.of(),
                has.apply("course_weekly_quality") ? MartRows.collect(read.apply("course_weekly_quality")
                        .orderBy(col("course_id"), col("week_start"), col("class_id").asc_nulls_first())) : List.of(),
                has.apply("cohort_retention") ? MartRows.collect(read.apply("cohort_retention")
                        .orderBy("course_id", "enrolment_week", "weeks_since_enrolment")) : List.of(),
                has.apply("learner_course_progress") ? MartRows.collect(read.apply("learner_course_progress")
                        .groupBy("course_id", "class_id", "status").agg(count(lit(1)).as("learners"))
                        .orderBy(col("course_id"), col("class_id").asc_nulls_first(), col("status"))) : List.of(),
                has.apply("learner_risk_scores") ? MartRows.collect(top(read.apply("learner_risk_scores"), maxRows))
                        : List.of(),
                has.apply("risk_model_evaluation") ? MartRows.collect(wh.read(DatasetRef.mart("risk_model_evaluation"))
                        .orderBy(col("trained_at").desc(), col("weeks"))) : List.of(),
                has.apply("assessment_item_stats") ? MartRows.collect(read.apply("assessment_item_stats")
                        .orderBy(col("course_id"), col("flag_count").desc(), col("assessment_id"), col("item_id")))
                        : List.of(),
                has.apply("assessment_item_difficulty") ? MartRows.collect(read.apply("assessment_item_difficulty")
                        .orderBy("course_id", "item_id")) : List.of(),
                has.apply("assessment_reliability") ? MartRows.collect(read.apply("assessment_reliability")
                        .orderBy("course_id", "assessment_id")) : List.of(),
                has.apply("learner_ability") ? MartRows.collect(read.apply("learner_ability")
                        .groupBy(col("course_id"), floor(col("ability").divide(ABILITY_BIN)).multiply(ABILITY_BIN)
                                .as("bin")).agg(count(lit(1)).as("learners")).orderBy("course_id", "bin"))
                        : List.of(),
                has.apply("data_quality") ? MartRows.collect(wh.read(DatasetRef.mart("data_quality"))
                        .orderBy(col("started_at"), col("run_id"), col("source"), col("reason"))) : List.of(),
                runs);
    }

    /** The learners at risk a page lists: per course, by probability, highest first, at most {@code n}. */
    static Dataset<Row> top(Dataset<Row> scores, int n) {
        Column order = col("probability").desc();
        return scores.withColumn("rank", row_number().over(Window.partitionBy("course_id").orderBy(order,
                        col("learner_key"))))
                .filter(col("rank").leq(n)).drop("rank").orderBy(col("course_id"), order, col("learner_key"));
    }

    /**
     * The part of a failed run's message about one mart. Runs join their marts' failures as
     * "name: error; other: error", so the part runs from "name: " to the next "; " + another mart's name.
     */
    static String failureOf(String mart, String message, List<String> marts) {
        String start = mart + ": ";
        int at = message.startsWith(start) ? 0 : message.indexOf("; " + start);
        if (at < 0) {
            return null;
        }
        int from = at == 0 ? start.length() : at + 2 + start.length();
        int end = message.length();
        for (String other : marts) {
            int next = message.indexOf("; " + other + ": ", from);
            if (next >= 0 && next < end) {
                end = next;
            }
        }
        return message.substring(from, end);
    }

    /** Rows of one course. */
    public static List<Map<String, Object>> of(List<Map<String, Object>> rows, String course) {
        return rows.stream().filter(r -> course.equals(r.get("course_id"))).toList();
    }

    /** The courses to report on: the courses dim, plus any course a summary row names that the dim lacks. */
    public List<String> courseIds() {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        courses.forEach(c -> ids.add((String) c.get("course_id")));
        summary.forEach(s -> ids.add((String) s.get("course_id")));
        return List.copyOf(ids);
    }

    /** The course's title from the courses dim, or its id. */
    public String title(String course) {
        return courses.stream().filter(c -> course.equals(c.get("course_id"))).map(c -> (String) c.get("title"))
                .filter(t -> t != null && !t.isBlank()).findFirst().orElse(course);
    }
}
