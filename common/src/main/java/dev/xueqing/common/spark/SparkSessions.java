package dev.xueqing.common.spark;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.ForklessLocalFileSystem;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the one SparkSession of a run from the typed config: the configured master (local[*] by default),
 * UTC session time zone (event_date is computed explicitly in the tenant's zone), AQE on, Parquet with zstd,
 * Spark's catalog folder in the temp directory (not {@code ./spark-warehouse}), and Spark bound to the loopback
 * address in local mode.
 *
 * <p>The same jar runs embedded ({@code bin/xueqing}, {@code java -cp}) and under {@code spark-submit}. Spark
 * settings handed to {@code spark-submit} ({@code --master}, {@code --conf k=v}, {@code spark-defaults.conf}) arrive
 * as {@code spark.*} system properties of the driver; for the same key they win over {@code xueqing.spark.*}, so a
 * job submitted to YARN runs on YARN whatever the config file's master says. The few settings Xueqing's results
 * depend on ({@link #FIXED}) are always set.
 */
public final class SparkSessions {
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

    /** Settings the results depend on (time zone, partition overwrite, date parsing); nothing overrides them. */
    public static final Map<String, String> FIXED = Map.of(
            "spark.sql.session.timeZone", "UTC",
            "spark.sql.sources.partitionOverwriteMode", "dynamic",
            "spark.sql.legacy.timeParserPolicy", "CORRECTED");

    /** Delta Lake's SQL extension and catalog, which its writes need in the session (the warehouse's tables). */
    public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    public static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

    private SparkSessions() {}

    /**
     * A session for one command. When the JVM already has an active session (Xueqing embedded in another Spark
     * application, or a test JVM), that one is used and left running on close; otherwise a new one is built from the
     * config and stopped on close.
     */
    public record Handle(SparkSession session, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                String catalogDir = session.conf().get("spark.sql.warehouse.dir", "");
                session.stop();
                deleteIfEmpty(catalogDir);
            }
        }
    }

    public static Handle acquire(XueqingConfig config) {
        scala.Option<SparkSession> active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            return new Handle(active.get(), false);
        }
        scala.Option<SparkSession> dflt = SparkSession.getDefaultSession();
        if (dflt.isDefined()) {
            return new Handle(dflt.get(), false);
        }
        return new Handle(create(config), true);
    }

    public static SparkSession create(XueqingConfig config) {
        Map<String, String> submitted = submitted(System.getProperties());
        Map<String, String> settings = settings(config.spark(), submitted);
        LOG.info("Spark master {} ({})", settings.getOrDefault("spark.master", submitted.get("spark.master")),
                settings.containsKey("spark.master") ? "xueqing.spark.master" : "given to spark-submit");
        SparkSession.Builder b = SparkSession.builder().appName(config.spark().appName());
        for (Map.Entry<String, String> e : settings.entrySet()) {
            b = b.config(e.getKey(), e.getValue());
        }
        return b.getOrCreate();
    }

    /**
     * The settings to give the session builder, in order of precedence (later wins): Xueqing's defaults, then
     * {@code xueqing.spark.master}, {@code shuffle-partitions} and {@code conf}; a key that {@code spark-submit}
     * already set ({@code submitted}) is left out, so Spark keeps that value; then {@link #FIXED}. In local mode the
     * driver binds to 127.0.0.1 and the UI is off unless configured; on a cluster Spark's UI stays on.
     *
     * @param submitted the {@code spark.*} settings the driver was started with (see {@link #submitted})
     */
    public static Map<String, String> settings(XueqingConfig.SparkSettings s, Map<String, String> submitted) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("spark.master", s.master());
        wanted.put("spark.sql.shuffle.partitions", String.valueOf(s.shufflePartitions()));
        wanted.put("spark.sql.adaptive.enabled", "true");
        wanted.put("spark.sql.adaptive.coalescePartitions.enabled", "true");
        wanted.put("spark.sql.parquet.compression.codec", "zstd");
        wanted.put("spark.ui.showConsoleProgress", "false");
        // marts built at the same time (xueqing.spark.concurrent-marts) share the executors fairly
        wanted.put("spark.scheduler.mode", "FAIR");
        wanted.put("spark.sql.warehouse.dir", catalogDir().toUri().toString());
        // Delta rebuilds a table's state from its log when it commits; the log of a warehouse table is a few
        // small files, which Delta's default of 50 partitions turns into 50 tasks per commit
        wanted.put("spark.databricks.delta.snapshotPartitions", "2");
        String master = submitted.getOrDefault("spark.master", s.conf().getOrDefault("spark.master", s.master()));
        if (master.startsWith("local")) {
            wanted.put("spark.ui.enabled", "false");
            // with no UI to show them, the SQL executions Spark keeps (1,000 by default, each with its plan's
            // description) are memory the driver needs for the work
            wanted.put("spark.sql.ui.retainedExecutions", "50");
            wanted.put("spark.driver.host", "127.0.0.1");
            wanted.put("spark.driver.bindAddress", "127.0.0.1");
            // Hadoop's local file system without a chmod/readlink child process per file (one JVM here, so the
            // class is on its classpath; executors of a cluster keep their own)
            ForklessLocalFileSystem.HADOOP_SETTINGS.forEach((k, v) -> wanted.put("spark.hadoop." + k, v));
        }
        wanted.putAll(s.conf());
        Map<String, String> out = new LinkedHashMap<>();
        wanted.forEach((k, v) -> {
            if (!submitted.containsKey(k)) {
                out.put(k, v);
            }
        });
        out.putAll(FIXED);
        // Delta's extension joins any the operator gives; its catalog is set unless another one is
        String extensions = out.getOrDefault("spark.sql.extensions", submitted.get("spark.sql.extensions"));
        if (extensions == null || extensions.isBlank()) {
            out.put("spark.sql.extensions", DELTA_EXTENSION);
        } else if (!java.util.Arrays.asList(extensions.split("\\s*,\\s*")).contains(DELTA_EXTENSION)) {
            out.put("spark.sql.extensions", extensions + "," + DELTA_EXTENSION);
        }
        if (!submitted.containsKey("spark.sql.catalog.spark_catalog")) {
            out.putIfAbsent("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
        }
        return out;
    }

    /**
     * Where Spark's own catalog keeps managed tables ({@code spark.sql.warehouse.dir}). Xueqing has none, but Spark
     * creates the folder of its default database when the catalog is first used, by default as
     * {@code ./spark-warehouse} in whatever directory the command was started from. A folder of this process in the
     * temp directory instead, removed on close while empty.
     */
    static Path catalogDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "xueqing-spark-catalog-" + ProcessHandle.current().pid());
    }

    private static void deleteIfEmpty(String dir) {
        try {
            Path p = dir.startsWith("file:") ? Path.of(URI.create(dir)) : null;
            if (p != null && p.equals(catalogDir()) && Files.isDirectory(p)) {
                try (var entries = Files.list(p)) {
                    if (entries.findAny().isEmpty()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not remove Spark's catalog folder {}: {}", dir, e.toString());
        }
    }

    /** The {@code spark.*} entries of the given system properties: what spark-submit handed the driver. */
    public static Map<String, String> submitted(Properties systemProperties) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : systemProperties.stringPropertyNames()) {
            if (k.startsWith("spark.")) {
                out.put(k, systemProperties.getProperty(k));
            }
        }
        return out;
    }

    /**
     * The settings of a run over small data (see {@link #fitToInput}): interpreted expressions instead of whole-stage
     * code generation, and shuffle partitions merged by size rather than kept one per core, in cached results too
     * (Spark keeps a cached plan's shuffle partitions as they are by default: every later stage that reads the
     * cached events or dims then ran one task per shuffle partition, 16 tasks over a few kilobytes; merged, a tiny
     * nightly ran 114 tasks instead of 628 and half the task time).
     */
    public static final Map<String, String> SMALL_INPUT = Map.of(
            "spark.sql.codegen.wholeStage", "false",
            "spark.sql.codegen.factoryMode", "NO_CODEGEN",
            "spark.sql.adaptive.coalescePartitions.parallelismFirst", "false",
            "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true");

    /**
     * Fits the session's run-time settings to the size of the data it is about to process: under
     * {@code xueqing.spark.small-input} bytes of events, the {@link #SMALL_INPUT} settings; at or over it (or when
     * the size is unknown, negative), Spark's defaults. A key set in {@code xueqing.spark.conf} or given to
     * {@code spark-submit} is never touched. Results do not depend on these settings, only the time does.
     *
     * @return whether the small-input settings are now in effect
     */
    public static boolean fitToInput(SparkSession spark, XueqingConfig.SparkSettings s, long inputBytes) {
        boolean small = inputBytes >= 0 && inputBytes < s.smallInputBytes();
        Map<String, String> submitted = submitted(System.getProperties());
        for (Map.Entry<String, String> e : SMALL_INPUT.entrySet()) {
            if (s.conf().containsKey(e.getKey()) || submitted.containsKey(e.getKey())) {
                continue;
            }
            if (small) {
                spark.conf().set(e.getKey(), e.getValue());
            } else {
                spark.conf().unset(e.getKey());
            }
        }
        return small;
    }

    /** Labels the Spark jobs that follow, so that the Spark UI reads ("MART learner_course_progress 2026-11-27"). */
    public static void label(SparkSession spark, String kind, String name, String detail) {
        String id = kind + " " + name + (detail == null ? "" : " " + detail);
        spark.sparkContext().setJobGroup(id, id, false);
    }
}
