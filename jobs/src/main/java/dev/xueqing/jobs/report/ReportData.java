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
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.row_number;

/**
 * What the report shows, read from the warehouse once: the published marts' rows (filtered to the chosen courses,
 * long lists cut to the page's cap), the state of every mart (published when, last failure) and the recent runs.
 * Aggregations made here are counts of published rows (learners per status, abilities per half-logit bin) and each
 * staff member's response times over the whole course run from learner_questions' per-question rows (the definitions
 * of tutor_service_quality over the run instead of a week), never a metric computed again under another definition.
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
        List<Map<String, Object>> runs,
        List<Map<String, Object>> tutors,
        List<Map<String, Object>> skills,
        List<Map<String, Object>> nextSteps) {

    /** Without knowledge tracing (no skill marts). */
    public ReportData(LocalDate asOf, Map<String, MartState> marts, List<Map<String, Object>> courses,
                      List<Map<String, Object>> summary, List<Map<String, Object>> weekly,
                      List<Map<String, Object>> retention, List<Map<String, Object>> statusCounts,
                      List<Map<String, Object>> topRisk, List<Map<String, Object>> riskEvaluation,
                      List<Map<String, Object>> items, List<Map<String, Object>> difficulty,
                      List<Map<String, Object>> reliability, List<Map<String, Object>> abilityBins,
                      List<Map<String, Object>> dataQuality, List<Map<String, Object>> runs,
                      List<Map<String, Object>> tutors) {
        this(asOf, marts, courses, summary, weekly, retention, statusCounts, topRisk, riskEvaluation, items,
                difficulty, reliability, abilityBins, dataQuality, runs, tutors, List.of(), List.of());
    }

    /** Width of the item–person map's bins, in logits. */
    public static final double ABILITY_BIN = 0.5;
    /** Runs shown on the data-quality page. */
    public static final int RUNS_SHOWN = 60;

    /**
     * One mart's state: when its current version was published (null: never), and the last run that failed to build
     * it after that, with the failure message.
     */
    public record MartState(String name, Instant publishedAt, Instant failedAt, String failure, String failedRun,
                            String unreadable) {
        public MartState(String name, Instant publishedAt, Instant failedAt, String failure, String failedRun) {
            this(name, publishedAt, failedAt, failure, failedRun, null);
        }

        /** The same mart, published but not readable now (a damaged file): shown as missing, with the reason. */
        MartState unreadable(String why) {
            return new MartState(name, null, failedAt, failure, failedRun, why);
        }

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
        specs.addAll(dev.xueqing.jobs.ml.skills.SkillMarts.ALL);
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
    public static ReportData load(Warehouse wh, List<String> courses, int maxRows, double medianResponseHoursMax) {
        // every run, collected once: _runs grows by a few rows a night, and both the recent runs and the last
        // failure of each mart come from it
        List<Map<String, Object>> allRuns = wh.exists(DatasetRef.RUNS)
                ? MartRows.collect(new RunLog(wh).all().orderBy(col("started_at").desc(), col("run_id").desc()))
                : List.of();
        List<Map<String, Object>> runs = allRuns.subList(0, Math.min(RUNS_SHOWN, allRuns.size()));
        List<Map<String, Object>> failedRuns = allRuns.stream()
                .filter(r -> RunLog.FAILED.equals(r.get("status")) && r.get("message") != null)
                .sorted(java.util.Comparator.comparing((Map<String, Object> r) -> (Instant) r.get("ended_at"))
                        .reversed())
                .toList();
        Map<String, MartState> states = new LinkedHashMap<>();
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
        LocalDate asOf = allRuns.stream().filter(r -> RunLog.SUCCEEDED.equals(r.get("status")))
                .filter(r -> List.of("nightly", "marts").contains(r.get("job")) && r.get("as_of") != null)
                .map(r -> (LocalDate) r.get("as_of")).findFirst().orElse(null);

        // the reads are small and independent: run them side by side, so that the driver plans one while the
        // executors run another (each is a few Spark jobs whose fixed cost dominates at this size)
        Queries q = new Queries(states);
        var coursesDim = q.submit(() -> {
            if (!wh.exists(DatasetRef.COURSES)) {
                return List.of();
            }
            Dataset<Row> c = wh.read(DatasetRef.COURSES);
            return MartRows.collect((courses.isEmpty() ? c : c.filter(col("course_id").isin(courses.toArray())))
                    .orderBy("course_id"));
        });
        var summary = q.mart("course_quality_summary", () -> MartRows.collect(read.apply("course_quality_summary")
                .orderBy(col("course_id"), col("class_id").asc_nulls_first())));
        var weekly = q.mart("course_weekly_quality", () -> MartRows.collect(read.apply("course_weekly_quality")
                .orderBy(col("course_id"), col("week_start"), col("class_id").asc_nulls_first())));
        var retention = q.mart("cohort_retention", () -> MartRows.collect(read.apply("cohort_retention")
                .orderBy("course_id", "enrolment_week", "weeks_since_enrolment")));
        var status = q.mart("learner_course_progress", () -> MartRows.collect(read.apply("learner_course_progress")
                .groupBy("course_id", "class_id", "status").agg(count(lit(1)).as("learners"))
                .orderBy(col("course_id"), col("class_id").asc_nulls_first(), col("status"))));
        var risk = q.mart("learner_risk_scores", () -> MartRows.collect(top(read.apply("learner_risk_scores"),
                maxRows)));
        var evaluation = q.mart("risk_model_evaluation", () -> MartRows.collect(
                wh.read(DatasetRef.mart("risk_model_evaluation")).orderBy(col("trained_at").desc(), col("weeks"))));
        var items = q.mart("assessment_item_stats", () -> MartRows.collect(read.apply("assessment_item_stats")
                .orderBy(col("course_id"), col("flag_count").desc(), col("assessment_id"), col("item_id"))));
        var difficulty = q.mart("assessment_item_difficulty", () -> MartRows.collect(
                read.apply("assessment_item_difficulty").orderBy("course_id", "item_id")));
        var reliability = q.mart("assessment_reliability", () -> MartRows.collect(
                read.apply("assessment_reliability").orderBy("course_id", "assessment_id")));
        var ability = q.mart("learner_ability", () -> MartRows.collect(read.apply("learner_ability")
                .groupBy(col("course_id"), floor(col("ability").divide(ABILITY_BIN)).multiply(ABILITY_BIN).as("bin"))
                .agg(count(lit(1)).as("learners")).orderBy("course_id", "bin")));
        // each staff member's questions over the course run: the per-question rows of learner_questions, counted
        var tutors = q.mart("learner_questions", () -> MartRows.collect(read.apply("learner_questions")
                .filter(col("attributed_to").isNotNull())
                .groupBy(col("course_id"), col("attributed_to").as("staff_key"))
                .agg(count(when(col("answered"), lit(1))).as("questions_answered"),
                        org.apache.spark.sql.functions.median(col("response_hours")).as("median_response_hours"),
                        org.apache.spark.sql.functions.percentile(col("response_hours"), lit(0.9))
                                .as("p90_response_hours"),
                        org.apache.spark.sql.functions.median(col("response_business_hours"))
                                .as("median_response_business_hours"),
                        dev.xueqing.common.metrics.Rates.ratio(count(when(col("within_sla"), lit(1))),
                                count(when(col("answered"), lit(1)))).as("within_sla_share"),
                        count(when(col("answered").equalTo(false), lit(1))).as("unanswered_questions"),
                        org.apache.spark.sql.functions.max("unanswered_hours").as("oldest_unanswered_hours"),
                        lit(medianResponseHoursMax).as("median_response_hours_threshold"))
                .orderBy(col("course_id"), col("within_sla_share").asc_nulls_last(), col("staff_key"))));
        // each skill of the current model with its learners mastered (a count of learner_skill_mastery's rows) and
        // the cross-validated AUC of BKT and PFA from the same fit's rows of skill_model_evaluation
        var skills = q.mart("skill_model", () -> MartRows.collect(skills(wh, read)));
        var nextSteps = q.mart("learner_next_steps", () -> MartRows.collect(topSteps(read.apply(
                "learner_next_steps"), maxRows)));
        var dataQuality = q.mart("data_quality", () -> MartRows.collect(wh.read(DatasetRef.mart("data_quality"))
                .orderBy(col("started_at"), col("run_id"), col("source"), col("reason"))));
        try {
            return new ReportData(asOf, states, q.get(coursesDim), q.get(summary), q.get(weekly), q.get(retention),
                    q.get(status), q.get(risk), q.get(evaluation), q.get(items), q.get(difficulty),
                    q.get(reliability), q.get(ability), q.get(dataQuality), runs, q.get(tutors), q.get(skills),
                    q.get(nextSteps));
        } finally {
            q.close();
        }
    }

    /** The report's reads, submitted to a small pool; a mart that is not published reads as no rows. */
    private static final class Queries implements AutoCloseable {
        private static final int THREADS = 4;
        private final Map<String, MartState> states;
        private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                THREADS, r -> {
                    Thread t = new Thread(r, "xueqing-report-read");
                    t.setDaemon(true);
                    return t;
                });

        Queries(Map<String, MartState> states) {
            this.states = states;
        }

        java.util.concurrent.Future<List<Map<String, Object>>> submit(
                java.util.concurrent.Callable<List<Map<String, Object>>> read) {
            return pool.submit(read);
        }

        /**
         * Reads a published mart; a mart that cannot be read (a damaged file) reads as no rows and is marked failed
         * with the reason, so that only its sections say so and the rest of the report is written.
         */
        java.util.concurrent.Future<List<Map<String, Object>>> mart(String name,
                java.util.concurrent.Callable<List<Map<String, Object>>> read) {
            MartState state = states.get(name);
            if (!state.present()) {
                return java.util.concurrent.CompletableFuture.completedFuture(List.of());
            }
            return pool.submit(() -> {
                try {
                    return read.call();
                } catch (Exception e) {
                    // Exception: Spark's AnalysisException is checked
                    org.slf4j.LoggerFactory.getLogger(ReportData.class).warn("REPORT could not read the mart {}: {}",
                            name, e.getMessage());
                    synchronized (states) {
                        states.put(name, state.unreadable(RunLog.describe(e)));
                    }
                    return List.of();
                }
            });
        }

        List<Map<String, Object>> get(java.util.concurrent.Future<List<Map<String, Object>>> f) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the marts", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    /**
     * The current model's skills, in course and skill order, with {@code mastered_learners} and
     * {@code practised_learners} (rows of learner_skill_mastery with mastered true, and all of them) and
     * {@code bkt_auc}, {@code pfa_auc} (the skill's rows of the fit in skill_model_evaluation; null when missing).
     */
    static Dataset<Row> skills(Warehouse wh, Function<String, Dataset<Row>> read) {
        Dataset<Row> model = read.apply("skill_model").select("course_id", "skill_id", "model_run_id", "status",
                "learners", "opportunities", "mean_opportunities", "correct_rate", "prior", "learn", "guess", "slip");
        Dataset<Row> out = model;
        if (wh.exists(DatasetRef.mart("learner_skill_mastery"))) {
            out = out.join(read.apply("learner_skill_mastery").groupBy("course_id", "skill_id").agg(
                    count(when(col("mastered"), lit(1))).as("mastered_learners"),
                    count(lit(1)).as("practised_learners")), new String[] {"course_id", "skill_id"}, "left");
        } else {
            out = out.withColumn("mastered_learners", lit(null).cast("long"))
                    .withColumn("practised_learners", lit(null).cast("long"));
        }
        if (wh.exists(DatasetRef.mart("skill_model_evaluation"))) {
            Dataset<Row> eval = read.apply("skill_model_evaluation");
            out = out.join(eval.filter(col("model").equalTo("bkt")).select(col("model_run_id"), col("course_id"),
                            col("skill_id"), col("auc").as("bkt_auc")),
                    new String[] {"model_run_id", "course_id", "skill_id"}, "left")
                    .join(eval.filter(col("model").equalTo("pfa")).select(col("model_run_id"), col("course_id"),
                            col("skill_id"), col("auc").as("pfa_auc")),
                            new String[] {"model_run_id", "course_id", "skill_id"}, "left");
        } else {
            out = out.withColumn("bkt_auc", lit(null).cast("double")).withColumn("pfa_auc", lit(null).cast("double"));
        }
        return out.orderBy("course_id", "skill_id");
    }

    /**
     * The learners whose next steps a page lists: per course, those waiting on a prerequisite first, then those with
     * steps, then those who have mastered every skill, each by learner; at most {@code n}.
     */
    static Dataset<Row> topSteps(Dataset<Row> steps, int n) {
        Column order = when(col("status").equalTo("blocked"), 0).when(col("status").equalTo("has_steps"), 1)
                .otherwise(2);
        return steps.withColumn("rank", row_number().over(Window.partitionBy("course_id").orderBy(order,
                        col("learner_key"))))
                .filter(col("rank").leq(n)).drop("rank").orderBy(col("course_id"), order, col("learner_key"));
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
