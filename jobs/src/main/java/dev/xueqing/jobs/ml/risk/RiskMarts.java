package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.progress.LearnerCourseProgressMart;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

/**
 * The specs of the two risk marts. They are written by {@code xueqing train-risk} and {@code xueqing score-risk}
 * (and nightly), not by the {@code marts} job: they need a trained model, which is state, not a pure transform of
 * events and dims. The mart dictionary lists them with the others.
 */
public final class RiskMarts {
    private RiskMarts() {}

    public static final ArrayType STRINGS = DataTypes.createArrayType(StringType, false);

    public static final StructType CALIBRATION_BIN = new StructType()
            .add("decile", IntegerType, false).add("rows", LongType, false)
            .add("mean_predicted", DoubleType, true).add("observed_rate", DoubleType, true);

    public static final MartSpec EVALUATION = new MartSpec("risk_model_evaluation", LearnerCourseProgressMart.AREA,
            List.of("model_run_id", "weeks", "model_type"),
            "One row per training run × feature window N × model type: the course runs the model was trained, "
                    + "validated and tested on (test runs are always later than and disjoint from the training "
                    + "runs), sizes, AUC and precision/recall at the alert threshold on the test runs, calibration "
                    + "by decile, and which model type was chosen for N (highest validation AUC). Every training "
                    + "run adds its rows; earlier runs' rows stay (docs/risk.md).",
            List.of(
                    key("model_run_id", StringType, "model version written by this training run"),
                    key("trained_at", TimestampType, "when the training run ended (UTC)"),
                    key("weeks", IntegerType, "N: features from the first N weeks of each course run"),
                    key("model_type", StringType, "logistic (standardised logistic regression), gbt "
                            + "(gradient-boosted trees) or blend (the mean of the two probabilities)"),
                    key("train_runs", STRINGS, "course run keys trained on (e.g. 2013B, 2013J, 2014B)"),
                    key("validation_runs", STRINGS, "training run(s) held out to choose the model type (empty: a "
                            + "random 20% of the training rows)"),
                    key("test_runs", STRINGS, "course run keys tested on, all later than the training runs"),
                    key("train_rows", LongType, "labelled learner × course rows trained on"),
                    key("test_rows", LongType, "labelled learner × course rows tested on"),
                    col("test_positive_rate", DoubleType, "share of test rows that failed or withdrew"),
                    col("validation_auc", DoubleType, "AUC on the validation rows (model choice)"),
                    col("auc", DoubleType, "area under the ROC curve on the test runs"),
                    key("alert_threshold", DoubleType, "probability at or above which a learner is alerted "
                            + "(xueqing.risk.alert-threshold)"),
                    col("precision", DoubleType, "of alerted test learners, the share who failed or withdrew "
                            + "(null when none alerted)"),
                    col("recall", DoubleType, "of test learners who failed or withdrew, the share alerted"),
                    key("calibration", DataTypes.createArrayType(CALIBRATION_BIN, false), "per decile of "
                            + "predicted probability on the test rows (1 = lowest): rows, mean predicted "
                            + "probability, observed fail-or-withdraw rate"),
                    col("brier", DoubleType, "Brier score on the test rows: mean of (probability - label)^2 "
                            + "(lower is better; null in rows written before it was recorded)"),
                    col("ece", DoubleType, "expected calibration error on the test rows: the gap between "
                            + "mean predicted probability and observed rate of each decile, averaged weighted by rows "
                            + "(null in rows written before it was recorded)"),
                    key("chosen", BooleanType, "this model type is the one saved and used for scoring at N")),
            List.of(
                    new Expectation.Between("auc", 0, 1),
                    new Expectation.Between("weeks", 1, 52),
                    new Expectation.InSet("model_type", RiskModels.TYPES),
                    new Expectation.Holds("NOT arrays_overlap(train_runs, test_runs)",
                            "a model is never tested on a run it learned from")));

    public static final MartSpec SCORES = new MartSpec("learner_risk_scores", LearnerCourseProgressMart.AREA,
            List.of("learner_key", "course_id"),
            "Each enrolled learner's probability of failing or withdrawing from the course run, as of the run date, "
                    + "from the features of the first N weeks (the largest trained N that has elapsed), its band, "
                    + "and the three features that raise it most for this learner in words (docs/risk.md). Course "
                    + "runs younger than the smallest N, and learners who unenrolled before the N-week cutoff, "
                    + "are not scored.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    key("as_of", DateType, "run date"),
                    key("weeks", IntegerType, "N: the features come from the first N weeks of the run"),
                    key("model_version", StringType, "model_run_id of the model used"),
                    key("model_type", StringType, "logistic, gbt or blend (chosen by validation AUC)"),
                    key("probability", DoubleType, "predicted probability of fail or withdraw"),
                    key("band", StringType, "high (>= xueqing.risk.bands.high-min), medium (>= medium-min) or low"),
                    key("top_features", STRINGS, "up to 3 features that raise this learner's risk most (logistic "
                            + "contribution coefficient x standardised value, positive only)"),
                    key("explanations", STRINGS, "the same features in words, e.g. \"no activity for 12 days\""),
                    col("outcome", StringType, "the enrolment's outcome where already known")),
            List.of(
                    new Expectation.Between("probability", 0, 1),
                    new Expectation.InSet("band", List.of("low", "medium", "high")),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    public static final List<MartSpec> ALL = List.of(SCORES, EVALUATION);
}
