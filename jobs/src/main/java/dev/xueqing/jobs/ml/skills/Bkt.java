package dev.xueqing.jobs.ml.skills;

import java.io.Serializable;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Bayesian Knowledge Tracing of one skill: the model, its fit by EM, its predictions and its mastery estimate, in
 * plain Java (no Spark; {@link SkillFitTask} calls it inside one Spark task per skill).
 *
 * <p><b>The model.</b> A learner's knowledge of the skill is a hidden two-state Markov chain, unknown (U) or known
 * (K), observed through the learner's answers at successive opportunities, 1 right and 0 wrong. P(K) at the first
 * opportunity is {@code prior}; between opportunities U → K with probability {@code learn} and K → U with
 * probability {@code forget} (0, and not fitted, unless {@link Options#fitForgets}); an answer is right with
 * probability 1 − {@code slip} when known and {@code guess} when unknown.
 *
 * <p><b>The fit.</b> Baum–Welch EM over all the skill's sequences at once. The E step runs a scaled forward filter
 * (P(state | answers so far), whose normalisers are the per-step predictive probabilities, so the log-likelihood is
 * their log-sum) and a backward smoother that carries P(state | all answers) through the backward kernel
 * P(state at t | state at t+1, answers up to t), a number in [0, 1]: no intermediate quantity can overflow and no
 * division can produce NaN, even when a filtered probability rounds to 0 or 1. The M step sets each parameter to
 * its expected count ratio: prior = E[K at the first answer], learn = E[U→K] / E[U before a transition], forget =
 * E[K→U] / E[K before a transition], guess = E[right while U] / E[U], slip = E[wrong while K] / E[K]. The run stops
 * when an iteration improves the total log-likelihood by less than {@link Options#tolerance}, or after
 * {@link Options#maxIterations} iterations; {@link Fit#converged} tells which. Each of {@link Options#restarts} runs
 * starts from random parameters and the highest log-likelihood wins; everything is drawn from one
 * {@link SplittableRandom} seeded with {@link Options#seed}, so a fit is a pure function of its input and options.
 *
 * <p><b>Conventions.</b> Those of pyBKT (CAHLR), so that figures compare with the literature: its state and
 * parameter definitions, its EM with tolerance 0.005 on the total log-likelihood and at most 100 iterations, its
 * best-of-restarts with starting points drawn as its {@code random_model_uni} draws them (prior uniform in (0, 1),
 * learn in (0, 0.4), guess in (0, 0.4), slip in (0, 0.3), no forgetting; forget uniform in (0, 1) when fitted), and
 * its predictions (P(right) at each answer from the answers before it). Differences: the stop rule is checked from
 * the second iteration on, and the returned parameters are always those whose log-likelihood is reported (the last
 * ones evaluated); the small ones below.
 *
 * <p><b>Bounds (our deviation from pyBKT).</b> guess ≤ {@link Options#maxGuess} and slip ≤ {@link Options#maxSlip}
 * (0.3 by default), which rule out the degenerate fits where "known" answers worse than "unknown"; starting guesses
 * and slips are drawn uniformly below min(pyBKT's range, the bound). The M step clamps the count ratio into the
 * bounds. That is exact, not a heuristic: the expected complete-data log-likelihood separates by parameter, and each
 * parameter θ enters it as a·log θ + b·log(1 − θ), concave with its maximum at a / (a + b); on an interval the
 * maximiser is that ratio clamped into it. So the bounded M step is the constrained maximiser, EM stays monotone,
 * and the fit converges to a constrained maximum of the likelihood. Every fitted parameter is also kept at least
 * {@link #EPS} from 0 and 1 (the same argument), so every emission probability, and learn, is positive: the filter
 * never divides by 0.
 *
 * <p><b>Mastery.</b> {@link #mastery} is P(known) at the learner's next opportunity: start at prior; after each
 * answer x take the posterior post = P(K | x) (x = 1: p(1 − slip) / (p(1 − slip) + (1 − p)guess); x = 0:
 * p·slip / (p·slip + (1 − p)(1 − guess))), then the transition post·(1 − forget − learn) + learn. This is exactly
 * the expression the job evaluates in SQL ({@link SkillScoring}); {@link #predictCorrect} runs the same filter.
 */
public final class Bkt {
    private Bkt() {}

    /** The distance every fitted parameter keeps from 0 and 1. */
    static final double EPS = 1e-6;

    /** pyBKT's {@code random_model_uni} ranges for the starting points: learn, guess, slip. */
    private static final double START_LEARN = 0.4;
    private static final double START_GUESS = 0.4;
    private static final double START_SLIP = 0.3;

    /** A partial product of predictive probabilities below this is folded into the log-likelihood sum. */
    private static final double FOLD_BELOW = 1e-200;

    /** BKT parameters of one skill; all probabilities. */
    public record Params(double prior, double learn, double guess, double slip, double forget)
            implements Serializable {}

    /**
     * How to fit: the stop rule (tolerance on the total log-likelihood, iteration cap), random restarts, the upper
     * bounds of guess and slip, whether forget is fitted (else fixed at 0), and the seed.
     */
    public record Options(double tolerance, int maxIterations, int restarts, double maxGuess, double maxSlip,
                          boolean fitForgets, long seed) implements Serializable {
        /** pyBKT's defaults with our bounds: tolerance 0.005, 100 iterations, 5 restarts, guess and slip ≤ 0.3. */
        public static Options defaults(long seed) {
            return new Options(0.005, 100, 5, 0.3, 0.3, false, seed);
        }
    }

    /**
     * The best restart: its parameters, their total log-likelihood (natural log), the EM iterations it ran (each an
     * evaluation of the log-likelihood) and whether it stopped by the tolerance rule rather than the iteration cap.
     */
    public record Fit(Params params, double logLikelihood, int iterations, boolean converged)
            implements Serializable {}

    /**
     * Fits BKT to one skill's answers by EM from {@link Options#restarts} random starting points and returns the
     * one with the highest log-likelihood (the first of equals). Deterministic for {@link Options#seed}.
     *
     * @param sequences one learner's answers per row, in time order, each 1 (right) or 0 (wrong); empty rows are
     *                  allowed, but there must be at least one answer
     * @throws IllegalArgumentException on no answers, an answer other than 0 or 1, or options out of range
     */
    public static Fit fit(int[][] sequences, Options options) {
        Work work = new Work(checkSequences(sequences), options);
        SplittableRandom random = new SplittableRandom(options.seed());
        Fit best = null;
        for (int k = 0; k < options.restarts(); k++) {
            Fit f = work.run(sequences, start(random, options), null);
            if (best == null || f.logLikelihood() > best.logLikelihood()) {
                best = f;
            }
        }
        return best;
    }

    /**
     * One EM run from {@code start} (one restart of {@link #fit}). If {@code trace} is not null, trace[i] receives
     * the log-likelihood of the parameters evaluated at iteration i (it needs {@code maxIterations} slots).
     */
    static Fit em(int[][] sequences, Params start, Options options, double[] trace) {
        return new Work(checkSequences(sequences), options).run(sequences, start, trace);
    }

    /** A random starting point as pyBKT's {@code random_model_uni} draws it, within the bounds. */
    static Params start(SplittableRandom r, Options o) {
        double prior = r.nextDouble();
        double learn = START_LEARN * r.nextDouble();
        double guess = Math.min(START_GUESS, o.maxGuess()) * r.nextDouble();
        double slip = Math.min(START_SLIP, o.maxSlip()) * r.nextDouble();
        double forget = o.fitForgets() ? clamp(r.nextDouble(), 1) : 0;
        return new Params(clamp(prior, 1), clamp(learn, 1), clamp(guess, o.maxGuess()), clamp(slip, o.maxSlip()),
                forget);
    }

    /**
     * P(right) at each answer of {@code seq} given the answers before it: p(1 − slip) + (1 − p)guess, with p =
     * P(known) from the filter of {@link #mastery} run over the earlier answers.
     */
    public static double[] predictCorrect(Params p, int[] seq) {
        double[] out = new double[seq.length];
        double known = p.prior();
        for (int t = 0; t < seq.length; t++) {
            out[t] = known * (1 - p.slip()) + (1 - known) * p.guess();
            known = next(p, known, seq[t]);
        }
        return out;
    }

    /**
     * P(known) at the next opportunity after {@code seq}: the posterior after the last answer, then the learn /
     * forget transition (see the class comment; the job's SQL computes the same); the prior if {@code seq} is
     * empty.
     */
    public static double mastery(Params p, int[] seq) {
        double known = p.prior();
        for (int x : seq) {
            known = next(p, known, x);
        }
        return known;
    }

    /** One step of the filter: P(known) before an answer x → P(known) at the next opportunity. */
    private static double next(Params p, double known, int x) {
        double num;
        double den;
        if (x == 1) {
            num = known * (1 - p.slip());
            den = num + (1 - known) * p.guess();
        } else {
            num = known * p.slip();
            den = num + (1 - known) * (1 - p.guess());
        }
        // den is 0 only for an answer impossible under p (e.g. guess 0 and known 0): it then tells nothing
        double post = den > 0 ? num / den : known;
        return post * (1 - p.forget() - p.learn()) + p.learn();
    }

    /**
     * The total log-likelihood (natural log) of the sequences under p: the sum over every answer of the log of
     * its predicted probability, {@link #predictCorrect} for a right answer and 1 minus it for a wrong one (here
     * computed directly, as p·slip + (1 − p)(1 − guess), so that it keeps its precision near 0).
     */
    public static double logLikelihood(Params p, int[][] sequences) {
        double ll = 0;
        for (int[] s : sequences) {
            double known = p.prior();
            for (int x : s) {
                ll += Math.log(x == 1 ? known * (1 - p.slip()) + (1 - known) * p.guess()
                        : known * p.slip() + (1 - known) * (1 - p.guess()));
                known = next(p, known, x);
            }
        }
        return ll;
    }

    /**
     * Answers drawn from the model: per learner, known at the start with probability prior; at each opportunity
     * an answer (right with 1 − slip if known, guess if not), then the transition.
     */
    public static int[][] simulate(Params p, int learners, int opportunities, RandomGenerator r) {
        if (learners < 0 || opportunities < 0) {
            throw new IllegalArgumentException("BKT simulation needs learners >= 0 and opportunities >= 0, got "
                    + learners + " and " + opportunities);
        }
        int[][] out = new int[learners][opportunities];
        for (int i = 0; i < learners; i++) {
            boolean known = r.nextDouble() < p.prior();
            for (int t = 0; t < opportunities; t++) {
                double right = known ? 1 - p.slip() : p.guess();
                out[i][t] = r.nextDouble() < right ? 1 : 0;
                known = known ? r.nextDouble() >= p.forget() : r.nextDouble() < p.learn();
            }
        }
        return out;
    }

    /** Checks the input of a fit; returns the length of the longest sequence. */
    private static int checkSequences(int[][] sequences) {
        if (sequences == null || sequences.length == 0) {
            throw new IllegalArgumentException("BKT needs at least one answer sequence to fit, got none");
        }
        int longest = 0;
        long answers = 0;
        for (int i = 0; i < sequences.length; i++) {
            int[] s = sequences[i];
            if (s == null) {
                throw new IllegalArgumentException("BKT answer sequence " + i + " is null");
            }
            for (int t = 0; t < s.length; t++) {
                if (s[t] != 0 && s[t] != 1) {
                    throw new IllegalArgumentException("BKT answers must be 0 or 1: sequence " + i + " has " + s[t]
                            + " at position " + t);
                }
            }
            longest = Math.max(longest, s.length);
            answers += s.length;
        }
        if (answers == 0) {
            throw new IllegalArgumentException("BKT needs at least one answer to fit, but all " + sequences.length
                    + " sequences are empty");
        }
        return longest;
    }

    private static void checkOptions(Options o) {
        if (!(o.tolerance() >= 0) || Double.isInfinite(o.tolerance())) {
            throw new IllegalArgumentException("BKT tolerance must be a number >= 0, got " + o.tolerance());
        }
        if (o.maxIterations() < 1 || o.restarts() < 1) {
            throw new IllegalArgumentException("BKT maxIterations and restarts must be >= 1, got "
                    + o.maxIterations() + " and " + o.restarts());
        }
        if (!(o.maxGuess() >= EPS && o.maxGuess() <= 1) || !(o.maxSlip() >= EPS && o.maxSlip() <= 1)) {
            throw new IllegalArgumentException("BKT maxGuess and maxSlip must be in [" + EPS + ", 1], got "
                    + o.maxGuess() + " and " + o.maxSlip());
        }
    }

    /** v kept within [EPS, min(max, 1 − EPS)]. */
    private static double clamp(double v, double max) {
        return Math.max(EPS, Math.min(Math.min(max, 1 - EPS), v));
    }

    /**
     * The working memory of one fit, allocated once and reused by every iteration of every restart: the filtered
     * state probabilities of the sequence in hand (as long as the longest sequence) and the expected counts.
     */
    private static final class Work {
        private final Options o;
        private final double[] fk; // P(K | answers up to t)
        private final double[] fu; // P(U | answers up to t), kept apart so that a tiny value keeps its precision

        // expected counts of one E step
        private double firstK;
        private double firstAll;
        private double fromU;
        private double uToK;
        private double fromK;
        private double kToU;
        private double inU;
        private double rightInU;
        private double inK;
        private double wrongInK;

        Work(int longest, Options o) {
            checkOptions(o);
            this.o = o;
            this.fk = new double[longest];
            this.fu = new double[longest];
        }

        /** EM from start: E step, stop rule, M step, until the rule or the cap stops it. */
        Fit run(int[][] sequences, Params start, double[] trace) {
            Params p = start;
            double previous = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < o.maxIterations(); i++) {
                double ll = expect(sequences, p);
                if (trace != null) {
                    trace[i] = ll;
                }
                if (i > 0 && ll - previous < o.tolerance()) {
                    return new Fit(p, ll, i + 1, true);
                }
                if (i == o.maxIterations() - 1) {
                    return new Fit(p, ll, i + 1, false);
                }
                previous = ll;
                p = maximise(p);
            }
            throw new AssertionError("unreachable");
        }

        /** The E step: expected counts under p into the fields; returns the total log-likelihood under p. */
        private double expect(int[][] sequences, Params p) {
            firstK = firstAll = fromU = uToK = fromK = kToU = inU = rightInU = inK = wrongInK = 0;
            double learn = p.learn();
            double stay = 1 - learn;
            double forget = p.forget();
            double keep = 1 - forget;
            double rightK = 1 - p.slip();
            double rightU = p.guess();
            double wrongK = p.slip();
            double wrongU = 1 - p.guess();
            double ll = 0;
            double product = 1; // predictive probabilities multiplied up, folded into ll before they underflow
            for (int[] s : sequences) {
                int n = s.length;
                if (n == 0) {
                    continue;
                }
                // forward: filtered P(K), P(U) after each answer; the normaliser is P(answer | earlier answers)
                double k = p.prior();
                double u = 1 - p.prior();
                for (int t = 0; t < n; t++) {
                    double jk;
                    double ju;
                    if (s[t] == 1) {
                        jk = k * rightK;
                        ju = u * rightU;
                    } else {
                        jk = k * wrongK;
                        ju = u * wrongU;
                    }
                    double c = jk + ju; // >= EPS: every emission probability is, and k + u = 1
                    product *= c;
                    if (product < FOLD_BELOW) {
                        ll += Math.log(product);
                        product = 1;
                    }
                    double fK = jk / c;
                    double fU = ju / c;
                    fk[t] = fK;
                    fu[t] = fU;
                    k = fK * keep + fU * learn;
                    u = fK * forget + fU * stay;
                }
                // backward: smoothed P(K), P(U) at t from those at t + 1 through the backward kernel
                double gk = fk[n - 1];
                double gu = fu[n - 1];
                emitted(s[n - 1], gk, gu);
                for (int t = n - 2; t >= 0; t--) {
                    double kk = fk[t] * keep;
                    double uk = fu[t] * learn;
                    double ku = fk[t] * forget;
                    double uu = fu[t] * stay;
                    double toK = kk + uk; // one-step predicted P(K at t + 1), > 0 as learn >= EPS
                    double toU = ku + uu; // may be 0: then nothing reaches U at t + 1 and gu is 0 too
                    double xkk = 0;
                    double xuk = 0;
                    if (toK > 0) {
                        xkk = Math.min(1, kk / toK) * gk;
                        xuk = Math.min(1, uk / toK) * gk;
                    }
                    double xku = 0;
                    double xuu = 0;
                    if (toU > 0) {
                        xku = Math.min(1, ku / toU) * gu;
                        xuu = Math.min(1, uu / toU) * gu;
                    }
                    gk = xkk + xku;
                    gu = xuk + xuu;
                    fromU += gu;
                    uToK += xuk;
                    fromK += gk;
                    kToU += xku;
                    emitted(s[t], gk, gu);
                }
                firstK += gk;
                firstAll += gk + gu;
            }
            return ll + Math.log(product);
        }

        private void emitted(int x, double gk, double gu) {
            inK += gk;
            inU += gu;
            if (x == 1) {
                rightInU += gu;
            } else {
                wrongInK += gk;
            }
        }

        /**
         * The M step: each parameter at its expected count ratio clamped into its bounds (the constrained
         * maximiser, see the class comment); a parameter without counts (no transitions, say) keeps its value.
         */
        private Params maximise(Params p) {
            double prior = firstAll > 0 ? clamp(firstK / firstAll, 1) : p.prior();
            double learn = fromU > 0 ? clamp(uToK / fromU, 1) : p.learn();
            double forget = !o.fitForgets() ? 0 : fromK > 0 ? clamp(kToU / fromK, 1) : p.forget();
            double guess = inU > 0 ? clamp(rightInU / inU, o.maxGuess()) : p.guess();
            double slip = inK > 0 ? clamp(wrongInK / inK, o.maxSlip()) : p.slip();
            return new Params(prior, learn, guess, slip, forget);
        }
    }
}
