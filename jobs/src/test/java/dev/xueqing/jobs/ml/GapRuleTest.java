package dev.xueqing.jobs.ml;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Tibshirani's rule for k on given gap statistics and standard errors (KMeansSegmentation.chooseK). */
class GapRuleTest {
    private static Map<Integer, Double> of(double... byK) {
        Map<Integer, Double> m = new TreeMap<>();
        for (int i = 0; i < byK.length; i++) {
            m.put(i + 2, byK[i]);
        }
        return m;
    }

    @Test
    void theSmallestKThatTheNextDoesNotClearlyBeat() {
        // 2 → 3 gains 0.20 > s(3) = 0.05; 3 → 4 gains 0.04 < s(4) = 0.05: k = 3
        assertThat(KMeansSegmentation.chooseK(of(0.50, 0.70, 0.74, 0.90), of(0.05, 0.05, 0.05, 0.05))).isEqualTo(3);
        // a falling gap stops at once
        assertThat(KMeansSegmentation.chooseK(of(0.9, 0.8, 0.7), of(0.01, 0.01, 0.01))).isEqualTo(2);
    }

    @Test
    void keepsRisingThenTheLargestGapAndNothingWhenNoKIsAdmissible() {
        // every step clearly better: no k passes the rule, the largest gap (k = 5) wins
        assertThat(KMeansSegmentation.chooseK(of(0.1, 0.3, 0.5, 0.7), of(0.01, 0.01, 0.01, 0.01))).isEqualTo(5);
        // a skipped k (4, not admissible) is jumped over: 3 is compared with 5
        Map<Integer, Double> gap = new TreeMap<>(Map.of(2, 0.1, 3, 0.6, 5, 0.62));
        Map<Integer, Double> se = new TreeMap<>(Map.of(2, 0.01, 3, 0.01, 5, 0.05));
        assertThat(KMeansSegmentation.chooseK(gap, se)).isEqualTo(3);
        assertThat(KMeansSegmentation.chooseK(new TreeMap<>(), new TreeMap<>())).isNull();
    }
}
