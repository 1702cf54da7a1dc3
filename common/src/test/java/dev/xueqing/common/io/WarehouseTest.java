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

import static org.apache.spark.sql.functions.assert_true;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
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
    void observationsWrittenBeforeSkillsReadThemAsNull(@TempDir Path dir) {
        // object observations as a release before skills wrote them: the columns less `skills`
        StructType current = dev.xueqing.common.schema.Datasets.OBJECT_OBSERVATIONS;
        StructType old = new StructType(java.util.Arrays.copyOf(current.fields(), current.size() - 1));
        java.sql.Timestamp t = java.sql.Timestamp.valueOf("2026-01-01 10:00:00");
        Warehouse wh = new Warehouse(spark(), dir.toString());
        wh.publish(DatasetRef.OBJECT_OBSERVATIONS, spark().createDataFrame(List.of(RowFactory.create("C1", "q1",
                "question", null, "Q1", 1.0, null, null, "t", t)), old), "run1");
        Dataset<Row> read = wh.read(DatasetRef.OBJECT_OBSERVATIONS, current);
        assertThat(read.columns()).containsExactly(current.fieldNames());
        Row r = read.first();
        assertThat(r.<String>getAs("title")).isEqualTo("Q1");
        assertThat(r.isNullAt(r.fieldIndex("skills"))).isTrue();
    }

    @Test
    void aPartitionNamedButEmptyIsRemoved(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        wh.publishPartitions(EVENTS, rows(new Object[] {"a", "2026-01-01"}, new Object[] {"b", "2026-01-02"}),
                List.of("2026-01-01", "2026-01-02"), "run1");
        wh.publishPartitions(EVENTS, rows(new Object[] {"a", "2026-01-01"}), List.of("2026-01-01", "2026-01-02"), "r2");
        assertThat(wh.partitionValues(EVENTS)).containsExactly("2026-01-01");
    }

    /** Rows whose write fails inside Spark's tasks, as a transform that breaks at run time does. */
    private Dataset<Row> failingWhileWritten(String date) {
        return rows(new Object[] {"x", date}).withColumn("id",
                assert_true(col("id").equalTo("never"), lit("id x is not allowed here")).cast("string"));
    }

    @Test
    void publishReplacesTheWholeDatasetAndFailedWritesLeaveItIntact(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        DatasetRef mart = DatasetRef.mart("m");
        assertThat(wh.publish(mart, rows(new Object[] {"a", "2026-01-01"}), "r1")).isEqualTo(1);
        assertThat(wh.publish(mart, rows(new Object[] {"b", "2026-01-01"}, new Object[] {"c", "2026-01-01"}), "r2"))
                .isEqualTo(2);
        org.apache.hadoop.fs.Path before = wh.currentVersion(mart);
        // a transform that fails while writing: Spark's own exception reaches the caller unwrapped, with its message
        assertThatThrownBy(() -> wh.publish(mart, failingWhileWritten("2026-01-01"), "r3"))
                .isExactlyInstanceOf(org.apache.spark.SparkRuntimeException.class)
                .hasMessageContaining("id x is not allowed here")
                .satisfies(e -> assertThat(((org.apache.spark.SparkThrowable) e).getCondition())
                        .isEqualTo("USER_RAISED_EXCEPTION"));
        wh.cleanStaging("r3");
        // the published version stays the current one, readable and unchanged
        assertThat(wh.currentVersion(mart)).isEqualTo(before);
        assertThat(wh.read(mart).orderBy("id").select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsExactly("b", "c");
        // the next good publish supersedes it and removes the folder the failed write left
        assertThat(wh.publish(mart, rows(new Object[] {"d", "2026-01-01"}), "r4")).isEqualTo(1);
        assertThat(wh.versions(mart, false)).extracting(org.apache.hadoop.fs.Path::getName)
                .noneMatch(n -> n.endsWith("-r3"));
    }

    @Test
    void aFailedPartitionWriteLeavesThePublishedPartitionsAndCommitsNothing(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        wh.publishPartitions(EVENTS, rows(new Object[] {"a", "2026-01-01"}, new Object[] {"b", "2026-01-02"}),
                List.of("2026-01-01", "2026-01-02"), "run1");
        assertThatThrownBy(() -> wh.publishPartitions(EVENTS, failingWhileWritten("2026-01-01"),
                List.of("2026-01-01"), "run2"))
                .isExactlyInstanceOf(org.apache.spark.SparkRuntimeException.class)
                .hasMessageContaining("id x is not allowed here")
                .satisfies(e -> assertThat(((org.apache.spark.SparkThrowable) e).getCondition())
                        .isEqualTo("USER_RAISED_EXCEPTION"));
        // nothing was committed: the table is at its first version, recovery has nothing to complete, and both days
        // are as they were
        assertThat(new DeltaTables(spark(), wh.fs()).current(wh.path(EVENTS)).version()).isZero();
        assertThat(dir.resolve(Warehouse.JOURNAL)).doesNotExist();
        assertThat(wh.recover()).isZero();
        assertThat(wh.read(EVENTS).orderBy("id").select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsExactly("a", "b");
        assertThat(wh.partitionValues(EVENTS)).containsExactly("2026-01-01", "2026-01-02");
    }

    @Test
    void misusesAreRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        DatasetRef mart = DatasetRef.mart("m");
        assertThatThrownBy(() -> new Warehouse(spark(), dir.toString(), 0))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("keepVersions must be at least 1, was 0");
        assertThatThrownBy(() -> wh.publish(EVENTS, rows(new Object[] {"a", "2026-01-01"}), "r1"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("daily is partitioned: publish its partitions");
        assertThatThrownBy(() -> wh.publishPartitions(mart, rows(new Object[] {"a", "2026-01-01"}),
                List.of("2026-01-01"), "r1"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("m is not partitioned by one column");
        assertThatThrownBy(() -> wh.partitionsWrittenAt(mart))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("m is not partitioned");
        assertThatThrownBy(() -> wh.writeVersionNote(mart, "note", "text"))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("m has no published version");
        assertThat(dir.resolve("daily")).doesNotExist();
        assertThat(dir.resolve("marts")).doesNotExist();
        assertThat(dir.resolve("_staging")).doesNotExist();
    }

    @Test
    void aVersionIsKeptOnlyWhenItsBuildNoteNamesTheSameInputs(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        DatasetRef mart = DatasetRef.mart("m");
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", "abc")).as("nothing published").isEqualTo(-1);
        wh.publish(mart, rows(new Object[] {"a", "2026-01-01"}, new Object[] {"b", "2026-01-01"}), "r1");
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", "abc")).as("no note").isEqualTo(-1);
        wh.writeVersionNote(mart, "build.json", BuildInputs.note("abc", 2));
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", "abc")).isEqualTo(2);
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", "abd")).as("other inputs").isEqualTo(-1);
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", null)).as("inputs unknown").isEqualTo(-1);
        assertThat(BuildInputs.keptRows(wh, mart, "other.json", "abc")).as("another note").isEqualTo(-1);
        // a new version has no note until its build writes one; an unreadable note keeps nothing
        wh.publish(mart, rows(new Object[] {"c", "2026-01-01"}), "r2");
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", "abc")).isEqualTo(-1);
        wh.writeVersionNote(mart, "build.json", "{\"inputs\": \"abc\", ");
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", "abc")).isEqualTo(-1);
        wh.writeVersionNote(mart, "build.json", "{\"inputs\": \"abc\"}");
        assertThat(BuildInputs.keptRows(wh, mart, "build.json", "abc")).as("no rows").isEqualTo(-1);
    }

    @Test
    void aJournalEntryThatCannotBeReadStopsRecoveryAndIsKept(@TempDir Path dir) throws Exception {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        wh.publishPartitions(EVENTS, rows(new Object[] {"a", "2026-01-01"}), List.of("2026-01-01"), "run1");
        Files.createDirectories(dir.resolve(Warehouse.JOURNAL));
        Path entry = Files.writeString(dir.resolve(Warehouse.JOURNAL + "/run2-daily.json"), "{\"target\": ");
        assertThatThrownBy(wh::recover)
                .isExactlyInstanceOf(java.io.UncheckedIOException.class)
                .hasMessage("Recovering the warehouse " + wh.root() + " failed")
                .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
        // the committed entry is not thrown away (an operator can repair it), and the published day is untouched
        assertThat(entry).exists();
        assertThat(wh.read(EVENTS).select("id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactly("a");
    }


    @Test
    void theNewestVersionsAreKeptTheLinkShowsTheCurrentOneAndAnOldLayoutIsReplaced(@TempDir Path dir)
            throws Exception {
        Warehouse wh = new Warehouse(spark(), dir.toString(), 2);
        DatasetRef mart = DatasetRef.mart("m");
        Path folder = dir.resolve("marts/m");
        // the layout of earlier releases: a committed version folder, and one a killed run left without _SUCCESS
        rows(new Object[] {"old", "2026-01-01"}).write().parquet(folder.resolve("v-20000101000000000-old").toString());
        Files.createDirectories(folder.resolve("v-20000101000000001-killed"));
        Files.writeString(folder.resolve("v-20000101000000001-killed/part-0.parquet"), "half a file");
        assertThat(wh.read(mart).select("id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactly("old");
        for (String id : List.of("a", "b", "c")) {
            wh.publish(mart, rows(new Object[] {id, "2026-01-01"}), "run-" + id);
        }
        // a file a run killed while writing left behind: no version names it
        Files.writeString(folder.resolve("part-99999-killed.zstd.parquet"), "half a file");
        wh.publish(mart, rows(new Object[] {"d", "2026-01-01"}), "run-d");
        assertThat(wh.read(mart).select("id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactly("d");
        // the old layout's folders and the killed file are gone; two versions (c, d) are kept, older ones deleted
        try (var s = Files.list(folder)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("v-"))
                    .doesNotContain("part-99999-killed.zstd.parquet");
        }
        assertThat(spark().read().format("delta").option("versionAsOf", 2).load(folder.toString())
                .select("id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("c");
        // version 1 is still in the log, but its data file was deleted by the prune
        assertThatThrownBy(() -> spark().read().format("delta").option("versionAsOf", 1).load(folder.toString())
                .collectAsList()).hasMessageContaining("FAILED_READ_FILE.FILE_NOT_EXIST")
                .hasRootCauseInstanceOf(java.io.FileNotFoundException.class);
        // the local link shows the current files, for readers that open files directly
        Path current = folder.resolve(DeltaTables.CURRENT_LINK);
        assertThat(Files.readSymbolicLink(current).toString()).isEqualTo("_current-3");
        assertThat(spark().read().parquet(current.toRealPath().toString()).select("id")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("d");
        assertThat(wh.publishedAt(mart)).isNotNull();
        // the bytes of the current version only: not the kept older versions, not the hard links beside them
        long currentBytes;
        try (var s = Files.list(current.toRealPath())) {
            currentBytes = s.mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(wh.bytesOnDisk(mart)).isEqualTo(currentBytes).isPositive();
        // each version says which run wrote it
        assertThat(new DeltaTables(spark(), wh.fs()).note(wh.path(mart))).isEqualTo("run-d");
    }

    @Test
    void aCommittedPartitionSwapThatWasInterruptedIsCompletedByRecover(@TempDir Path dir) throws Exception {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        // the partition folders an earlier release published (before the tables)
        rows(new Object[] {"a", "2026-01-01"}, new Object[] {"b", "2026-01-02"}).write().partitionBy("event_date")
                .parquet(dir.resolve("daily").toString());
        // run2 had written its staging and its journal entry, moved 01-01 aside and was killed before moving the
        // new 01-01 in; 01-02 ends empty; 01-03 is new
        Dataset<Row> next = rows(new Object[] {"c", "2026-01-01"}, new Object[] {"d", "2026-01-03"});
        next.write().partitionBy("event_date").parquet(dir.resolve("_staging/run2/daily").toString());
        Path aside = dir.resolve("_staging/run2/_old/daily");
        Files.createDirectories(aside);
        Files.move(dir.resolve("daily/event_date=2026-01-01"), aside.resolve("event_date=2026-01-01"));
        Files.createDirectories(dir.resolve(Warehouse.JOURNAL));
        Files.writeString(dir.resolve(Warehouse.JOURNAL + "/run2-daily.json"), new com.fasterxml.jackson.databind
                .ObjectMapper().writeValueAsString(new Warehouse.Journal(wh.path(EVENTS).toString(),
                        wh.root() + "/_staging/run2/daily", wh.root() + "/_staging/run2/_old/daily",
                        List.of("event_date=2026-01-01", "event_date=2026-01-02", "event_date=2026-01-03"))));
        // an entry never committed (the rename did not happen) is discarded
        Files.writeString(dir.resolve(Warehouse.JOURNAL + "/.run3-daily.json.tmp"), "{");

        assertThat(wh.recover()).isEqualTo(1);
        assertThat(wh.read(EVENTS).orderBy("id").select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsExactly("c", "d");
        assertThat(dir.resolve(Warehouse.JOURNAL)).isEmptyDirectory();
        assertThat(dir.resolve("_staging")).doesNotExist();
        // recovering again changes nothing
        assertThat(wh.recover()).isZero();
        assertThat(wh.read(EVENTS).count()).isEqualTo(2);
        // the next publish makes the folders a table in place, keeping every other day
        wh.publishPartitions(EVENTS, rows(new Object[] {"e", "2026-01-04"}), List.of("2026-01-04"), "run4");
        assertThat(dir.resolve("daily/_delta_log")).isDirectory();
        assertThat(wh.read(EVENTS).orderBy("id").select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsExactly("c", "d", "e");
        assertThat(wh.partitionValues(EVENTS)).containsExactly("2026-01-01", "2026-01-03", "2026-01-04");
    }

    @Test
    void appendedDatasetsOfTheOldLayoutAreConvertedInPlaceAtTheNextAppend(@TempDir Path dir) throws Exception {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        DatasetRef log = new DatasetRef("_log", DatasetRef.Kind.INTERNAL, "_log", List.of());
        DatasetRef byRun = new DatasetRef("rejects", DatasetRef.Kind.QUARANTINE, "rejects", List.of("id"));
        // what an earlier release appended: flat files, and folders per partition value
        rows(new Object[] {"a", "2026-01-01"}).write().parquet(dir.resolve("_log").toString());
        rows(new Object[] {"r1", "2026-01-01"}).write().partitionBy("id").parquet(dir.resolve("rejects").toString());
        assertThat(wh.read(log).count()).isEqualTo(1);
        wh.append(log, rows(new Object[] {"b", "2026-01-02"}));
        wh.append(byRun, rows(new Object[] {"r2", "2026-01-02"}));
        assertThat(dir.resolve("_log/_delta_log")).isDirectory();
        assertThat(wh.read(log).orderBy("id").select("id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).containsExactly("a", "b");
        assertThat(wh.partitionValues(byRun)).containsExactly("r1", "r2");
        wh.dropPartition(byRun, "r1");
        assertThat(wh.partitionValues(byRun)).containsExactly("r2");
        assertThat(wh.read(byRun).count()).isEqualTo(1);
    }

    @Test
    void missingDatasetHasAClearMessageOrAnEmptyDefault(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        assertThat(wh.read(EVENTS, SCHEMA).count()).isZero();
        assertThat(wh.read(EVENTS, SCHEMA).schema()).isEqualTo(SCHEMA);
        assertThatThrownBy(() -> wh.read(EVENTS))
                .isExactlyInstanceOf(Warehouse.MissingDatasetException.class)
                .hasMessage("Dataset 'daily' does not exist at " + wh.path(EVENTS)
                        + ". Run `xueqing ingest` (or `xueqing nightly`) first.");
        // a mart folder holding only a version that was never committed is missing too
        assertThat(dir.resolve("marts/m/v-20000101000000000-killed").toFile().mkdirs()).isTrue();
        assertThatThrownBy(() -> wh.read(DatasetRef.mart("m")))
                .isExactlyInstanceOf(Warehouse.MissingDatasetException.class)
                .hasMessageStartingWith("Dataset 'm' does not exist at ");
    }
}
