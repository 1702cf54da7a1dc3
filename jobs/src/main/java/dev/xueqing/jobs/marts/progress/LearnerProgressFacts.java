package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Per-enrolment progress facts as of the run date, and the progress status rule. Defined once here and used by
 * {@link LearnerCourseProgressMart} (one row per enrolment) and the course quality summary (aggregated), so the
 * status a supervisor sees per learner and the rates per course agree. Not a mart: it reads only events and dims.
 *
 * <p>Status, first rule that holds wins:
 * <ol>
 *   <li>{@code withdrawn}: unenrolled_at &lt; end of the asOf local day, or outcome = withdrawn;</li>
 *   <li>{@code completed}: outcome pass/distinction/fail, or a completed/passed/failed event on the course itself;</li>
 *   <li>{@code not_started}: no learner-initiated event up to asOf;</li>
 *   <li>{@code inactive}: days_since_last_activity &gt;= xueqing.activity.inactive-days;</li>
 *   <li>{@code behind}: assessments_due &gt; 0 and (assessments_due − assessments_submitted) / assessments_due &gt;
 *       xueqing.progress.behind-missed-share;</li>
 *   <li>{@code on_track} otherwise.</li>
 * </ol>
 */
public final class LearnerProgressFacts {
    public static final List<String> STATUSES =
            List.of("withdrawn", "completed", "not_started", "inactive", "behind", "on_track");
    private static final String[] KEYS = {"learner_key", "course_id"};

    private LearnerProgressFacts() {}

    /**
     * @return one row per enrolment as of asOf: learner_key, course_id, class_id, enrolled_at, unenrolled_at,
     *         outcome, first_activity, last_activity, last_activity_date, active_days, active_minutes, sessions,
     *         content_items, content_viewed, content_coverage, assessments_due, assessments_submitted,
     *         assessment_completion, submissions, on_time_submissions, on_time_rate, score_sum, score_count,
     *         mean_score, days_since_last_activity, course_outcome_event, status
     */
    public static Dataset<Row> compute(MartInputs in, MartContext ctx) {
        // three marts of a build start from these facts (progress, quality summary, segments): derive them once
        return in.derivedCached("learner-progress-facts:" + ctx.asOf(), () -> facts(in, ctx));
    }

