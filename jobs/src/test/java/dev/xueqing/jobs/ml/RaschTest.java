package dev.xueqing.jobs.ml;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Rasch recovery: responses simulated from known difficulties and abilities are fitted back. */
class RaschTest extends SparkTestBase {
    static double pearson(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void simulatedDifficultiesAndAbilitiesAreRecovered() {
        // 400 persons θ ~ N(0, 1), 20 items b evenly spread over [-2, 2], responses ~ Bernoulli(σ(θ − b))
        Random rnd = new Random(42);
        int persons = 400;
        int items = 20;
        double[] theta = new double[persons];
        double[] b = new double[items];
        for (int p = 0; p < persons; p++) {
            theta[p] = rnd.nextGaussian();
        }
        for (int i = 0; i < items; i++) {
            b[i] = -2 + 4.0 * i / (items - 1);
        }
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < persons; p++) {
            for (int i = 0; i < items; i++) {
                double prob = 1 / (1 + Math.exp(b[i] - theta[p]));
                rows.add(RowFactory.create(String.format("p%03d", p), String.format("i%02d", i),
                        rnd.nextDouble() < prob ? 1.0 : 0.0));
            }
        }
        StructType schema = new StructType().add("person", DataTypes.StringType).add("item", DataTypes.StringType)
                .add("score", DataTypes.DoubleType);
        Rasch.Fit fit = Rasch.fit(spark().createDataFrame(rows, schema));

        Map<String, Row> byItem = new HashMap<>();
        fit.items().collectAsList().forEach(r -> byItem.put(r.getAs("item"), r));
        Map<String, Double> byPerson = new HashMap<>();
        fit.persons().collectAsList().forEach(r -> byPerson.put(r.getAs("person"), r.getAs("ability")));
        double[] bHat = new double[items];
        double sum = 0;
        for (int i = 0; i < items; i++) {
            Row r = byItem.get(String.format("i%02d", i));
            bHat[i] = r.getAs("difficulty");
            sum += bHat[i];
            assertThat(r.<Long>getAs("responses")).isEqualTo(persons);
            // items simulated from the model fit it: mean-squares near 1
            assertThat(r.<Double>getAs("infit")).isBetween(0.8, 1.2);
            assertThat(r.<Double>getAs("outfit")).isBetween(0.6, 1.5);
        }
        double[] tHat = new double[persons];
        for (int p = 0; p < persons; p++) {
            tHat[p] = byPerson.get(String.format("p%03d", p));
        }
        double rItems = pearson(b, bHat);
        double rPersons = pearson(theta, tHat);
        System.out.printf("Rasch recovery (400 persons x 20 items): r(difficulty) = %.4f, r(ability) = %.4f%n",
                rItems, rPersons);
        assertThat(sum / items).isCloseTo(0.0, within(1e-9));  // centred
        assertThat(rItems).isGreaterThan(0.98);
        assertThat(rPersons).isGreaterThan(0.85);
    }

    @Test
    void anItemThatIgnoresAbilityMisfits() {
        // 300 persons, 10 model items and one item answered at random (p = 0.5 whatever the ability)
        Random rnd = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            double theta = rnd.nextGaussian() * 1.5;
            for (int i = 0; i < 10; i++) {
                double prob = 1 / (1 + Math.exp((-1.5 + 0.33 * i) - theta));
                rows.add(RowFactory.create("p" + p, "i" + i, rnd.nextDouble() < prob ? 1.0 : 0.0));
            }
            rows.add(RowFactory.create("p" + p, "random", rnd.nextBoolean() ? 1.0 : 0.0));
        }
        StructType schema = new StructType().add("person", DataTypes.StringType).add("item", DataTypes.StringType)
                .add("score", DataTypes.DoubleType);
        Rasch.Fit fit = Rasch.fit(spark().createDataFrame(rows, schema));
        Row random = fit.items().filter("item = 'random'").first();
        double worstModelItem = fit.items().filter("item != 'random'").agg(
                org.apache.spark.sql.functions.max("infit")).first().getDouble(0);
        assertThat(random.<Double>getAs("infit")).isGreaterThan(1.15).isGreaterThan(worstModelItem);
    }

    /**
     * The estimates are the maximum of the penalised likelihood: before centring by a shift s, every person's
     * Σ(x − P) = λ(θ + s) and every item's Σ(P − x) = λ(b + s); summing the item equations gives s, and then every
     * equation must hold. Pins the optimum without another optimiser, including a person with every answer right
     * and an item nobody got right (finite thanks to the ridge).
     */
    @Test
    void theEstimatesAreTheOptimumOfThePenalisedLikelihood() {
        Random rnd = new Random(3);
        int persons = 60;
        int items = 8;
        List<int[]> responses = new ArrayList<>();
        for (int p = 0; p < persons; p++) {
            double theta = rnd.nextGaussian();
            for (int i = 0; i < items; i++) {
                if (rnd.nextDouble() < 0.15) {
                    continue;   // not every person answers every item
                }
                int x = p == 0 ? 1 : i == items - 1 ? 0 : rnd.nextDouble() < 1 / (1 + Math.exp(i * 0.4 - 1.4 - theta)) ? 1 : 0;
                responses.add(new int[] {p, i, x});
            }
        }
        int[] pp = responses.stream().mapToInt(r -> r[0]).toArray();
        int[] ii = responses.stream().mapToInt(r -> r[1]).toArray();
        int[] xx = responses.stream().mapToInt(r -> r[2]).toArray();
        Rasch.Estimates e = Rasch.estimate(pp, ii, xx, persons, items);
        double[] gp = new double[persons];
        double[] gi = new double[items];
        for (int r = 0; r < pp.length; r++) {
            double prob = 1 / (1 + Math.exp(e.difficulty()[ii[r]] - e.ability()[pp[r]]));
            gp[pp[r]] += xx[r] - prob;
            gi[ii[r]] += prob - xx[r];
        }
        double shift = java.util.Arrays.stream(gi).sum() / (Rasch.RIDGE * items);
        for (int p = 0; p < persons; p++) {
            assertThat(gp[p]).as("person " + p).isCloseTo(Rasch.RIDGE * (e.ability()[p] + shift), within(1e-7));
        }
        for (int i = 0; i < items; i++) {
            assertThat(gi[i]).as("item " + i).isCloseTo(Rasch.RIDGE * (e.difficulty()[i] + shift), within(1e-7));
        }
        assertThat(java.util.Arrays.stream(e.difficulty()).sum()).isCloseTo(0.0, within(1e-9));
        assertThat(e.ability()[0]).isGreaterThan(e.ability()[1]).isLessThan(20);
        assertThat(e.difficulty()[items - 1]).isGreaterThan(e.difficulty()[0]).isLessThan(20);
        // the common shift moved at every sweep: without it the shift converged last, after several hundred sweeps
        assertThat(e.sweeps()).as("sweeps to the optimum").isLessThan(50);
        System.out.println("Rasch optimum reached in " + e.sweeps() + " sweeps");
    }
}
