package dev.xueqing.jobs.ml;

import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

/**
 * KMeans clustering on standardized features with k chosen by silhouette, fitted with Spark MLlib.
 *
 * <ol>
 *   <li>The feature columns (doubles, no nulls) are assembled into a vector and standardized with
 *       {@link StandardScaler} (mean and standard deviation over all rows; a constant feature becomes 0).</li>
 *   <li>For every k in [kMin, min(kMax, rows − 1)], {@link KMeans} (k-means||, the given seed, at most 100
 *       iterations) is fitted and scored with {@link ClusteringEvaluator} (silhouette, squared Euclidean). A k whose
 *       model puts the rows in fewer than two clusters is skipped.</li>
 *   <li>The k with the highest silhouette wins; a tie (within 1e-9) goes to the smaller k.</li>
 * </ol>
 * The rows are laid out in a fixed order (hash partitions by the key columns, one per 200,000 rows, sorted within)
 * before fitting, so the same rows give the same model and assignments on every run, whatever the layout of the
 * input files.
 */
public final class KMeansSegmentation {
    private static final Logger LOG = LoggerFactory.getLogger(KMeansSegmentation.class);

    /**
     * The chosen model's assignments: the input columns, {@code z} (array of the standardized features, in the
     * order given), {@code segment_id} (0..k−1) and {@code distance} (Euclidean distance of z to the segment's
     * centroid); the centroids (standardized, indexed by segment id); the silhouette of every k tried.
     */
    public record Result(Dataset<Row> assignments, int k, double silhouette, double[][] centroids,
                         Map<Integer, Double> silhouetteByK) {}

    /** Rows per partition of the fitted data (fewer, larger tasks: KMeans runs many small passes). */
    static final long ROWS_PER_PARTITION = 200_000;

    private KMeansSegmentation() {}

    /** Null when no k in the range gives at least two clusters. */
    public static Result fit(Dataset<Row> rows, List<String> keys, List<String> features, int kMin, int kMax,
                             long seed) {
        Dataset<Row> assembled = new VectorAssembler().setInputCols(features.toArray(String[]::new))
                .setOutputCol("_raw").transform(rows);
        Column[] keyCols = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        long rowsIn = rows.count();
        int partitions = (int) Math.max(1, Math.min(64, rowsIn / ROWS_PER_PARTITION));
        Dataset<Row> ordered = assembled.repartition(partitions, keyCols).sortWithinPartitions(keyCols);
        StandardScalerModel scaler = new StandardScaler().setWithMean(true).setWithStd(true)
                .setInputCol("_raw").setOutputCol("features").fit(ordered);
        Dataset<Row> scaled = scaler.transform(ordered).cache();
        try {
            long n = scaled.count();
            int top = (int) Math.min(kMax, n - 1);
            ClusteringEvaluator evaluator = new ClusteringEvaluator().setFeaturesCol("features")
                    .setPredictionCol("prediction").setMetricName("silhouette").setDistanceMeasure("squaredEuclidean");
            Map<Integer, Double> byK = new LinkedHashMap<>();
            KMeansModel best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = kMin; k <= top; k++) {
                KMeansModel m = new KMeans().setK(k).setSeed(seed).setMaxIter(100).setTol(1e-6)
                        .setFeaturesCol("features").setPredictionCol("prediction").fit(scaled);
                Dataset<Row> predicted = m.transform(scaled);
                long clusters = predicted.agg(countDistinct("prediction")).first().getLong(0);
                if (clusters < 2 || m.clusterCenters().length != k) {
                    LOG.info("SEGMENTS k = {}: {} distinct cluster(s), skipped", k, clusters);
                    continue;
                }
                double s = evaluator.evaluate(predicted);
                byK.put(k, s);
                if (s > bestScore + 1e-9) {
                    bestScore = s;
                    best = m;
                }
            }
            LOG.info("SEGMENTS silhouette by k over {} row(s): {}", n, byK);
            if (best == null) {
                return null;
            }
            Vector[] centers = best.clusterCenters();
            double[][] centroids = new double[centers.length][];
            for (int i = 0; i < centers.length; i++) {
                centroids[i] = centers[i].toArray();
            }
            Dataset<Row> predicted = best.transform(scaled)
                    .withColumn("z", vector_to_array(col("features"), "float64"))
                    .withColumn("segment_id", col("prediction").cast("int"));
            Column c = centroidOf(centroids);
            Dataset<Row> out = predicted
                    .withColumn("_c", org.apache.spark.sql.functions.element_at(c, col("segment_id").plus(1)))
                    .withColumn("distance", expr("sqrt(aggregate(zip_with(z, _c, (a, b) -> (a - b) * (a - b)), "
                            + "cast(0.0 as double), (acc, v) -> acc + v))"))
                    .drop("_raw", "features", "prediction", "_c")
                    .localCheckpoint();
            return new Result(out, centers.length, bestScore, centroids, byK);
        } finally {
            scaled.unpersist();
        }
    }

    private static Column centroidOf(double[][] centroids) {
        List<Column> cs = new ArrayList<>();
        for (double[] c : centroids) {
            List<Column> v = new ArrayList<>();
            for (double x : c) {
                v.add(lit(x));
            }
            cs.add(org.apache.spark.sql.functions.array(v.toArray(Column[]::new)));
        }
        return org.apache.spark.sql.functions.array(cs.toArray(Column[]::new));
    }
}
