package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.mode;

/**
 * The item responses every assessment mart is computed from: each learner's <b>first</b> scored answer to each
 * question ({@link MartFrames#firstScoredAnswers}, by event time): first attempts measure the question, later ones
 * what the learner learned from feedback.
 * The assessment is the question's {@code parent_id} (its quiz): the one most of its first answers carry.
 */
final class AssessmentResponses {
    private AssessmentResponses() {}

    /**
     * course_id, assessment_id, item_id, learner_key, score (in [0, 1]), response. Every assessment mart of a build
     * starts from these rows, so they are derived once (cached) rather than re-ranked per mart.
     */
    static Dataset<Row> firstAnswers(MartInputs in, MartContext ctx) {
        return in.derivedCached("first-answers:" + ctx.asOf(), () -> rank(in, ctx));
    }

    private static Dataset<Row> rank(MartInputs in, MartContext ctx) {
        Dataset<Row> first = MartFrames.firstScoredAnswers(in, ctx)
                .select(col("course_id"), col("parent_id").as("assessment_id"), col("object_id").as("item_id"),
                        col("learner_key"), col("score"), col("response"));
        return withOneAssessmentPerItem(first);
    }

    /**
     * One assessment per question: the parent most of its first answers name (ties: the smallest id), null only when
     * none names one. Sources do not always send the quiz with every answer; without this a question answered with
     * and without its quiz would count as two items. A window over the question's answers ({@code mode}, which
     * leaves nulls out and takes the smallest of equally frequent values), so the answers are read once.
     */
    static Dataset<Row> withOneAssessmentPerItem(Dataset<Row> first) {
        return first.withColumn("assessment_id",
                mode(col("assessment_id"), true).over(Window.partitionBy("course_id", "item_id")));
    }
}
