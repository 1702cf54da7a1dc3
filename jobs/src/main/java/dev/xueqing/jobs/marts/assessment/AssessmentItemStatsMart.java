package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.ItemStatistics;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.progress.LearnerCourseProgressMart;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events → question (course × item) classical statistics: facility, discrimination, option shares, flags. */
public final class AssessmentItemStatsMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("assessment_item_stats", LearnerCourseProgressMart.AREA,
            List.of("course_id", "item_id"),
            "Classical test statistics of each question, from each learner's first answer (score_scaled, else "
                    + "success as 1/0): how easy it is, whether it separates stronger from weaker learners, and "
                    + "which options learners chose. Questions with xueqing.assessment.min-responses answers or "
                    + "fewer get no statistics. Formulas in docs/definitions.md and common/metrics/ItemStatistics.",
            List.of(
                    key("course_id", StringType, "course run"),
                    key("item_id", StringType, "the question (object_id)"),
                    col("assessment_id", StringType, "its quiz (parent_id of the answers); null when unknown"),
                    key("responses", LongType, "learners whose first answer is scored"),
                    col("facility", DoubleType, "mean score of the first answers (share correct for 0/1 items)"),
                    col("discrimination", DoubleType, "corrected item–total correlation: the item score against the "
                            + "learner's total on the other items of the same quiz"),
                    col("option_shares", DataTypes.createMapType(StringType, DoubleType),
                            "share of the first answers that gave each response (distractor analysis); null when "
                                    + "the source records no responses"),
                    key("flags", DataTypes.createArrayType(StringType, false), "too_few_responses, too_easy "
                            + "(facility above facility-max), too_hard (below facility-min), low_discrimination"),
                    key("flag_count", IntegerType, "number of flags")),
            List.of(
                    new Expectation.Between("responses", 1, Double.MAX_VALUE),
                    new Expectation.Between("facility", 0, 1),
                    new Expectation.Between("discrimination", -1, 1),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS);
    }

    @Override
    public Dataset<Row> transform(MartInputs inputs, MartContext context) {
        XueqingConfig.Assessment a = context.config().assessment();
        Dataset<Row> stats = ItemStatistics.items(AssessmentResponses.firstAnswers(inputs, context));
        Column enough = c("responses").gt(a.minResponses());
        Dataset<Row> out = stats
                .withColumn("facility", when(enough, c("facility")))
                .withColumn("discrimination", when(enough, c("discrimination")))
                .withColumn("flags", array_compact(array(
                        when(enough.unary_$bang(), lit("too_few_responses")),
                        when(enough.and(c("facility").gt(a.facilityMax())), lit("too_easy")),
                        when(enough.and(c("facility").lt(a.facilityMin())), lit("too_hard")),
                        when(enough.and(c("discrimination").isNull().or(c("discrimination").lt(a.discriminationMin()))),
                                lit("low_discrimination")))))
                .withColumn("flag_count", size(c("flags")));
        return dev.xueqing.jobs.marts.MartFrames.conform(out, SPEC);
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }
}
