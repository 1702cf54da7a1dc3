package dev.xueqing.common.spark;

import dev.xueqing.common.config.XueqingConfig;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/**
 * Builds the one SparkSession of a run from the typed config: the configured master (local[*] by default),
 * UTC session time zone (event_date is computed explicitly in the tenant's zone), AQE on, Parquet with zstd,
 * and Spark bound to the loopback address in local mode.
 */
public final class SparkSessions {
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
                session.stop();
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
        XueqingConfig.SparkSettings s = config.spark();
        SparkSession.Builder b = SparkSession.builder()
                .appName(s.appName())
                .master(s.master())
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", String.valueOf(s.shufflePartitions()))
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
                .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
                .config("spark.sql.parquet.compression.codec", "zstd")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.legacy.timeParserPolicy", "CORRECTED");
        if (s.master().startsWith("local")) {
            b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        for (Map.Entry<String, String> e : s.conf().entrySet()) {
            b = b.config(e.getKey(), e.getValue());
        }
        return b.getOrCreate();
    }

    /** Labels the Spark jobs that follow, so that the Spark UI reads ("MART learner_course_progress 2026-11-27"). */
    public static void label(SparkSession spark, String kind, String name, String detail) {
        String id = kind + " " + name + (detail == null ? "" : " " + detail);
        spark.sparkContext().setJobGroup(id, id, false);
    }
}
