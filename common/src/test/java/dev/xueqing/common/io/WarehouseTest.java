package dev.xueqing.common.io;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarehouseTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType).add("event_date", DataTypes.DateType);
    /** A partitioned dataset like events, with a two-column schema of its own. */
    static final DatasetRef EVENTS = new DatasetRef("daily", DatasetRef.Kind.EVENTS, "daily", List.of("event_date"));

    private Dataset<Row> rows(Object[]... rows) {
        return spark().createDataFrame(java.util.Arrays.stream(rows).map(r -> RowFactory.create(r[0],
                Date.valueOf((String) r[1]))).toList(), SCHEMA);
    }

    @Test
    void publishingPartitionsReplacesOnlyThoseNamed(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        wh.publishPartitions(EVENTS, rows(new Object[] {"a", "2026-01-01"}, new Object[] {"b", "2026-01-02"}),
                List.of("2026-01-01", "2026-01-02"), "run1");
        wh.publishPartitions(EVENTS, rows(new Object[] {"c", "2026-01-02"}, new Object[] {"d", "2026-01-03"}),
                List.of("2026-01-02", "2026-01-03"), "run2");
        List<String> ids = wh.read(EVENTS).orderBy("id").select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertThat(ids).containsExactly("a", "c", "d");
        assertThat(wh.partitionValues(EVENTS)).containsExactly("2026-01-01", "2026-01-02", "2026-01-03");
        assertThat(Files.exists(dir.resolve("_staging/run2"))).isFalse();
    }

    @Test
    void eventsWrittenBeforeAColumnWasAddedReadItAsNull(@TempDir Path dir) {
        // an events partition as an older release wrote it: the canonical columns less `interactions`
        StructType old = new StructType(java.util.Arrays.stream(dev.xueqing.common.schema.EventSchema.SCHEMA.fields())
                .filter(f -> !f.name().equals("interactions")).toArray(org.apache.spark.sql.types.StructField[]::new));
        Object[] values = new Object[old.size()];
        for (int i = 0; i < values.length; i++) {
            var f = old.fields()[i];
            values[i] = f.dataType() == DataTypes.TimestampType ? java.sql.Timestamp.valueOf("2026-01-01 10:00:00")
                    : f.dataType() == DataTypes.DateType ? Date.valueOf("2026-01-01")
                    : f.dataType() == DataTypes.StringType ? "x" : null;
        }
        Warehouse wh = new Warehouse(spark(), dir.toString());
        wh.publishPartitions(DatasetRef.EVENTS, spark().createDataFrame(List.of(RowFactory.create(values)), old),
                List.of("2026-01-01"), "run1");
        Dataset<Row> read = wh.read(DatasetRef.EVENTS);
        assertThat(read.columns()).containsExactly(dev.xueqing.common.schema.EventSchema.SCHEMA.fieldNames());
        assertThat(read.first().isNullAt(read.first().fieldIndex("interactions"))).isTrue();
    }

    @Test
    void aPartitionNamedButEmptyIsRemoved(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        wh.publishPartitions(EVENTS, rows(new Object[] {"a", "2026-01-01"}, new Object[] {"b", "2026-01-02"}),
                List.of("2026-01-01", "2026-01-02"), "run1");
        wh.publishPartitions(EVENTS, rows(new Object[] {"a", "2026-01-01"}), List.of("2026-01-01", "2026-01-02"), "r2");
        assertThat(wh.partitionValues(EVENTS)).containsExactly("2026-01-01");
    }

    @Test
    void publishReplacesTheWholeDatasetAndFailedWritesLeaveItIntact(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        DatasetRef mart = DatasetRef.mart("m");
        assertThat(wh.publish(mart, rows(new Object[] {"a", "2026-01-01"}), "r1")).isEqualTo(1);
        assertThat(wh.publish(mart, rows(new Object[] {"b", "2026-01-01"}, new Object[] {"c", "2026-01-01"}), "r2"))
                .isEqualTo(2);
        // a transform that fails while writing: the published version stays readable and unchanged
        Dataset<Row> failing = rows(new Object[] {"x", "2026-01-01"})
                .withColumn("id", org.apache.spark.sql.functions.assert_true(col("id").equalTo("never")).cast("string"));
        assertThatThrownBy(() -> wh.publish(mart, failing, "r3")).isNotNull();
        wh.cleanStaging("r3");
        assertThat(wh.read(mart).count()).isEqualTo(2);
    }

    @Test
    void missingDatasetHasAClearMessageOrAnEmptyDefault(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        assertThat(wh.read(EVENTS, SCHEMA).count()).isZero();
        assertThatThrownBy(() -> wh.read(EVENTS)).hasMessageContaining("xueqing ingest");
    }
}
