package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.progress.LearnerCourseProgressMart;
import dev.xueqing.jobs.ml.Rasch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events → learner × course Rasch ability on the course's logit scale. */
public final class LearnerAbilityMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("learner_ability", LearnerCourseProgressMart.AREA,
            List.of("learner_key", "course_id"),
            "Each learner's Rasch ability on the course's logit scale (the scale of assessment_item_difficulty): "
                    + "an ability equal to an item's difficulty means even odds of answering it correctly. Unlike "
                    + "a raw score it accounts for how hard the questions a learner answered were. Fitted on first "
                    + "answers to questions with at least 6 responses; learners with none are not in the mart.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    key("items_answered", LongType, "questions of the scale the learner answered (first answers)"),
                    key("correct", DoubleType, "of those, answered correctly"),
                    key("ability", DoubleType, "Rasch ability in logits (finite also for all-correct or all-wrong "
                            + "learners: the fit's light ridge prior keeps it within a few logits)")),
            List.of(
                    new Expectation.Between("items_answered", 1, Double.MAX_VALUE),
                    new Expectation.Holds("correct <= items_answered", "correct answers are answers"),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
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
        Rasch.Fit fit = RaschResponses.fit(inputs, context);
        Dataset<Row> p = fit.persons().withColumnRenamed("group", "course_id")
                .withColumnRenamed("person", "learner_key").withColumnRenamed("responses", "items_answered")
                .withColumnRenamed("raw_score", "correct");
        return dev.xueqing.jobs.marts.MartFrames.conform(p, SPEC);
    }
}
