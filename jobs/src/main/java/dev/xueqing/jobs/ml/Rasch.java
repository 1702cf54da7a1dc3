package dev.xueqing.jobs.ml;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.encoders.RowEncoder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Rasch (one-parameter logistic IRT) estimates of item difficulty and person ability on the logit scale.
 *
 * <p>The model: P(person p answers item i correctly) = σ(θ_p − b_i), fitted by joint maximum likelihood with a
 * light ridge penalty, (λ/2)·(Σθ² + Σb²) with λ = {@link #RIDGE} on the summed log-likelihood (a wide normal prior
 * with SD ≈ 3 logits), which keeps persons and items with all or no correct answers finite and removes the model's
 * shift freedom; the scale is then anchored by centring the item difficulties at 0 (abilities shifted by the same
 * constant). JMLE estimates are known to be slightly spread out for short tests; the ordering and the relative
 * distances are what supervisors use.
 *
 * <p>Each group (a course: groups share no persons or items) is fitted in one Spark task, in plain Java: the
 * abilities given the difficulties and the difficulties given the abilities are independent one-dimensional
 * problems, so the fit alternates a Newton step for every person and one for every item (each step at most one
 * logit, as JMLE programs do), then moves all of them by the common shift that is best for the penalty, until no
 * estimate moves by more than 1e-9 logits. Each step maximises the penalised likelihood along its own directions,
 * which is strictly concave, so this reaches its one maximum. A group's responses must fit in a task's memory
 * (about 20 bytes each).
 *
 * <p>Fit per item, from the residuals of the fitted model: with p the expected score and W = p(1−p),
 * outfit mean-square = mean over responses of (x−p)²/W (sensitive to unexpected responses far from the item),
 * infit mean-square = Σ(x−p)² / ΣW (information-weighted); both are near 1 for items that fit, and values above
 * about 1.3 flag items that behave unlike the rest. The standard error of a difficulty is 1/√ΣW.
 */
public final class Rasch {
    /** Ridge strength λ on the summed log-likelihood of a group. */
    public static final double RIDGE = 0.1;
    private static final int MAX_SWEEPS = 2000;
    private static final double TOLERANCE = 1e-9;

    /** Item estimates: item, responses, difficulty (logits), se, infit, outfit. Person estimates: person, ability. */
    public record Fit(Dataset<Row> items, Dataset<Row> persons) {}

    private Rasch() {}

    /**
     * Fits the model on one scale.
     *
     * @param responses one row per person × item with columns {@code person} (string), {@code item} (string) and
     *                  {@code score} (0 or 1)
     */
    public static Fit fit(Dataset<Row> responses) {
        Fit f = fitGroups(responses.withColumn("group", lit("")));
        return new Fit(f.items().drop("group"), f.persons().drop("group"));
    }

    /** Fits one scale per {@code group} (e.g. a course), each in one Spark task. Outputs carry the group. */
    public static Fit fitGroups(Dataset<Row> responses) {
        int tasks = Math.max(1, responses.sparkSession().sparkContext().defaultParallelism() * 2);
        // a fixed layout (hash partitions, sorted) makes every sum, and so the estimates, the same on every run
        Dataset<Row> fitted = responses.select(col("group"), col("person"), col("item"),
                        col("score").cast("double").as("score"))
                .repartition(tasks, col("group")).sortWithinPartitions("group", "person", "item")
                .mapPartitions(new GroupFit(), RowEncoder.encoderFor(OUT)).localCheckpoint();
        return new Fit(fitted.filter(col("kind").equalTo("item")).select(col("group"), col("key").as("item"),
                        col("responses"), col("estimate").as("difficulty"), col("se"), col("infit"), col("outfit")),
                fitted.filter(col("kind").equalTo("person")).select(col("group"), col("key").as("person"),
                        col("responses"), col("raw_score"), col("estimate").as("ability")));
    }

    private static final StructType OUT = new StructType().add("group", DataTypes.StringType)
            .add("kind", DataTypes.StringType).add("key", DataTypes.StringType)
            .add("responses", DataTypes.LongType).add("estimate", DataTypes.DoubleType)
            .add("se", DataTypes.DoubleType).add("infit", DataTypes.DoubleType).add("outfit", DataTypes.DoubleType)
            .add("raw_score", DataTypes.DoubleType);

