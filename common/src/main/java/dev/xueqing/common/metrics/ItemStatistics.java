package dev.xueqing.common.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.collect_list;

/**
 * Classical test theory statistics over item responses, defined once. Input: one row per learner × item with
 * columns {@code course_id}, {@code assessment_id}, {@code item_id}, {@code learner_key}, {@code score} (in
 * [0, 1]) and {@code response} (the option chosen, nullable).
 *
 * <ul>
 *   <li><b>Facility</b> of an item = mean score (the share correct for 0/1 items).</li>
 *   <li><b>Corrected item–total discrimination</b> = Pearson correlation, over the learners who answered the
 *       item, of the item score with the learner's total over the <em>other</em> items of the same assessment
 *       (so the item does not correlate with itself).</li>
 *   <li><b>Option shares</b> = for each response given, the share of the item's responses that gave it
 *       (distractor analysis).</li>
 *   <li><b>Cronbach's alpha</b> of an assessment with k items, over the learners who answered all k:
 *       α = k/(k−1) · (1 − Σσ²ᵢ / σ²ₜ) with sample variances (n−1) of the item scores σ²ᵢ and of the totals σ²ₜ;
 *       for 0/1 items this is KR-20.</li>
 *   <li><b>Standard error of measurement</b> = SD of the totals · √(1 − α).</li>
 * </ul>
 */
public final class ItemStatistics {
    private ItemStatistics() {}

    /**
     * Per item: course_id, assessment_id, item_id, responses, facility, discrimination, option_shares
     * (map response → share; empty when no response text is known).
     */
    public static Dataset<Row> items(Dataset<Row> responses) {
        Dataset<Row> withRest = responses
                .withColumn("_total", sum("score").over(Window.partitionBy("course_id", "assessment_id", "learner_key")))
                .withColumn("_rest", col("_total").minus(col("score")));
        Dataset<Row> stats = withRest.groupBy("course_id", "assessment_id", "item_id").agg(
                count(lit(1)).as("responses"),
                avg("score").as("facility"),
                sum("score").as("_sx"), sum("_rest").as("_sr"), sum(col("score").multiply(col("_rest"))).as("_sxr"),
                sum(col("score").multiply(col("score"))).as("_sxx"), sum(col("_rest").multiply(col("_rest"))).as("_srr"))
                .withColumn("discrimination", pearson(col("responses").cast("double"), col("_sx"), col("_sr"),
                        col("_sxr"), col("_sxx"), col("_srr")))
                .drop("_sx", "_sr", "_sxr", "_sxx", "_srr");
        Dataset<Row> options = responses.filter(col("response").isNotNull())
                .groupBy("course_id", "assessment_id", "item_id", "response").agg(count(lit(1)).as("_n"))
                .withColumn("_share", col("_n").divide(sum("_n").over(
                        Window.partitionBy("course_id", "assessment_id", "item_id"))))
                // entries in response order: the same map whatever order the rows came in, so reruns write the same
                .groupBy("course_id", "assessment_id", "item_id").agg(map_from_entries(
                        org.apache.spark.sql.functions.sort_array(collect_list(struct(col("response"),
                                col("_share"))))).as("option_shares"));
        return stats.join(options, new String[] {"course_id", "assessment_id", "item_id"}, "left");
    }

    /** The sum of the group's values added in ascending order: the same double whatever order the rows came in. */
    static org.apache.spark.sql.Column orderedSum(org.apache.spark.sql.Column values) {
        return org.apache.spark.sql.functions.aggregate(org.apache.spark.sql.functions.array_sort(
                collect_list(values.cast("double"))), lit(0.0), (acc, x) -> acc.plus(x));
    }

    /** The sample variance (n − 1) from n, Σx and Σx², never below 0; null when n < 2. */
    static org.apache.spark.sql.Column sampleVariance(org.apache.spark.sql.Column n, org.apache.spark.sql.Column sx,
                                                      org.apache.spark.sql.Column sxx) {
        return when(n.gt(1), org.apache.spark.sql.functions.greatest(lit(0.0),
                sxx.minus(sx.multiply(sx).divide(n)).divide(n.minus(1))));
    }

