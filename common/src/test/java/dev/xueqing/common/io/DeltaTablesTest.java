package dev.xueqing.common.io;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.assert_true;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeltaTablesTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType)
            .add("event_date", DataTypes.DateType);

    private Dataset<Row> rows(String... idAndDate) {
        List<Row> out = new java.util.ArrayList<>();
        for (int i = 0; i < idAndDate.length; i += 2) {
            out.add(RowFactory.create(idAndDate[i], Date.valueOf(idAndDate[i + 1])));
        }
        return spark().createDataFrame(out, SCHEMA);
    }

    private DeltaTables tables(Path dir) throws Exception {
        return new DeltaTables(spark(), FileSystem.getLocal(spark().sparkContext().hadoopConfiguration()));
    }

    private static org.apache.hadoop.fs.Path table(Path dir, String name) {
        return new org.apache.hadoop.fs.Path(dir.resolve(name).toUri());
    }

    private static List<String> ids(Dataset<Row> d) {
        return d.orderBy("id").select("id").as(Encoders.STRING()).collectAsList();
    }

    @Test
    void overwriteReplacesTheContentAndKeepsTheNoteAndRowCount(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "mart");
        assertThat(t.current(p)).isNull();
        assertThat(t.read(p)).isNull();
        assertThat(t.overwrite(p, rows("a", "2026-01-01", "b", "2026-01-02"), "first")).isEqualTo(2);
        assertThat(t.overwrite(p, rows("c", "2026-01-03"), "second")).isEqualTo(1);
        assertThat(ids(t.read(p))).containsExactly("c");
        assertThat(t.note(p)).isEqualTo("second");
        DeltaTables.Version v = t.current(p);
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.files()).hasSize(1);
        assertThat(v.partitionColumns()).isEmpty();
        assertThat(v.schema()).isEqualTo(SCHEMA);
        // the files of the first version are still on disk (for readers that started before), but not read
        try (Stream<Path> s = Files.list(dir.resolve("mart"))) {
            assertThat(s.filter(f -> f.toString().endsWith(".parquet")).count()).isGreaterThan(1);
        }
    }

    @Test
    void aSchemaChangeReplacesTheSchema(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "mart");
        t.overwrite(p, rows("a", "2026-01-01"), null);
        t.overwrite(p, rows("b", "2026-01-01").withColumn("extra", lit(7L)).drop("event_date"), null);
        Dataset<Row> read = t.read(p);
        assertThat(read.columns()).containsExactly("id", "extra");
        assertThat(read.first().getLong(1)).isEqualTo(7L);
        assertThat(t.note(p)).isNull();
    }

    @Test
    void replacingPartitionsLeavesTheOthersAndEmptiesThoseWithoutRows(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "events");
        t.replacePartitions(p, "event_date", rows("a", "2026-01-01", "b", "2026-01-02", "x", "2026-01-04"),
                List.of("2026-01-01", "2026-01-02", "2026-01-04"));
        t.replacePartitions(p, "event_date", rows("c", "2026-01-02", "d", "2026-01-03"),
                List.of("2026-01-02", "2026-01-03", "2026-01-04"));
        Dataset<Row> read = t.read(p);
        assertThat(ids(read)).containsExactly("a", "c", "d");
        assertThat(read.schema()).isEqualTo(SCHEMA);
        DeltaTables.Version v = t.current(p);
        assertThat(v.partitionColumns()).containsExactly("event_date");
        assertThat(v.files()).extracting(f -> f.partition().get("event_date"))
                .containsExactly("2026-01-01", "2026-01-02", "2026-01-03");
        // partition pruning still works on what the reader returns
        assertThat(ids(read.filter(col("event_date").equalTo(lit(Date.valueOf("2026-01-02")))))).containsExactly("c");
        t.deletePartitions(p, "event_date", List.of("2026-01-01"));
        assertThat(ids(t.read(p))).containsExactly("c", "d");
    }

    @Test
    void rowsOutsideTheNamedPartitionsAreRefused(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "events");
        t.replacePartitions(p, "event_date", rows("a", "2026-01-01"), List.of("2026-01-01"));
        assertThatThrownBy(() -> t.replacePartitions(p, "event_date", rows("b", "2026-01-02"),
                List.of("2026-01-01"))).hasMessageContaining("DELTA_REPLACE_WHERE_MISMATCH")
                .hasMessageContaining("event_date");
        assertThat(ids(t.read(p))).containsExactly("a");
    }

    @Test
    void aWriteThatFailsLeavesTheCurrentVersion(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "mart");
        t.overwrite(p, rows("a", "2026-01-01", "b", "2026-01-02"), "kept");
        Dataset<Row> failing = rows("c", "2026-01-01", "d", "2026-01-02")
                .withColumn("ok", assert_true(col("id").notEqual(lit("d")))).drop("ok");
        // the failure is the row's own (the task failed), not anything about the table
        assertThatThrownBy(() -> t.overwrite(p, failing, "lost")).hasMessageContaining("USER_RAISED_EXCEPTION")
                .hasMessageContaining("is not true");
        assertThat(ids(t.read(p))).containsExactly("a", "b");
        assertThat(t.note(p)).isEqualTo("kept");
        assertThat(t.current(p).version()).isZero();
    }

    @Test
    void appendsAddRowsInPartitions(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "runs");
        t.append(p, rows("a", "2026-01-01"), List.of("event_date"));
        t.append(p, rows("b", "2026-01-01", "c", "2026-01-02"), List.of("event_date"));
        assertThat(ids(t.read(p))).containsExactly("a", "b", "c");
        assertThat(t.current(p).partitionColumns()).containsExactly("event_date");
    }

    @Test
    void theCurrentLinkShowsExactlyTheCurrentFilesAndPruningKeepsThem(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "events");
        t.replacePartitions(p, "event_date", rows("a", "2026-01-01", "b", "2026-01-02"),
                List.of("2026-01-01", "2026-01-02"));
        t.linkCurrent(p);
        t.replacePartitions(p, "event_date", rows("c", "2026-01-02"), List.of("2026-01-02"));
        t.linkCurrent(p);
        Path current = dir.resolve("events").resolve(DeltaTables.CURRENT_LINK);
        assertThat(Files.isSymbolicLink(current)).isTrue();
        // a reader that only reads Parquet, through the link (Spark's local listing does not follow a link to a
        // folder; DuckDB and pandas open the path through the operating system, which does)
        Dataset<Row> viaLinks = spark().read().parquet(current.toRealPath().toString());
        assertThat(ids(viaLinks)).containsExactly("a", "c");
        assertThat(viaLinks.columns()).contains("event_date");
        try (Stream<Path> s = Files.list(dir.resolve("events"))) {
            assertThat(s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("_current-")))
                    .containsExactly("_current-1");
        }
        // pruning to the current version deletes the replaced file; neither the table nor the links lose one
        assertThat(t.prune(p, 1)).isEqualTo(1);
        assertThat(ids(t.read(p))).containsExactly("a", "c");
        assertThat(ids(spark().read().parquet(current.toRealPath().toString()))).containsExactly("a", "c");
        try (Stream<Path> s = Files.walk(dir.resolve("events"))) {
            assertThat(s.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_current-"))
                    .count()).isEqualTo(2);
        }
        assertThat(t.prune(p, 1)).isZero();
    }

    @Test
    void pruningKeepsTheNewestVersionsAndDeletesUncommittedFiles(@TempDir Path dir) throws Exception {
        DeltaTables t = tables(dir);
        org.apache.hadoop.fs.Path p = table(dir, "mart");
        for (String id : List.of("a", "b", "c")) {
            t.overwrite(p, rows(id, "2026-01-01").coalesce(1), null);
        }
        // a file a killed run wrote and never committed
        Files.writeString(dir.resolve("mart").resolve("part-99999-killed.zstd.parquet"), "not committed");
        assertThat(t.prune(p, 2)).isEqualTo(2);
        assertThat(ids(t.read(p))).containsExactly("c");
        assertThat(ids(spark().read().format("delta").option("versionAsOf", 1).load(p.toString())))
                .containsExactly("b");
    }

    @Test
    void partitionPredicatesQuoteTheirValues() {
        assertThat(DeltaTables.inPartitions("run", DataTypes.StringType, List.of("a'b", "c")))
                .isEqualTo("`run` IN (CAST('a\\'b' AS string), CAST('c' AS string))");
        assertThat(DeltaTables.inPartitions("event_date", DataTypes.DateType, List.of("2026-01-01")))
                .isEqualTo("`event_date` IN (CAST('2026-01-01' AS date))");
    }
}
