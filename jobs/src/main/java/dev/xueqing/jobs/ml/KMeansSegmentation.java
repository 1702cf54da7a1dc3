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
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

/**
 * KMeans clustering on standardized features with k chosen by the gap statistic, in the driver or with Spark MLlib.
 *
 * <ol>
 *   <li>The feature columns (doubles, no nulls) are assembled into a vector and standardized with
 *       {@link StandardScaler} (mean and standard deviation over all rows; a constant feature becomes 0).</li>
 *   <li>For every k in [kMin, min(kMax, rows − 1)], {@link KMeans} (k-means||, the given seed, at most 100
 *       iterations) is fitted; W(k) is its within-cluster sum of squares (the training cost). A k whose model gives
 *       fewer than k clusters, or a cluster with fewer than {@link #MIN_CLUSTER_SHARE} of the rows or fewer than
 *       {@link #MIN_CLUSTER_ROWS} rows, is not admissible: a segment of a handful of outliers tells a supervisor
 *       nothing.</li>
 *   <li>The gap statistic (Tibshirani, Walther and Hastie, 2001): {@link #GAP_REFERENCES} reference data sets of
 *       as many rows, each feature drawn uniformly over its observed (standardized) range, are clustered the same
 *       way; Gap(k) = mean over the references of log W*(k) − log W(k), and s(k) = their standard deviation ×
 *       √(1 + 1/B). The chosen k is the smallest admissible k with Gap(k) ≥ Gap(k') − s(k'), k' the next
 *       admissible k; when no k passes, the admissible k with the largest gap. The silhouette (squared Euclidean,
 *       {@link ClusteringEvaluator}) of every admissible k is computed too and logged beside it.</li>
 * </ol>
 * Why not the silhouette: it rewards the widest gap in the data, and in learner data that is almost always the
 * one between those who never took part and everyone else, so it picks k = 2 even where the active learners fall
 * into distinct groups. The gap statistic asks, for each k, how much tighter the clusters are than clusters of
 * structureless data would be, and stops at the first k that the next one does not clearly beat. See
 * docs/segments.md.
 *
 * <p>Where it runs: a table of at most xueqing.segments.driver-max-rows rows is collected and searched in the
 * driver ({@link DriverSegmentation}, plain-Java k-means++ with the same rules), which costs two Spark jobs instead
 * of a few hundred; a larger one is fitted with MLlib, its rows laid out in a fixed order (hash partitions by the
 * key columns, one per 200,000 rows, sorted within). Either way every random draw has a seed derived from the given
 * one, so the same rows give the same model and assignments on every run, whatever the layout of the input files.
 */
public final class KMeansSegmentation {
    private static final Logger LOG = LoggerFactory.getLogger(KMeansSegmentation.class);

    /**
     * The chosen model's assignments: the input columns, {@code z} (array of the standardized features, in the
     * order given), {@code segment_id} (0..k−1) and {@code distance} (Euclidean distance of z to the segment's
     * centroid); the centroids (standardized, indexed by segment id); the gap statistic, its standard error and
     * the silhouette of every admissible k.
     */
    public record Result(Dataset<Row> assignments, int k, double gap, double silhouette, double[][] centroids,
                         Map<Integer, Double> gapByK, Map<Integer, Double> gapErrorByK,
                         Map<Integer, Double> silhouetteByK) {}

    /** Bootstrap stability: mean and lowest ARI between the assignments of fits on resampled rows. */
    public record Stability(int k, int resamples, double meanAri, double minAri) {}

    /** Rows per partition of the fitted data (fewer, larger tasks: KMeans runs many small passes). */
    static final long ROWS_PER_PARTITION = 200_000;
    /** Lloyd iterations of a KMeans fit on the data (tolerance 1e-6 on the MLlib path). */
    static final int MAX_ITERATIONS = 100;
    /** A k is admissible only when each of its clusters holds at least this share of the rows. */
    public static final double MIN_CLUSTER_SHARE = 0.02;
    /** ... and at least this many rows: a segment of one or two learners is a list, not a group. */
    public static final int MIN_CLUSTER_ROWS = 5;
    /** Reference data sets of the gap statistic (B). */
    public static final int GAP_REFERENCES = 5;
    /**
     * KMeans iterations on a reference data set (tolerance 1e-4): structureless data converges slowly towards no
     * particular optimum, and its W*(k) changes by well under its standard error after this many.
     */
    static final int REFERENCE_ITERATIONS = 20;

