package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.Interaction;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.encoders.RowEncoder;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.sql.Timestamp;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * events + course_items → skill_model and skill_model_evaluation (one fit): BKT per skill of every course, fitted in
 * parallel across skills ({@link SkillFitTask} in one Spark task per skill), and the k-fold cross-validation of BKT,
 * Performance Factors Analysis and the majority floor, split by learner. Pure: the fit's id and time come in.
 */
public final class SkillTraining {
    private SkillTraining() {}

    /** The two marts of one fit, with exactly their specs' columns. */
    public record Result(Dataset<Row> model, Dataset<Row> evaluation) {}

    public static Result transform(MartInputs in, MartContext ctx, String modelRunId, Timestamp trainedAt) {
        XueqingConfig.Skills settings = ctx.config().skills();
        Dataset<Row> opportunities = in.derivedCached("skill-opportunities:" + ctx.asOf(),
                () -> SkillOpportunities.of(in, ctx));
        return fromOpportunities(opportunities, settings, modelRunId, trainedAt,
                (key, rows) -> in.derivedCached(key + ":" + ctx.asOf() + ":" + modelRunId, () -> rows));
    }

    /**
     * The fit from opportunity rows (course_id, skill_id, learner_key, item_id, event_time, correct), for the job
     * and for the benchmark, which generates them. {@code materialiser} stores what several results read: the
     * per-skill fits (the model and the evaluation) and the predictions (every metric).
     */
    public static Result fromOpportunities(Dataset<Row> opportunityRows, XueqingConfig.Skills settings,
                                           String modelRunId, Timestamp trainedAt,
                                           MartInputs.Materialiser materialiser) {
        Dataset<Row> opportunities = opportunityRows.withColumn("fold", fold(settings));
        Dataset<Row> fits = materialiser.materialise("skill-fits", fit(opportunities, settings));
        Dataset<Row> prerequisites = SkillScoring.prerequisites(opportunities.sparkSession(), settings);
        Dataset<Row> model = fits.drop("predictions")
                .join(prerequisites.groupBy("skill_id").agg(org.apache.spark.sql.functions.collect_list("requires")
                        .as("prerequisites")), new String[] {"skill_id"}, "left")
                .withColumn("prerequisites", coalesce(col("prerequisites"), array().cast("array<string>")))
                .withColumn("model_run_id", lit(modelRunId))
                .withColumn("trained_at", lit(trainedAt));
        Dataset<Row> fitted = fits.filter(col("status").notEqual(SkillMarts.INSUFFICIENT_DATA));
        Dataset<Row> predictions = fitted.select(col("course_id"), col("skill_id"),
                        explode(col("predictions")).as("p"))
                .select(col("course_id"), col("skill_id"), col("p.learner_key"), col("p.item_id"), col("p.fold"),
                        col("p.y"), col("p.p_bkt"), col("p.p_majority"));
        Dataset<Row> pfa = pfaPredictions(opportunities.join(fitted.select("course_id", "skill_id"),
                new String[] {"course_id", "skill_id"}, "left_semi"), settings);
        Dataset<Row> scored = materialiser.materialise("skill-predictions", predictions.select(col("course_id"), col("skill_id"), col("learner_key"), col("fold"),
                        lit(SkillMarts.BKT).as("model"), col("y"), col("p_bkt").as("p"))
                .unionByName(predictions.select(col("course_id"), col("skill_id"), col("learner_key"), col("fold"),
                        lit(SkillMarts.MAJORITY).as("model"), col("y"), col("p_majority").as("p")))
                .unionByName(pfa.select(col("course_id"), col("skill_id"), col("learner_key"), col("fold"),
                        lit(SkillMarts.PFA).as("model"), col("y"), col("p"))));
        Dataset<Row> evaluation = Evaluation.metrics(scored, List.of("course_id", "skill_id"))
                .unionByName(Evaluation.metrics(scored, List.of())
                        .withColumn("course_id", lit(SkillMarts.ALL_SKILLS)).withColumn("skill_id", lit(SkillMarts.ALL_SKILLS)))
                .withColumn("model_run_id", lit(modelRunId))
                .withColumn("trained_at", lit(trainedAt))
                .withColumn("folds", lit(settings.folds()));
        return new Result(MartFrames.conform(model, SkillMarts.MODEL),
                MartFrames.conform(evaluation, SkillMarts.EVALUATION));
    }

