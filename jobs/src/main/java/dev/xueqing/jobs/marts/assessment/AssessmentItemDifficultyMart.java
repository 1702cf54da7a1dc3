package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.progress.LearnerCourseProgressMart;
import dev.xueqing.jobs.ml.Rasch;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events → question × course Rasch difficulty, standard error and fit (one scale per course). */
public final class AssessmentItemDifficultyMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("assessment_item_difficulty", LearnerCourseProgressMart.AREA,
            List.of("course_id", "item_id"),
            "Rasch (one-parameter IRT) difficulty of each question on its course's logit scale, fitted by joint "
                    + "maximum likelihood on the learners' first answers (correct or not); items are centred at 0 within a course, "
                    + "so a difficulty of 1 means the odds of a correct answer are e times lower than on an average "
                    + "item for the same learner. Questions answered by fewer than 6 learners are left out.",
            List.of(
                    key("course_id", StringType, "course run"),
                    key("item_id", StringType, "the question (object_id)"),
                    col("assessment_id", StringType, "the quiz the question belongs to (parent_id of its answers)"),
                    key("responses", LongType, "learners whose first answer to the question is in the fit"),
                    key("correct_share", DoubleType, "share of those first answers that are correct"),
                    key("difficulty", DoubleType, "Rasch difficulty in logits, centred at 0 over the course's items"),
                    key("se", DoubleType, "standard error of the difficulty: 1/√Σ p(1−p)"),
                    key("infit", DoubleType, "information-weighted mean-square: Σ(x−p)² / Σ p(1−p); near 1 when the item fits"),
                    key("outfit", DoubleType, "unweighted mean-square: mean of (x−p)²/(p(1−p)); sensitive to surprises far from the item"),
                    key("misfit", BooleanType, "infit further from 1 than max(0.3, 2/√responses) or outfit further than "
                            + "max(0.3, 6/√responses): the item behaves unlike the others (check its key or wording)")),
            List.of(
                    new Expectation.Between("responses", RaschResponses.MIN_RESPONSES, Double.MAX_VALUE),
                    new Expectation.Between("correct_share", 0, 1),
                    new Expectation.Between("se", 0, Double.MAX_VALUE),
                    new Expectation.Between("infit", 0, Double.MAX_VALUE),
                    new Expectation.Between("outfit", 0, Double.MAX_VALUE),
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
        Dataset<Row> responses = RaschResponses.responses(inputs, context);
        Rasch.Fit fit = RaschResponses.fit(inputs, context);
        Dataset<Row> perItem = responses.groupBy("course_id", "item_id")
                .agg(first("assessment_id", true).as("assessment_id"), avg("score").as("correct_share"));
        Dataset<Row> joined = fit.items().withColumnRenamed("group", "course_id").withColumnRenamed("item", "item_id")
                .join(perItem, new String[] {"course_id", "item_id"})
                .withColumn("misfit", RaschResponses.misfit(c("infit"), c("outfit"), c("responses")));
        return dev.xueqing.jobs.marts.MartFrames.conform(joined, SPEC);
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }
}
