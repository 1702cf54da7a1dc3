package dev.xueqing.common.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.utils.CloseableIterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Datasets kept as Delta Lake tables: each change (a whole new content, some partitions replaced, rows appended) is
 * one commit, a file put into the table's {@code _delta_log/} that names the Parquet files added and removed. A
 * reader takes the newest commit and reads exactly the files it names, so it sees the table before or after a
 * change, never half of one, on an object store as on a local disk; a writer killed before its commit leaves only
 * files no commit names.
 *
 * <p>Writes go through Delta's Spark data source. Reads list the current files with Delta Kernel on the driver
 * (the log is a few small files) and hand them to Spark's Parquet reader: Delta's Spark reader reconstructs the
 * table's state with Spark jobs of its own on every read, three per read of a small table, which a nightly that
 * reads some forty tables would pay for nothing (measured in docs/storage.md).
 *
 * <p>Files a commit removed stay on disk for the readers that started before it, until {@link #vacuum} deletes
 * those older than the retention. On a local file system {@link #linkCurrent} keeps a folder of links to the
 * current files, {@code <table>/current}, for readers that only read Parquet (DuckDB's {@code read_parquet},
 * pandas).
 */
public final class DeltaTables {
    /** The folder of a table's commits. */
    public static final String LOG = "_delta_log";
    /** The link, in a table's folder on a local disk, to a folder of links to its current files. */
    public static final String CURRENT_LINK = "current";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One data file of the current version: where it is, its size, when written, its partition values. */
    public record DataFile(Path path, long size, Instant modified, Map<String, String> partition) {}

    /** The current version of a table: its number, commit time, schema, partition columns and files. */
    public record Version(long version, Instant committedAt, StructType schema, List<String> partitionColumns,
                          List<DataFile> files) {}

    private final SparkSession spark;
    private final FileSystem fs;
    private final Engine engine;

    public DeltaTables(SparkSession spark, FileSystem fs) {
        this.spark = spark;
        this.fs = fs;
        this.engine = DefaultEngine.create(fs.getConf());
    }

    /** True when the folder holds a Delta table (a commit log). */
    public boolean isTable(Path table) {
        try {
            return fs.exists(new Path(table, LOG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The current version of the table, or null when there is none. */
    public Version current(Path table) {
        if (!isTable(table)) {
            return null;
        }
        Snapshot snapshot;
        try {
            snapshot = Table.forPath(engine, table.toString()).getLatestSnapshot(engine);
        } catch (TableNotFoundException e) {
            return null;
        }
        StructType schema = (StructType) DataType.fromJson(snapshot.getMetadata().getSchemaString());
        List<DataFile> files = new ArrayList<>(files(snapshot, table));
        files.sort(java.util.Comparator.comparing(f -> f.path().toString()));
        return new Version(snapshot.getVersion(), Instant.ofEpochMilli(snapshot.getTimestamp(engine)), schema,
                List.copyOf(snapshot.getPartitionColumnNames()), List.copyOf(files));
    }

    /** The data files a snapshot names, with their partition values. */
    private List<DataFile> files(Snapshot snapshot, Path table) {
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> batches =
                     snapshot.getScanBuilder().build().getScanFiles(engine)) {
            while (batches.hasNext()) {
                try (CloseableIterator<io.delta.kernel.data.Row> rows = batches.next().getRows()) {
                    while (rows.hasNext()) {
                        io.delta.kernel.data.Row row = rows.next();
                        if (InternalScanFileUtils.getDeletionVectorDescriptorFromRow(row) != null) {
                            // a file with rows deleted in place: its Parquet alone is not the table's content
                            throw new IllegalStateException("Table " + table + " has deletion vectors, which "
                                    + "Xueqing does not write; read it with a Delta reader");
                        }
                        io.delta.kernel.utils.FileStatus st = InternalScanFileUtils.getAddFileStatus(row);
                        files.add(new DataFile(new Path(st.getPath()), st.getSize(),
                                Instant.ofEpochMilli(st.getModificationTime()),
                                Map.copyOf(InternalScanFileUtils.getPartitionValues(row))));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Listing the files of " + table + " failed", e);
        }
        return files;
    }

    /**
     * The current content of the table, read by Spark's Parquet reader from exactly the files of the current
     * version (partition values from the folder names, typed by the table's schema); null when there is no table.
     */
    public Dataset<Row> read(Path table) {
        return read(table, null);
    }

    /**
     * As {@link #read(Path)}, with the columns of {@code schema} when given (a canonical schema: columns the files
     * lack read as null) instead of the table's.
     */
    public Dataset<Row> read(Path table, StructType schema) {
        Version v = current(table);
        if (v == null) {
            return null;
        }
        StructType columns = schema != null ? schema : v.schema();
        if (v.files().isEmpty()) {
            return spark.createDataFrame(new ArrayList<Row>(), columns);
        }
        String[] paths = v.files().stream().map(f -> f.path().toString()).toArray(String[]::new);
        return spark.read().schema(columns).option("basePath", table.toString()).parquet(paths)
                .select(java.util.Arrays.stream(columns.fieldNames()).map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new));
    }

    /**
     * Replaces the whole content of the table in one commit (creating the table when there is none), with the
     * data's schema. {@code note} is kept with the commit (see {@link #note}). Returns the rows written.
     */
    public long overwrite(Path table, Dataset<Row> data, String note) {
        var writer = data.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true")
                .option("compression", "zstd").option("maxRecordsPerFile", Warehouse.MAX_RECORDS_PER_FILE);
        if (note != null) {
            writer = writer.option("userMetadata", note);
        }
        writer.save(table.toString());
        return rowsOfLastCommit(table);
    }

    /**
     * Replaces the partitions named by {@code values} of the table's one partition column with the rows of
     * {@code data} (which must all fall in them), in one commit; a named partition without rows ends up empty,
     * partitions not named are left as they are. Creates the table, partitioned by {@code column}, when there is
     * none. Returns the rows written.
     */
    public long replacePartitions(Path table, String column, Dataset<Row> data, Collection<String> values) {
        return replacePartitions(table, column, data, values, null);
    }

    /** As {@link #replacePartitions(Path, String, Dataset, Collection)}, with a note kept with the commit. */
    public long replacePartitions(Path table, String column, Dataset<Row> data, Collection<String> values,
                                  String note) {
        boolean exists = isTable(table);
        if (exists && values.isEmpty()) {
            return 0;
        }
        // a column added to the data's schema (a newer release) joins the table's schema
        var writer = data.write().format("delta").option("compression", "zstd").option("mergeSchema", "true")
                .option("maxRecordsPerFile", Warehouse.MAX_RECORDS_PER_FILE);
        if (note != null) {
            writer = writer.option("userMetadata", note);
        }
        if (exists) {
            DataType type = data.schema().apply(column).dataType();
            writer = writer.mode(SaveMode.Overwrite).option("replaceWhere", inPartitions(column, type, values));
        } else {
            writer = writer.mode(SaveMode.ErrorIfExists).partitionBy(column);
        }
        writer.save(table.toString());
        return rowsOfLastCommit(table);
    }

    /** Appends the rows in one commit, creating the table (partitioned by {@code partitionBy}) when there is none. */
    public void append(Path table, Dataset<Row> data, List<String> partitionBy) {
        var writer = data.write().format("delta").mode(SaveMode.Append).option("compression", "zstd")
                .option("mergeSchema", "true");
        if (!isTable(table) && !partitionBy.isEmpty()) {
            writer = writer.partitionBy(partitionBy.toArray(String[]::new));
        }
        writer.save(table.toString());
    }

    /** Deletes the named partitions of the table's one partition column, in one commit. */
    public void deletePartitions(Path table, String column, Collection<String> values) {
        Version v = current(table);
        if (v == null || values.isEmpty()) {
            return;
        }
        DataType type = v.schema().apply(column).dataType();
        io.delta.tables.DeltaTable.forPath(spark, table.toString()).delete(inPartitions(column, type, values));
    }

    /**
     * Deletes the data files that none of the newest {@code keepVersions} versions names: files that later commits
     * replaced or removed, and files of writes that never committed (a killed run). Readers of those versions can
     * still finish; older versions can no longer be read (as after Delta's own vacuum, which keeps files by age and
     * lists the table with Spark jobs: seconds per table here, for what the log already says). Files and folders
     * whose names start with '_' or '.' (the log, the links of {@link #linkCurrent}, checksums) and the
     * {@code current} link are left alone.
     * The caller holds the warehouse lock, so no other writer is between writing files and committing them.
     * Returns the files deleted.
     */
    public int prune(Path table, int keepVersions) {
        Version v = current(table);
        if (v == null) {
            return 0;
        }
        java.util.Set<String> keep = new java.util.HashSet<>();
        Table t = Table.forPath(engine, table.toString());
        for (long version = Math.max(0, v.version() - keepVersions + 1); version <= v.version(); version++) {
            for (DataFile f : version == v.version() ? v.files() : files(t.getSnapshotAsOfVersion(engine, version),
                    table)) {
                keep.add(fs.makeQualified(f.path()).toUri().getPath());
            }
        }
        int deleted = 0;
        try {
            java.util.ArrayDeque<Path> dirs = new java.util.ArrayDeque<>(List.of(table));
            while (!dirs.isEmpty()) {
                for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dirs.pop())) {
                    String n = st.getPath().getName();
                    if (n.startsWith("_") || n.startsWith(".") || n.equals(CURRENT_LINK)) {
                        continue;
                    }
                    if (st.isDirectory()) {
                        dirs.push(st.getPath());
                    } else if (!keep.contains(fs.makeQualified(st.getPath()).toUri().getPath())
                            && fs.delete(st.getPath(), false)) {
                        deleted++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Pruning the files of " + table + " failed", e);
        }
        return deleted;
    }

    /** The note given with the commit of the current version, or null. */
    public String note(Path table) {
        JsonNode info = lastCommitInfo(table);
        JsonNode n = info == null ? null : info.get("userMetadata");
        return n == null || n.isNull() ? null : n.asText();
    }

    /** {@code column IN (values)} as a Delta predicate, each value a literal of the column's type. */
    static String inPartitions(String column, DataType type, Collection<String> values) {
        return "`" + column.replace("`", "``") + "` IN (" + values.stream()
                .map(v -> "CAST('" + v.replace("\\", "\\\\").replace("'", "\\'") + "' AS "
                        + type.sql().toLowerCase(Locale.ROOT) + ")")
                .collect(Collectors.joining(", ")) + ")";
    }

    /** The rows the last commit added, from its operation metrics (written by Delta's Spark writer). */
    private long rowsOfLastCommit(Path table) {
        JsonNode info = lastCommitInfo(table);
        JsonNode rows = info == null ? null : info.path("operationMetrics").get("numOutputRows");
        return rows == null ? -1 : Long.parseLong(rows.asText());
    }

    /** The {@code commitInfo} action of the newest commit file, read as the Delta protocol writes it. */
    private JsonNode lastCommitInfo(Path table) {
        try {
            Path log = new Path(table, LOG);
            if (!fs.exists(log)) {
                return null;
            }
            long newest = -1;
            for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(log)) {
                String n = st.getPath().getName();
                if (n.matches("\\d{20}\\.json")) {
                    newest = Math.max(newest, Long.parseLong(n.substring(0, 20)));
                }
            }
            if (newest < 0) {
                return null;
            }
            Path commit = new Path(log, String.format(Locale.ROOT, "%020d.json", newest));
            try (InputStream in = fs.open(commit)) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode action = JSON.readTree(line);
                    if (action.has("commitInfo")) {
                        return action.get("commitInfo");
                    }
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the commit log of " + table + " failed", e);
        }
    }

    /**
     * On a local file system, points {@code <table>/current} at a new folder {@code _current-<version>} of hard links to
     * the files of the current version, laid out as in the table (partition folders included), by renaming a new
     * link over the old one: a reader that lists {@code current/} sees one version's files, never a mix. Older link
     * folders are deleted. Elsewhere (HDFS, S3) it does nothing: readers there read the table.
     */
    public void linkCurrent(Path table) {
        if (!"file".equals(table.toUri().getScheme())) {
            return;
        }
        Version v = current(table);
        if (v == null) {
            return;
        }
        java.nio.file.Path dir = java.nio.file.Path.of(table.toUri());
        String name = "_current-" + v.version();
        java.nio.file.Path links = dir.resolve(name);
        try {
            deleteTree(links);
            java.nio.file.Files.createDirectories(links);
            for (DataFile f : v.files()) {
                java.nio.file.Path target = java.nio.file.Path.of(f.path().toUri());
                java.nio.file.Path rel = dir.relativize(target);
                java.nio.file.Path link = links.resolve(rel);
                java.nio.file.Files.createDirectories(link.getParent());
                // a hard link: a plain file to every reader, and its bytes outlive a vacuum of the original
                java.nio.file.Files.createLink(link, target);
            }
            java.nio.file.Path tmp = dir.resolve(name + ".link");
            java.nio.file.Files.deleteIfExists(tmp);
            java.nio.file.Files.createSymbolicLink(tmp, java.nio.file.Path.of(name));
            java.nio.file.Files.move(tmp, dir.resolve(CURRENT_LINK), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (var old = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path p : old.toList()) {
                    String n = p.getFileName().toString();
                    if (n.startsWith("_current-") && !n.equals(name) && !n.endsWith(".link")) {
                        deleteTree(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Linking the current files of " + table + " failed", e);
        }
    }

    private static void deleteTree(java.nio.file.Path p) throws IOException {
        if (!java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(p)) {
            for (java.nio.file.Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(q);
            }
        }
    }
}
