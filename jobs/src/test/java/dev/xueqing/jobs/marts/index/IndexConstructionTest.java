package dev.xueqing.jobs.marts.index;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The index arithmetic on three units A, B, C with two indicators, x1 = (0.2, 0.5, 0.8) and x2 = (10, 30, 25), equal
 * weights, every value worked out by hand (docs/learning-index.md has the formulas).
 */
class IndexConstructionTest {
    private static final double NaN = Double.NaN;

    private static IndexConstruction.Group three() {
        return new IndexConstruction.Group(List.of("x1", "x2"),
                new double[][] {{0.2, 10}, {0.5, 30}, {0.8, 25}}, Set.of(), Map.of(), Map.of());
    }

    private static double[] index(IndexConstruction.Group g, String normalisation, String weighting, String aggregation) {
        return IndexConstruction.construct(g, new IndexConstruction.Method(normalisation, weighting, aggregation)).index();
    }

    @Test
    void minMaxArithmetic() {
        // x1 -> (0, .5, 1); x2 -> (0, 1, .75); mean x 100
        assertThat(index(three(), "min-max", "equal", "arithmetic")).containsExactly(new double[] {0, 75, 87.5},
                within(1e-9));
    }

    @Test
    void minMaxGeometric() {
        // 100 * (sqrt((1 + 99 s1)(1 + 99 s2)) - 1) / 99: A 0; B sqrt(50.5 * 100) -> 70.7711; C sqrt(100 * 75.25) -> 86.6129
        assertThat(index(three(), "min-max", "equal", "geometric")).containsExactly(
                new double[] {0, 70.77106264420149, 86.61288673180542}, within(1e-9));
    }

    @Test
    void zScoreUsesTheNormalDistributionFunction() {
        // x1: mean .5, sd .3 -> z (-1, 0, 1) -> Phi (.158655, .5, .841345)
        // x2: mean 21.667, sd 10.408 -> z (-1.1209, .8006, .3203) -> Phi (.131166, .788330, .625613)
        assertThat(index(three(), "z-score", "equal", "arithmetic")).containsExactly(
                new double[] {14.491054581781789, 64.41650896043892, 73.34788626076346}, within(1e-6));
        assertThat(index(three(), "z-score", "equal", "geometric")).containsExactly(
                new double[] {14.429997910322653, 62.808435181437716, 72.56135937248226}, within(1e-6));
    }

    @Test
    void valuesThatDifferOnlyInTheirLastBitsAreTies() {
        // 0.1 + 0.2 is 0.30000000000000004: the same share added up in another order. Ranked exactly, the two would
        // get ranks 2 and 1 (normalised .5 and 0), and the published ranks would depend on Spark's partitioning.
        assertThat(IndexConstruction.rank(new double[] {0.1 + 0.2, 0.3, 0.5}))
                .containsExactly(new double[] {0.25, 0.25, 1.0}, within(1e-12));
        assertThat(IndexConstruction.ranks(new double[] {0.1 + 0.2, 0.3, 0.5})).containsExactly(2, 2, 1);
        // a real difference, however small a share it is, still ranks
        assertThat(IndexConstruction.rank(new double[] {0.3, 0.300001, Double.NaN}))
                .containsExactly(new double[] {0, 1, Double.NaN}, within(1e-12));
    }

    @Test
    void rankNormalisationAndTiedRanks() {
        // x1 ranks (1, 2, 3) -> (0, .5, 1); x2 ranks (1, 3, 2) -> (0, 1, .5): B and C tie at 75 and share rank 1
        IndexConstruction.Result r = IndexConstruction.construct(three(),
                new IndexConstruction.Method("rank", "equal", "arithmetic"));
        assertThat(r.index()).containsExactly(new double[] {0, 75, 75}, within(1e-9));
        assertThat(r.rank()).containsExactly(3, 1, 1);
        assertThat(index(three(), "rank", "equal", "geometric")).containsExactly(
                new double[] {0, 70.77106264420149, 70.77106264420149}, within(1e-9));
    }

