package dev.xueqing.jobs.ml.skills;

import java.util.SplittableRandom;

/** Placeholder BKT (replaced by the bkt branch): same API, plain EM. */
public final class Bkt {
    private Bkt() {}

    public record Params(double prior, double learn, double guess, double slip, double forget)
            implements java.io.Serializable {}

    public record Options(double tolerance, int maxIterations, int restarts, double maxGuess, double maxSlip,
                          boolean fitForgets, long seed) implements java.io.Serializable {
        public static Options defaults(long seed) {
            return new Options(0.005, 100, 5, 0.3, 0.3, false, seed);
        }
    }

    public record Fit(Params params, double logLikelihood, int iterations, boolean converged)
            implements java.io.Serializable {}

    private static final double EPS = 1e-6;

    public static Fit fit(int[][] sequences, Options o) {
        if (sequences.length == 0) {
            throw new IllegalArgumentException("BKT needs at least one answer sequence to fit");
        }
        SplittableRandom r = new SplittableRandom(o.seed());
        Fit best = null;
        for (int k = 0; k < o.restarts(); k++) {
            Params p = new Params(r.nextDouble(), r.nextDouble(), r.nextDouble() * o.maxGuess(),
                    r.nextDouble() * o.maxSlip(), 0);
            Fit f = em(sequences, p, o);
            if (best == null || f.logLikelihood() > best.logLikelihood()) {
                best = f;
            }
        }
        return best;
    }

    private static Fit em(int[][] seqs, Params p, Options o) {
        double prev = Double.NEGATIVE_INFINITY;
        int it = 0;
        boolean converged = false;
        for (; it < o.maxIterations(); it++) {
            double sPrior = 0, n = 0, learnNum = 0, learnDen = 0, gNum = 0, gDen = 0, sNum = 0, sDen = 0, ll = 0;
            for (int[] s : seqs) {
                int len = s.length;
                double[] a = new double[len];
                double[] c = new double[len];
                double pk = p.prior();
                for (int t = 0; t < len; t++) {
                    double ek = s[t] == 1 ? 1 - p.slip() : p.slip();
                    double eu = s[t] == 1 ? p.guess() : 1 - p.guess();
                    double num = pk * ek;
                    c[t] = num + (1 - pk) * eu;
                    a[t] = num / c[t];
                    ll += Math.log(c[t]);
                    pk = a[t] + (1 - a[t]) * p.learn();
                }
                double[] g = new double[len];
                g[len - 1] = a[len - 1];
                for (int t = len - 2; t >= 0; t--) {
                    double predK = a[t] + (1 - a[t]) * p.learn();
                    double ratioK = predK > 0 ? g[t + 1] / predK : 0;
                    double ratioU = predK < 1 ? (1 - g[t + 1]) / (1 - predK) : 0;
                    double xiUK = (1 - a[t]) * p.learn() * ratioK;
                    g[t] = 1 - ((1 - a[t]) * (1 - p.learn()) * ratioU + xiUK);
                    learnNum += xiUK;
                    learnDen += 1 - g[t];
                }
                sPrior += g[0];
                n++;
                for (int t = 0; t < len; t++) {
                    if (s[t] == 1) {
                        gNum += 1 - g[t];
                    } else {
                        sNum += g[t];
                    }
                    gDen += 1 - g[t];
                    sDen += g[t];
                }
            }
            p = new Params(clamp(sPrior / n, 1), clamp(learnDen > 0 ? learnNum / learnDen : p.learn(), 1),
                    clamp(gDen > 0 ? gNum / gDen : p.guess(), o.maxGuess()),
                    clamp(sDen > 0 ? sNum / sDen : p.slip(), o.maxSlip()), 0);
            if (ll - prev < o.tolerance()) {
                converged = true;
                break;
            }
            prev = ll;
        }
        return new Fit(p, logLikelihood(p, seqs), it + 1, converged);
    }

    private static double clamp(double v, double max) {
        return Math.max(EPS, Math.min(Math.min(max, 1 - EPS), v));
    }

    public static double[] predictCorrect(Params p, int[] seq) {
        double[] out = new double[seq.length];
        double pk = p.prior();
        for (int t = 0; t < seq.length; t++) {
            out[t] = pk * (1 - p.slip()) + (1 - pk) * p.guess();
            double post = seq[t] == 1 ? pk * (1 - p.slip()) / out[t] : pk * p.slip() / (1 - out[t]);
            pk = post * (1 - p.forget()) + (1 - post) * p.learn();
        }
        return out;
    }

    public static double mastery(Params p, int[] seq) {
        double pk = p.prior();
        for (int x : seq) {
            double c = pk * (1 - p.slip()) + (1 - pk) * p.guess();
            double post = x == 1 ? pk * (1 - p.slip()) / c : pk * p.slip() / (1 - c);
            pk = post * (1 - p.forget()) + (1 - post) * p.learn();
        }
        return pk;
    }

    public static double logLikelihood(Params p, int[][] sequences) {
        double ll = 0;
        for (int[] s : sequences) {
            double[] pc = predictCorrect(p, s);
            for (int t = 0; t < s.length; t++) {
                ll += Math.log(s[t] == 1 ? pc[t] : 1 - pc[t]);
            }
        }
        return ll;
    }

    public static int[][] simulate(Params p, int learners, int opportunities, java.util.random.RandomGenerator r) {
        int[][] out = new int[learners][opportunities];
        for (int i = 0; i < learners; i++) {
            boolean known = r.nextDouble() < p.prior();
            for (int t = 0; t < opportunities; t++) {
                double pc = known ? 1 - p.slip() : p.guess();
                out[i][t] = r.nextDouble() < pc ? 1 : 0;
                known = known ? r.nextDouble() >= p.forget() : r.nextDouble() < p.learn();
            }
        }
        return out;
    }
}
