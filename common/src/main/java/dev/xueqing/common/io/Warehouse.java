package dev.xueqing.common.io;

import dev.xueqing.common.schema.Datasets;
import dev.xueqing.common.schema.EventSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The warehouse root and the I/O every job shares: resolve a {@link DatasetRef} to a path, read it, and publish
 * whole datasets or single partitions so that a reader never sees a half-written dataset and a failed or killed
 * run never loses what was already published.
 *
 * <p>Every dataset is a Delta Lake table in its folder ({@link DeltaTables}): a publish is one commit to the table's
 * log, so readers see the version before it or after it, on an object store as on a local disk, and a run killed
 * before its commit leaves only files that no version names (deleted by the next publish). Whole datasets (dims,
 * marts, ingest state) are replaced whole; event partitions are replaced by value; the quarantine and the run log
 * are appended to. The newest {@code keepVersions} versions of each table stay readable; older files are deleted.
 * On a local file system {@code <dataset>/current} links to a folder of hard links to the current files, switched
 * atomically after each commit, for readers that only read Parquet (DuckDB, pandas).
 *
 * <p>Warehouses written by releases before the tables (a version folder {@code v-<time>-<run>/} per publish,
 * event partitions swapped through a journal) stay readable; each dataset becomes a table at its next publish
 * (whole datasets are rewritten, partitioned and appended ones converted in place), and {@link #recover()} still
 * completes a partition swap that such a release left half done.
 */
public final class Warehouse {
    private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);

    /** Prefix of the version folders of the earlier layout (read, and replaced at the next publish). */
    public static final String VERSION_PREFIX = "v-";
    public static final int DEFAULT_KEEP_VERSIONS = 3;
    /** Rows per Parquet file at most (a day of events, a mart): large enough for few files, small enough to split. */
    public static final long MAX_RECORDS_PER_FILE = 2_000_000;
    private static final java.time.format.DateTimeFormatter VERSION_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(java.time.ZoneOffset.UTC);

    private final SparkSession spark;
    private final Path root;
    private final FileSystem fs;
    private final int keepVersions;
    private final DeltaTables delta;

    public Warehouse(SparkSession spark, String rootUri) {
        this(spark, rootUri, DEFAULT_KEEP_VERSIONS);
    }

    /** @param keepVersions committed versions of each whole dataset to keep (at least 1) */
    public Warehouse(SparkSession spark, String rootUri, int keepVersions) {
        if (keepVersions < 1) {
            throw new IllegalArgumentException("keepVersions must be at least 1, was " + keepVersions);
        }
        this.keepVersions = keepVersions;
        this.spark = spark;
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try {
            Path p = new Path(rootUri);
            this.fs = p.getFileSystem(hadoop);
            this.root = fs.makeQualified(p);
            this.delta = new DeltaTables(spark, fs);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open warehouse " + rootUri, e);
        }
    }

    public Path root() {
        return root;
    }

    public FileSystem fs() {
        return fs;
    }

    public SparkSession spark() {
        return spark;
    }

    public Path path(DatasetRef ref) {
        return new Path(root, ref.relative());
    }

    /**
     * The bytes of a dataset's current content: its current version's data files for a table (older versions kept
     * for readers and the {@code current} view's hard links left out), every file under its folder for the old
     * layout; -1 when absent.
     */
    public long bytesOnDisk(DatasetRef ref) {
        DeltaTables.Version table = deltaVersion(ref);
        if (table != null) {
            return table.files().stream().mapToLong(DeltaTables.DataFile::size).sum();
        }
        try {
            Path p = path(ref);
            return fs.exists(p) ? fs.getContentSummary(p).getLength() : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * True when the dataset has been published: a partitioned or appended dataset whose folder exists, or a
     * versioned one with a committed version (or, from releases before versioning, Parquet files in its folder).
     */
    public boolean exists(DatasetRef ref) {
        try {
            if (!fs.exists(path(ref))) {
                return false;
            }
            if (delta.isTable(path(ref))) {
                return true;
            }
            if (!ref.partitions().isEmpty()) {
                return true;
            }
            return currentVersion(ref) != null || hasFlatFiles(ref);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder of the current version of a whole dataset, or null when it has none (not versioned yet). */
    public Path currentVersion(DatasetRef ref) {
        List<Path> committed = versions(ref, true);
        return committed.isEmpty() ? null : committed.get(committed.size() - 1);
    }

    /**
     * When the current version of a whole dataset was published (from its folder name), or, for a dataset of the
     * flat layout of earlier releases, when its newest file was written; null when it was never published.
     */
    public java.time.Instant publishedAt(DatasetRef ref) {
        DeltaTables.Version table = deltaVersion(ref);
        if (table != null) {
            return table.committedAt();
        }
        try {
            Path v = exists(ref) ? currentVersion(ref) : null;
            if (v != null) {
                String stamp = v.getName().substring(VERSION_PREFIX.length(), VERSION_PREFIX.length() + 17);
                return java.time.LocalDateTime.parse(stamp, VERSION_TIME.withZone(null))
                        .toInstant(java.time.ZoneOffset.UTC);
            }
            if (!exists(ref)) {
                return null;
            }
            long newest = 0;
            for (FileStatus st : fs.listStatus(path(ref))) {
                newest = Math.max(newest, st.getModificationTime());
            }
            return java.time.Instant.ofEpochMilli(newest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * When the current version of a whole dataset was committed, by the file system's clock (the modification time
     * of its {@code _SUCCESS} marker), comparable with {@link #partitionsWrittenAt}; null when it has no version.
     */
    public java.time.Instant committedAt(DatasetRef ref) {
        DeltaTables.Version table = deltaVersion(ref);
        if (table != null) {
            return table.committedAt();
        }
        try {
            Path v = exists(ref) ? currentVersion(ref) : null;
            return v == null ? null
                    : java.time.Instant.ofEpochMilli(fs.getFileStatus(new Path(v, "_SUCCESS")).getModificationTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each partition of a partitioned dataset (value of its partition column) with the newest modification time of
     * its data files, by the file system's clock. A partition replaced by {@link #publishPartitions} carries the
     * time its files were written, so comparing with {@link #committedAt} of a mart tells which partitions changed
     * since that mart was built.
     */
    public java.util.SortedMap<String, java.time.Instant> partitionsWrittenAt(DatasetRef ref) {
        java.util.SortedMap<String, java.time.Instant> out = new java.util.TreeMap<>();
        if (ref.partitions().isEmpty()) {
            throw new IllegalArgumentException(ref.name() + " is not partitioned");
        }
        String prefix = ref.partitions().get(0) + "=";
        DeltaTables.Version table = deltaVersion(ref);
        if (table != null) {
            for (DeltaTables.DataFile f : table.files()) {
                out.merge(f.partition().get(ref.partitions().get(0)), f.modified(), (a, b) -> a.isAfter(b) ? a : b);
            }
            return out;
        }
        try {
            if (!fs.exists(path(ref))) {
                return out;
            }
            var files = fs.listFiles(path(ref), true);
            while (files.hasNext()) {
                var f = files.next();
                String part = f.getPath().getParent().getName();
                String name = f.getPath().getName();
                if (!part.startsWith(prefix) || name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                java.time.Instant t = java.time.Instant.ofEpochMilli(f.getModificationTime());
                out.merge(part.substring(prefix.length()), t, (a, b) -> a.isAfter(b) ? a : b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Writes a small text file into the current version of a whole dataset (build notes beside the data). */
    public void writeVersionNote(DatasetRef ref, String name, String text) {
        DeltaTables.Version table = deltaVersion(ref);
        if (table != null) {
            Path note = new Path(path(ref), NOTES + "/" + table.version() + "-" + name);
            try (var out = fs.create(note, true)) {
                out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("Writing " + name + " of " + ref.name() + " failed", e);
            }
            return;
        }
        Path v = currentVersion(ref);
        if (v == null) {
            throw new IllegalStateException(ref.name() + " has no published version");
        }
        try (var out = fs.create(new Path(v, "_" + name), true)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Writing " + name + " into " + v + " failed", e);
        }
    }

    /** The text of a note written by {@link #writeVersionNote} into the current version, or null. */
    public String readVersionNote(DatasetRef ref, String name) {
        try {
            DeltaTables.Version table = deltaVersion(ref);
            if (table != null) {
                Path note = new Path(path(ref), NOTES + "/" + table.version() + "-" + name);
                if (!fs.exists(note)) {
                    return null;
                }
                try (var in = fs.open(note)) {
                    return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            Path v = exists(ref) ? currentVersion(ref) : null;
            if (v == null || !fs.exists(new Path(v, "_" + name))) {
                return null;
            }
            try (var in = fs.open(new Path(v, "_" + name))) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Version folders of a dataset in publishing order; only committed ones (with _SUCCESS) when asked. */
    public List<Path> versions(DatasetRef ref, boolean committedOnly) {
        List<Path> out = new ArrayList<>();
        try {
            Path dir = path(ref);
            if (!fs.exists(dir)) {
                return out;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                if (st.isDirectory() && st.getPath().getName().startsWith(VERSION_PREFIX)
                        && (!committedOnly || fs.exists(new Path(st.getPath(), "_SUCCESS")))) {
                    out.add(st.getPath());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(java.util.Comparator.comparing(Path::getName));
        return out;
    }

    private boolean hasFlatFiles(DatasetRef ref) throws IOException {
        for (FileStatus st : fs.listStatus(path(ref))) {
            if (st.isFile() && st.getPath().getName().endsWith(".parquet")) {
                return true;
            }
        }
        return false;
    }

    /** Reads a published dataset; when it does not exist yet, an empty Dataset with the given schema. */
    public Dataset<Row> read(DatasetRef ref, StructType schemaIfMissing) {
        if (!exists(ref)) {
            return spark.createDataFrame(new ArrayList<Row>(), schemaIfMissing);
        }
        return load(ref);
    }

    /**
     * Spark ignores input folders whose name starts with '_' (as it does _SUCCESS files), so unpartitioned
     * datasets are read through a glob of their Parquet files (in the current version folder, or in the dataset's
     * own folder for appended datasets such as {@code _runs}). Events and object observations are read
     * with their canonical schemas, so files written before a column was added read that column as null (the
     * observations' {@code skills}).
     */
    private Dataset<Row> load(DatasetRef ref) {
        if (delta.isTable(path(ref))) {
            StructType canonical = DatasetRef.EVENTS.equals(ref) ? EventSchema.SCHEMA
                    : DatasetRef.OBJECT_OBSERVATIONS.equals(ref) ? Datasets.OBJECT_OBSERVATIONS : null;
            return delta.read(path(ref), canonical);
        }
        var reader = spark.read();
        if (DatasetRef.EVENTS.equals(ref)) {
            reader = reader.schema(EventSchema.SCHEMA);
        } else if (DatasetRef.OBJECT_OBSERVATIONS.equals(ref)) {
            reader = reader.schema(Datasets.OBJECT_OBSERVATIONS);
        }
        if (!ref.partitions().isEmpty()) {
            return reader.parquet(path(ref).toString());
        }
        Path dir = currentVersion(ref);
        dir = dir != null ? dir : path(ref);
        if (!DatasetRef.OBJECT_OBSERVATIONS.equals(ref)) { // events are partitioned: read above
            org.apache.spark.sql.types.StructType written = writtenSchema(dir);
            if (written != null) {
                reader = reader.schema(written);
            }
        }
        return reader.parquet(dir + "/*.parquet");
    }

    /**
     * The schema Spark wrote into the footer of a Parquet file of the folder (the first by name), or null when
     * there is none: Spark would otherwise infer it with a Spark job of its own, on every read of a mart or dim.
     */
    private org.apache.spark.sql.types.StructType writtenSchema(Path dir) {
        try {
            org.apache.hadoop.fs.FileStatus[] files = fs.listStatus(dir, p -> p.getName().endsWith(".parquet"));
            if (files.length == 0) {
                return null;
            }
            java.util.Arrays.sort(files);
            String json = footer(files[0]).getFileMetaData().getKeyValueMetaData()
                    .get("org.apache.spark.sql.parquet.row.metadata");
            return json == null ? null
                    : (org.apache.spark.sql.types.StructType) org.apache.spark.sql.types.DataType.fromJson(json);
        } catch (IOException | RuntimeException e) {
            LOG.debug("no written schema in {}: {}", dir, e.toString());
            return null;
        }
    }

    /** Reads a published dataset, failing with a clear message when it is missing. */
    public Dataset<Row> read(DatasetRef ref) {
        if (!exists(ref)) {
            throw new MissingDatasetException(ref, path(ref));
        }
        return load(ref);
    }

    /**
     * Replaces the whole dataset by committing a new version of its Delta table (see the class comment): readers see
     * the previous version until the commit, so a failed or killed write leaves it untouched. A dataset still in the
     * version folders of earlier releases becomes a table here; its old folders are deleted once the table has
     * committed. Returns the rows of the new version.
     */
    public long publish(DatasetRef ref, Dataset<Row> data, String runId) {
        if (!ref.partitions().isEmpty()) {
            throw new IllegalArgumentException(ref.name() + " is partitioned: publish its partitions");
        }
        long rows = delta.overwrite(path(ref), FaultPoints.haltWhileWriting(data, "publish-writing:" + ref.name()),
                runId);
        FaultPoints.reached("publish-committed:" + ref.name());
        afterCommit(ref);
        LOG.debug("published {} ({} rows)", ref.name(), rows);
        return rows;
    }

    /**
     * After a commit: the old layout's version folders go, the local {@code current} view is switched to the new
     * version, and files (and notes) no longer in the newest {@code keepVersions} versions are deleted.
     */
    private void afterCommit(DatasetRef ref) {
        Path dir = path(ref);
        try {
            for (Path legacy : versions(ref, false)) {
                fs.delete(legacy, true);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the old version folders of {}: {}", ref.name(), e.getMessage());
        }
        try {
            delta.linkCurrent(dir);
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("Could not link {}/{} to the current files: {} (readers through xueqing or Delta are not "
                    + "affected)", dir, DeltaTables.CURRENT_LINK, e.getMessage());
        }
        try {
            delta.prune(dir, keepVersions);
        } catch (java.io.UncheckedIOException e) {
            LOG.warn("Could not delete the old files of {}: {} (the next publish tries again)", ref.name(),
                    e.getMessage());
        }
        DeltaTables.Version v = delta.current(dir);
        try {
            Path notes = new Path(dir, NOTES);
            if (v != null && fs.exists(notes)) {
                for (FileStatus st : fs.listStatus(notes)) {
                    String n = st.getPath().getName();
                    int dash = n.indexOf('-');
                    if (dash > 0 && Long.parseLong(n.substring(0, dash)) <= v.version() - keepVersions) {
                        fs.delete(st.getPath(), false);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Could not prune the notes of {}: {}", ref.name(), e.getMessage());
        }
    }

    /** Folder of a table's build notes ({@link #writeVersionNote}), one file per version and name. */
    static final String NOTES = "_notes";

    /**
     * What names the current state of a dataset: its Delta table's version with that version's commit time (so that
     * a table deleted and made again does not repeat an earlier name), or null when the dataset is absent or in the
     * old layout. Equal names mean equal contents.
     */
    public String stateOf(DatasetRef ref) {
        DeltaTables.Version v = deltaVersion(ref);
        return v == null ? null : v.version() + "@" + v.committedAt().toEpochMilli();
    }

    /** The current version of a dataset kept as a Delta table, or null (no table: absent, or the old layout). */
    private DeltaTables.Version deltaVersion(DatasetRef ref) {
        return delta.current(path(ref));
    }

    /**
     * A dataset of the old layout (partition folders or appended files without a commit log) becomes a Delta
     * table in place, by one commit naming its files; nothing is copied.
     */
    private void convertIfNeeded(DatasetRef ref, StructType schema) {
        Path dir = path(ref);
        try {
            if (!fs.exists(dir) || delta.isTable(dir) || !hasParquet(dir)) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String partitions = ref.partitions().stream()
                .map(c -> "`" + c + "` " + schema.apply(c).dataType().sql()).collect(java.util.stream.Collectors.joining(", "));
        String table = "parquet.`" + dir + "`";
        LOG.info("Converting {} to a Delta table in place", ref.name());
        if (partitions.isEmpty()) {
            io.delta.tables.DeltaTable.convertToDelta(spark, table);
        } else {
            io.delta.tables.DeltaTable.convertToDelta(spark, table, partitions);
        }
    }

    private boolean hasParquet(Path dir) throws IOException {
        var files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            if (files.next().getPath().getName().endsWith(".parquet")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Replaces only the partitions present in {@code data} (values of the single partition column), leaving every
     * other partition as it was. {@code partitionValues} names the partitions to replace, including ones that end up
     * empty (they are removed). One Delta commit: a run killed before it leaves the published partitions untouched,
     * one killed after it has published them all. A dataset still in the old layout (partition folders) becomes a
     * table first.
     */
    public void publishPartitions(DatasetRef ref, Dataset<Row> data, Collection<String> partitionValues, String runId) {
        if (ref.partitions().size() != 1) {
            throw new IllegalArgumentException(ref.name() + " is not partitioned by one column");
        }
        String col = ref.partitions().get(0);
        convertIfNeeded(ref, data.schema());
        // one task per partition value: one file per day (split past MAX_RECORDS_PER_FILE) instead of one per
        // task and day, which at scale means thousands of small files for every reader to open
        Dataset<Row> byPartition = data.repartition(org.apache.spark.sql.functions.col(col));
        delta.replacePartitions(path(ref), col,
                FaultPoints.haltWhileWriting(byPartition, "publish-partitions-writing:" + ref.name()),
                partitionValues, runId);
        FaultPoints.reached("publish-partitions-committed");
        afterCommit(ref);
    }

    /** Folder of committed partition swaps not yet completed (see {@link #publishPartitions}). */
    public static final String JOURNAL = "_journal";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** One committed partition swap: move each of {@code dirs} from {@code target} aside, then from staging in. */
    public record Journal(String target, String staging, String aside, List<String> dirs) {}

    /** Applies a journal entry; idempotent, so that it can be repeated after a crash at any step. */
    private void apply(Journal j) throws IOException {
        Path target = new Path(j.target());
        Path staging = new Path(j.staging());
        Path aside = new Path(j.aside());
        fs.mkdirs(target);
        fs.mkdirs(aside);
        int moved = 0;
        for (String dir : j.dirs()) {
            Path old = new Path(target, dir);
            Path fresh = new Path(staging, dir);
            Path asideDir = new Path(aside, dir);
            boolean freshWaiting = fs.exists(fresh);
            // the old content is moved aside unless this partition was already swapped (fresh gone, aside taken)
            if (fs.exists(old) && (freshWaiting || !fs.exists(asideDir))) {
                if (fs.exists(asideDir)) {
                    fs.delete(asideDir, true);
                }
                if (!fs.rename(old, asideDir)) {
                    throw new IOException("Cannot move " + old + " aside");
                }
            }
            if (freshWaiting && !fs.rename(fresh, old)) {
                throw new IOException("Cannot move " + fresh + " into " + target);
            }
            if (++moved == 1) {
                FaultPoints.reached("publish-partitions-first-swap");
            }
        }
    }

    /**
     * Completes the partition swaps that a killed run had committed (journal entries) and removes staging folders
     * that no committed swap needs. Call at the start of a run, holding the warehouse lock. Returns the number of
     * swaps completed.
     */
    public int recover() {
        int completed = 0;
        try {
            Path journal = new Path(root, JOURNAL);
            if (fs.exists(journal)) {
                for (FileStatus st : fs.listStatus(journal)) {
                    String n = st.getPath().getName();
                    if (n.startsWith(".")) {
                        fs.delete(st.getPath(), false); // a journal entry never committed
                        continue;
                    }
                    Journal j;
                    try (var in = fs.open(st.getPath())) {
                        j = JSON.readValue((java.io.InputStream) in, Journal.class);
                    }
                    apply(j);
                    fs.delete(st.getPath(), false);
                    completed++;
                    LOG.warn("Completed the partition swap of an interrupted run ({}): {} partition(s) of {}", n,
                            j.dirs().size(), j.target());
                }
            }
            Path staging = new Path(root, "_staging");
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Recovering the warehouse " + root + " failed", e);
        }
        return completed;
    }

    /** Deletes one partition of a partitioned dataset, in one commit (a run lock must be held). */
    public void dropPartition(DatasetRef ref, String value) {
        if (delta.isTable(path(ref))) {
            delta.deletePartitions(path(ref), ref.partitions().get(0), List.of(value));
            afterCommit(ref);
            return;
        }
        try {
            fs.delete(new Path(path(ref), ref.partitions().get(0) + "=" + value), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete partition " + value + " of " + ref.name(), e);
        }
    }

    /** Values of a partition column that exist (e.g. event_date=2026-11-27 gives 2026-11-27), sorted. */
    public List<String> partitionValues(DatasetRef ref) {
        DeltaTables.Version table = deltaVersion(ref);
        if (table != null) {
            return table.files().stream().map(f -> f.partition().get(ref.partitions().get(0)))
                    .filter(java.util.Objects::nonNull).distinct().sorted().toList();
        }
        List<String> out = new ArrayList<>();
        try {
            if (!exists(ref)) {
                return out;
            }
            String prefix = ref.partitions().get(0) + "=";
            for (FileStatus st : fs.listStatus(path(ref))) {
                String n = st.getPath().getName();
                if (st.isDirectory() && n.startsWith(prefix)) {
                    out.add(n.substring(prefix.length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /** Appends rows in one commit (quarantine, runs); a dataset still in the old layout becomes a table first. */
    public void append(DatasetRef ref, Dataset<Row> data) {
        convertIfNeeded(ref, data.schema());
        delta.append(path(ref), data, ref.partitions());
        afterCommit(ref);
    }

    /** The footer (schema, key-value metadata, row groups) of one Parquet file, read on the driver. */
    private org.apache.parquet.hadoop.metadata.ParquetMetadata footer(org.apache.hadoop.fs.FileStatus file)
            throws IOException {
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromStatus(file, fs.getConf()))) {
            return reader.getFooter();
        }
    }

    /**
     * A folder for this run's intermediate results ({@code _staging/<run>.scratch}): not published, kept when one
     * job of the run fails ({@link #cleanStaging} leaves it), removed by {@link #cleanScratch} when the run's jobs
     * are done and by {@link #recover} after a killed run.
     */
    public Path scratchPath(String runId) {
        return new Path(root, "_staging/" + runId + ".scratch");
    }

    /** Deletes this run's scratch folder. */
    public void cleanScratch(String runId) {
        deleteQuietly(scratchPath(runId), "scratch folder of run " + runId);
    }

    /** Deletes this run's staging folder (after a failure). */
    public void cleanStaging(String runId) {
        deleteQuietly(new Path(root, "_staging/" + runId), "staging folder of run " + runId);
    }

    private void deleteQuietly(Path dir, String what) {
        try {
            fs.delete(dir, true);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", what, e.getMessage());
        }
    }

    /** Thrown when a job needs a dataset that no run has published yet. */
    public static final class MissingDatasetException extends RuntimeException {
        public MissingDatasetException(DatasetRef ref, Path path) {
            super("Dataset '" + ref.name() + "' does not exist at " + path
                    + ". Run `xueqing ingest` (or `xueqing nightly`) first.");
        }
    }
}
