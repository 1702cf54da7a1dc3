package dev.xueqing.common.metrics;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pins the classical statistics on a hand-computed example: 6 learners × 3 items of quiz A, scores 0/1.
 * <pre>
 *        i1 i2 i3 | total
 *   L1    1  1  1 |  3
 *   L2    1  1  0 |  2
 *   L3    1  0  0 |  1
 *   L4    1  1  0 |  2
 *   L5    0  0  0 |  0
 *   L6    1  0  1 |  2
 * facility: i1 5/6 = 0.8333, i2 3/6 = 0.5, i3 2/6 = 0.3333
 * corrected discrimination of i1: corr([1,1,1,1,0,1], rest = [2,1,0,1,0,1]):
 *   means 5/6 and 5/6; Σ(x−x̄)(r−r̄) = 5/6; Σ(x−x̄)² = 5/6; Σ(r−r̄)² = 17/6 → (5/6)/√(5/6 · 17/6) = 0.5423
 *   i2 (rest [2,1,1,1,0,2]): 0.2425; i3 (rest [2,2,1,2,0,1]): 0.1581
 * item variances (n−1): i1 (5/6·1/6·6)/5 = 1/6, i2 0.3, i3 4/15; Σ = 11/15
 * totals [3,2,1,2,0,2]: mean 10/6 = 1.6667, variance (Σt² − 6·mean²)/5 = (22 − 50/3)/5 = 16/15, sd 1.0328
 * alpha = 3/2 · (1 − (11/15)/(16/15)) = 3/2 · 5/16 = 15/32 = 0.46875 (KR-20: all scores 0/1)
 * SEM = 1.0328 · √(1 − 0.46875) = 0.7528
 * </pre>
 * Plus L7, who answered only i1 (option "c"): in i1's facility and shares, not in alpha (incomplete).
 */
class ItemStatisticsTest extends SparkTestBase {
    static final int[][] X = {{1, 1, 1}, {1, 1, 0}, {1, 0, 0}, {1, 1, 0}, {0, 0, 0}, {1, 0, 1}};

    private Dataset<Row> responses() {
        List<Row> rows = new ArrayList<>();
        for (int l = 0; l < X.length; l++) {
            for (int i = 0; i < 3; i++) {
                String response = i == 0 ? (X[l][i] == 1 ? "b" : "a") : null;
                rows.add(RowFactory.create("C", "A", "i" + (i + 1), "L" + (l + 1), (double) X[l][i], response));
            }
        }
        rows.add(RowFactory.create("C", "A", "i1", "L7", 0.0, "c"));
        StructType schema = new StructType().add("course_id", DataTypes.StringType)
                .add("assessment_id", DataTypes.StringType).add("item_id", DataTypes.StringType)
                .add("learner_key", DataTypes.StringType).add("score", DataTypes.DoubleType)
                .add("response", DataTypes.StringType);
        return spark().createDataFrame(rows, schema);
    }

    @Test
    void facilityDiscriminationAndOptionShares() {
        // without L7 for the hand-computed discrimination values
        Map<String, Row> byItem = new HashMap<>();
        ItemStatistics.items(responses().filter("learner_key != 'L7'")).collectAsList()
                .forEach(r -> byItem.put(r.getAs("item_id"), r));
        assertThat(byItem.get("i1").<Double>getAs("facility")).isCloseTo(5 / 6.0, within(1e-12));
        assertThat(byItem.get("i2").<Double>getAs("facility")).isCloseTo(0.5, within(1e-12));
        assertThat(byItem.get("i3").<Double>getAs("facility")).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(byItem.get("i1").<Double>getAs("discrimination")).isCloseTo(0.5423261445, within(1e-9));
        assertThat(byItem.get("i2").<Double>getAs("discrimination")).isCloseTo(0.2425356250, within(1e-9));
        assertThat(byItem.get("i3").<Double>getAs("discrimination")).isCloseTo(0.1581138830, within(1e-9));

        Map<String, Row> all = new HashMap<>();
        ItemStatistics.items(responses()).collectAsList().forEach(r -> all.put(r.getAs("item_id"), r));
        Row i1 = all.get("i1");
        assertThat(i1.<Long>getAs("responses")).isEqualTo(7L);
        Map<String, Double> shares = scala.jdk.javaapi.CollectionConverters.asJava(
                i1.<scala.collection.Map<String, Double>>getAs("option_shares"));
        assertThat(shares).containsOnlyKeys("a", "b", "c");
        assertThat(new java.util.ArrayList<>(shares.keySet())).as("in response order").containsExactly("a", "b", "c");
        assertThat(shares.get("b")).isCloseTo(5 / 7.0, within(1e-12));
        assertThat(shares.get("a")).isCloseTo(1 / 7.0, within(1e-12));
        assertThat(all.get("i2").isNullAt(all.get("i2").fieldIndex("option_shares"))).isTrue();
    }

    @Test
    void cronbachsAlphaOverCompleteLearners() {
        Row r = ItemStatistics.reliability(responses()).first();
        assertThat(r.<Long>getAs("items")).isEqualTo(3L);
        assertThat(r.<Long>getAs("learners")).isEqualTo(6L);   // L7 answered one item only
        assertThat(r.<Double>getAs("mean")).isCloseTo(10 / 6.0, within(1e-12));
        assertThat(r.<Double>getAs("sd")).isCloseTo(Math.sqrt(16 / 15.0), within(1e-12));
        assertThat(r.<Double>getAs("alpha")).isCloseTo(15 / 32.0, within(1e-12));
        assertThat(r.<Double>getAs("sem")).isCloseTo(Math.sqrt(16 / 15.0) * Math.sqrt(17 / 32.0), within(1e-12));
        assertThat(r.<Boolean>getAs("dichotomous")).isTrue();
    }
}
