package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.ml.Rasch;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The dichotomous responses a Rasch scale is fitted on, and the fit, per course: the first answers of
 * {@link AssessmentResponses}, correct when their score is at least 0.5. Questions answered by fewer than
 * {@link #MIN_RESPONSES} learners are left out of the scale (as the classical item statistics do).
 */
final class RaschResponses {
    static final int MIN_RESPONSES = 6;
    /**
     * The least half-width of the acceptable mean-square range, 1 ± 0.3 (a common rule of thumb for ordinary tests),
     * used when the sample is large.
     */
    static final double FIT_TOLERANCE = 0.3;

    /**
     * Misfit: a mean-square further from 1 than chance allows for the item's number of responses n. The
     * tolerances 2/√n for infit and 6/√n for outfit are the sample-size-dependent critical values of Smith,
     * Schumacker and Bush (1998); never tighter than {@link #FIT_TOLERANCE}. At 25 responses infit may lie in
     * [0.6, 1.4] and outfit in [0, 2.2]; from 400 responses both in [0.7, 1.3].
     */
    static Column misfit(Column infit, Column outfit, Column n) {
        Column sqrtN = org.apache.spark.sql.functions.sqrt(n.cast("double"));
        Column infitTol = org.apache.spark.sql.functions.greatest(lit(FIT_TOLERANCE), lit(2.0).divide(sqrtN));
        Column outfitTol = org.apache.spark.sql.functions.greatest(lit(FIT_TOLERANCE), lit(6.0).divide(sqrtN));
        return org.apache.spark.sql.functions.abs(infit.minus(1.0)).gt(infitTol)
                .or(org.apache.spark.sql.functions.abs(outfit.minus(1.0)).gt(outfitTol));
    }

    private RaschResponses() {}

    /** course_id, learner_key, item_id, assessment_id, score (0/1): first answers, dichotomised at 0.5. */
    static Dataset<Row> responses(MartInputs in, MartContext ctx) {
        Dataset<Row> answers = AssessmentResponses.firstAnswers(in, ctx)
                .select(col("course_id"), col("learner_key"), col("item_id"), col("assessment_id"),
                        when(col("score").geq(0.5), 1.0).otherwise(0.0).as("score"));
        Dataset<Row> enough = answers.groupBy("course_id", "item_id").agg(count(lit(1)).as("_r"))
                .filter(col("_r").geq(MIN_RESPONSES)).drop("_r");
        return answers.join(enough, new String[] {"course_id", "item_id"}, "left_semi");
    }

    /** The Rasch fit of every course's scale, fitted once per mart build and shared by the Rasch marts. */
    static Rasch.Fit fit(MartInputs in, MartContext ctx) {
        return in.derived("rasch-fit:" + ctx.asOf(), () -> Rasch.fitGroups(responses(in, ctx).select(
                col("course_id").as("group"), col("learner_key").as("person"), col("item_id").as("item"),
                col("score"))));
    }
}
