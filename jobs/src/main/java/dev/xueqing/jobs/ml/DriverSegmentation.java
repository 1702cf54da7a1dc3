package dev.xueqing.jobs.ml;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model search of {@link KMeansSegmentation} in the driver's memory, for tables small enough to collect
 * (xueqing.segments.driver-max-rows): the rows are collected once, sorted by their key, standardized, and every
 * KMeans fit of the gap statistic (the candidate k, the reference data sets) runs in plain Java
 * ({@link LocalKMeans}). One Spark job to collect and one to hand the assignments back, instead of a few hundred
 * small jobs (each KMeans iteration, each cost and silhouette pass is one on the MLlib path).
 *
 * <p>The fit depends on the rows only, never on how Spark partitioned them: they are sorted by key before anything
 * is computed, the features are rounded to {@link #DECIMALS} decimals (the last bits of a floating-point sum
 * upstream depend on the order Spark added in), and every random draw comes from a seed derived from the given
 * one.
 */
public final class DriverSegmentation {
    private static final Logger LOG = LoggerFactory.getLogger(DriverSegmentation.class);
    /** Features are rounded to this many decimals before the fit (see the class doc). */
    static final int DECIMALS = 9;

    /** Collected rows: their keys (as collected) and their standardized features, both in key order. */
    record Matrix(List<Row> keys, double[][] z) {}

    private DriverSegmentation() {}

    /** The same contract as {@link KMeansSegmentation#fit}; null when no k in the range is admissible. */
    static KMeansSegmentation.Result fit(Dataset<Row> rows, List<String> keys, List<String> features, int kMin,
                                         int kMax, long seed) {
        Matrix m = collect(rows, keys, features);
        double[][] z = m.z();
        int n = z.length;
        int top = Math.min(kMax, n - 1);
        double[][][] references = new double[KMeansSegmentation.GAP_REFERENCES][][];
        for (int b = 0; b < references.length; b++) {
            references[b] = reference(z, seed + 1000 + b);
        }
        Map<Integer, LocalKMeans.Model> models = new LinkedHashMap<>();
        Map<Integer, Double> gapByK = new LinkedHashMap<>();
        Map<Integer, Double> errorByK = new LinkedHashMap<>();
        Map<Integer, Double> silhouetteByK = new LinkedHashMap<>();
        for (int k = kMin; k <= top; k++) {
            LocalKMeans.Model model = LocalKMeans.fit(z, k, seed, KMeansSegmentation.MAX_ITERATIONS);
            if (!KMeansSegmentation.admissible(model.sizes(), k, n)) {
                LOG.info("SEGMENTS k = {}: cluster sizes {}, not k clusters of at least {} of {} row(s) and {} rows: "
                        + "skipped", k, Arrays.toString(model.sizes()), KMeansSegmentation.MIN_CLUSTER_SHARE, n,
                        KMeansSegmentation.MIN_CLUSTER_ROWS);
                continue;
            }
            double[] logRef = new double[references.length];
            for (int b = 0; b < references.length; b++) {
                double cost = LocalKMeans.fit(references[b], k, seed, KMeansSegmentation.REFERENCE_ITERATIONS).cost();
                logRef[b] = Math.log(Math.max(1e-12, cost));
            }
            models.put(k, model);
            gapByK.put(k, KMeansSegmentation.mean(logRef) - Math.log(Math.max(1e-12, model.cost())));
            errorByK.put(k, KMeansSegmentation.gapError(logRef));
            silhouetteByK.put(k, LocalKMeans.silhouette(z, model.assignment(), k));
        }
        LOG.info("SEGMENTS over {} row(s) (in the driver): gap by k {} (standard errors {}), silhouette by k {}", n,
                gapByK, errorByK, silhouetteByK);
        Integer chosen = KMeansSegmentation.chooseK(gapByK, errorByK);
        if (chosen == null) {
            return null;
        }
        LocalKMeans.Model best = models.get(chosen);
        Dataset<Row> assignments = assignments(rows.sparkSession(), rows.schema(), keys, m, best);
        return new KMeansSegmentation.Result(assignments, chosen, gapByK.get(chosen), silhouetteByK.get(chosen),
                best.centroids(), gapByK, errorByK, silhouetteByK);
    }

    /**
     * Bootstrap stability on collected rows: {@code resamples} fits of k clusters (seeds seed + 1, …), each on as
     * many rows drawn with replacement, each assigning every row; the mean and lowest ARI over all pairs.
     */
    static KMeansSegmentation.Stability bootstrap(Dataset<Row> rows, List<String> keys, List<String> features, int k,
                                                  long seed, int resamples) {
        double[][] z = collect(rows, keys, features).z();
        List<int[]> fits = new ArrayList<>();
        for (int b = 1; b <= resamples; b++) {
            SplittableRandom random = new SplittableRandom(seed + b);
            double[][] sample = new double[z.length][];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = z[random.nextInt(z.length)];
            }
            LocalKMeans.Model model = LocalKMeans.fit(sample, k, seed + b, KMeansSegmentation.MAX_ITERATIONS);
            int[] assigned = new int[z.length];
            for (int i = 0; i < z.length; i++) {
                assigned[i] = LocalKMeans.nearest(z[i], model.centroids());
            }
            fits.add(assigned);
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        int pairs = 0;
        for (int i = 0; i < fits.size(); i++) {
            for (int j = i + 1; j < fits.size(); j++) {
                double ari = AdjustedRandIndex.of(fits.get(i), fits.get(j));
                sum += ari;
                min = Math.min(min, ari);
                pairs++;
            }
        }
        return new KMeansSegmentation.Stability(k, resamples, sum / pairs, min);
    }

