package dev.xueqing.common.io;

import dev.xueqing.common.schema.EventSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
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
 * whole datasets or single partitions by writing to a staging folder first and then renaming into place, so that
 * a failed write never touches what was already published.
 */
public final class Warehouse {
    private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);

    private final SparkSession spark;
    private final Path root;
    private final FileSystem fs;

    public Warehouse(SparkSession spark, String rootUri) {
        this.spark = spark;
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try {
            Path p = new Path(rootUri);
            this.fs = p.getFileSystem(hadoop);
            this.root = fs.makeQualified(p);
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

    /** True when the dataset has been published (a _SUCCESS marker or any Parquet file under it). */
    public boolean exists(DatasetRef ref) {
        try {
            return fs.exists(path(ref));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
     * datasets are read through a glob of their Parquet files, which also works for {@code _runs}. Events are read
     * with the canonical schema, so partitions written before a column was added read that column as null.
     */
    private Dataset<Row> load(DatasetRef ref) {
        String p = path(ref).toString();
        var reader = spark.read();
        if (DatasetRef.EVENTS.equals(ref)) {
            reader = reader.schema(EventSchema.SCHEMA);
        }
        return reader.parquet(ref.partitions().isEmpty() ? p + "/*.parquet" : p);
    }

    /** Reads a published dataset, failing with a clear message when it is missing. */
    public Dataset<Row> read(DatasetRef ref) {
        if (!exists(ref)) {
            throw new MissingDatasetException(ref, path(ref));
        }
        return load(ref);
    }

    /**
     * Replaces the whole dataset: writes to {@code _staging/<runId>/<name>}, then moves the old folder aside and the
     * new one into place, then deletes the old. A failure before the move leaves the old dataset untouched.
     */
    public long publish(DatasetRef ref, Dataset<Row> data, String runId) {
        Path staging = stagingPath(runId, ref);
        Dataset<Row> out = data;
        var writer = out.write().mode(SaveMode.Overwrite).option("compression", "zstd");
        if (!ref.partitions().isEmpty()) {
            writer = writer.partitionBy(ref.partitions().toArray(String[]::new));
        }
        writer.parquet(staging.toString());
        swap(staging, path(ref), runId);
        return countPublished(ref);
    }

    /**
     * Replaces only the partitions present in {@code data} (values of the single partition column), leaving every
     * other partition as it was. {@code partitionValues} names the partitions to replace, including ones that end up
     * empty (they are removed).
     */
    public void publishPartitions(DatasetRef ref, Dataset<Row> data, Collection<String> partitionValues, String runId) {
        if (ref.partitions().size() != 1) {
            throw new IllegalArgumentException(ref.name() + " is not partitioned by one column");
        }
        String col = ref.partitions().get(0);
        Path staging = stagingPath(runId, ref);
        data.write().mode(SaveMode.Overwrite).option("compression", "zstd").partitionBy(col).parquet(staging.toString());
        Path target = path(ref);
        try {
            fs.mkdirs(target);
            Path trash = new Path(root, "_staging/" + runId + "/_old/" + ref.name());
            fs.mkdirs(trash);
            for (String value : partitionValues) {
                String dir = col + "=" + value;
                Path old = new Path(target, dir);
                Path fresh = new Path(staging, dir);
                if (fs.exists(old) && !fs.rename(old, new Path(trash, dir))) {
                    throw new IOException("Cannot move " + old + " aside");
                }
                if (fs.exists(fresh) && !fs.rename(fresh, new Path(target, dir))) {
                    throw new IOException("Cannot move " + fresh + " into " + target);
                }
            }
            fs.delete(new Path(root, "_staging/" + runId), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Publishing partitions of " + ref.name() + " failed", e);
        }
    }

    /** Appends rows as new files (quarantine, runs). */
    public void append(DatasetRef ref, Dataset<Row> data) {
        var writer = data.write().mode(SaveMode.Append).option("compression", "zstd");
        if (!ref.partitions().isEmpty()) {
            writer = writer.partitionBy(ref.partitions().toArray(String[]::new));
        }
        writer.parquet(path(ref).toString());
    }

    /** Values of a partition column that exist on disk (e.g. event_date=2026-11-27 gives 2026-11-27). */
    public List<String> partitionValues(DatasetRef ref) {
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

    private Path stagingPath(String runId, DatasetRef ref) {
        return new Path(root, "_staging/" + runId + "/" + ref.name());
    }

    private void swap(Path staging, Path target, String runId) {
        try {
            Path parent = target.getParent();
            fs.mkdirs(parent);
            Path old = new Path(root, "_staging/" + runId + "/_old/" + target.getName());
            if (fs.exists(target)) {
                fs.mkdirs(old.getParent());
                if (!fs.rename(target, old)) {
                    throw new IOException("Cannot move " + target + " aside");
                }
            }
            if (!fs.rename(staging, target)) {
                // put the old one back so that readers still find it
                if (fs.exists(old)) {
                    fs.rename(old, target);
                }
                throw new IOException("Cannot move " + staging + " to " + target);
            }
            fs.delete(old, true);
            LOG.debug("published {}", target);
        } catch (IOException e) {
            throw new UncheckedIOException("Publishing " + target + " failed", e);
        }
    }

    private long countPublished(DatasetRef ref) {
        return load(ref).count();
    }

    /** Deletes this run's staging folder (after a failure). */
    public void cleanStaging(String runId) {
        try {
            fs.delete(new Path(root, "_staging/" + runId), true);
        } catch (IOException e) {
            LOG.warn("Could not delete staging folder of run {}: {}", runId, e.getMessage());
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
