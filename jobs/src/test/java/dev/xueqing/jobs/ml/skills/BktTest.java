package dev.xueqing.jobs.ml.skills;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The BKT core: the filter pinned by hand, the log-likelihood, EM's guarantees, parameter recovery, edge cases. */
class BktTest {
    static final Bkt.Params HAND = new Bkt.Params(0.3, 0.2, 0.2, 0.1, 0);

    /**
     * prior 0.3, learn 0.2, guess 0.2, slip 0.1, forget 0; answers 1, 0, 1. With p = P(known) before an answer,
     * P(right) = 0.9p + 0.2(1 − p) = 0.2 + 0.7p, and the transition is next = 0.8·post + 0.2.
     * <pre>
     * t=0  p = 0.3            P(right) = 0.2 + 0.21 = 0.41
     *      x=1: post = 0.27 / 0.41 = 27/41                     next = 0.8·27/41 + 0.2 = 29.8/41 = 149/205
     * t=1  p = 149/205        P(right) = 0.2 + 0.7·149/205 = 145.3/205      (P(wrong) = 59.7/205)
     *      x=0: post = 0.1p / (0.1p + 0.8(1 − p)) = (14.9/205) / (14.9/205 + 44.8/205) = 14.9/59.7 = 149/597
     *                                                          next = 0.8·149/597 + 0.2 = 238.6/597 = 1193/2985
     * t=2  p = 1193/2985      P(right) = 0.2 + 0.7·1193/2985 = (597 + 835.1)/2985 = 1432.1/2985
     *      x=1: post = 0.9p / P(right) = 1073.7/1432.1          next = 0.8·1073.7/1432.1 + 0.2 = 1145.38/1432.1
     * mastery = 1145.38/1432.1 = 57269/71605 ≈ 0.79980
     * </pre>
     */
    @Test
    void forwardStepMatchesTheHandComputation() {
        int[] seq = {1, 0, 1};
        assertThat(Bkt.predictCorrect(HAND, seq)).containsExactly(new double[] {0.41, 145.3 / 205, 1432.1 / 2985},
                within(1e-9));
        assertThat(Bkt.mastery(HAND, seq)).isCloseTo(57269.0 / 71605, within(1e-9));
        // the prefixes: mastery after the first t answers is P(known) behind predictCorrect at t
        assertThat(Bkt.mastery(HAND, new int[] {1})).isCloseTo(149.0 / 205, within(1e-9));
        assertThat(Bkt.mastery(HAND, new int[] {1, 0})).isCloseTo(1193.0 / 2985, within(1e-9));
        assertThat(Bkt.mastery(HAND, new int[0])).isEqualTo(0.3);
        assertThat(Bkt.predictCorrect(HAND, new int[0])).isEmpty();
    }

    @Test
    void masteryIsTheJobsSqlFormulaIncludingForgetting() {
        Bkt.Params p = new Bkt.Params(0.25, 0.15, 0.2, 0.12, 0.05);
        int[] seq = {0, 1, 1, 0, 1};
        double k = p.prior();
        for (int x : seq) {
            double post = x == 1 ? k * (1 - p.slip()) / (k * (1 - p.slip()) + (1 - k) * p.guess())
                    : k * p.slip() / (k * p.slip() + (1 - k) * (1 - p.guess()));
            k = post * (1 - p.forget() - p.learn()) + p.learn();
        }
        assertThat(Bkt.mastery(p, seq)).isEqualTo(k);
    }

    @Test
    void logLikelihoodIsTheSumOfTheLogsOfThePredictedProbabilitiesOfTheAnswers() {
        assertThat(Bkt.logLikelihood(HAND, new int[][] {{1, 0, 1}}))
                .isCloseTo(Math.log(0.41) + Math.log(59.7 / 205) + Math.log(1432.1 / 2985), within(1e-9));
        int[][] seqs = Bkt.simulate(new Bkt.Params(0.4, 0.1, 0.25, 0.15, 0.02), 30, 12, new SplittableRandom(7));
        double expected = 0;
        for (int[] s : seqs) {
            double[] pc = Bkt.predictCorrect(new Bkt.Params(0.4, 0.1, 0.25, 0.15, 0.02), s);
            for (int t = 0; t < s.length; t++) {
                expected += Math.log(s[t] == 1 ? pc[t] : 1 - pc[t]);
            }
        }
        assertThat(Bkt.logLikelihood(new Bkt.Params(0.4, 0.1, 0.25, 0.15, 0.02), seqs))
                .isCloseTo(expected, within(1e-9));
        assertThat(Bkt.logLikelihood(HAND, new int[][] {{}, {}})).isZero();
    }