    private KMeansSegmentation() {}

    /**
     * The chosen model of the rows (key columns unique, feature columns doubles without nulls): in the driver when
     * there are at most driverMaxRows rows, else with MLlib. Null when no k in the range gives k admissible
     * clusters.
     */
    public static Result fit(Dataset<Row> rows, List<String> keys, List<String> features, int kMin, int kMax,
                             long seed, long driverMaxRows) {
        long n = rows.count();
        if (n <= driverMaxRows) {
            return DriverSegmentation.fit(rows, keys, features, kMin, kMax, seed);
        }
        LOG.info("SEGMENTS {} row(s), more than xueqing.segments.driver-max-rows = {}: fitted with MLlib", n,
                driverMaxRows);
        return fitDistributed(rows, keys, features, kMin, kMax, seed);
    }

    /** The MLlib path of {@link #fit}. */
    static Result fitDistributed(Dataset<Row> rows, List<String> keys, List<String> features, int kMin, int kMax,
                                 long seed) {
        Dataset<Row> scaled = standardized(rows, keys, features).cache();
        List<Dataset<Row>> references = new ArrayList<>();
        try {
            long n = scaled.count();
            int top = (int) Math.min(kMax, n - 1);
            for (int b = 0; b < GAP_REFERENCES; b++) {
                // materialized without lineage: unpersisting the data later does not recompute them
                references.add(reference(scaled, features.size(), seed + 1000 + b).localCheckpoint());
            }
            ClusteringEvaluator evaluator = new ClusteringEvaluator().setFeaturesCol("features")
                    .setPredictionCol("prediction").setMetricName("silhouette").setDistanceMeasure("squaredEuclidean");
            Map<Integer, KMeansModel> models = new LinkedHashMap<>();
            Map<Integer, Double> gapByK = new LinkedHashMap<>();
            Map<Integer, Double> errorByK = new LinkedHashMap<>();
            Map<Integer, Double> silhouetteByK = new LinkedHashMap<>();
            for (int k = kMin; k <= top; k++) {
                KMeansModel m = kMeans(k, seed).fit(scaled);
                long[] sizes = m.summary().clusterSizes();
                if (m.clusterCenters().length != k || !admissible(sizes, k, n)) {
                    LOG.info("SEGMENTS k = {}: cluster sizes {}, not k clusters of at least {} of {} row(s) and {} rows: "
                            + "skipped", k, java.util.Arrays.toString(sizes), MIN_CLUSTER_SHARE, n, MIN_CLUSTER_ROWS);
                    continue;
                }
                double[] logRef = new double[references.size()];
                for (int b = 0; b < logRef.length; b++) {
                    KMeans onReference = kMeans(k, seed).setMaxIter(REFERENCE_ITERATIONS).setTol(1e-4);
                    logRef[b] = Math.log(Math.max(1e-12, onReference.fit(references.get(b)).summary().trainingCost()));
                }
                models.put(k, m);
                gapByK.put(k, mean(logRef) - Math.log(Math.max(1e-12, m.summary().trainingCost())));
                errorByK.put(k, gapError(logRef));
                silhouetteByK.put(k, evaluator.evaluate(m.transform(scaled)));
            }
            LOG.info("SEGMENTS over {} row(s): gap by k {} (standard errors {}), silhouette by k {}", n, gapByK,
                    errorByK, silhouetteByK);
            Integer chosen = chooseK(gapByK, errorByK);
            if (chosen == null) {
                return null;
            }
            KMeansModel best = models.get(chosen);
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
            return new Result(out, chosen, gapByK.get(chosen), silhouetteByK.get(chosen), centroids, gapByK,
                    errorByK, silhouetteByK);
        } finally {
            references.forEach(Dataset::unpersist);
            scaled.unpersist();
        }
    }

    /** k clusters, each with at least {@link #MIN_CLUSTER_SHARE} of the n rows and {@link #MIN_CLUSTER_ROWS}. */
    static boolean admissible(long[] sizes, int k, long n) {
        double minimum = Math.max(MIN_CLUSTER_ROWS, MIN_CLUSTER_SHARE * n);
        return sizes.length == k && java.util.Arrays.stream(sizes).allMatch(s -> s >= minimum);
    }

    static double mean(double[] x) {
        return java.util.Arrays.stream(x).average().orElse(0);
    }