    private static Dataset<Row> facts(MartInputs in, MartContext ctx) {
        XueqingConfig cfg = ctx.config();
        Column endOfAsOf = MartFrames.endOfAsOf(ctx);
        Dataset<Row> learnerEvents = MartFrames.learnerEvents(in, ctx);

        // first and last activity, active days, time and sessions from the compact per-day fact
        Dataset<Row> activity = LearnerDays.of(in, ctx).groupBy("learner_key", "course_id").agg(
                min("first_time").as("first_activity"),
                max("last_time").as("last_activity"),
                max("event_date").as("last_activity_date"),
                count(lit(1)).as("active_days"),
                sum("active_seconds").divide(60.0).as("active_minutes"),
                sum("sessions").as("sessions"));

        Dataset<Row> content = in.get(DatasetRef.COURSE_ITEMS)
                .filter(col("object_type").isin(ObjectTypes.CONTENT.toArray()))
                .select("course_id", "object_id");
        Dataset<Row> contentItems = content.groupBy("course_id").agg(count(lit(1)).as("content_items"));
        Dataset<Row> contentViewed = learnerEvents.filter(col("action").isin(Actions.CONTENT_VIEWS.toArray()))
                .select("learner_key", "course_id", "object_id").distinct()
                .join(content, new String[] {"course_id", "object_id"})
                .groupBy("learner_key", "course_id").agg(count(lit(1)).as("content_viewed"));

        Column dueByAsOf = col("due_time").isNotNull().and(col("due_time").lt(endOfAsOf));
        Dataset<Row> due = MartFrames.assessmentItems(in).filter(dueByAsOf)
                .groupBy("course_id").agg(count(lit(1)).as("assessments_due"));
        Dataset<Row> submitted = MartFrames.firstSubmissions(in, ctx).groupBy("learner_key", "course_id").agg(
                count(lit(1)).as("submissions"),
                sum(when(col("due_time").isNull().or(col("submitted_at").leq(col("due_time"))), 1).otherwise(0))
                        .cast("long").as("on_time_submissions"),
                sum(when(dueByAsOf, 1).otherwise(0)).cast("long").as("assessments_submitted"));
        Dataset<Row> scores = MartFrames.assessmentScores(in, ctx).groupBy("learner_key", "course_id").agg(
                sum("score_scaled").as("score_sum"), count("score_scaled").as("score_count"));
        Dataset<Row> courseOutcome = MartFrames.courseOutcomeEvents(in, ctx)
                .select("learner_key", "course_id").distinct().withColumn("course_outcome_event", lit(true));

        Dataset<Row> facts = MartFrames.enrollmentsAsOf(in, ctx)
                .join(activity, KEYS, "left")
                .join(contentItems, new String[] {"course_id"}, "left")
                .join(contentViewed, KEYS, "left")
                .join(due, new String[] {"course_id"}, "left")
                .join(submitted, KEYS, "left")
                .join(scores, KEYS, "left")
                .join(courseOutcome, KEYS, "left")
                .select(col("learner_key"), col("course_id"), col("class_id"), col("enrolled_at"),
                        col("unenrolled_at"), col("outcome"), col("first_activity"), col("last_activity"),
                        col("last_activity_date"),
                        coalesce(col("active_days"), lit(0L)).as("active_days"),
                        coalesce(col("active_minutes"), lit(0.0)).as("active_minutes"),
                        coalesce(col("sessions"), lit(0L)).cast("long").as("sessions"),
                        coalesce(col("content_items"), lit(0L)).as("content_items"),
                        coalesce(col("content_viewed"), lit(0L)).as("content_viewed"),
                        coalesce(col("assessments_due"), lit(0L)).as("assessments_due"),
                        coalesce(col("assessments_submitted"), lit(0L)).as("assessments_submitted"),
                        coalesce(col("submissions"), lit(0L)).as("submissions"),
                        coalesce(col("on_time_submissions"), lit(0L)).as("on_time_submissions"),
                        coalesce(col("score_sum"), lit(0.0)).as("score_sum"),
                        coalesce(col("score_count"), lit(0L)).as("score_count"),
                        coalesce(col("course_outcome_event"), lit(false)).as("course_outcome_event"))
                .withColumn("content_coverage", Rates.ratio(col("content_viewed"), col("content_items")))
                .withColumn("assessment_completion", Rates.ratio(col("assessments_submitted"), col("assessments_due")))
                .withColumn("on_time_rate", Rates.ratio(col("on_time_submissions"), col("submissions")))
                .withColumn("mean_score", Rates.ratio(col("score_sum"), col("score_count")))
                .withColumn("days_since_last_activity", datediff(MartFrames.asOfDate(ctx), col("last_activity_date")));
        return facts.withColumn("status", status(cfg, endOfAsOf));
    }

    static Column status(XueqingConfig cfg, Column endOfAsOf) {
        Column withdrawn = col("unenrolled_at").isNotNull().and(col("unenrolled_at").lt(endOfAsOf))
                .or(coalesce(col("outcome").equalTo("withdrawn"), lit(false)));
        Column completed = coalesce(col("outcome").isin("pass", "distinction", "fail"), lit(false))
                .or(col("course_outcome_event"));
        Column missedShare = Rates.ratio(col("assessments_due").minus(col("assessments_submitted")),
                col("assessments_due"));
        return when(withdrawn, "withdrawn")
                .when(completed, "completed")
                .when(col("first_activity").isNull(), "not_started")
                .when(col("days_since_last_activity").geq(cfg.activity().inactiveDays()), "inactive")
                .when(col("assessments_due").gt(0).and(missedShare.gt(cfg.progress().behindMissedShare())), "behind")
                .otherwise("on_track");
    }
}
