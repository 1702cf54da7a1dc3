package dev.xueqing.bench;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.pipeline.Pipeline;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark compares like with like: DuckDB's SQL reference gives the same learner_daily_activity as Xueqing
 * on the hand-checkable course (per course and day: events, sessions, active minutes, attempts, submissions).
 */
class DuckDbReferenceTest extends SparkTestBase {
    private static final String SUMS = "sum(events), sum(sessions), round(sum(active_minutes), 6), sum(attempts), "
            + "sum(submissions), sum(posts)";

    @Test
    void duckDbReferenceComputesTheSameDailyActivity(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(projectRoot().resolve("data-samples/xapi/hand-course.jsonl"), in.resolve("hand.jsonl"));
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh")), Map.of());

        Map<String, String> spark = new TreeMap<>();
        try (Pipeline p = new Pipeline(config, Map.of())) {
            p.ingest("xapi", List.of(in.toString()), null, null);
            assertThat(p.marts(LocalDate.of(2026, 12, 31), List.of("learner_daily_activity")).failed()).isFalse();
            p.warehouse().read(DatasetRef.mart("learner_daily_activity")).createOrReplaceTempView("lda");
            for (Row r : spark().sql("SELECT course_id, event_date, " + SUMS
                    + " FROM lda GROUP BY course_id, event_date").collectAsList()) {
                spark.put(r.get(0) + " " + r.get(1), String.format(Locale.ROOT, "%s %s %.6f %s %s %s", r.get(2),
                        r.get(3), r.getDouble(4), r.get(5), r.get(6), r.get(7)));
            }
        }

        DuckDbReference.Result d = DuckDbReference.run(in, dir.resolve("duck"), config.xapi().verbs(),
                config.timezone().getId(), config.activity().idleCutoffMinutes());
        assertThat(d.events()).isEqualTo(33);
        Map<String, String> duck = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT course_id, event_date, " + SUMS + " FROM read_parquet('"
                     + dir.resolve("duck/learner_daily_activity.parquet") + "') GROUP BY ALL")) {
            while (rs.next()) {
                duck.put(rs.getString(1) + " " + rs.getDate(2).toLocalDate(), String.format(Locale.ROOT,
                        "%s %s %.6f %s %s %s", rs.getLong(3), rs.getLong(4), rs.getDouble(5), rs.getLong(6),
                        rs.getLong(7), rs.getLong(8)));
            }
        }
        assertThat(spark).isNotEmpty();
        assertThat(duck).isEqualTo(spark);
    }

    /**
     * The documented way for readers that only read Parquet (docs/storage.md): DuckDB's read_parquet over each
     * table's local {@code current} view sees exactly the current version, after a later publish has left older
     * files in the table's folder.
     */
    @Test
    void duckDbReadsTheCurrentVersionThroughTheCurrentView(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(projectRoot().resolve("data-samples/xapi/hand-course.jsonl"), in.resolve("hand.jsonl"));
        Path wh = dir.resolve("wh");
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + wh), Map.of());
        long events;
        long daily;
        try (Pipeline p = new Pipeline(config, Map.of())) {
            p.ingest("xapi", List.of(in.toString()), null, null);
            assertThat(p.marts(LocalDate.of(2026, 12, 30), List.of("learner_daily_activity")).failed()).isFalse();
            // a second build as of a later day: a new version; the first one's files stay in the folder
            assertThat(p.marts(LocalDate.of(2026, 12, 31), List.of("learner_daily_activity")).failed()).isFalse();
            events = p.warehouse().read(DatasetRef.EVENTS).count();
            daily = p.warehouse().read(DatasetRef.mart("learner_daily_activity")).count();
        }
        assertThat(events).isEqualTo(33);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT event_date) FROM read_parquet('"
                    + wh.resolve("events/current/*/*.parquet") + "', hive_partitioning = true)")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(events);
                assertThat(rs.getLong(2)).isPositive();
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('"
                    + wh.resolve("marts/learner_daily_activity/current/*.parquet") + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(daily).isPositive();
            }
            // the table's folder itself holds both versions' files: not what a Parquet-only reader should read
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('"
                    + wh.resolve("marts/learner_daily_activity/*.parquet") + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2 * daily);
            }
        }
    }
}
