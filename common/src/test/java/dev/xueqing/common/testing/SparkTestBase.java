package dev.xueqing.common.testing;

import dev.xueqing.common.io.ForklessLocalFileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one SparkSession of a test JVM: local[2], 2 shuffle partitions, UI off, UTC, bound to 127.0.0.1. Test classes
 * extend this (or call {@link #spark()}); the session is stopped by a JVM shutdown hook, never by a test.
 *
 * <p>Expressions are interpreted, not compiled: the tests' inputs are a few thousand rows, on which compiling each
 * query's generated Java (Janino) costs more than running it; a sample nightly compiles about 1,300 classes. Results
 * are the same either way (Spark tests both paths), and a nightly over small data interprets them too
 * ({@code xueqing.spark.small-input}). The compiled path, which a large warehouse runs, is what
 * NightlyAcceptanceTest's two child-JVM nightlies use;
 * {@code -Dxueqing.test.codegen=true} runs this JVM's tests on it too.
 */
public abstract class SparkTestBase {
    private static SparkSession session;
    private static final boolean CODEGEN = Boolean.getBoolean("xueqing.test.codegen");

    public static synchronized SparkSession spark() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("xueqing-tests")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.session.timeZone", "UTC")
                    .config("spark.sql.adaptive.enabled", "true")
                    .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
                    .config("spark.sql.extensions", dev.xueqing.common.spark.SparkSessions.DELTA_EXTENSION)
                    .config("spark.sql.catalog.spark_catalog", dev.xueqing.common.spark.SparkSessions.DELTA_CATALOG)
                    .config("spark.databricks.delta.snapshotPartitions", "2")
                    .config("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName())
                    .config("spark.hadoop.fs.AbstractFileSystem.file.impl", ForklessLocalFileSystem.Fs.class.getName())
                    .config("spark.sql.codegen.wholeStage", String.valueOf(CODEGEN))
                    .config("spark.sql.codegen.factoryMode", CODEGEN ? "FALLBACK" : "NO_CODEGEN")
                    // as a nightly over small data (SparkSessions.SMALL_INPUT): cached results merged by size too
                    .config("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", String.valueOf(!CODEGEN))
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
            if (CODEGEN) {
                // as if given to spark-submit, so that a pipeline's small-input settings leave them alone
                System.setProperty("spark.sql.codegen.wholeStage", "true");
                System.setProperty("spark.sql.codegen.factoryMode", "FALLBACK");
            }
        }
        return session;
    }

    /**
     * After each test class: whatever it left cached (a Dataset it persisted, a cached table) is dropped, so that
     * the next class starts with the executor's memory free and no cached plan of a warehouse that is gone.
     */
    @AfterAll
    static void releaseCaches() {
        if (session != null) {
            session.catalog().clearCache();
        }
    }

    /** The shared reference data (../shared/data), or null when this checkout has none. */
    public static Path sharedData() {
        String prop = System.getProperty("xueqing.shared.data");
        Path p = prop != null ? Path.of(prop) : Path.of("../shared/data");
        if (Files.isDirectory(p)) {
            return p.toAbsolutePath().normalize();
        }
        Path up = Path.of("../../shared/data");
        return Files.isDirectory(up) ? up.toAbsolutePath().normalize() : null;
    }

    /** The project root (where pom.xml with the modules lives). */
    public static Path projectRoot() {
        String prop = System.getProperty("xueqing.project.root");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        return Files.exists(p.resolve("common")) ? p : p.getParent();
    }
}
