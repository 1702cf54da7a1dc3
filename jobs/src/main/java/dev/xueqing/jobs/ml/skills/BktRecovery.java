package dev.xueqing.jobs.ml.skills;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How well {@link Bkt#fit} recovers known parameters: for each cell of learners × opportunities, answers simulated
 * from each of {@link #SETS} true parameter sets, fitted with {@link Bkt.Options#defaults}, and the absolute error
 * of every fitted parameter (mean and maximum over the sets), with the mean fit time. The table of
 * docs/knowledge-tracing.md; {@code main} prints it as Markdown.
 *
 * <p>The truth sets are drawn from one {@link SplittableRandom} seeded with {@link #SEED}: prior uniform in
 * [0.1, 0.5], learn in [0.05, 0.3], guess in [0.05, 0.3], slip in [0.05, 0.2], no forgetting. Set k's answers
 * come from a generator seeded by the seed and k, so a cell with more learners extends the learners of a smaller
 * cell with as many opportunities; set k is fitted with seed + k.
 */
public final class BktRecovery {
    private BktRecovery() {}

    public static final long SEED = 20_261_201L;
    public static final int SETS = 10;
    public static final int[] LEARNERS = {100, 500, 2_000};
    public static final int[] OPPORTUNITIES = {5, 10, 20};

    /** Absolute error of one parameter over the sets. */
    public record Error(double mean, double max) {}

    /** One cell: its size, the errors of the four parameters and the mean wall time of one fit. */
    public record Row(int learners, int opportunities, Error prior, Error learn, Error guess, Error slip,
                      double millisPerFit) {}

    /** {@code count} truth sets drawn from the ranges of the class comment. */
    public static List<Bkt.Params> truths(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Bkt.Params> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            double prior = 0.1 + 0.4 * r.nextDouble();
            double learn = 0.05 + 0.25 * r.nextDouble();
            double guess = 0.05 + 0.25 * r.nextDouble();
            double slip = 0.05 + 0.15 * r.nextDouble();
            out.add(new Bkt.Params(prior, learn, guess, slip, 0));
        }
        return out;
    }

    /** The answers of truth set k of a seed: {@code learners} × {@code opportunities}. */
    public static int[][] answers(Bkt.Params truth, int k, int learners, int opportunities, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (k + 1)));
        return Bkt.simulate(truth, learners, opportunities, r);
    }

    /** One cell: every truth set simulated, fitted and compared. */
    public static Row cell(List<Bkt.Params> truths, int learners, int opportunities, long seed) {
        int n = truths.size();
        double[][] errors = new double[4][n];
        long nanos = 0;
        for (int k = 0; k < n; k++) {
            Bkt.Params truth = truths.get(k);
            int[][] data = answers(truth, k, learners, opportunities, seed);
            long t0 = System.nanoTime();
            Bkt.Params fit = Bkt.fit(data, Bkt.Options.defaults(seed + k)).params();
            nanos += System.nanoTime() - t0;
            errors[0][k] = Math.abs(fit.prior() - truth.prior());
            errors[1][k] = Math.abs(fit.learn() - truth.learn());
            errors[2][k] = Math.abs(fit.guess() - truth.guess());
            errors[3][k] = Math.abs(fit.slip() - truth.slip());
        }
        return new Row(learners, opportunities, error(errors[0]), error(errors[1]), error(errors[2]),
                error(errors[3]), nanos / 1e6 / n);
    }

    /** Every cell of {@link #LEARNERS} × {@link #OPPORTUNITIES} for the same {@link #SETS} truth sets. */
    public static List<Row> rows(long seed) {
        List<Bkt.Params> truths = truths(seed, SETS);
        List<Row> rows = new ArrayList<>();
        for (int learners : LEARNERS) {
            for (int opportunities : OPPORTUNITIES) {
                rows.add(cell(truths, learners, opportunities, seed));
            }
        }
        return rows;
    }

    private static Error error(double[] errors) {
        double sum = 0;
        double max = 0;
        for (double e : errors) {
            sum += e;
            max = Math.max(max, e);
        }
        return new Error(sum / errors.length, max);
    }

    /** The table as Markdown: one line per cell, "mean / max" absolute error per parameter. */
    public static String markdown(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| learners | opportunities | prior | learn | guess | slip | ms per fit |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %,d | %d | %s | %s | %s | %s | %.1f |%n", r.learners(),
                    r.opportunities(), cell(r.prior()), cell(r.learn()), cell(r.guess()), cell(r.slip()),
                    r.millisPerFit()));
        }
        return b.toString();
    }

    /** The truth sets as Markdown. */
    public static String truthTable(List<Bkt.Params> truths) {
        StringBuilder b = new StringBuilder("| set | prior | learn | guess | slip |\n|---:|---:|---:|---:|---:|\n");
        for (int k = 0; k < truths.size(); k++) {
            Bkt.Params p = truths.get(k);
            b.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %.3f |%n", k, p.prior(), p.learn(),
                    p.guess(), p.slip()));
        }
        return b.toString();
    }

    private static String cell(Error e) {
        return String.format(Locale.ROOT, "%.3f / %.3f", e.mean(), e.max());
    }

    /** Prints the truth sets and the recovery table (mean / max absolute error) for {@link #SEED}. */
    public static void main(String[] args) {
        System.out.print(truthTable(truths(SEED, SETS)));
        System.out.println();
        System.out.print(markdown(rows(SEED)));
    }
}
