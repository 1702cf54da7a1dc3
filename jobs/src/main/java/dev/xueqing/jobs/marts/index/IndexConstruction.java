package dev.xueqing.jobs.marts.index;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.MatrixUtils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The composite-indicator arithmetic of the learning index, for the units of one unit type and one period (pure
 * Java, no Spark: a period has tens to thousands of units). Follows the OECD/JRC Handbook on Constructing Composite
 * Indicators (2008): polarity → normalisation across the units → weights → aggregation → 0..100.
 *
 * <p>Conventions (docs/learning-index.md):
 * <ul>
 *   <li>A raw value is {@code NaN} when the unit has no value for the indicator. An indicator no unit of the group has
 *       is left out of the group ({@link #usedIndicators}).</li>
 *   <li>Every normalisation maps to [0, 1]: min-max {@code (x − min)/(max − min)}; z-score {@code Φ((x − mean)/sd)}
 *       (sample sd; Φ the standard normal distribution function, so the scale is bounded and monotone); rank
 *       {@code (r − 1)/(n − 1)} with r the average rank among the n units with a value. No spread (one unit, or all
 *       equal) gives 0.5. A negative indicator is reversed: 1 − s.</li>
 *   <li>Weights: equal; sub-index (each sub-index the same weight, split equally inside it); config; pca (the squared
 *       loadings of the first principal component of the correlation matrix of the {@link #coherenceIndicators}
 *       over the complete units; see {@link #pcaWeights}; equal weights when fewer than 3 complete units or fewer
 *       than 2 indicators vary).</li>
 *   <li>Aggregation over the unit's indicators with a value, the weights renormalised to add up to 1: arithmetic
 *       {@code 100·Σ wᵢsᵢ}; geometric {@code 100·(Π(1 + 99sᵢ)^wᵢ − 1)/99}, which works on 1..100 so that one zero
 *       does not zero the index, and is 0 and 100 where the arithmetic one is. A unit missing more than a third of
 *       the group's indicators gets no index.</li>
 *   <li>Ranks: 1 = highest index; ties share the best rank ("1224"); units without an index have none.</li>
 * </ul>
 */
public final class IndexConstruction {
    /** Every indicator the index knows, in the order of the mart's columns. */
    public static final List<String> ALL_INDICATORS = dev.xueqing.common.config.XueqingConfig.Index.INDICATORS;
    public static final List<String> NORMALISATIONS = List.of("min-max", "z-score", "rank");
    public static final List<String> AGGREGATIONS = List.of("arithmetic", "geometric");
    private static final NormalDistribution PHI = new NormalDistribution(null, 0, 1);

    private IndexConstruction() {}

    /** One construction: a normalisation, a weighting and an aggregation. */
    public record Method(String normalisation, String weighting, String aggregation) {
        public String label() {
            return normalisation + "/" + weighting + "/" + aggregation;
        }
    }

    /**
     * The indicators and units of one group.
     *
     * @param indicators the configured indicators, in order
     * @param raw        raw[u][i]: unit u's value of indicator i, NaN when none
     * @param negative   the indicators whose higher values are worse
     * @param subIndices sub-index name → its indicators
     * @param weights    indicator → weight of weighting "config" (empty when not configured)
     */
    public record Group(List<String> indicators, double[][] raw, Set<String> negative,
                        Map<String, List<String>> subIndices, Map<String, Double> weights) {
        public int units() {
            return raw.length;
        }
    }

    /** The result of one construction over a group. */
    public record Result(double[][] normalised, double[] weights, double[] index, String[] nullReason, int[] rank,
                         Map<String, double[]> subIndices, boolean pcaFellBack) {}

    /** The indicators of the group that at least one unit has a value for. */
    public static boolean[] usedIndicators(Group g) {
        boolean[] used = new boolean[g.indicators().size()];
        for (double[] row : g.raw()) {
            for (int i = 0; i < used.length; i++) {
                used[i] |= !Double.isNaN(row[i]);
            }
        }
        return used;
    }

    public static Result construct(Group g, Method m) {
        boolean[] used = usedIndicators(g);
        double[][] s = normalise(g, m.normalisation());
        double[] w = weights(g, m.weighting(), used);
        boolean fellBack = m.weighting().equals("pca") && pcaWeights(g, used) == null;
        int n = g.units();
        double[] index = new double[n];
        String[] reason = new String[n];
        int usedCount = 0;
        for (boolean b : used) {
            usedCount += b ? 1 : 0;
        }
        for (int u = 0; u < n; u++) {
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < used.length; i++) {
                if (used[i] && Double.isNaN(s[u][i])) {
                    missing.add(g.indicators().get(i));
                }
            }
            if (usedCount == 0) {
                index[u] = Double.NaN;
                reason[u] = "no indicator has a value in this period";
            } else if (missing.size() * 3 > usedCount) {
                index[u] = Double.NaN;
                reason[u] = "missing " + missing.size() + " of " + usedCount + " indicators: " + String.join(", ", missing);
            } else {
                index[u] = aggregate(s[u], w, used, m.aggregation());
            }
        }
        Map<String, double[]> subs = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : g.subIndices().entrySet()) {
            boolean[] in = new boolean[used.length];
            int members = 0;
            for (int i = 0; i < used.length; i++) {
                in[i] = used[i] && e.getValue().contains(g.indicators().get(i));
                members += in[i] ? 1 : 0;
            }
            if (members == 0) {
                continue;
            }
            double[] sub = new double[n];
            for (int u = 0; u < n; u++) {
                int miss = 0;
                for (int i = 0; i < used.length; i++) {
                    miss += in[i] && Double.isNaN(s[u][i]) ? 1 : 0;
                }
                sub[u] = miss * 3 > members ? Double.NaN : aggregate(s[u], w, in, m.aggregation());
            }
            subs.put(e.getKey(), sub);
        }
        return new Result(s, w, index, reason, ranks(index), subs, fellBack);
    }

    /** s[u][i] in [0, 1] (NaN when missing), after polarity. */
    static double[][] normalise(Group g, String normalisation) {
        int n = g.units();
        int k = g.indicators().size();
        double[][] s = new double[n][k];
        for (int i = 0; i < k; i++) {
            double[] x = new double[n];
            for (int u = 0; u < n; u++) {
                x[u] = g.raw()[u][i];
            }
            double[] col = switch (normalisation) {
                case "min-max" -> minMax(x);
                case "z-score" -> zScore(x);
                case "rank" -> rank(x);
                default -> throw new IllegalArgumentException("unknown normalisation " + normalisation);
            };
            boolean reverse = g.negative().contains(g.indicators().get(i));
            for (int u = 0; u < n; u++) {
                s[u][i] = reverse && !Double.isNaN(col[u]) ? 1 - col[u] : col[u];
            }
        }
        return s;
    }

    static double[] minMax(double[] x) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double[] out = new double[x.length];
        for (int u = 0; u < x.length; u++) {
            out[u] = Double.isNaN(x[u]) ? Double.NaN : max > min ? (x[u] - min) / (max - min) : 0.5;
        }
        return out;
    }

    static double[] zScore(double[] x) {
        double sum = 0;
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double ss = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double[] out = new double[x.length];
        for (int u = 0; u < x.length; u++) {
            out[u] = Double.isNaN(x[u]) ? Double.NaN : sd > 0 ? PHI.cumulativeProbability((x[u] - mean) / sd) : 0.5;
        }
        return out;
    }

    /**
     * Values closer than this are ties, for the rank normalisation and the published ranks. An indicator is an
     * aggregate of many rows (a mean, a share), and Spark adds them up in the order of its partitions, which may
     * change between two runs over the same data: the results then differ in their last bits, and an exact comparison
     * would turn that into different ranks.
     */
    static final double TIE = 1e-9;

    static double[] rank(double[] x) {
        int n = 0;
        for (double v : x) {
            n += Double.isNaN(v) ? 0 : 1;
        }
        double[] out = new double[x.length];
        for (int u = 0; u < x.length; u++) {
            if (Double.isNaN(x[u])) {
                out[u] = Double.NaN;
                continue;
            }
            if (n < 2) {
                out[u] = 0.5;
                continue;
            }
            int below = 0;
            int equal = 0;
            for (double v : x) {
                if (!Double.isNaN(v)) {
                    below += v < x[u] - TIE ? 1 : 0;
                    equal += Math.abs(v - x[u]) <= TIE ? 1 : 0;
                }
            }
            double averageRank = below + (equal + 1) / 2.0; // 1-based average rank of the ties
            double r = (averageRank - 1) / (n - 1);
            out[u] = equal == n ? 0.5 : r;
        }
        return out;
    }

    /** Weights of the used indicators (0 for the others), adding up to 1. */
    static double[] weights(Group g, String weighting, boolean[] used) {
        int k = used.length;
        double[] w = new double[k];
        switch (weighting) {
            case "equal" -> {
                for (int i = 0; i < k; i++) {
                    w[i] = used[i] ? 1 : 0;
                }
            }
            case "sub-index" -> {
                List<List<String>> groups = new ArrayList<>(g.subIndices().values());
                for (int i = 0; i < k; i++) {
                    String name = g.indicators().get(i);
                    if (used[i] && groups.stream().noneMatch(x -> x.contains(name))) {
                        groups.add(List.of(name)); // an indicator in no sub-index is a sub-index of its own
                    }
                }
                for (List<String> members : groups) {
                    long present = members.stream().filter(x -> {
                        int i = g.indicators().indexOf(x);
                        return i >= 0 && used[i];
                    }).count();
                    for (String x : members) {
                        int i = g.indicators().indexOf(x);
                        if (i >= 0 && used[i]) {
                            w[i] = 1.0 / present;
                        }
                    }
                }
            }
            case "config" -> {
                for (int i = 0; i < k; i++) {
                    Double v = g.weights().get(g.indicators().get(i));
                    w[i] = used[i] && v != null ? v : 0;
                }
            }
            case "pca" -> {
                double[] p = pcaWeights(g, used);
                for (int i = 0; i < k; i++) {
                    w[i] = p != null ? p[i] : used[i] ? 1 : 0;
                }
            }
            default -> throw new IllegalArgumentException("unknown weighting " + weighting);
        }
        double sum = Arrays.stream(w).sum();
        if (sum <= 0) { // configured weights only on indicators without values: fall back to equal
            for (int i = 0; i < k; i++) {
                w[i] = used[i] ? 1 : 0;
            }
            sum = Arrays.stream(w).sum();
        }
        for (int i = 0; i < k; i++) {
            w[i] = sum > 0 ? w[i] / sum : 0;
        }
        return w;
    }

    /** The first principal component of the group's complete units, or null when it cannot be computed. */
    public record Pca(int[] indicators, double[] loadings, double varianceShare, double[][] correlation) {}

    /**
     * PCA on the correlation matrix of the indicators that vary, over the units with a value for every used
     * indicator; null with fewer than 3 such units or fewer than 2 varying indicators.
     */
    public static Pca pca(Group g, boolean[] used) {
        used = coherenceIndicators(g, used);
        double[][] complete = completeRows(g, used);
        List<Integer> varying = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (used[i] && complete.length > 0 && variance(column(complete, i)) > 1e-12) {
                varying.add(i);
            }
        }
        if (complete.length < 3 || varying.size() < 2) {
            return null;
        }
        int p = varying.size();
        double[][] r = new double[p][p];
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                r[a][b] = a == b ? 1 : pearson(column(complete, varying.get(a)), column(complete, varying.get(b)));
            }
        }
        RealMatrix m = MatrixUtils.createRealMatrix(r);
        EigenDecomposition eig = new EigenDecomposition(m);
        double[] values = eig.getRealEigenvalues();
        int top = 0;
        double total = 0;
        for (int j = 0; j < values.length; j++) {
            total += Math.max(values[j], 0);
            if (values[j] > values[top]) {
                top = j;
            }
        }
        double[] v = eig.getEigenvector(top).toArray();
        return new Pca(varying.stream().mapToInt(Integer::intValue).toArray(), v,
                total > 0 ? values[top] / total : Double.NaN, r);
    }

    /**
     * The pca weights: the indicators in the principal component share p/k of the weight in proportion to their
     * squared loadings (a unit eigenvector's squared loadings add up to 1), every other used indicator (missing for
     * some unit, or without spread) gets 1/k; p of the k used indicators are in the component. Null when there is no
     * component.
     */
    static double[] pcaWeights(Group g, boolean[] used) {
        Pca pca = pca(g, used);
        if (pca == null) {
            return null;
        }
        int k = 0;
        for (boolean b : used) {
            k += b ? 1 : 0;
        }
        int p = pca.indicators().length;
        double[] w = new double[used.length];
        for (int i = 0; i < used.length; i++) {
            w[i] = used[i] ? 1.0 / k : 0;
        }
        for (int j = 0; j < p; j++) {
            w[pca.indicators()[j]] = pca.loadings()[j] * pca.loadings()[j] * p / k;
        }
        return w;
    }

    /**
     * The indicators the coherence statistics use: the used indicators that every unit with an index (missing at
     * most a third) has. An indicator only some units have, such as a pass rate where only some courses have ended,
     * would otherwise leave too few complete units.
     */
    public static boolean[] coherenceIndicators(Group g, boolean[] used) {
        int usedCount = 0;
        for (boolean b : used) {
            usedCount += b ? 1 : 0;
        }
        boolean[] common = used.clone();
        for (double[] row : g.raw()) {
            int missing = 0;
            for (int i = 0; i < used.length; i++) {
                missing += used[i] && Double.isNaN(row[i]) ? 1 : 0;
            }
            if (missing * 3 > usedCount) {
                continue;
            }
            for (int i = 0; i < used.length; i++) {
                common[i] &= !Double.isNaN(row[i]);
            }
        }
        return common;
    }

    /**
     * Cronbach's alpha of the used indicators over the complete units, on their z-scores after polarity:
     * k/(k−1)·(1 − Σ var(zᵢ)/var(Σ zᵢ)). NaN with fewer than 3 complete units or fewer than 2 indicators that vary.
     */
    public static double cronbachAlpha(Group g, boolean[] used) {
        used = coherenceIndicators(g, used);
        double[][] complete = completeRows(g, used);
        List<double[]> items = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (!used[i] || complete.length == 0) {
                continue;
            }
            double[] x = column(complete, i);
            double var = variance(x);
            if (var <= 1e-12) {
                continue;
            }
            double mean = Arrays.stream(x).average().orElse(0);
            double sd = Math.sqrt(var);
            boolean reverse = g.negative().contains(g.indicators().get(i));
            double[] z = new double[x.length];
            for (int u = 0; u < x.length; u++) {
                z[u] = (reverse ? -1 : 1) * (x[u] - mean) / sd;
            }
            items.add(z);
        }
        int k = items.size();
        if (complete.length < 3 || k < 2) {
            return Double.NaN;
        }
        double[] total = new double[complete.length];
        double sumVar = 0;
        for (double[] z : items) {
            sumVar += variance(z);
            for (int u = 0; u < total.length; u++) {
                total[u] += z[u];
            }
        }
        double totalVar = variance(total);
        return totalVar > 0 ? (double) k / (k - 1) * (1 - sumVar / totalVar) : Double.NaN;
    }

    /** Pearson correlation of two indicators over the units with both values (NaN when fewer than 3 or no spread). */
    public static double correlation(Group g, int a, int b) {
        List<double[]> pairs = new ArrayList<>();
        for (double[] row : g.raw()) {
            if (!Double.isNaN(row[a]) && !Double.isNaN(row[b])) {
                pairs.add(new double[] {row[a], row[b]});
            }
        }
        if (pairs.size() < 3) {
            return Double.NaN;
        }
        double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
        return pearson(x, y);
    }

    static double aggregate(double[] s, double[] w, boolean[] include, String aggregation) {
        double wsum = 0;
        for (int i = 0; i < s.length; i++) {
            if (include[i] && !Double.isNaN(s[i])) {
                wsum += w[i];
            }
        }
        if (wsum <= 0) {
            return Double.NaN;
        }
        double acc = 0;
        for (int i = 0; i < s.length; i++) {
            if (include[i] && !Double.isNaN(s[i])) {
                double wi = w[i] / wsum;
                acc += aggregation.equals("geometric") ? wi * Math.log(1 + 99 * s[i]) : wi * s[i];
            }
        }
        double v = aggregation.equals("geometric") ? (Math.exp(acc) - 1) / 99 * 100 : acc * 100;
        return Math.max(0, Math.min(100, v)); // only rounding can step outside
    }

    /** Competition ranks, 1 = highest; 0 for NaN. */
    static int[] ranks(double[] index) {
        int[] r = new int[index.length];
        for (int u = 0; u < index.length; u++) {
            if (Double.isNaN(index[u])) {
                continue;
            }
            int better = 0;
            for (double v : index) {
                better += !Double.isNaN(v) && v > index[u] + TIE ? 1 : 0;
            }
            r[u] = better + 1;
        }
        return r;
    }

    private static double[][] completeRows(Group g, boolean[] used) {
        List<double[]> rows = new ArrayList<>();
        for (double[] row : g.raw()) {
            boolean ok = true;
            for (int i = 0; i < used.length; i++) {
                ok &= !used[i] || !Double.isNaN(row[i]);
            }
            if (ok) {
                rows.add(row);
            }
        }
        return rows.toArray(new double[0][]);
    }

    private static double[] column(double[][] rows, int i) {
        double[] out = new double[rows.length];
        for (int u = 0; u < rows.length; u++) {
            out[u] = rows[u][i];
        }
        return out;
    }

    private static double variance(double[] x) {
        if (x.length < 2) {
            return 0;
        }
        double mean = Arrays.stream(x).average().orElse(0);
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        return ss / (x.length - 1);
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Double.NaN;
    }
}
