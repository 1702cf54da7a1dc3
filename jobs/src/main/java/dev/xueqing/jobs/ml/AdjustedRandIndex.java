package dev.xueqing.jobs.ml;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The adjusted Rand index of two partitions of the same items (Hubert and Arabie, 1985): 1 when they agree
 * exactly (up to renaming the groups), about 0 for a random assignment, negative when they agree less than chance.
 *
 * <p>With the contingency table n_ij (items in group i of the first and group j of the second partition), row sums
 * a_i, column sums b_j and n items: ARI = (Σ C(n_ij, 2) − E) / (½ (Σ C(a_i, 2) + Σ C(b_j, 2)) − E), where
 * E = Σ C(a_i, 2) · Σ C(b_j, 2) / C(n, 2). When the denominator is 0 (both partitions are one group, or both put
 * every item apart) the partitions are identical and the index is 1, as in scikit-learn's adjusted_rand_score.
 */
public final class AdjustedRandIndex {
    private AdjustedRandIndex() {}

    /** ARI of two labelings, item i in group a.get(i) and b.get(i); labels may be of any type (not null). */
    public static double of(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("Two labelings of the same items are needed, got " + a.size()
                    + " and " + b.size() + " labels");
        }
        Map<Object, Long> rows = new HashMap<>();
        Map<Object, Long> cols = new HashMap<>();
        Map<List<Object>, Long> cells = new HashMap<>();
        for (int i = 0; i < a.size(); i++) {
            Object x = Objects.requireNonNull(a.get(i), "label");
            Object y = Objects.requireNonNull(b.get(i), "label");
            rows.merge(x, 1L, Long::sum);
            cols.merge(y, 1L, Long::sum);
            cells.merge(List.of(x, y), 1L, Long::sum);
        }
        double index = pairs(cells);
        double sumA = pairs(rows);
        double sumB = pairs(cols);
        double n = a.size();
        double expected = n < 2 ? 0.0 : sumA * sumB / (n * (n - 1) / 2.0);
        double max = (sumA + sumB) / 2.0;
        if (max == expected) {
            return 1.0;
        }
        return (index - expected) / (max - expected);
    }

    /** ARI of two int labelings. */
    public static double of(int[] a, int[] b) {
        return of(java.util.Arrays.stream(a).boxed().toList(), java.util.Arrays.stream(b).boxed().toList());
    }

    private static double pairs(Map<?, Long> counts) {
        double s = 0;
        for (long c : counts.values()) {
            s += c * (c - 1) / 2.0;
        }
        return s;
    }
}
