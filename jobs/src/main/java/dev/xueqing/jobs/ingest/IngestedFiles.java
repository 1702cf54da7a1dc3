package dev.xueqing.jobs.ingest;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.Datasets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The ledger of input files already ingested ({@code _state/ingested_files}), which makes {@code nightly}
 * incremental. A file is <em>unchanged</em> when the ledger has it (same tenant and path) with the same size and
 * modification time, or, if those differ, with the same SHA-256 of its bytes (a copy or a touch); it is
 * <em>changed</em> when its content differs; else it is <em>new</em>. New and changed files are read; the events a
 * changed file gave before are replaced ({@link IngestJob}). The ledger is updated only after the ingest has
 * published, so a run that dies before that reads the files again next time (and de-duplication absorbs what had
 * already been published).
 */
public final class IngestedFiles {
    /** What one input needs: the files to read and, among them, those that replace earlier content. */
    public record Plan(List<String> toRead, List<String> changed, List<String> unchanged,
                       Map<String, Stat> stats) {
        public boolean nothingToRead() {
            return toRead.isEmpty();
        }
    }

    /** A file as found now. */
    public record Stat(long size, long modified, String hash) {}

    private final Warehouse warehouse;

    public IngestedFiles(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Sorts the expanded files of one input into new, changed and unchanged. */
    public Plan plan(List<String> files, String tenant) {
        Configuration hadoop = warehouse.spark().sparkContext().hadoopConfiguration();
        Map<String, Row> known = new HashMap<>();
        if (warehouse.exists(DatasetRef.INGESTED_FILES)) {
            for (Row r : warehouse.read(DatasetRef.INGESTED_FILES).filter(col("tenant").equalTo(tenant))
                    .collectAsList()) {
                known.put(r.getAs("path"), r);
            }
        }
        Map<String, Stat> stats = new HashMap<>();
        List<String> needHash = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (String f : files) {
            Stat st = stat(f, hadoop);
            Row k = known.get(f);
            if (k != null && k.<Long>getAs("size") == st.size()
                    && k.<Timestamp>getAs("modified_at").getTime() == st.modified()) {
                unchanged.add(f);
                stats.put(f, new Stat(st.size(), st.modified(), k.getAs("content_hash")));
            } else {
                needHash.add(f);
                stats.put(f, st);
            }
        }
        Map<String, String> hashes = hash(needHash);
        List<String> toRead = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (String f : needHash) {
            Stat st = stats.get(f);
            String h = hashes.get(f);
            stats.put(f, new Stat(st.size(), st.modified(), h));
            Row k = known.get(f);
            if (h == null) {
                // unreadable now: read it (its quarantine row says why), keep what it gave before, do not record it
                toRead.add(f);
            } else if (k != null && h.equals(k.getAs("content_hash"))) {
                unchanged.add(f); // touched or copied, same bytes
            } else {
                toRead.add(f);
                if (k != null) {
                    changed.add(f);
                }
            }
        }
        toRead.sort(null);
        unchanged.sort(null);
        return new Plan(List.copyOf(toRead), List.copyOf(changed), List.copyOf(unchanged), Map.copyOf(stats));
    }

    /**
     * Records the files of a plan (read ones and unchanged ones whose stat changed) as ingested by the run.
     * Other tenants' and other inputs' entries are kept.
     *
     * @param runRecord the run's {@code _runs} row as JSON (RunLog.Entry), kept on each of its files so that the
     *                  next run can record it if this process dies before it does; null for none
     */
    public void record(Plan plan, String format, String tenant, String runId, Instant at, String runRecord) {
        List<Row> rows = new ArrayList<>();
        List<String> all = new ArrayList<>(plan.toRead());
        all.addAll(plan.unchanged());
        for (String f : all) {
            Stat st = plan.stats().get(f);
            if (st.hash() == null) {
                continue; // unreadable: tried again next time
            }
            rows.add(RowFactory.create(tenant, f, format, st.size(), new Timestamp(st.modified()), st.hash(), runId,
                    Timestamp.from(at), runRecord));
        }
        Dataset<Row> batch = warehouse.spark().createDataFrame(rows, Datasets.INGESTED_FILES);
        Dataset<Row> kept = warehouse.read(DatasetRef.INGESTED_FILES, Datasets.INGESTED_FILES)
                .join(batch.select(col("tenant").as("_t"), col("path").as("_p")),
                        col("tenant").equalTo(col("_t")).and(col("path").equalTo(col("_p"))), "left_anti");
        // a ledger written before run_record existed lacks the column: its rows read it as null
        warehouse.publish(DatasetRef.INGESTED_FILES, kept.unionByName(batch, true).coalesce(1), runId);
    }

    /**
     * The runs the ledger names, each with its {@code _runs} row as JSON when the ledger kept it (null for entries
     * written before it did).
     */
    public Map<String, String> runRecords() {
        Map<String, String> out = new HashMap<>();
        if (!warehouse.exists(DatasetRef.INGESTED_FILES)) {
            return out;
        }
        Dataset<Row> ledger = warehouse.read(DatasetRef.INGESTED_FILES);
        boolean hasRecord = java.util.Arrays.asList(ledger.columns()).contains("run_record");
        for (Row r : ledger.select(col("run_id"), hasRecord ? col("run_record")
                : org.apache.spark.sql.functions.lit(null).cast("string")).distinct().collectAsList()) {
            out.merge(r.getString(0), r.isNullAt(1) ? "" : r.getString(1), (a, b) -> a.isEmpty() ? b : a);
        }
        out.replaceAll((k, v) -> v.isEmpty() ? null : v);
        return out;
    }

    private static Stat stat(String file, Configuration hadoop) {
        try {
            Path p = InputFiles.path(file);
            FileStatus st = p.getFileSystem(hadoop).getFileStatus(p);
            return new Stat(st.getLen(), st.getModificationTime(), null);
        } catch (IOException e) {
            return new Stat(-1, -1, null); // unreadable: reading it will say why
        }
    }

    /** SHA-256 of each file's bytes, one Spark task per file. */
    private Map<String, String> hash(List<String> files) {
        Map<String, String> out = new HashMap<>();
        if (files.isEmpty()) {
            return out;
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(warehouse.spark().sparkContext());
        SerializableHadoopConf conf = new SerializableHadoopConf(warehouse.spark().sparkContext().hadoopConfiguration());
        for (var t : jsc.parallelize(files, Math.min(files.size(), 64))
                .mapToPair(f -> new scala.Tuple2<>(f, sha256OrNull(f, conf.get()))).collect()) {
            out.put(t._1(), t._2());
        }
        return out;
    }

    /** The hash, or null when the file cannot be read. */
    private static String sha256OrNull(String file, Configuration hadoop) {
        try {
            return sha256(file, hadoop);
        } catch (IOException e) {
            return null;
        }
    }

    static String sha256(String file, Configuration hadoop) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = InputFiles.open(file, hadoop)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
