package dev.xueqing.jobs.ml.skills;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** PFA's fit: recovery of known coefficients, the optimum's zero gradient, separable and empty data. */
class PfaTest {

    @Test
    void recoversTheCoefficientsThatMadeTheAnswers() {
        Pfa.Coefficients truth = new Pfa.Coefficients(-0.4, 0.35, -0.15);
        Pfa.Counts counts = new Pfa.Counts();
        // answers in the exact proportions of the true model, 100,000 per (successes, failures)
        for (int s = 0; s <= 6; s++) {
            for (int f = 0; f <= 6; f++) {
                long right = Math.round(100_000 * truth.predict(s, f));
                add(counts, s, f, right, 100_000 - right);
            }
        }
        Pfa.Coefficients fit = Pfa.fit(counts);
        assertThat(fit.beta()).isCloseTo(-0.4, within(2e-3));
        assertThat(fit.gamma()).isCloseTo(0.35, within(2e-3));
        assertThat(fit.rho()).isCloseTo(-0.15, within(2e-3));
    }

    /**
     * At the fit the gradient of the penalised mean log-likelihood is zero: Σ (right − n·p)·x / N = λ·b for each of
     * x = 1, s, f, which pins the optimum without another optimiser.
     */
    @Test
    void theFitIsTheOptimumOfThePenalisedLikelihood() {
        SplittableRandom random = new SplittableRandom(7);
        Pfa.Counts counts = new Pfa.Counts();
        double[][] cells = new double[40][];
        for (int k = 0; k < cells.length; k++) {
            int s = random.nextInt(12);
            int f = random.nextInt(12);
            long right = random.nextInt(30);
            long wrong = random.nextInt(30);
            add(counts, s, f, right, wrong);
            cells[k] = new double[] {s, f, right, wrong};
        }
        Pfa.Coefficients fit = Pfa.fit(counts);
        double n = 0;
        double[] g = new double[3];
        for (double[] c : cells) {
            double p = fit.predict((int) c[0], (int) c[1]);
            double r = c[2] - (c[2] + c[3]) * p;
            g[0] += r;
            g[1] += r * c[0];
            g[2] += r * c[1];
            n += c[2] + c[3];
        }
        assertThat(g[0] / n).isCloseTo(Pfa.RIDGE * fit.beta(), within(1e-9));
        assertThat(g[1] / n).isCloseTo(Pfa.RIDGE * fit.gamma(), within(1e-9));
        assertThat(g[2] / n).isCloseTo(Pfa.RIDGE * fit.rho(), within(1e-9));
    }

    @Test
    void aSkillAnsweredAlwaysRightStaysFiniteAndEmptyDataPredictsOneHalf() {
        Pfa.Counts counts = new Pfa.Counts();
        for (int s = 0; s < 5; s++) {
            add(counts, s, 0, 50, 0);
        }
        Pfa.Coefficients fit = Pfa.fit(counts);
        assertThat(List.of(fit.beta(), fit.gamma(), fit.rho())).allMatch(Double::isFinite);
        assertThat(fit.predict(0, 0)).isGreaterThan(0.99).isLessThan(1.0);
        assertThat(Pfa.fit(new Pfa.Counts()).predict(3, 2)).isEqualTo(0.5);
        // only first answers: γ and ρ have nothing to fit and stay at zero, β gives the correct rate
        Pfa.Counts first = new Pfa.Counts();
        add(first, 0, 0, 30, 10);
        Pfa.Coefficients only = Pfa.fit(first);
        assertThat(only.predict(0, 0)).isCloseTo(0.75, within(1e-3));
        assertThat(only.gamma()).isZero();
        assertThat(only.rho()).isZero();
    }

    private static void add(Pfa.Counts counts, int s, int f, long right, long wrong) {
        for (long i = 0; i < right; i++) {
            counts.add(s, f, 1);
        }
        for (long i = 0; i < wrong; i++) {
            counts.add(s, f, 0);
        }
    }
}
