package dev.xueqing.common.privacy;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DisclosureControlTest {
    /** course, class (null = the course's own row), learners, active (count), rate = active / learners, mean. */
    private static final StructType SCHEMA = new StructType()
            .add("course_id", DataTypes.StringType).add("class_id", DataTypes.StringType)
            .add("learners", DataTypes.LongType).add("active", DataTypes.IntegerType)
            .add("rate", DataTypes.DoubleType).add("mean", DataTypes.DoubleType);

    private static final DisclosureControl.Rules DEFAULT = DisclosureControl.Rules.of(
            new XueqingConfig.Disclosure(10, 5, 23));

    private static DisclosureControl.TableRules table(List<String> siblings) {
        return new DisclosureControl.TableRules("learners", siblings, List.of("active"), Map.of("rate", "learners"),
                List.of("mean"));
    }

    private static Map<String, Row> run(List<Row> rows, List<String> siblings, DisclosureControl.Rules rules) {
        Dataset<Row> in = SparkTestBase.spark().createDataFrame(rows, SCHEMA);
        Dataset<Row> out = DisclosureControl.apply(in, table(siblings), rules);
        assertThat(out.columns()).containsExactly("course_id", "class_id", "learners", "active", "rate", "mean",
                "suppressed", "suppression_rule", "disclosure_rules");
        assertThat(out.schema().apply("active").dataType()).isEqualTo(DataTypes.IntegerType);
        Map<String, Row> byKey = new HashMap<>();
        for (Row r : out.collectAsList()) {
            byKey.put(r.getString(0) + "/" + r.getString(1), r);
        }
        assertThat(byKey).hasSize(rows.size());
        return byKey;
    }

    private static Row row(String course, String cls, long learners, int active, Double mean) {
        return RowFactory.create(course, cls, learners, active, (double) active / learners, mean);
    }

    @Test
    void aRowOfKMinusOneLearnersIsHiddenAndOneOfKIsShown() {
        Map<String, Row> out = run(List.of(
                row("a", null, 9, 7, 0.5),
                row("b", null, 10, 7, 0.6),
                row("c", null, 8, 3, 0.7)), List.of(), DEFAULT); // 8 rounds to 10 but is decided unrounded
        Row hidden = out.get("a/null");
        assertThat(hidden.getBoolean(6)).isTrue();
        assertThat(hidden.getString(7)).isEqualTo("min-learners");
        for (int i = 2; i <= 5; i++) {
            assertThat(hidden.isNullAt(i)).as("column %d", i).isTrue();
        }
        assertThat(hidden.getString(0)).isEqualTo("a");
        Row shown = out.get("b/null");
        assertThat(shown.getBoolean(6)).isFalse();
        assertThat(shown.isNullAt(7)).isTrue();
        assertThat(shown.getLong(2)).isEqualTo(10L);
        assertThat(shown.getInt(3)).isEqualTo(5);          // 7 -> 5
        assertThat(shown.isNullAt(4)).isTrue();            // share over 10 learners < 23: null, row still shown
        assertThat(shown.getDouble(5)).isEqualTo(0.6);
        assertThat(out.get("c/null").getString(7)).isEqualTo("min-learners");
        assertThat(shown.getString(8)).startsWith(DisclosureControl.Rules.VERSION + ": ")
                .isEqualTo(DEFAULT.describe()).contains("fewer than 10 learners").contains("nearest 5");
    }

    @Test
    void aSingleHiddenSiblingTakesTheSmallestVisibleSiblingWithIt() {
        Map<String, Row> out = run(List.of(
                // course x: total 50 = A 4 + B 20 + C 26; A is hidden, so B (the smallest visible) is too
                row("x", null, 50, 40, 0.1),
                row("x", "A", 4, 4, 0.2),
                row("x", "B", 20, 16, 0.3),
                row("x", "C", 26, 20, 0.4),
                // course y: two hidden classes already protect each other
                row("y", null, 50, 40, 0.1),
                row("y", "A", 3, 3, 0.2),
                row("y", "B", 4, 4, 0.3),
                row("y", "C", 43, 33, 0.4),
                // course z: a tie between visible siblings is broken by class_id, ascending
                row("z", null, 45, 40, 0.1),
                row("z", "A", 5, 5, 0.2),
                row("z", "C", 20, 16, 0.3),
                row("z", "B", 20, 19, 0.4),
                // course v: the course row ties with class A; the class (non-null id) is hidden, the total stays
                row("v", null, 30, 20, 0.1),
                row("v", "A", 30, 20, 0.2),
                RowFactory.create("v", "B", 0L, 0, null, null),
                // course w: nothing hidden, nothing added
                row("w", null, 30, 20, 0.1),
                row("w", "A", 15, 10, 0.2),
                row("w", "B", 15, 10, 0.3)), List.of("course_id"), DEFAULT);
        assertThat(rule(out, "x/A")).isEqualTo("min-learners");
        assertThat(rule(out, "x/B")).isEqualTo("secondary");
        assertThat(out.get("x/B").isNullAt(2)).isTrue();
        assertThat(out.get("x/B").isNullAt(5)).isTrue();
        assertThat(out.get("x/B").getBoolean(6)).isTrue();
        assertThat(rule(out, "x/C")).isNull();
        assertThat(rule(out, "x/null")).isNull();
        assertThat(out.get("x/null").getLong(2)).isEqualTo(50L);

        assertThat(rule(out, "y/A")).isEqualTo("min-learners");
        assertThat(rule(out, "y/B")).isEqualTo("min-learners");
        assertThat(rule(out, "y/C")).isNull();

        assertThat(rule(out, "z/A")).isEqualTo("min-learners");
        assertThat(rule(out, "z/B")).isEqualTo("secondary");
        assertThat(rule(out, "z/C")).isNull();

        assertThat(rule(out, "v/B")).isEqualTo("min-learners");
        assertThat(rule(out, "v/A")).isEqualTo("secondary");
        assertThat(rule(out, "v/null")).isNull();

        assertThat(out.values().stream().filter(r -> r.getString(0).equals("w")).map(r -> r.getBoolean(6)))
                .containsOnly(false);
    }

    @Test
    void countsAreRoundedToTheNearestMultipleHalvesUpKeepingTheirType() {
        Map<String, Row> out = run(List.of(
                row("a", null, 10, 0, null), row("b", null, 11, 2, null), row("c", null, 12, 3, null),
                row("d", null, 13, 12, null), row("e", null, 1234, 1233, null)), List.of(), DEFAULT);
        assertThat(out.get("a/null").getLong(2)).isEqualTo(10L);
        assertThat(out.get("a/null").getInt(3)).isEqualTo(0);
        assertThat(out.get("b/null").getLong(2)).isEqualTo(10L);
        assertThat(out.get("b/null").getInt(3)).isEqualTo(0);
        assertThat(out.get("c/null").getLong(2)).isEqualTo(10L);
        assertThat(out.get("c/null").getInt(3)).isEqualTo(5);
        assertThat(out.get("d/null").getLong(2)).isEqualTo(15L);
        assertThat(out.get("d/null").getInt(3)).isEqualTo(10);
        assertThat(out.get("e/null").getLong(2)).isEqualTo(1235L);
        assertThat(out.get("e/null").getInt(3)).isEqualTo(1235);

        // an even base rounds the half up: 15 -> 20, 14 -> 10; base 1 leaves counts as they are
        Map<String, Row> tens = run(List.of(row("a", null, 15, 14, null)), List.of(),
                new DisclosureControl.Rules(10, 10, 0));
        assertThat(tens.get("a/null").getLong(2)).isEqualTo(20L);
        assertThat(tens.get("a/null").getInt(3)).isEqualTo(10);
        Map<String, Row> ones = run(List.of(row("a", null, 13, 12, null)), List.of(),
                new DisclosureControl.Rules(10, 1, 0));
        assertThat(ones.get("a/null").getLong(2)).isEqualTo(13L);
        assertThat(ones.get("a/null").getInt(3)).isEqualTo(12);
        assertThat(ones.get("a/null").getString(8)).contains("not rounded").contains("never suppressed");
    }

    @Test
    void sharesWithSmallDenominatorsAreNullOnAVisibleRow() {
        Map<String, Row> out = run(List.of(
                row("a", null, 22, 11, 0.5),
                row("b", null, 23, 11, 0.5),
                row("c", null, 100, 11, 0.5)), List.of(), DEFAULT);
        assertThat(out.get("a/null").isNullAt(4)).isTrue();
        assertThat(out.get("a/null").getBoolean(6)).isFalse();
        assertThat(out.get("a/null").getLong(2)).isEqualTo(20L);
        assertThat(out.get("a/null").getDouble(5)).isEqualTo(0.5);
        assertThat(out.get("b/null").getDouble(4)).isEqualTo(11.0 / 23);   // the share is not rounded
        assertThat(out.get("c/null").getDouble(4)).isEqualTo(0.11);

        // decided on the unrounded denominator: 23 (rounds to 25) is still under 24
        Map<String, Row> strict = run(List.of(row("a", null, 23, 11, 0.5)), List.of(),
                new DisclosureControl.Rules(10, 5, 24));
        assertThat(strict.get("a/null").isNullAt(4)).isTrue();
        assertThat(strict.get("a/null").getLong(2)).isEqualTo(25L);
    }

    @Test
    void kIsConfigurableAndANullLearnerCountIsTreatedAsSmall() {
        Dataset<Row> in = SparkTestBase.spark().createDataFrame(List.of(
                RowFactory.create("a", null, 2L, 1, 0.5, 1.0),
                RowFactory.create("b", null, 1L, 1, 1.0, 1.0),
                RowFactory.create("c", null, null, 1, 1.0, 1.0)), SCHEMA);
        List<Row> out = DisclosureControl.apply(in, table(List.of()), new DisclosureControl.Rules(2, 1, 0))
                .orderBy("course_id").collectAsList();
        assertThat(out.get(0).getBoolean(6)).isFalse();
        assertThat(out.get(0).getDouble(4)).isEqualTo(0.5);
        assertThat(out.get(1).getString(7)).isEqualTo("min-learners");
        assertThat(out.get(2).getString(7)).isEqualTo("min-learners");
    }

    @Test
    void badRulesAndMissingColumnsFailWithTheirName() {
        assertThatThrownBy(() -> new DisclosureControl.Rules(1, 5, 23)).hasMessageContaining("min-learners");
        assertThatThrownBy(() -> new DisclosureControl.Rules(10, 0, 23)).hasMessageContaining("round-to");
        Dataset<Row> in = SparkTestBase.spark().createDataFrame(List.of(), SCHEMA);
        var rules = new DisclosureControl.TableRules("learners", List.of(), List.of("nope"), Map.of(), List.of());
        assertThatThrownBy(() -> DisclosureControl.apply(in, rules, DEFAULT)).hasMessageContaining("nope");
        Dataset<Row> twice = DisclosureControl.apply(in, table(List.of()), DEFAULT);
        assertThatThrownBy(() -> DisclosureControl.apply(twice, table(List.of()), DEFAULT))
                .hasMessageContaining("suppressed");
    }

    private static String rule(Map<String, Row> out, String key) {
        Row r = out.get(key);
        return r.isNullAt(7) ? null : r.getString(7);
    }
}
