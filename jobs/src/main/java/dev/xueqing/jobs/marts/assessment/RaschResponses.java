package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.ml.Rasch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/**
 * The dichotomous responses a Rasch scale is fitted on, and the fit, per course: each learner's first answer to
 * each question (learner-initiated {@code answered} events on objects of type question, by event time): correct
 * when {@code success} is true, or, without success, when {@code score_scaled} is at least 0.5. Questions answered
 * by fewer than {@link #MIN_RESPONSES} learners are left out of the scale (as the classical item statistics do).
 */
final class RaschResponses {
    static final int MIN_RESPONSES = 6;
    /** Item mean-squares outside this range flag misfit (a common rule of thumb for ordinary tests). */
    static final double FIT_LOW = 0.7;
    static final double FIT_HIGH = 1.3;

    private RaschResponses() {}

    /** course_id, learner_key, item_id, assessment_id, score (0/1). */
    static Dataset<Row> responses(MartInputs in, MartContext ctx) {
        Dataset<Row> answers = MartFrames.learnerEvents(in, ctx)
                .filter(col("action").equalTo(Actions.ANSWERED).and(col("object_type").equalTo(ObjectTypes.QUESTION)))
                .withColumn("score", when(col("success").isNotNull(), when(col("success"), 1.0).otherwise(0.0))
                        .when(col("score_scaled").isNotNull(), when(col("score_scaled").geq(0.5), 1.0).otherwise(0.0)))
                .filter(col("score").isNotNull())
                .withColumn("_n", row_number().over(Window.partitionBy("course_id", "learner_key", "object_id")
                        .orderBy(col("event_time"), col("event_id"))))
                .filter(col("_n").equalTo(1))
                .select(col("course_id"), col("learner_key"), col("object_id").as("item_id"),
                        col("parent_id").as("assessment_id"), col("score"));
        Dataset<Row> enough = answers.groupBy("course_id", "item_id").agg(count(lit(1)).as("_r"))
                .filter(col("_r").geq(MIN_RESPONSES)).drop("_r");
        return answers.join(enough, new String[] {"course_id", "item_id"}, "left_semi");
    }

    /** The Rasch fit of every course's scale. */
    static Rasch.Fit fit(MartInputs in, MartContext ctx) {
        return Rasch.fitGroups(responses(in, ctx).select(col("course_id").as("group"),
                col("learner_key").as("person"), col("item_id").as("item"), col("score")));
    }
}
