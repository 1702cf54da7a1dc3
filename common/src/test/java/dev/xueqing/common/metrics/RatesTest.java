package dev.xueqing.common.metrics;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

class RatesTest {
    private static final StructType SCHEMA = new StructType()
            .add("g", DataTypes.StringType).add("n", DataTypes.LongType).add("d", DataTypes.LongType);

    @Test
    void ratioIsNullOnZeroOrNullDenominator() {
        Dataset<Row> df = SparkTestBase.spark().createDataFrame(List.of(
                RowFactory.create("a", 3L, 4L),      // 0.75
                RowFactory.create("b", 0L, 0L),      // null (0/0)
                RowFactory.create("c", 2L, null),    // null
                RowFactory.create("d", null, 5L)),   // null numerator -> null
                SCHEMA);
        List<Row> out = df.select(col("g"), Rates.ratio(col("n"), col("d")).as("r")).orderBy("g").collectAsList();
        assertThat(out.get(0).getDouble(1)).isEqualTo(0.75);
        assertThat(out.get(1).isNullAt(1)).isTrue();
        assertThat(out.get(2).isNullAt(1)).isTrue();
        assertThat(out.get(3).isNullAt(1)).isTrue();
    }

    @Test
    void medianIsExactAndInterpolatesEvenCounts() {
        // g=x: {1, 2, 10} -> 2.0;  g=y: {1, 2, 3, 10} -> (2 + 3) / 2 = 2.5;  g=z: only null -> null
        Dataset<Row> df = SparkTestBase.spark().createDataFrame(List.of(
                RowFactory.create("x", 1L, 0L), RowFactory.create("x", 10L, 0L), RowFactory.create("x", 2L, 0L),
                RowFactory.create("y", 1L, 0L), RowFactory.create("y", 2L, 0L), RowFactory.create("y", 3L, 0L),
                RowFactory.create("y", 10L, 0L), RowFactory.create("z", null, 0L)), SCHEMA);
        List<Row> out = df.groupBy("g").agg(Rates.median(col("n")).as("m")).orderBy("g").collectAsList();
        assertThat(out.get(0).getDouble(1)).isEqualTo(2.0);
        assertThat(out.get(1).getDouble(1)).isEqualTo(2.5);
        assertThat(out.get(2).isNullAt(1)).isTrue();
    }
}