    @Test
    void negativePolarityReversesAnIndicator() {
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("x1", "x2"), three().raw(), Set.of("x2"),
                Map.of(), Map.of());
        // x2 reversed: (1, 0, .25)
        assertThat(index(g, "min-max", "equal", "arithmetic")).containsExactly(new double[] {50, 25, 62.5},
                within(1e-9));
    }

    @Test
    void configuredWeights() {
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("x1", "x2"), three().raw(), Set.of(),
                Map.of(), Map.of("x1", 0.75, "x2", 0.25));
        assertThat(index(g, "min-max", "config", "arithmetic")).containsExactly(
                new double[] {0, 100 * (0.75 * 0.5 + 0.25), 100 * (0.75 + 0.25 * 0.75)}, within(1e-9));
    }

    @Test
    void subIndexWeightingSplitsEachSubIndexEqually() {
        // sub-index s = {x1, x2}, x3 alone: weights .25, .25, .5
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("x1", "x2", "x3"),
                new double[][] {{0.2, 10, 1}, {0.5, 30, 2}, {0.8, 25, 3}}, Set.of(), Map.of("s", List.of("x1", "x2")),
                Map.of());
        IndexConstruction.Result r = IndexConstruction.construct(g,
                new IndexConstruction.Method("min-max", "sub-index", "arithmetic"));
        assertThat(r.weights()).containsExactly(new double[] {0.25, 0.25, 0.5}, within(1e-12));
        assertThat(r.index()).containsExactly(new double[] {0, 100 * (0.125 + 0.25 + 0.25), 100 * (0.25 + 0.1875 + 0.5)},
                within(1e-9));
        assertThat(r.subIndices().get("s")).containsExactly(new double[] {0, 75, 87.5}, within(1e-9));
    }

    @Test
    void aUnitMissingMoreThanAThirdGetsNoIndexAndTheRestAreReweighted() {
        // four indicators; B misses one (1/4: indexed over the other three), C misses two (2/4 > 1/3: null)
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("a", "b", "c", "d"),
                new double[][] {{0, 0, 0, 0}, {1, 1, 1, NaN}, {1, NaN, NaN, 1}}, Set.of(), Map.of(), Map.of());
        IndexConstruction.Result r = IndexConstruction.construct(g,
                new IndexConstruction.Method("min-max", "equal", "arithmetic"));
        assertThat(r.index()[0]).isEqualTo(0);
        assertThat(r.index()[1]).isCloseTo(100, within(1e-9));
        assertThat(r.index()[2]).isNaN();
        assertThat(r.nullReason()[2]).isEqualTo("missing 2 of 4 indicators: b, c");
        assertThat(r.rank()).containsExactly(2, 1, 0);
    }

    @Test
    void anIndicatorNoUnitHasIsLeftOutAndNoSpreadGivesTheMiddle() {
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("a", "b", "c"),
                new double[][] {{3, NaN, 1}, {3, NaN, 2}}, Set.of(), Map.of(), Map.of());
        assertThat(IndexConstruction.usedIndicators(g)).containsExactly(true, false, true);
        // a has no spread: .5 for both; c: (0, 1)
        assertThat(index(g, "min-max", "equal", "arithmetic")).containsExactly(new double[] {25, 75}, within(1e-9));
        assertThat(index(g, "z-score", "equal", "arithmetic")[0]).isCloseTo(100 * (0.5 + 0.23975006109347674) / 2, within(1e-9));
    }

    @Test
    void coherence() {
        // a = (1, 2, 3, 4), b = (1, 3, 2, 4): r = .8, alpha = 2r / (1 + r) = .8889; PC1 of [[1, .8], [.8, 1]]
        // explains (1 + .8) / 2 = .9 with loadings (1, 1) / sqrt 2, so pca weights .5 and .5
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("a", "b"),
                new double[][] {{1, 1}, {2, 3}, {3, 2}, {4, 4}}, Set.of(), Map.of(), Map.of());
        boolean[] used = IndexConstruction.usedIndicators(g);
        assertThat(IndexConstruction.correlation(g, 0, 1)).isCloseTo(0.8, within(1e-12));
        assertThat(IndexConstruction.cronbachAlpha(g, used)).isCloseTo(0.8 * 2 / 1.8, within(1e-12));
        IndexConstruction.Pca pca = IndexConstruction.pca(g, used);
        assertThat(pca.varianceShare()).isCloseTo(0.9, within(1e-12));
        assertThat(IndexConstruction.pcaWeights(g, used)).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
    }

    @Test
    void anIndicatorOnlySomeUnitsHaveKeepsAnEqualShareOfThePcaWeights() {
        // a and b as in coherence(); c only on two units: coherence indicators a, b; weights .5 * 2/3 each, c 1/3
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("a", "b", "c"),
                new double[][] {{1, 1, NaN}, {2, 3, 5}, {3, 2, NaN}, {4, 4, 7}}, Set.of(), Map.of(), Map.of());
        boolean[] used = IndexConstruction.usedIndicators(g);
        assertThat(IndexConstruction.coherenceIndicators(g, used)).containsExactly(true, true, false);
        assertThat(IndexConstruction.cronbachAlpha(g, used)).isCloseTo(0.8 * 2 / 1.8, within(1e-12));
        assertThat(IndexConstruction.pcaWeights(g, used)).containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
                within(1e-12));
    }

    @Test
    void pcaFallsBackToEqualWeightsWithTooFewUnits() {
        IndexConstruction.Group g = new IndexConstruction.Group(List.of("a", "b"), new double[][] {{1, 2}, {2, 1}},
                Set.of(), Map.of(), Map.of());
        IndexConstruction.Result r = IndexConstruction.construct(g,
                new IndexConstruction.Method("min-max", "pca", "arithmetic"));
        assertThat(r.pcaFellBack()).isTrue();
        assertThat(r.weights()).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
    }

    @Test
    void indexStaysInRangeAndIntervalsContainThePublishedRank() {
        java.util.Random random = new java.util.Random(13);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + random.nextInt(12);
            double[][] raw = new double[n][4];
            for (double[] row : raw) {
                for (int i = 0; i < 4; i++) {
                    row[i] = random.nextDouble() < 0.1 ? NaN : random.nextGaussian() * (i + 1);
                }
            }
            IndexConstruction.Group g = new IndexConstruction.Group(List.of("a", "b", "c", "d"), raw, Set.of("d"),
                    Map.of("s", List.of("a", "b")), Map.of());
            List<IndexConstruction.Result> all = new java.util.ArrayList<>();
            for (String norm : IndexConstruction.NORMALISATIONS) {
                for (String w : List.of("equal", "sub-index", "pca")) {
                    for (String agg : IndexConstruction.AGGREGATIONS) {
                        IndexConstruction.Result r = IndexConstruction.construct(g,
                                new IndexConstruction.Method(norm, w, agg));
                        for (double v : r.index()) {
                            assertThat(Double.isNaN(v) || (v >= 0 && v <= 100)).as("index %s", v).isTrue();
                        }
                        all.add(r);
                    }
                }
            }
            IndexConstruction.Result published = all.get(0);
            for (int u = 0; u < n; u++) {
                int[] interval = LearningIndexBuild.interval(all, u);
                if (published.rank()[u] > 0) {
                    assertThat(published.rank()[u]).isBetween(interval[0], interval[1]);
                }
            }
        }
    }
}
