package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.Warehouse;
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
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mart build's derived datasets go to the run's scratch folder and come back as a cached file scan: the same rows,
 * none of the plan that made them (no join, no broadcast held for the rest of the build), and nothing left on disk
 * after the build.
 */
class ScratchFilesTest extends SparkTestBase {
    static final StructType LEFT = new StructType().add("k", DataTypes.IntegerType).add("v", DataTypes.StringType)
            .add("at", DataTypes.TimestampType);
    static final StructType RIGHT = new StructType().add("k", DataTypes.IntegerType).add("w", DataTypes.DoubleType);

    @Test
    void derivedRowsAreStoredInTheRunsScratchFolderAndReadBackWithoutTheirPlan(@TempDir Path tmp) throws Exception {
        Warehouse w = new Warehouse(spark(), tmp.resolve("wh").toUri().toString());
        Dataset<Row> left = spark().createDataFrame(List.of(
                RowFactory.create(1, "a", java.sql.Timestamp.valueOf("2026-09-01 08:00:00")),
                RowFactory.create(2, null, java.sql.Timestamp.valueOf("2026-09-02 09:30:00")),
                RowFactory.create(3, "c", null)), LEFT);
        Dataset<Row> right = spark().createDataFrame(List.of(RowFactory.create(1, 0.5), RowFactory.create(3, 2.0)),
                RIGHT);
        Dataset<Row> joined = left.join(broadcast(right), "k");
        MartInputs build = new MartInputs(Map.of(), new ScratchFiles(w, "run-1"));

        Dataset<Row> stored = build.derivedCached("joined:2026-09-13", () -> joined);
        Dataset<Row> again = build.derivedCached("joined:2026-09-13", () -> {
            throw new AssertionError("derived twice");
        });

        assertThat(again).isSameAs(stored);
        assertThat(stored.schema().fieldNames()).containsExactly(joined.schema().fieldNames());
        assertThat(stored.collectAsList()).containsExactlyInAnyOrderElementsOf(joined.collectAsList());
        assertThat(stored.storageLevel().useMemory()).isTrue();
        String plan = stored.queryExecution().analyzed().treeString();
        assertThat(plan).doesNotContain("Join").contains("parquet");
        Path scratch = tmp.resolve("wh/_staging/run-1.scratch");
        try (var folders = Files.list(scratch)) {
            assertThat(folders.map(p -> p.getFileName().toString()).toList()).containsExactly("1-joined_2026-09-13");
        }

        // an empty derivation keeps its columns
        Dataset<Row> empty = build.derivedCached("none", () -> joined.filter(col("k").lt(0)));
        assertThat(empty.count()).isZero();
        assertThat(empty.schema().fieldNames()).containsExactly(joined.schema().fieldNames());

        build.release();
        assertThat(stored.storageLevel().useMemory()).isFalse();
        w.cleanScratch("run-1");
        assertThat(scratch).doesNotExist();
    }

    @Test
    void aVariantOfTheBuildStoresItsOwnRowsUnderTheSameKey(@TempDir Path tmp) {
        Warehouse w = new Warehouse(spark(), tmp.resolve("wh").toUri().toString());
        Dataset<Row> one = spark().createDataFrame(List.of(RowFactory.create(1, 1.0)), RIGHT);
        Dataset<Row> two = spark().createDataFrame(List.of(RowFactory.create(2, 2.0)), RIGHT);
        dev.xueqing.common.io.DatasetRef ref = dev.xueqing.common.io.DatasetRef.EVENTS;
        MartInputs build = new MartInputs(Map.of(ref, one), new ScratchFiles(w, "run-2"));
        MartInputs variant = build.with(ref, two);

        Dataset<Row> a = build.derivedCached("k", () -> build.get(ref));
        Dataset<Row> b = variant.derivedCached("k", () -> variant.get(ref));

        assertThat(a.collectAsList()).containsExactly(RowFactory.create(1, 1.0));
        assertThat(b.collectAsList()).containsExactly(RowFactory.create(2, 2.0));
        build.release();
        w.cleanScratch("run-2");
    }
}