    /** The fits of the groups of one partition (rows sorted by group), one output row per item and per person. */
    private static final class GroupFit implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            List<Row> out = new ArrayList<>();
            Row pending = rows.hasNext() ? rows.next() : null;
            while (pending != null) {
                String group = pending.getString(0);
                Map<String, Integer> persons = new HashMap<>();
                Map<String, Integer> items = new HashMap<>();
                List<String> personKeys = new ArrayList<>();
                List<String> itemKeys = new ArrayList<>();
                IntList p = new IntList();
                IntList i = new IntList();
                IntList x = new IntList();
                while (pending != null && java.util.Objects.equals(group, pending.getString(0))) {
                    String person = pending.getString(1);
                    String item = pending.getString(2);
                    p.add(persons.computeIfAbsent(person, k -> {
                        personKeys.add(k);
                        return personKeys.size() - 1;
                    }));
                    i.add(items.computeIfAbsent(item, k -> {
                        itemKeys.add(k);
                        return itemKeys.size() - 1;
                    }));
                    x.add(pending.getDouble(3) >= 0.5 ? 1 : 0);
                    pending = rows.hasNext() ? rows.next() : null;
                }
                Estimates e = estimate(p.toArray(), i.toArray(), x.toArray(), personKeys.size(), itemKeys.size());
                for (int k = 0; k < itemKeys.size(); k++) {
                    out.add(RowFactory.create(group, "item", itemKeys.get(k), e.itemResponses[k], e.difficulty[k],
                            1 / Math.sqrt(e.information[k]), e.squares[k] / e.information[k],
                            e.standardised[k] / e.itemResponses[k], null));
                }
                for (int k = 0; k < personKeys.size(); k++) {
                    out.add(RowFactory.create(group, "person", personKeys.get(k), e.personResponses[k],
                            e.ability[k], null, null, null, (double) e.rawScore[k]));
                }
            }
            return out.iterator();
        }
    }

    /** The estimates of one group, centred, with the per-item sums of the fit statistics. */
    record Estimates(double[] ability, double[] difficulty, long[] personResponses, long[] rawScore,
                     long[] itemResponses, double[] information, double[] squares, double[] standardised,
                     int sweeps) {}

    /**
     * The penalised joint maximum likelihood of one group's responses: response r is person {@code p[r]}
     * answering item {@code i[r]}, {@code x[r]} 1 when correct.
     */
    static Estimates estimate(int[] p, int[] i, int[] x, int persons, int items) {
        double[] theta = new double[persons];
        double[] b = new double[items];
        double[] g = new double[Math.max(persons, items)];
        double[] h = new double[Math.max(persons, items)];
        int sweeps = 0;
        double moved = Double.MAX_VALUE;
        while (moved > TOLERANCE && sweeps < MAX_SWEEPS) {
            sweeps++;
            // every person given the difficulties: d/dθ = Σ (x − P) − λθ, curvature Σ P(1 − P) + λ
            java.util.Arrays.fill(g, 0, persons, 0);
            java.util.Arrays.fill(h, 0, persons, 0);
            for (int r = 0; r < p.length; r++) {
                double pr = sigmoid(theta[p[r]] - b[i[r]]);
                g[p[r]] += x[r] - pr;
                h[p[r]] += pr * (1 - pr);
            }
            moved = 0;
            for (int k = 0; k < persons; k++) {
                double step = clamp((g[k] - RIDGE * theta[k]) / (h[k] + RIDGE));
                theta[k] += step;
                moved = Math.max(moved, Math.abs(step));
            }
            // every item given the abilities: d/db = Σ (P − x) − λb
            java.util.Arrays.fill(g, 0, items, 0);
            java.util.Arrays.fill(h, 0, items, 0);
            for (int r = 0; r < p.length; r++) {
                double pr = sigmoid(theta[p[r]] - b[i[r]]);
                g[i[r]] += pr - x[r];
                h[i[r]] += pr * (1 - pr);
            }
            for (int k = 0; k < items; k++) {
                double step = clamp((g[k] - RIDGE * b[k]) / (h[k] + RIDGE));
                b[k] += step;
                moved = Math.max(moved, Math.abs(step));
            }
            // the common shift: the likelihood depends on θ − b only, so moving every estimate by the same c
            // changes the penalty alone, which is least at c = −(Σθ + Σb) / (persons + items)
            moved = Math.max(moved, Math.abs(shiftTogether(theta, persons, b, items)));
        }
        // centre the items at 0, the persons shifted by the same constant
        double shift = 0;
        for (double v : b) {
            shift += v / items;
        }
        for (int k = 0; k < items; k++) {
            b[k] -= shift;
        }
        for (int k = 0; k < persons; k++) {
            theta[k] -= shift;
        }
        long[] personResponses = new long[persons];
        long[] rawScore = new long[persons];
        long[] itemResponses = new long[items];
        double[] information = new double[items];
        double[] squares = new double[items];
        double[] standardised = new double[items];
        for (int r = 0; r < p.length; r++) {
            double e = sigmoid(theta[p[r]] - b[i[r]]);
            double w = e * (1 - e);
            double sq = (x[r] - e) * (x[r] - e);
            personResponses[p[r]]++;
            rawScore[p[r]] += x[r];
            itemResponses[i[r]]++;
            information[i[r]] += w;
            squares[i[r]] += sq;
            standardised[i[r]] += sq / w;
        }
        return new Estimates(theta, b, personResponses, rawScore, itemResponses, information, squares, standardised,
                sweeps);
    }

    /**
     * Moves every ability and difficulty by the constant that maximises the penalised likelihood along that
     * direction, and returns it. The person and item steps cannot move the estimates together: each undoes most of
     * the other's drift, and only the weak ridge pulls them back, so without this step the shift converged last
     * (several hundred sweeps on a course of a few thousand responses, against about fifteen with it).
     */
    private static double shiftTogether(double[] theta, int persons, double[] b, int items) {
        double sum = 0;
        for (int k = 0; k < persons; k++) {
            sum += theta[k];
        }
        for (int k = 0; k < items; k++) {
            sum += b[k];
        }
        double c = -sum / (persons + items);
        for (int k = 0; k < persons; k++) {
            theta[k] += c;
        }
        for (int k = 0; k < items; k++) {
            b[k] += c;
        }
        return c;
    }

    private static double clamp(double step) {
        return Math.max(-1, Math.min(1, step));
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