    /** s(k) of the gap statistic: the standard deviation of log W*(k) over the references × √(1 + 1/B). */
    static double gapError(double[] logRef) {
        double mean = mean(logRef);
        double sd = Math.sqrt(java.util.Arrays.stream(logRef).map(x -> (x - mean) * (x - mean)).sum() / logRef.length);
        return sd * Math.sqrt(1 + 1.0 / logRef.length);
    }

    /**
     * Tibshirani's rule over the admissible k (in increasing order): the smallest k with
     * Gap(k) ≥ Gap(k') − s(k'), k' the next admissible k; the largest admissible k has no k' and is chosen only by
     * the fallback, the k with the largest gap (ties to the smaller k). Null when no k is admissible.
     */
    static Integer chooseK(Map<Integer, Double> gapByK, Map<Integer, Double> errorByK) {
        List<Integer> ks = gapByK.keySet().stream().sorted().toList();
        for (int i = 0; i + 1 < ks.size(); i++) {
            int next = ks.get(i + 1);
            if (gapByK.get(ks.get(i)) >= gapByK.get(next) - errorByK.get(next)) {
                return ks.get(i);
            }
        }
        Integer best = null;
        for (int k : ks) {
            if (best == null || gapByK.get(k) > gapByK.get(best) + 1e-12) {
                best = k;
            }
        }
        return best;
    }

    /** Structureless data of the same size: each feature uniform over its observed range, as a vector column. */
    private static Dataset<Row> reference(Dataset<Row> scaled, int dimensions, long seed) {
        Dataset<Row> z = scaled.select(vector_to_array(col("features"), "float64").as("_z"));
        List<Column> aggs = new ArrayList<>();
        for (int i = 0; i < dimensions; i++) {
            aggs.add(org.apache.spark.sql.functions.min(col("_z").getItem(i)));
            aggs.add(org.apache.spark.sql.functions.max(col("_z").getItem(i)));
        }
        Row range = z.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        List<Column> drawn = new ArrayList<>();
        for (int i = 0; i < dimensions; i++) {
            double lo = range.getDouble(2 * i);
            double hi = range.getDouble(2 * i + 1);
            drawn.add(rand(seed * 31 + i).multiply(hi - lo).plus(lo));
        }
        return z.select(org.apache.spark.ml.functions.array_to_vector(
                org.apache.spark.sql.functions.array(drawn.toArray(Column[]::new))).as("features"));
    }

    /**
     * Stability of a k-cluster solution under bootstrap resampling: {@code resamples} KMeans fits (same k, seeds
     * seed + 1, …), each on a sample of the rows drawn with replacement (as many as there are rows), each then
     * assigning every original row; the result is the mean and the lowest adjusted Rand index over all pairs of
     * these assignments. Near 1: the segments come back whichever learners happen to be in the data. A
     * measurement, not part of a build: it collects the rows to the driver ({@link DriverSegmentation}).
     */
    public static Stability bootstrap(Dataset<Row> rows, List<String> keys, List<String> features, int k, long seed,
                                      int resamples) {
        if (resamples < 2) {
            throw new IllegalArgumentException("Bootstrap stability needs at least 2 resamples, got " + resamples);
        }
        return DriverSegmentation.bootstrap(rows, keys, features, k, seed, resamples);
    }

    /** The features as a standardized vector column {@code features}, rows in a fixed order (see the class doc). */
    private static Dataset<Row> standardized(Dataset<Row> rows, List<String> keys, List<String> features) {
        Dataset<Row> assembled = new VectorAssembler().setInputCols(features.toArray(String[]::new))
                .setOutputCol("_raw").transform(rows);
        Column[] keyCols = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        long rowsIn = rows.count();
        int partitions = (int) Math.max(1, Math.min(64, rowsIn / ROWS_PER_PARTITION));
        Dataset<Row> ordered = assembled.repartition(partitions, keyCols).sortWithinPartitions(keyCols);
        StandardScalerModel scaler = new StandardScaler().setWithMean(true).setWithStd(true)
                .setInputCol("_raw").setOutputCol("features").fit(ordered);
        return scaler.transform(ordered);
    }

    private static KMeans kMeans(int k, long seed) {
        return new KMeans().setK(k).setSeed(seed).setMaxIter(MAX_ITERATIONS).setTol(1e-6)
                .setFeaturesCol("features").setPredictionCol("prediction");
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