    /** The cross-validation fold of a learner: a hash of the learner key and the seed, so never split by row. */
    public static Column fold(XueqingConfig.Skills settings) {
        return pmod(xxhash64(col("learner_key"), lit(settings.seed())), lit((long) settings.folds())).cast("int");
    }

    /**
     * Runs {@link SkillFitTask} once per course × skill (rows as {@link #fromOpportunities} takes, with their
     * {@link #fold}), the skills spread over the shuffle's tasks, so that they are fitted in parallel.
     */
    public static Dataset<Row> fit(Dataset<Row> opportunities, XueqingConfig.Skills settings) {
        // an explicit partition count (AQE would coalesce a small shuffle into one task, and one core); sorting in
        // the partitions puts each skill's rows together, in the order the fit reads them
        int tasks = Math.max(1, opportunities.sparkSession().sparkContext().defaultParallelism() * 4);
        return opportunities.repartition(tasks, col("course_id"), col("skill_id"))
                .sortWithinPartitions("course_id", "skill_id", "learner_key", "event_time", "item_id")
                .mapPartitions(new SkillFitTask(settings), RowEncoder.encoderFor(SkillFitTask.SCHEMA));
    }

    /**
     * Performance Factors Analysis, cross-validated: P(correct) = σ(β_s + γ_s·successes + ρ_s·failures), with the
     * learner's earlier successes and failures on skill s (m = Pavlik, Cen and Koedinger 2009, one coefficient set
     * per skill). All folds are fitted in one MLlib logistic regression: each training row is repeated once for every
     * fold it trains, and its features sit in that fold × skill's block of the design (an {@link Interaction} of the
     * block's one-hot code with [1, successes, failures]), so the blocks do not interact and the fit is the
     * folds' separate fits at once. A light ridge (1e-4) keeps a skill answered always right or always wrong finite.
     * The training rows are first counted per distinct (block, successes, failures): the regression runs on one
     * weighted row per label of each, which has the same likelihood.
     *
     * @return course_id, skill_id, learner_key, fold, y, p: one row per opportunity of every held-out learner
     */
    static Dataset<Row> pfaPredictions(Dataset<Row> opportunities, XueqingConfig.Skills settings) {
        SparkSession spark = opportunities.sparkSession();
        WindowSpec before = Window.partitionBy("course_id", "skill_id", "learner_key")
                .orderBy(col("event_time"), col("item_id")).rowsBetween(Window.unboundedPreceding(), -1);
        Dataset<Row> counted = opportunities
                .withColumn("successes", coalesce(sum(col("correct")).over(before), lit(0L)).cast("double"))
                .withColumn("failures", coalesce(sum(lit(1).minus(col("correct"))).over(before), lit(0L))
                        .cast("double"));
        // the skills are few (one row each): numbered in the driver, in a fixed order
        List<Row> keys = opportunities.select("course_id", "skill_id").distinct()
                .orderBy("course_id", "skill_id").collectAsList();
        List<Row> indexed = new java.util.ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            indexed.add(org.apache.spark.sql.RowFactory.create(keys.get(i).getString(0), keys.get(i).getString(1), i));
        }
        Dataset<Row> skills = spark.createDataFrame(indexed, new org.apache.spark.sql.types.StructType()
                .add("course_id", "string").add("skill_id", "string").add("skill_index", "int"));
        long nSkills = keys.size();
        if (nSkills == 0) {
            return spark.createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
                    .add("course_id", "string").add("skill_id", "string").add("learner_key", "string")
                    .add("fold", "int").add("y", "int").add("p", "double"));
        }
        int folds = settings.folds();
        Dataset<Row> rows = counted.join(org.apache.spark.sql.functions.broadcast(skills),
                new String[] {"course_id", "skill_id"});
        Dataset<Row> train = rows.withColumn("model_fold",
                        explode(expr("filter(sequence(0, " + (folds - 1) + "), k -> k != fold)")))
                .withColumn("block", col("model_fold").multiply(nSkills).plus(col("skill_index")).cast("double"));
        Dataset<Row> test = rows.withColumn("block", col("fold").multiply(nSkills).plus(col("skill_index"))
                .cast("double"));
        Dataset<Row> blocks = spark.range(folds * nSkills).select(col("id").cast("double").as("block"));
        OneHotEncoder oneHot = new OneHotEncoder().setInputCols(new String[] {"block"})
                .setOutputCols(new String[] {"block_code"}).setDropLast(false);
        PipelineModel encoder = new Pipeline().setStages(new PipelineStage[] {oneHot}).fit(blocks);
        VectorAssembler factors = new VectorAssembler().setInputCols(new String[] {"one", "successes", "failures"})
                .setOutputCol("factors");
        Interaction design = new Interaction().setInputCols(new String[] {"block_code", "factors"})
                .setOutputCol("features");
        LogisticRegression lr = new LogisticRegression().setFitIntercept(false).setStandardization(false)
                .setRegParam(1e-4).setMaxIter(200).setLabelCol("label").setFeaturesCol("features")
                .setWeightCol("weight");
        // rows with the same block, successes and failures have the same features: one weighted row per label
        // instead (the same likelihood, and thousands of rows instead of millions for every L-BFGS pass)
        Dataset<Row> weighted = train.groupBy("block", "successes", "failures").agg(
                        sum(col("correct")).cast("double").as("_right"),
                        sum(lit(1).minus(col("correct"))).cast("double").as("_wrong"))
                .withColumn("_label", explode(expr("array(named_struct('label', 1.0D, 'weight', _right), "
                        + "named_struct('label', 0.0D, 'weight', _wrong))")))
                .select(col("block"), col("successes"), col("failures"), col("_label.label").as("label"),
                        col("_label.weight").as("weight"))
                .filter(col("weight").gt(0));
        Dataset<Row> trainRows = design.transform(factors.transform(encoder.transform(
                weighted.withColumn("one", lit(1.0)))));
        var model = lr.fit(trainRows);
        Dataset<Row> predicted = model.transform(design.transform(factors.transform(encoder.transform(
                test.withColumn("one", lit(1.0))))));
        return predicted.select(col("course_id"), col("skill_id"), col("learner_key"), col("fold"),
                col("correct").as("y"),
                org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1).as("p"));
    }

    /** AUC and RMSE of cross-validated predictions, per group, as the mean over the folds (pyBKT's convention). */
    static final class Evaluation {
        private Evaluation() {}

        /**
         * Over rows (group columns, learner_key, fold, model, y 0/1, p): per group × model, the held-out learners and
         * predictions, the correct rate, and the mean over folds of each fold's AUC and RMSE. A fold's AUC is the
         * Mann-Whitney statistic: over every (correct, wrong) pair of the fold, the share where the correct answer
         * got the higher p, ties counting one half (so a constant prediction scores exactly 0.5); a fold whose
         * answers are all alike has none. AUC is null when no fold has one.
         */
        static Dataset<Row> metrics(Dataset<Row> scored, List<String> groups) {
            List<String> keys = new java.util.ArrayList<>(groups);
            keys.add("model");
            List<String> foldKeys = new java.util.ArrayList<>(keys);
            foldKeys.add("fold");
            Column[] keyCols = columns(keys);
            Column[] foldCols = columns(foldKeys);
            Dataset<Row> perFold = scored.groupBy(foldCols).agg(
                    countDistinct("learner_key").as("learners"), count(lit(1)).as("predictions"),
                    sum(col("y")).as("correct"), sqrt(avg(pow(col("y").minus(col("p")), 2))).as("rmse"));
            List<String> levelKeys = new java.util.ArrayList<>(foldKeys);
            levelKeys.add("p");
            Dataset<Row> levels = scored.groupBy(columns(levelKeys)).agg(
                    sum(col("y")).as("pos"), sum(lit(1).minus(col("y"))).as("neg"));
            WindowSpec below = Window.partitionBy(foldCols).orderBy(col("p"))
                    .rowsBetween(Window.unboundedPreceding(), -1);
            Dataset<Row> auc = levels
                    .withColumn("neg_below", coalesce(sum(col("neg")).over(below), lit(0L)))
                    .groupBy(foldCols).agg(
                            sum(col("pos").multiply(col("neg_below").plus(col("neg").multiply(0.5)))).as("_u"),
                            sum(col("pos")).as("_p"), sum(col("neg")).as("_n"))
                    .withColumn("auc", when(col("_p").gt(0).and(col("_n").gt(0)),
                            col("_u").divide(col("_p").multiply(col("_n")))))
                    .drop("_u", "_p", "_n");
            return perFold.join(auc, foldKeys.toArray(String[]::new)).groupBy(keyCols).agg(
                    sum(col("learners")).as("learners"), sum(col("predictions")).as("predictions"),
                    sum(col("correct")).divide(sum(col("predictions"))).as("correct_rate"),
                    avg(col("auc")).as("auc"), avg(col("rmse")).as("rmse"));
        }

        private static Column[] columns(List<String> names) {
            return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        }
    }
}