    /** The rows' keys and standardized, rounded features, sorted by key (one Spark job). */
    static Matrix collect(Dataset<Row> rows, List<String> keys, List<String> features) {
        List<String> columns = new ArrayList<>(keys);
        columns.addAll(features);
        List<Row> collected = new ArrayList<>(rows.selectExpr(columns.stream().map(c -> "`" + c + "`")
                .toArray(String[]::new)).collectAsList());
        Comparator<Row> byKey = null;
        for (int i = 0; i < keys.size(); i++) {
            int at = i;
            Comparator<Row> next = Comparator.comparing(r -> r.isNullAt(at) ? "" : String.valueOf(r.get(at)));
            byKey = byKey == null ? next : byKey.thenComparing(next);
        }
        collected.sort(byKey);
        double[][] raw = new double[collected.size()][features.size()];
        double scale = Math.pow(10, DECIMALS);
        List<Row> keyRows = new ArrayList<>(collected.size());
        for (int i = 0; i < collected.size(); i++) {
            Row r = collected.get(i);
            for (int j = 0; j < features.size(); j++) {
                Object v = r.get(keys.size() + j);
                if (!(v instanceof Number x) || Double.isNaN(x.doubleValue())) {
                    throw new IllegalStateException("Segmentation feature " + features.get(j) + " is " + v
                            + " for the row " + r.mkString("(", ", ", ")") + "; the features must be numbers");
                }
                raw[i][j] = Math.round(x.doubleValue() * scale) / scale;
            }
            Object[] key = new Object[keys.size()];
            for (int j = 0; j < key.length; j++) {
                key[j] = r.get(j);
            }
            keyRows.add(RowFactory.create(key));
        }
        return new Matrix(keyRows, standardize(raw));
    }

    /**
     * (x − mean) / standard deviation per column, the sample standard deviation (n − 1) as MLlib's
     * StandardScaler; a constant column becomes 0.
     */
    static double[][] standardize(double[][] raw) {
        int n = raw.length;
        int d = n == 0 ? 0 : raw[0].length;
        double[][] z = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] row : raw) {
                mean += row[j];
            }
            mean /= n;
            double squares = 0;
            for (double[] row : raw) {
                squares += (row[j] - mean) * (row[j] - mean);
            }
            double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
            for (int i = 0; i < n; i++) {
                z[i][j] = sd > 0 ? (raw[i][j] - mean) / sd : 0.0;
            }
        }
        return z;
    }

    /** Structureless data of the same size: each feature uniform over its observed range. */
    private static double[][] reference(double[][] z, long seed) {
        int d = z[0].length;
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (double[] row : z) {
            for (int j = 0; j < d; j++) {
                lo[j] = Math.min(lo[j], row[j]);
                hi[j] = Math.max(hi[j], row[j]);
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] out = new double[z.length][d];
        for (double[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = lo[j] + random.nextDouble() * (hi[j] - lo[j]);
            }
        }
        return out;
    }

    /** keys, z, segment_id, distance (Euclidean, z to its centroid) of every row, as a local Dataset. */
    private static Dataset<Row> assignments(SparkSession spark, StructType input, List<String> keys, Matrix m,
                                            LocalKMeans.Model model) {
        List<StructField> fields = new ArrayList<>();
        keys.forEach(k -> fields.add(input.apply(k)));
        fields.add(DataTypes.createStructField("z", DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        fields.add(DataTypes.createStructField("segment_id", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("distance", DataTypes.DoubleType, false));
        List<Row> out = new ArrayList<>(m.keys().size());
        for (int i = 0; i < m.z().length; i++) {
            double[] z = m.z()[i];
            int segment = model.assignment()[i];
            Object[] values = new Object[keys.size() + 3];
            for (int j = 0; j < keys.size(); j++) {
                values[j] = m.keys().get(i).get(j);
            }
            Double[] boxed = new Double[z.length];
            for (int j = 0; j < z.length; j++) {
                boxed[j] = z[j];
            }
            values[keys.size()] = boxed;
            values[keys.size() + 1] = segment;
            values[keys.size() + 2] = Math.sqrt(LocalKMeans.squaredDistance(z, model.centroids()[segment]));
            out.add(RowFactory.create(values));
        }
        return spark.createDataFrame(out, new StructType(fields.toArray(StructField[]::new)));
    }
}
