package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ObjectTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.time.ZoneId;

import static org.apache.spark.sql.functions.*;

/**
 * events + course_items → learner × course assessment features known at the cutoff: timing against the due day,
 * scores relative to the cohort, the score of the work due so far, and results carried over from an earlier run.
 *
 * <p>Only what has happened before the cutoff counts: submissions and scores dated before it, assessments due
 * before it, and the cohort's scores on an assessment as they stand at the cutoff (a later submission by anyone
 * changes no feature). A learner without the events a feature needs gets no row; the caller fills its default.
 */
final class AssessmentFeatures {
    private AssessmentFeatures() {}

    /**
     * @param events   all events (scores may come from system events)
     * @param items    course_items
     * @param courses  course_id, start_date, cutoff_date
     * @return learner_key, course_id, due_lead_days, score_z, score_percentile, due_score, banked_assessments
     *         (nulls where the learner has no scored or dated submission; see docs/risk.md)
     */
    static Dataset<Row> build(Dataset<Row> events, Dataset<Row> items, Dataset<Row> courses, ZoneId zone) {
        Column cutoffTs = TenantTime.startOfLocalDay(col("cutoff_date"), zone);
        Dataset<Row> assessments = items.filter(col("object_type").isin(ObjectTypes.ASSESSMENTS.toArray()))
                .select(col("course_id"), col("object_id"), col("due_time"),
                        coalesce(col("weight"), lit(0.0)).as("weight"));

        // everything below reads only the events dated before their course's cutoff
        Dataset<Row> before = events.join(courses, "course_id").filter(col("event_date").lt(col("cutoff_date")));
        // first submission of each assessment before the cutoff
        Dataset<Row> submitted = before.filter(col("action").isin(Actions.SUBMISSIONS.toArray()))
                .groupBy("learner_key", "course_id", "object_id", "start_date")
                .agg(min("event_date").as("_day"))
                .join(assessments, new String[] {"course_id", "object_id"});
        // days between the submission and its due day (positive: early); submissions before the start are carried
        // over from an earlier run and say nothing about this run's timing
        Dataset<Row> timing = submitted.groupBy("learner_key", "course_id").agg(
                avg(when(col("_day").geq(col("start_date")).and(col("due_time").isNotNull()),
                        datediff(TenantTime.localDate(col("due_time"), zone), col("_day")))).as("due_lead_days"),
                sum(when(col("_day").lt(col("start_date")), 1).otherwise(0)).as("banked_assessments"));

        // each learner's score on each assessment (mean when scored twice), then where it stands in the cohort's
        // scores on the same assessment in the same run, all dated before the cutoff
        Dataset<Row> scored = before
                .filter(col("action").isin(Actions.SCORED, Actions.PASSED, Actions.FAILED, Actions.SUBMITTED)
                        .and(col("score_scaled").isNotNull()))
                .groupBy("learner_key", "course_id", "object_id").agg(avg("score_scaled").as("_score"))
                .join(assessments.select("course_id", "object_id"), new String[] {"course_id", "object_id"});
        WindowSpec cohort = Window.partitionBy("course_id", "object_id");
        Column sd = stddev_pop(col("_score")).over(cohort);
        Dataset<Row> relative = scored
                .withColumn("_z", when(sd.gt(1e-9), col("_score").minus(avg(col("_score")).over(cohort)).divide(sd))
                        .otherwise(0.0))
                .withColumn("_pct", when(count(lit(1)).over(cohort).gt(1),
                        percent_rank().over(cohort.orderBy("_score"))).otherwise(0.5))
                .groupBy("learner_key", "course_id")
                .agg(avg("_z").as("score_z"), avg("_pct").as("score_percentile"));

        // the work due so far, each assessment by its weight (equally when the due ones weigh nothing); missing
        // work counts 0
        Dataset<Row> due = assessments.join(courses, "course_id").filter(col("due_time").lt(cutoffTs))
                .select("course_id", "object_id", "weight");
        Dataset<Row> dueScore = due.join(scored.select("learner_key", "course_id", "object_id", "_score"),
                        new String[] {"course_id", "object_id"})
                .groupBy("learner_key", "course_id").agg(
                        sum(col("_score").multiply(col("weight"))).as("_ws"), sum(col("_score")).as("_s"))
                .join(due.groupBy("course_id").agg(sum("weight").as("_w"), count(lit(1)).as("_n")), "course_id")
                .select(col("learner_key"), col("course_id"),
                        when(col("_w").gt(0), col("_ws").divide(col("_w"))).otherwise(col("_s").divide(col("_n")))
                                .as("due_score"));

        String[] k = {"learner_key", "course_id"};
        return timing.join(relative, k, "full").join(dueScore, k, "full");
    }
}
