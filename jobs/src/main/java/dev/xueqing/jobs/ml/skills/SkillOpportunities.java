package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Answers;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
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
     * course_id, skill_id, learner_key, item_id, event_time, correct (int 0/1). Ties in time are broken by event id
     * (first answer) and item id (order of opportunities).
     */
    static Dataset<Row> of(MartInputs in, MartContext ctx) {
        Dataset<Row> first = MartFrames.scoredAnswers(in, ctx)
                .withColumn("_n", row_number().over(Window.partitionBy("course_id", "learner_key", "object_id")
                        .orderBy(col("event_time"), col("event_id"))))
                .filter(col("_n").equalTo(1))
                .select(col("course_id"), col("learner_key"), col("object_id").as("item_id"), col("event_time"),
                        when(Answers.correct(col("score")), 1).otherwise(0).as("correct"));
        Dataset<Row> skills = in.get(DatasetRef.COURSE_ITEMS)
                .filter(col("skills").isNotNull().and(size(col("skills")).gt(0)))
                .select(col("course_id").as("_course"), col("object_id").as("_item"),
                        explode(col("skills")).as("skill_id"));
        return first.join(skills, col("course_id").equalTo(col("_course")).and(col("item_id").equalTo(col("_item"))))
                .select("course_id", "skill_id", "learner_key", "item_id", "event_time", "correct");
    }
}
