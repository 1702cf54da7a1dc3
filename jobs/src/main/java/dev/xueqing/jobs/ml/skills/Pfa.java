package dev.xueqing.jobs.ml.skills;

import java.util.Map;
import java.util.TreeMap;

/**
 * Performance Factors Analysis of one skill (Pavlik, Cen and Koedinger 2009): P(correct) = σ(β + γ·s + ρ·f), with s
 * and f the learner's earlier successes and failures on the skill. Plain Java, fitted where the skill's answers
 * already are (inside {@link SkillFitTask}), so a fit costs no Spark job whatever the number of skills.
 *
 * <p>The fit maximises the mean log-likelihood of the training answers minus a light ridge, (λ/2)·(β² + γ² + ρ²)
 * with λ = {@link #RIDGE}, which keeps a skill answered always right (or always wrong) finite. Answers with the same
 * (s, f) have the same prediction, so the fit runs on one weighted row per (s, f) with its right and wrong answers:
 * the same likelihood, and at most a few hundred rows per skill. Newton's method with step halving: the objective
 * is strictly concave, so it converges from zero in a handful of steps.
 */
final class Pfa {
    /** The ridge λ on the mean log-likelihood. */
    static final double RIDGE = 1e-4;
    private static final int MAX_ITERATIONS = 100;
    private static final double TOLERANCE = 1e-10;

    /** β (intercept), γ (per earlier success), ρ (per earlier failure). */
    record Coefficients(double beta, double gamma, double rho) {
        /** P(correct) after {@code successes} right and {@code failures} wrong earlier answers. */
        double predict(int successes, int failures) {
            return sigmoid(beta + gamma * successes + rho * failures);
        }
    }

    /** Training answers counted per (successes, failures): [right, wrong]. */
    static final class Counts {
        private final Map<Long, long[]> cells = new TreeMap<>();

        /** One training answer after {@code successes} right and {@code failures} wrong earlier answers. */
        void add(int successes, int failures, int correct) {
            long[] c = cells.computeIfAbsent(((long) successes << 32) | failures, k -> new long[2]);
            c[correct == 1 ? 0 : 1]++;
        }

        boolean isEmpty() {
            return cells.isEmpty();
        }
    }

    private Pfa() {}

    /** The maximum of the penalised mean log-likelihood; all zero (P = 0.5) when there is nothing to train on. */
    static Coefficients fit(Counts counts) {
        int n = counts.cells.size();
        double[][] x = new double[n][];
        double[] right = new double[n];
        double[] total = new double[n];
        double answers = 0;
        int i = 0;
        for (var e : counts.cells.entrySet()) {
            x[i] = new double[] {1, e.getKey() >>> 32, e.getKey() & 0xffffffffL};
            right[i] = e.getValue()[0];
            total[i] = e.getValue()[0] + e.getValue()[1];
            answers += total[i];
            i++;
        }
        double[] b = new double[3];
        if (answers == 0) {
            return new Coefficients(0, 0, 0);
        }
        double current = objective(b, x, right, total, answers);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            // gradient and Hessian of the negative objective (mean log-loss + ridge)
            double[] g = {RIDGE * b[0], RIDGE * b[1], RIDGE * b[2]};
            double[][] h = {{RIDGE, 0, 0}, {0, RIDGE, 0}, {0, 0, RIDGE}};
            for (int k = 0; k < n; k++) {
                double p = sigmoid(dot(b, x[k]));
                double r = (total[k] * p - right[k]) / answers;
                double w = total[k] * p * (1 - p) / answers;
                for (int a = 0; a < 3; a++) {
                    g[a] += r * x[k][a];
                    for (int c = 0; c < 3; c++) {
                        h[a][c] += w * x[k][a] * x[k][c];
                    }
                }
            }
            double[] step = solve(h, g);
            double scale = 1;
            double[] next = new double[3];
            double value;
            do {
                for (int a = 0; a < 3; a++) {
                    next[a] = b[a] - scale * step[a];
                }
                value = objective(next, x, right, total, answers);
                scale /= 2;
            } while (value > current && scale > 1e-12);
            double change = Math.max(Math.abs(next[0] - b[0]), Math.max(Math.abs(next[1] - b[1]),
                    Math.abs(next[2] - b[2])));
            if (value > current) {
                break;
            }
            b = next.clone();
            current = value;
            if (change < TOLERANCE) {
                break;
            }
        }
        return new Coefficients(b[0], b[1], b[2]);
    }

    /** Mean log-loss plus the ridge: what the fit minimises. */
    private static double objective(double[] b, double[][] x, double[] right, double[] total, double answers) {
        double loss = 0;
        for (int k = 0; k < x.length; k++) {
            double z = dot(b, x[k]);
            loss += right[k] * softplus(-z) + (total[k] - right[k]) * softplus(z);
        }
        return loss / answers + RIDGE / 2 * (b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    }

    /** Solves the 3 × 3 symmetric positive definite system h·s = g (Gaussian elimination with pivoting). */
    private static double[] solve(double[][] h, double[] g) {
        double[][] m = new double[3][4];
        for (int a = 0; a < 3; a++) {
            System.arraycopy(h[a], 0, m[a], 0, 3);
            m[a][3] = g[a];
        }
        for (int col = 0; col < 3; col++) {
            int pivot = col;
            for (int r = col + 1; r < 3; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            for (int r = col + 1; r < 3; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c < 4; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] s = new double[3];
        for (int r = 2; r >= 0; r--) {
            double v = m[r][3];
            for (int c = r + 1; c < 3; c++) {
                v -= m[r][c] * s[c];
            }
            s[r] = v / m[r][r];
        }
        return s;
    }

    private static double dot(double[] b, double[] x) {
        return b[0] * x[0] + b[1] * x[1] + b[2] * x[2];
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** log(1 + e^z), without overflow. */
    private static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
