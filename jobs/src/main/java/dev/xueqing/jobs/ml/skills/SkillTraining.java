package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
                .select(col("course_id"), col("skill_id"), col("p.learner_key"), col("p.fold"), col("p.y"),
                        col("p.p_bkt"), col("p.p_pfa"), col("p.p_majority"));
        Dataset<Row> scored = materialiser.materialise("skill-predictions", predictions.select(col("course_id"),
                        col("skill_id"), col("learner_key"), col("fold"), col("y"),
                        explode(array(model(SkillMarts.BKT, "p_bkt"), model(SkillMarts.PFA, "p_pfa"),
                                model(SkillMarts.MAJORITY, "p_majority"))).as("m"))
                .select(col("course_id"), col("skill_id"), col("learner_key"), col("fold"), col("m.model"), col("y"),
                        col("m.p")));
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

    /** A model's prediction column as a (model, p) struct. */
    private static Column model(String name, String prediction) {
        return org.apache.spark.sql.functions.struct(lit(name).as("model"), col(prediction).as("p"));
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
