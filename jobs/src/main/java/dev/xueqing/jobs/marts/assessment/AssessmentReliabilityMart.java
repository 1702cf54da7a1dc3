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
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events → quiz (course × assessment) reliability: Cronbach's alpha / KR-20 and the standard error of measurement. */
public final class AssessmentReliabilityMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("assessment_reliability", LearnerCourseProgressMart.AREA,
            List.of("course_id", "assessment_id"),
            "How consistently each quiz measures, over the learners who answered every one of its questions (first "
                    + "answers): Cronbach's alpha = k/(k−1)·(1 − Σσ²ᵢ/σ²ₜ) with sample variances, which is KR-20 "
                    + "when every score is 0 or 1, and the standard error of measurement SD·√(1−α). Quizzes with "
                    + "xueqing.assessment.min-responses complete learners or fewer, or a single question, get no "
                    + "alpha.",
            List.of(
                    key("course_id", StringType, "course run"),
                    key("assessment_id", StringType, "the quiz (parent_id of its questions' answers)"),
                    key("items", LongType, "questions of the quiz answered by anyone"),
                    key("learners", LongType, "learners who answered every question"),
                    col("mean", DoubleType, "mean total score of those learners"),
                    col("sd", DoubleType, "standard deviation (n−1) of their totals"),
                    col("alpha", DoubleType, "Cronbach's alpha (KR-20 for 0/1 items)"),
                    key("method", StringType, "kr20 when every score is 0 or 1, else cronbach_alpha"),
                    col("sem", DoubleType, "standard error of measurement, in total-score points"),
                    key("flags", DataTypes.createArrayType(StringType, false), "too_few_learners, "
                            + "single_item, low_reliability (alpha below xueqing.assessment.alpha-min)")),
            List.of(
                    new Expectation.Between("items", 1, Double.MAX_VALUE),
                    new Expectation.Between("alpha", -Double.MAX_VALUE, 1),
                    new Expectation.Between("sem", 0, Double.MAX_VALUE),
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
        Dataset<Row> answers = AssessmentResponses.firstAnswers(inputs, context)
                .filter(c("assessment_id").isNotNull());
        Column enough = c("learners").gt(a.minResponses()).and(c("items").gt(1));
        Dataset<Row> out = ItemStatistics.reliability(answers)
                .withColumn("alpha", when(enough, c("alpha")))
                .withColumn("sem", when(enough, c("sem")))
                .withColumn("method", when(c("dichotomous"), lit("kr20")).otherwise(lit("cronbach_alpha")))
                .withColumn("flags", array_compact(array(
                        when(c("learners").leq(a.minResponses()), lit("too_few_learners")),
                        when(c("items").leq(1), lit("single_item")),
                        when(enough.and(c("alpha").lt(a.alphaMin())), lit("low_reliability")))));
        return dev.xueqing.jobs.marts.MartFrames.conform(out, SPEC);
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }
}
