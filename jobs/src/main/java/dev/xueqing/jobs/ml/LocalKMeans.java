package dev.xueqing.jobs.ml;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * k-means on a matrix held in the driver's memory: k-means++ seeding, Lloyd iterations, the best of a few seeded
 * starts. Used for the model search of a small learner_segments table, where a Spark job per KMeans pass costs far
 * more than the arithmetic (docs/segments.md, "Cost").
 *
 * <p>Deterministic: the same rows in the same order and the same seed give the same centroids and assignments
 * (ties in distance go to the smaller centroid index; an emptied cluster is moved to the first row farthest from its
 * centroid).
 */
public final class LocalKMeans {
    /** Seeded starts per fit; the one with the lowest within-cluster sum of squares is kept. */
    public static final int STARTS = 4;

    /**
     * A fitted model: centroids (k rows), the cluster of every row, the within-cluster sum of squares (W) and the
     * cluster sizes.
     */
    public record Model(double[][] centroids, int[] assignment, double cost, long[] sizes) {
        /** The number of clusters. */
        public int k() {
            return centroids.length;
        }
    }

    private LocalKMeans() {}

    /** The best of {@link #STARTS} k-means++ starts, each with at most maxIter Lloyd iterations. */
    public static Model fit(double[][] x, int k, long seed, int maxIter) {
        if (k < 1 || k > x.length) {
            throw new IllegalArgumentException("k-means needs 1 <= k <= rows, got k = " + k + " for " + x.length
                    + " row(s)");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Model best = null;
        for (int s = 0; s < STARTS; s++) {
            Model m = lloyd(x, seeding(x, k, random.split()), maxIter);
            if (best == null || m.cost() < best.cost()) {
                best = m;
            }
        }
        return best;
    }

    /** The index of the nearest centroid (squared Euclidean; ties to the smaller index). */
    public static int nearest(double[] row, double[][] centroids) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double d = squaredDistance(row, centroids[c]);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    /** Squared Euclidean distance. */
    public static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    /**
     * Mean silhouette with squared Euclidean distances, as Spark's {@code ClusteringEvaluator} computes it (in
     * O(rows × k) through cluster means of the rows and of their squared norms): a row's dissimilarity to a cluster
     * is its mean squared distance to the cluster's rows (its own cluster without itself); a row alone in its
     * cluster scores 0.
     */
    public static double silhouette(double[][] x, int[] assignment, int k) {
        int d = x[0].length;
        double[][] sums = new double[k][d];
        double[] normSums = new double[k];
        long[] sizes = new long[k];
        for (int i = 0; i < x.length; i++) {
            int c = assignment[i];
            sizes[c]++;
            normSums[c] += dot(x[i], x[i]);
            for (int j = 0; j < d; j++) {
                sums[c][j] += x[i][j];
            }
        }
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            int own = assignment[i];
            if (sizes[own] == 1) {
                continue;
            }
            double norm = dot(x[i], x[i]);
            double a = Double.NaN;
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (sizes[c] == 0) {
                    continue;
                }
                double meanSquared = norm + normSums[c] / sizes[c] - 2 * dot(x[i], sums[c]) / sizes[c];
                if (c == own) {
                    a = meanSquared * sizes[c] / (sizes[c] - 1);
                } else {
                    b = Math.min(b, meanSquared);
                }
            }
            total += a < b ? 1 - a / b : a > b ? b / a - 1 : 0;
        }
        return total / x.length;
    }

    /** k-means++: the first centroid a random row, each next one a row drawn with probability ∝ squared distance. */
    private static double[][] seeding(double[][] x, int k, SplittableRandom random) {
        double[][] centroids = new double[k][];
        centroids[0] = x[random.nextInt(x.length)].clone();
        double[] distance = new double[x.length];
        Arrays.fill(distance, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < x.length; i++) {
                distance[i] = Math.min(distance[i], squaredDistance(x[i], centroids[c - 1]));
                total += distance[i];
            }
            int pick = x.length - 1;
            if (total > 0) {
                double u = random.nextDouble() * total;
                double cumulative = 0;
                for (int i = 0; i < x.length; i++) {
                    cumulative += distance[i];
                    if (u < cumulative) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = random.nextInt(x.length);
            }
            centroids[c] = x[pick].clone();
        }
        return centroids;
    }

    private static Model lloyd(double[][] x, double[][] centroids, int maxIter) {
        int k = centroids.length;
        int d = x[0].length;
        int[] assignment = new int[x.length];
        Arrays.fill(assignment, -1);
        for (int iteration = 0; iteration < maxIter; iteration++) {
            boolean changed = false;
            for (int i = 0; i < x.length; i++) {
                int c = nearest(x[i], centroids);
                if (c != assignment[i]) {
                    assignment[i] = c;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sums = new double[k][d];
            long[] sizes = new long[k];
            for (int i = 0; i < x.length; i++) {
                sizes[assignment[i]]++;
                for (int j = 0; j < d; j++) {
                    sums[assignment[i]][j] += x[i][j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (sizes[c] == 0) {
                    // an emptied cluster restarts at the row farthest from its centroid
                    centroids[c] = x[farthest(x, centroids, assignment)].clone();
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    centroids[c][j] = sums[c][j] / sizes[c];
                }
            }
        }
        long[] sizes = new long[k];
        double cost = 0;
        for (int i = 0; i < x.length; i++) {
            assignment[i] = nearest(x[i], centroids);
            sizes[assignment[i]]++;
            cost += squaredDistance(x[i], centroids[assignment[i]]);
        }
        return new Model(centroids, assignment, cost, sizes);
    }

    private static int farthest(double[][] x, double[][] centroids, int[] assignment) {
        int far = 0;
        double farthest = -1;
        for (int i = 0; i < x.length; i++) {
            double dd = squaredDistance(x[i], centroids[assignment[i]]);
            if (dd > farthest) {
                farthest = dd;
                far = i;
            }
        }
        return far;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
