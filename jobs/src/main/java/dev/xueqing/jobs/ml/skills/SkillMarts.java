package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.tutor.LearnerQuestionsMart;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

/**
 * The specs of the four knowledge-tracing marts (docs/knowledge-tracing.md). Like the risk marts they are written by
 * their own step ({@code xueqing train-skills}, and nightly), not by the {@code marts} job: the model is state that
 * is refitted on a schedule and applied every night.
 */
public final class SkillMarts {
    private SkillMarts() {}

    /** Fit status of a skill. */
    public static final String FITTED = "fitted";
    public static final String NOT_CONVERGED = "not_converged";
    public static final String INSUFFICIENT_DATA = "insufficient_data";

    /** The models of skill_model_evaluation. */
    public static final String BKT = "bkt";
    public static final String PFA = "pfa";
    public static final String MAJORITY = "majority";

    /** course_id and skill_id of skill_model_evaluation's rows over all skills. */
    public static final String ALL_SKILLS = "*";

    private static final ArrayType STRINGS = DataTypes.createArrayType(StringType, true);

    public static final MartSpec MODEL = new MartSpec("skill_model", LearnerQuestionsMart.AREA,
            List.of("course_id", "skill_id"),
            "The Bayesian Knowledge Tracing model of each skill of a course, from the latest fit (xueqing "
                    + "train-skills, or nightly when the model is older than xueqing.skills.refit-every-days): prior, "
                    + "learn, guess and slip fitted by EM with pyBKT's conventions on every learner's first answers "
                    + "to the skill's questions in time order. A skill with too few learners or opportunities is "
                    + "listed as insufficient_data with no parameters (docs/knowledge-tracing.md).",
            List.of(
                    key("course_id", StringType, "course run"),
                    key("skill_id", StringType, "skill, as the source or the mapping file names it"),
                    key("model_run_id", StringType, "the fit that wrote this row"),
                    key("trained_at", TimestampType, "when the fit ran (UTC)"),
                    key("learners", LongType, "learners with at least one opportunity on the skill"),
                    key("opportunities", LongType, "opportunities: first answers to the skill's questions"),
                    key("mean_opportunities", DoubleType, "opportunities per learner"),
                    key("correct_rate", DoubleType, "share of the opportunities answered correctly"),
                    key("status", StringType, "fitted; not_converged (EM stopped at the iteration limit, the "
                            + "parameters are kept); insufficient_data (fewer than xueqing.skills.min-learners "
                            + "learners or min-mean-opportunities per learner: not fitted)"),
                    col("prior", DoubleType, "P(L0): probability a learner knows the skill before the first "
                            + "opportunity"),
                    col("learn", DoubleType, "P(T): probability of learning the skill at an opportunity"),
                    col("guess", DoubleType, "P(G): probability of a correct answer without the skill (at most "
                            + "xueqing.skills.max-guess)"),
                    col("slip", DoubleType, "P(S): probability of a wrong answer with the skill (at most "
                            + "xueqing.skills.max-slip)"),
                    col("forget", DoubleType, "probability of forgetting at an opportunity (0 unless "
                            + "xueqing.skills.forgets)"),
                    col("log_likelihood", DoubleType, "log-likelihood of the skill's answers under the fitted model"),
                    col("iterations", IntegerType, "EM iterations of the best of the random restarts"),
                    key("prerequisites", STRINGS, "skills this one requires (xueqing.skills.prerequisites-file)")),
            List.of(
                    new Expectation.InSet("status", List.of(FITTED, NOT_CONVERGED, INSUFFICIENT_DATA)),
                    new Expectation.Between("prior", 0, 1),
                    new Expectation.Between("learn", 0, 1),
                    new Expectation.Between("guess", 0, 0.5),
                    new Expectation.Between("slip", 0, 0.5),
                    new Expectation.Between("correct_rate", 0, 1),
                    new Expectation.Holds("(status = 'insufficient_data') = (learn IS NULL)",
                            "a fitted skill has parameters, an unfitted one none"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    public static final MartSpec MASTERY = new MartSpec("learner_skill_mastery", LearnerQuestionsMart.AREA,
            List.of("learner_key", "course_id", "skill_id"),
            "Each learner's mastery of each skill they practised, from the current skill_model applied to their "
                    + "first answers up to the run date: the probability that they know the skill at their next "
                    + "opportunity (BKT's filter: the posterior after the last answer, then the learning step), and "
                    + "mastered when it reaches xueqing.skills.mastery-threshold.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    key("skill_id", StringType, "skill"),
                    key("opportunities", LongType, "first answers to the skill's questions"),
                    key("correct", LongType, "of those, answered correctly"),
                    col("p_mastery", DoubleType, "P(the learner knows the skill) at the next opportunity; null when "
                            + "the skill has no fitted model (see model_status)"),
                    col("mastered", BooleanType, "p_mastery >= xueqing.skills.mastery-threshold; null when "
                            + "p_mastery is"),
                    key("last_practised", TimestampType, "time of the latest of those answers"),
                    key("model_status", StringType, "status of the skill in skill_model (fitted, not_converged, "
                            + "insufficient_data), or not_in_model for a skill first seen after the current fit"),
                    col("model_run_id", StringType, "the fit whose parameters were applied")),
            List.of(
                    new Expectation.Between("opportunities", 1, Double.MAX_VALUE),
                    new Expectation.Holds("correct <= opportunities", "correct answers are answers"),
                    new Expectation.Between("p_mastery", 0, 1),
                    new Expectation.Holds("(p_mastery IS NULL) = (mastered IS NULL)",
                            "mastered is known exactly when the probability is"),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    /** One recommended skill of learner_next_steps. */
    public static final StructType STEP = new StructType()
            .add("rank", IntegerType, false)
            .add("skill_id", StringType, false)
            .add("p_mastery", DoubleType, true)
            .add("opportunities", LongType, false)
            .add("correct", LongType, false)
            .add("items", DataTypes.createArrayType(StringType, true), false)
            .add("reason", StringType, false);

    public static final MartSpec NEXT_STEPS = new MartSpec("learner_next_steps", LearnerQuestionsMart.AREA,
            List.of("learner_key", "course_id"),
            "The personalised learning path: for each enrolled learner of a course with fitted skills, up to "
                    + "xueqing.skills.next-skills skills to work on next — skills not yet mastered whose "
                    + "prerequisites are mastered, in course order — each with the questions to practise (not yet "
                    + "answered, or last answered wrong) and the reason in words.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    col("class_id", StringType, "the learner's class in the course, where known"),
                    key("status", StringType, "has_steps; all_mastered (every fitted skill is mastered); "
                            + "blocked (the unmastered skills all wait for an unmastered prerequisite)"),
                    key("steps", DataTypes.createArrayType(STEP, true), "the recommended skills, rank 1 first: "
                            + "skill, P(mastery) (null when the learner has not practised it: the skill's prior "
                            + "applies), answers and correct answers so far, up to xueqing.skills.next-items "
                            + "questions to practise, and the reason"),
                    key("summary", StringType, "the first step's reason, or why there is none, in the report's "
                            + "language (xueqing.locale)")),
            List.of(
                    new Expectation.InSet("status", List.of("has_steps", "all_mastered", "blocked")),
                    new Expectation.Holds("(status = 'has_steps') = (size(steps) > 0)",
                            "steps are given exactly when the status says so"),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    public static final MartSpec EVALUATION = new MartSpec("skill_model_evaluation", LearnerQuestionsMart.AREA,
            List.of("model_run_id", "course_id", "skill_id", "model"),
            "How well each model predicts a learner's next first answer on a skill, by k-fold cross-validation "
                    + "split by learner (a learner's answers are all in one fold; never split by row): BKT, "
                    + "Performance Factors Analysis (logistic regression on the learner's prior successes and "
                    + "failures on the skill, Spark MLlib) and the floor (the training folds' majority answer). "
                    + "One row per fit × skill × model, and per fit × model over all skills (course_id and skill_id "
                    + "'*'). Every fit adds its rows; earlier fits' rows stay.",
            List.of(
                    key("model_run_id", StringType, "the fit (as in skill_model)"),
                    key("trained_at", TimestampType, "when the fit ran (UTC)"),
                    key("course_id", StringType, "course run, or * for all skills"),
                    key("skill_id", StringType, "skill, or * for all skills"),
                    key("model", StringType, "bkt, pfa or majority"),
                    key("folds", IntegerType, "cross-validation folds (xueqing.skills.folds)"),
                    key("learners", LongType, "learners whose answers were predicted"),
                    key("predictions", LongType, "answers predicted (every opportunity of every held-out learner)"),
                    key("correct_rate", DoubleType, "share of those answers that were correct"),
                    col("auc", DoubleType, "area under the ROC curve of the predicted P(correct) (ties count one "
                            + "half; 0.5 for a constant prediction); null when all answers are alike"),
                    key("rmse", DoubleType, "root mean squared error of the predicted P(correct)")),
            List.of(
                    new Expectation.InSet("model", List.of(BKT, PFA, MAJORITY)),
                    new Expectation.Between("auc", 0, 1),
                    new Expectation.Between("rmse", 0, 1),
                    new Expectation.Between("predictions", 1, Double.MAX_VALUE)));

    public static final List<MartSpec> ALL = List.of(MODEL, MASTERY, NEXT_STEPS, EVALUATION);
}