    @Test
    void emNeverDecreasesTheLogLikelihoodAndStaysInBounds() {
        int[][] seqs = Bkt.simulate(new Bkt.Params(0.3, 0.15, 0.25, 0.1, 0), 200, 10, new SplittableRandom(3));
        // tolerance 0 so that the runs go on; tight bounds (truth guess 0.25 > 0.1) and forgetting exercise the clamp
        List<Bkt.Options> options = List.of(new Bkt.Options(0, 60, 1, 0.3, 0.3, false, 1),
                new Bkt.Options(0, 60, 1, 0.1, 0.05, false, 2), new Bkt.Options(0, 60, 1, 0.3, 0.3, true, 3));
        for (Bkt.Options o : options) {
            SplittableRandom r = new SplittableRandom(o.seed());
            for (int k = 0; k < 5; k++) {
                double[] trace = new double[o.maxIterations()];
                Bkt.Fit f = Bkt.em(seqs, Bkt.start(r, o), o, trace);
                assertThat(f.iterations()).isBetween(1, o.maxIterations());
                for (int i = 1; i < f.iterations(); i++) {
                    assertThat(trace[i]).as("iteration %d of %s", i, o).isGreaterThanOrEqualTo(trace[i - 1] - 1e-9);
                }
                assertThat(f.logLikelihood()).isEqualTo(trace[f.iterations() - 1]);
                assertThat(f.logLikelihood()).isCloseTo(Bkt.logLikelihood(f.params(), seqs), within(1e-9));
                assertInBounds(f.params(), o);
            }
        }
        // the tight bounds bind: the unconstrained guess would be near 0.25
        Bkt.Fit tight = Bkt.fit(seqs, new Bkt.Options(0.005, 100, 5, 0.1, 0.05, false, 9));
        assertThat(tight.params().guess()).isEqualTo(0.1);
    }

    @Test
    void emStopsByTheToleranceOrTheIterationCap() {
        int[][] seqs = Bkt.simulate(new Bkt.Params(0.3, 0.15, 0.25, 0.1, 0), 200, 10, new SplittableRandom(4));
        Bkt.Fit capped = Bkt.fit(seqs, new Bkt.Options(0, 7, 3, 0.3, 0.3, false, 5));
        assertThat(capped.iterations()).isEqualTo(7);
        assertThat(capped.converged()).isFalse();

        Bkt.Options o = Bkt.Options.defaults(5);
        double[] trace = new double[o.maxIterations()];
        Bkt.Fit f = Bkt.em(seqs, new Bkt.Params(0.5, 0.3, 0.1, 0.1, 0), o, trace);
        assertThat(f.converged()).isTrue();
        int n = f.iterations();
        assertThat(n).isBetween(2, o.maxIterations());
        assertThat(trace[n - 1] - trace[n - 2]).isLessThan(0.005);
        for (int i = 1; i < n - 1; i++) {
            assertThat(trace[i] - trace[i - 1]).isGreaterThanOrEqualTo(0.005);
        }
    }

    @Test
    void aFitIsDeterministicForItsSeed() {
        int[][] seqs = Bkt.simulate(new Bkt.Params(0.2, 0.2, 0.2, 0.1, 0), 100, 8, new SplittableRandom(11));
        Bkt.Fit a = Bkt.fit(seqs, Bkt.Options.defaults(42));
        Bkt.Fit b = Bkt.fit(seqs, Bkt.Options.defaults(42));
        assertThat(a).isEqualTo(b);
        assertInBounds(a.params(), Bkt.Options.defaults(42));
        assertThat(a.params().forget()).isZero();
        // the best of the restarts: no single restart from the same draws does better
        SplittableRandom r = new SplittableRandom(42);
        for (int k = 0; k < 5; k++) {
            assertThat(Bkt.em(seqs, Bkt.start(r, Bkt.Options.defaults(42)), Bkt.Options.defaults(42), null)
                    .logLikelihood()).isLessThanOrEqualTo(a.logLikelihood());
        }
    }

    /**
     * 500 learners × 20 opportunities from each of the 10 truth sets of {@link BktRecovery#truths} with seed
     * {@link BktRecovery#SEED} (prior in [0.1, 0.5], learn in [0.05, 0.3], guess in [0.05, 0.3], slip in [0.05, 0.2]):
     * <pre>
     * set  prior  learn  guess  slip
     *  0   0.114  0.233  0.187  0.127
     *  1   0.454  0.223  0.127  0.060
     *  2   0.119  0.096  0.294  0.091
     *  3   0.207  0.227  0.109  0.170
     *  4   0.141  0.091  0.073  0.200
     *  5   0.191  0.234  0.245  0.163
     *  6   0.293  0.108  0.195  0.195
     *  7   0.108  0.242  0.194  0.175
     *  8   0.151  0.236  0.061  0.132
     *  9   0.131  0.228  0.257  0.148
     * </pre>
     * Observed when written (mean / max absolute error): learn 0.006 / 0.011, guess 0.008 / 0.015, slip 0.004 /
     * 0.008, prior 0.017 / 0.051.
     */
    @Test
    void recoversTheParametersOf500LearnersWith20Opportunities() {
        List<Bkt.Params> truths = BktRecovery.truths(BktRecovery.SEED, BktRecovery.SETS);
        assertThat(truths.get(0).prior()).isCloseTo(0.114, within(5e-4));
        assertThat(truths.get(9).slip()).isCloseTo(0.148, within(5e-4));
        BktRecovery.Row row = BktRecovery.cell(truths, 500, 20, BktRecovery.SEED);
        assertThat(row.learn().mean()).isLessThanOrEqualTo(0.05);
        assertThat(row.guess().mean()).isLessThanOrEqualTo(0.05);
        assertThat(row.slip().mean()).isLessThanOrEqualTo(0.05);
    }

