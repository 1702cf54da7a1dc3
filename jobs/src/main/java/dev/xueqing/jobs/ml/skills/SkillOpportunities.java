package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Answers;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/**
 * events + course_items → the opportunities knowledge tracing learns from (DESIGN.md "Knowledge tracing"): each
 * learner's first scored answer to each question that has skills, up to the run date, once for each of the question's
 * skills. Correct when its score (see {@link Answers}) is at least one half.
 */
final class SkillOpportunities {
    private SkillOpportunities() {}

    /** The input datasets these rows are computed from. */
    static final java.util.List<DatasetRef> INPUTS = java.util.List.of(DatasetRef.EVENTS, DatasetRef.COURSE_ITEMS);

    /**
     * course_id, learner_key, object_id, first_time, first_correct (int 0/1), last_right (boolean): each learner's
     * first and last scored answer to each question, up to the run date, in one aggregation (first and last by event
     * time, ties broken by event id). Knowledge tracing learns from the first answers; the next steps leave out the
     * questions whose last answer was right. Stored once per build ({@link MartInputs#derivedCached}).
     */
    static Dataset<Row> perItem(MartInputs in, MartContext ctx) {
        return in.derivedCached("skill-answers-per-item:" + ctx.asOf(), () -> MartFrames.answerScores(in, ctx)
                .withColumn("_answer", struct(col("event_time"), col("event_id"),
                        when(Answers.correct(col("score")), 1).otherwise(0).as("correct")))
                .groupBy("course_id", "learner_key", "object_id")
                .agg(min("_answer").as("_first"), max("_answer").as("_last"))
                .select(col("course_id"), col("learner_key"), col("object_id"),
                        col("_first.event_time").as("first_time"), col("_first.correct").as("first_correct"),
                        col("_last.correct").equalTo(1).as("last_right")));
    }

    /**
     * course_id, skill_id, learner_key, item_id, event_time, correct (int 0/1): the first answers of
     * {@link #perItem}, once for each skill of the question. Ties in time are broken by event id (first answer) and
     * item id (order of opportunities).
     */
    static Dataset<Row> of(MartInputs in, MartContext ctx) {
        Dataset<Row> skills = in.get(DatasetRef.COURSE_ITEMS)
                .filter(col("skills").isNotNull().and(size(col("skills")).gt(0)))
                .select(col("course_id").as("_course"), col("object_id").as("_item"),
                        explode(col("skills")).as("skill_id"));
        Dataset<Row> first = perItem(in, ctx);
        return first.join(skills, col("course_id").equalTo(col("_course")).and(col("object_id").equalTo(col("_item"))))
                .select(col("course_id"), col("skill_id"), col("learner_key"), col("object_id").as("item_id"),
                        col("first_time").as("event_time"), col("first_correct").as("correct"));
    }
}