    /**
     * Pearson's r from sums: (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)); null when either variable is
     * constant (Spark's {@code corr} aborts on that under ANSI mode).
     */
    static org.apache.spark.sql.Column pearson(org.apache.spark.sql.Column n, org.apache.spark.sql.Column sx,
                                               org.apache.spark.sql.Column sy, org.apache.spark.sql.Column sxy,
                                               org.apache.spark.sql.Column sxx, org.apache.spark.sql.Column syy) {
        org.apache.spark.sql.Column vx = n.multiply(sxx).minus(sx.multiply(sx));
        org.apache.spark.sql.Column vy = n.multiply(syy).minus(sy.multiply(sy));
        return when(vx.gt(1e-12).and(vy.gt(1e-12)),
                n.multiply(sxy).minus(sx.multiply(sy)).divide(sqrt(vx.multiply(vy))));
    }

    /**
     * Per assessment: course_id, assessment_id, items, learners (who answered every item), mean and sd of their
     * totals, alpha, sem, dichotomous (all scores 0 or 1: alpha is KR-20).
     */
    public static Dataset<Row> reliability(Dataset<Row> responses) {
        Dataset<Row> withK = responses.withColumn("_k",
                org.apache.spark.sql.functions.size(org.apache.spark.sql.functions.collect_set("item_id")
                        .over(Window.partitionBy("course_id", "assessment_id"))));
        Dataset<Row> complete = withK
                .withColumn("_answered", count(lit(1)).over(Window.partitionBy("course_id", "assessment_id",
                        "learner_key")))
                .filter(col("_answered").equalTo(col("_k")));
        // every sum below adds its values in ascending order (orderedSum): Spark's sums of doubles depend on the
        // order rows arrive in after a shuffle, and a rerun over the same answers must publish the same alpha
        Dataset<Row> itemVar = complete.groupBy("course_id", "assessment_id", "item_id")
                .agg(sampleVariance(count(lit(1)), orderedSum(col("score")),
                        orderedSum(col("score").multiply(col("score")))).as("_vi"))
                .groupBy("course_id", "assessment_id").agg(orderedSum(col("_vi")).as("_sum_vi"),
                        count(lit(1)).as("items"));
        Dataset<Row> totals = complete.groupBy("course_id", "assessment_id", "learner_key")
                .agg(orderedSum(col("score")).as("_t"),
                        min(when(col("score").isin(0.0, 1.0), 1).otherwise(0)).as("_d"))
                .groupBy("course_id", "assessment_id")
                .agg(countDistinct("learner_key").as("learners"), count(lit(1)).as("_n"),
                        orderedSum(col("_t")).as("_st"), orderedSum(col("_t").multiply(col("_t"))).as("_stt"),
                        min("_d").as("_dich"))
                .withColumn("mean", col("_st").divide(col("_n")))
                .withColumn("_vt", sampleVariance(col("_n"), col("_st"), col("_stt")))
                .withColumn("sd", sqrt(col("_vt")));
        Dataset<Row> joined = itemVar.join(totals, new String[] {"course_id", "assessment_id"});
        org.apache.spark.sql.Column k = col("items").cast("double");
        org.apache.spark.sql.Column alpha = when(col("items").gt(1).and(col("_vt").gt(0)),
                k.divide(k.minus(1)).multiply(lit(1.0).minus(col("_sum_vi").divide(col("_vt")))));
        return joined.withColumn("alpha", alpha)
                .withColumn("sem", col("sd").multiply(sqrt(
                        org.apache.spark.sql.functions.greatest(lit(0.0), lit(1.0).minus(col("alpha"))))))
                .withColumn("dichotomous", col("_dich").equalTo(1))
                .select("course_id", "assessment_id", "items", "learners", "mean", "sd", "alpha", "sem", "dichotomous");
    }
}
