package dev.xueqing.jobs.ml;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The adjusted Rand index on hand-computed examples (the values scikit-learn's adjusted_rand_score gives). */
class AdjustedRandIndexTest {
    @Test
    void knownAnswers() {
        // contingency {2, 1, 1}: index 1, row pairs 1, column pairs 2, expected 1·2/6 = 1/3, max 3/2 → (2/3)/(7/6) = 4/7
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 2}, new int[] {0, 0, 1, 1})).isCloseTo(4 / 7.0, within(1e-12));
        // every pair split the other way: index 0, expected 2/3, max 2 → −0.5
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1})).isCloseTo(-0.5, within(1e-12));
        // one group against all apart: index 0 and expected 0 → 0
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3})).isEqualTo(0.0);
    }

    @Test
    void theSamePartitionUnderOtherNamesIsOne() {
        assertThat(AdjustedRandIndex.of(List.of("steady", "steady", "fading", "late", "late"),
                List.of(3, 3, 0, 1, 1))).isCloseTo(1.0, within(1e-12));
        // trivial partitions that agree (one group each; every item apart in both) are identical: 1
        assertThat(AdjustedRandIndex.of(new int[] {5, 5, 5}, new int[] {1, 1, 1})).isEqualTo(1.0);
        assertThat(AdjustedRandIndex.of(new int[] {0, 1, 2}, new int[] {2, 0, 1})).isEqualTo(1.0);
    }

    @Test
    void symmetricAndRefusesLabelingsOfDifferentLength() {
        int[] a = {0, 0, 0, 1, 1, 2, 2, 2, 2};
        int[] b = {1, 1, 0, 0, 2, 2, 2, 0, 1};
        assertThat(AdjustedRandIndex.of(a, b)).isCloseTo(AdjustedRandIndex.of(b, a), within(1e-15));
        assertThatThrownBy(() -> AdjustedRandIndex.of(new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 and 1 labels");
    }
}