    @Test
    void allCorrectAnswersFitAKnownSkill() {
        int[][] seqs = new int[50][];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = new int[] {1, 1, 1, 1, 1, 1};
        }
        Bkt.Fit f = Bkt.fit(seqs, Bkt.Options.defaults(1));
        assertFinite(f);
        assertThat(f.logLikelihood()).isGreaterThan(-0.5).isLessThanOrEqualTo(0);
        assertThat(Arrays.stream(Bkt.predictCorrect(f.params(), seqs[0])).min().orElseThrow()).isGreaterThan(0.99);
        assertThat(Bkt.mastery(f.params(), seqs[0])).isGreaterThan(0.99);
    }

    @Test
    void allWrongAnswersFitAnUnknownSkill() {
        int[][] seqs = new int[50][];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = new int[] {0, 0, 0, 0, 0, 0};
        }
        Bkt.Fit f = Bkt.fit(seqs, Bkt.Options.defaults(1));
        assertFinite(f);
        assertThat(f.logLikelihood()).isGreaterThan(-0.5).isLessThanOrEqualTo(0);
        assertThat(Arrays.stream(Bkt.predictCorrect(f.params(), seqs[0])).max().orElseThrow()).isLessThan(0.01);
        assertThat(Bkt.mastery(f.params(), seqs[0])).isLessThan(0.01);
    }

    @Test
    void singleAnswersFitTheirRate() {
        // 30 of 100 learners answer their one question right: the first prediction is 0.3
        int[][] seqs = new int[100][];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = new int[] {i < 30 ? 1 : 0};
        }
        Bkt.Fit f = Bkt.fit(seqs, Bkt.Options.defaults(1));
        assertFinite(f);
        assertThat(Bkt.predictCorrect(f.params(), seqs[0])[0]).isCloseTo(0.3, within(1e-3));
        assertThat(f.logLikelihood()).isCloseTo(30 * Math.log(0.3) + 70 * Math.log(0.7), within(0.01));
        // mixed with empty sequences, which count for nothing
        int[][] withEmpty = new int[][] {{1}, {}, {0}, {1}, {}};
        assertFinite(Bkt.fit(withEmpty, Bkt.Options.defaults(1)));
    }

    @Test
    void longRunsOfOneAnswerStayFinite() {
        // filtered P(unknown) underflows after hundreds of right answers; the smoother must not produce NaN
        int[] rightThenWrong = new int[1200];
        Arrays.fill(rightThenWrong, 0, 600, 1);
        int[] right = new int[800];
        Arrays.fill(right, 1);
        int[][] seqs = {rightThenWrong, right, Arrays.copyOf(rightThenWrong, 600)};
        Bkt.Fit f = Bkt.fit(seqs, Bkt.Options.defaults(3));
        assertFinite(f);
        assertThat(f.logLikelihood()).isCloseTo(Bkt.logLikelihood(f.params(), seqs), within(1e-6));
    }

    @Test
    void rejectsInputItCannotFit() {
        assertThatThrownBy(() -> Bkt.fit(new int[0][], Bkt.Options.defaults(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BKT needs at least one answer sequence to fit, got none");
        assertThatThrownBy(() -> Bkt.fit(new int[][] {{}, {}}, Bkt.Options.defaults(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BKT needs at least one answer to fit, but all 2 sequences are empty");
        assertThatThrownBy(() -> Bkt.fit(new int[][] {{1, 0}, {1, 2}}, Bkt.Options.defaults(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BKT answers must be 0 or 1: sequence 1 has 2 at position 1");
        assertThatThrownBy(() -> Bkt.fit(new int[][] {{1}}, new Bkt.Options(0.005, 0, 5, 0.3, 0.3, false, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIterations");
    }

    private static void assertFinite(Bkt.Fit f) {
        Bkt.Params p = f.params();
        assertThat(f.logLikelihood()).isFinite();
        assertInBounds(p, Bkt.Options.defaults(0));
    }

    private static void assertInBounds(Bkt.Params p, Bkt.Options o) {
        assertThat(p.prior()).isBetween(Bkt.EPS, 1 - Bkt.EPS);
        assertThat(p.learn()).isBetween(Bkt.EPS, 1 - Bkt.EPS);
        assertThat(p.guess()).isBetween(Bkt.EPS, o.maxGuess());
        assertThat(p.slip()).isBetween(Bkt.EPS, o.maxSlip());
        if (o.fitForgets()) {
            assertThat(p.forget()).isBetween(Bkt.EPS, 1 - Bkt.EPS);
        } else {
            assertThat(p.forget()).isZero();
        }
    }
}
