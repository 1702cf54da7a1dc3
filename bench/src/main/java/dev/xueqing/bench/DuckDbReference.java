package dev.xueqing.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The reference the benchmark compares with: the same work done by DuckDB (in-process, JDBC) in SQL. It reads the
 * same xAPI JSON lines, keeps one statement per id, maps verbs to actions with the same table, writes events as
 * Parquet partitioned by local event date, then computes learner × course × day activity with the same definitions
 * as {@code learner_daily_activity}: learner-initiated events, active time as gaps under the idle cutoff split at
 * local midnight, sessions counted on the day they start, distinct objects viewed, attempts, submissions, posts,
 * mean scaled score.
 *
 * <p>It is a reference for speed, not a second implementation of Xueqing: it does not validate statements,
 * quarantine, pseudonymise with a key or resolve classes; those only make the Spark side do more.
 */
final class DuckDbReference {
    record Result(Duration ingest, Duration daily, long events, long dailyRows) {
        Duration total() {
            return ingest.plus(daily);
        }
    }

    private DuckDbReference() {}

    static Result run(Path input, Path out, Map<String, String> verbs, String timezone, int idleCutoffMinutes)
            throws SQLException, java.io.IOException {
        Files.createDirectories(out);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = '" + timezone + "'");
            st.execute("SET preserve_insertion_order = false");
            st.execute("CREATE TABLE verbs(verb VARCHAR, action VARCHAR)");
            if (!verbs.isEmpty()) {
                st.execute("INSERT INTO verbs VALUES " + verbs.entrySet().stream()
                        .map(e -> "(" + quote(e.getKey()) + ", " + quote(e.getValue()) + ")")
                        .collect(Collectors.joining(", ")));
            }
            String glob = input.toAbsolutePath() + "/**/*.json*";
            Path events = out.resolve("events");
            Instant t0 = Instant.now();
            st.execute("""
                    COPY (
                      WITH raw AS (
                        SELECT * FROM read_json(%s, format = 'newline_delimited', ignore_errors = true,
                          columns = {id: 'VARCHAR',
                                     actor: 'STRUCT(mbox VARCHAR, account STRUCT(homePage VARCHAR, name VARCHAR))',
                                     verb: 'STRUCT(id VARCHAR)',
                                     object: 'STRUCT(id VARCHAR, definition STRUCT("type" VARCHAR))',
                                     result: 'STRUCT(score STRUCT(scaled DOUBLE, raw DOUBLE, max DOUBLE), duration VARCHAR)',
                                     context: 'STRUCT(contextActivities STRUCT(parent STRUCT(id VARCHAR)[], grouping STRUCT(id VARCHAR, definition STRUCT("type" VARCHAR))[]), extensions MAP(VARCHAR, VARCHAR))',
                                     "timestamp": 'VARCHAR'})
                        WHERE id IS NOT NULL AND verb.id IS NOT NULL AND "timestamp" IS NOT NULL
                      ), typed AS (
                        SELECT id AS event_id,
                               md5(coalesce(actor.account.homePage || '|' || actor.account.name, actor.mbox)) AS learner_key,
                               coalesce((list_filter(context.contextActivities.grouping,
                                          lambda g: g.definition."type" = 'http://adlnet.gov/expapi/activities/course'))[1].id,
                                        CASE WHEN object.definition."type" = 'http://adlnet.gov/expapi/activities/course'
                                             THEN object.id END) AS course_id,
                               coalesce(v.action, 'other') AS action,
                               object.id AS object_id,
                               try_cast("timestamp" AS TIMESTAMPTZ) AS event_time,
                               coalesce(result.score.scaled, result.score.raw / nullif(result.score.max, 0)) AS score_scaled,
                               coalesce(context.extensions['urn:xueqing:extension:role'], 'learner') AS role
                        FROM raw LEFT JOIN verbs v ON v.verb = raw.verb.id
                      )
                      SELECT *, CAST(event_time AS DATE) AS event_date FROM typed
                      WHERE event_time IS NOT NULL AND course_id IS NOT NULL
                      QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY event_time) = 1
                    ) TO %s (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date), OVERWRITE_OR_IGNORE)
                    """.formatted(quote(glob), quote(events.toString())));
            Instant t1 = Instant.now();
            int cutoff = idleCutoffMinutes * 60;
            st.execute("""
                    COPY (
                      WITH e AS (
                        SELECT * FROM read_parquet(%s, hive_partitioning = true)
                        WHERE role = 'learner' AND action NOT IN ('enrolled', 'unenrolled')
                      ), g AS (
                        SELECT *, lag(event_time) OVER (PARTITION BY learner_key, course_id
                                                        ORDER BY event_time, event_id) AS prev
                        FROM e
                      ), gaps AS (
                        SELECT learner_key, course_id, prev, event_time,
                               epoch(event_time) - epoch(prev) AS gap
                        FROM g WHERE prev IS NOT NULL AND epoch(event_time) - epoch(prev) < %d
                                 AND event_time > prev
                      ), active AS (
                        SELECT learner_key, course_id, CAST(event_time AS DATE) AS event_date,
                               epoch(event_time) - epoch(greatest(prev, date_trunc('day', event_time))) AS s
                        FROM gaps
                        UNION ALL
                        SELECT learner_key, course_id, CAST(prev AS DATE),
                               epoch(date_trunc('day', event_time)) - epoch(prev)
                        FROM gaps WHERE CAST(prev AS DATE) <> CAST(event_time AS DATE)
                      ), active_day AS (
                        SELECT learner_key, course_id, event_date, sum(s) AS active_seconds
                        FROM active GROUP BY ALL
                      ), sessions AS (
                        SELECT learner_key, course_id, CAST(event_time AS DATE) AS event_date, count(*) AS sessions
                        FROM g WHERE prev IS NULL OR epoch(event_time) - epoch(prev) >= %d GROUP BY ALL
                      ), daily AS (
                        SELECT learner_key, course_id, event_date,
                               count(*) AS events,
                               count(DISTINCT CASE WHEN action IN ('viewed', 'video_played', 'video_paused',
                                   'video_seeked', 'video_completed', 'progressed', 'completed', 'interacted')
                                   THEN object_id END) AS objects_viewed,
                               sum(CASE WHEN action IN ('attempted', 'answered') THEN 1 ELSE 0 END) AS attempts,
                               sum(CASE WHEN action = 'submitted' THEN 1 ELSE 0 END) AS submissions,
                               avg(score_scaled) AS mean_score,
                               sum(CASE WHEN action IN ('posted', 'replied') THEN 1 ELSE 0 END) AS posts
                        FROM e GROUP BY ALL
                      )
                      SELECT d.*, coalesce(a.active_seconds, 0) / 60.0 AS active_minutes,
                             coalesce(s.sessions, 0) AS sessions
                      FROM daily d
                      LEFT JOIN active_day a USING (learner_key, course_id, event_date)
                      LEFT JOIN sessions s USING (learner_key, course_id, event_date)
                    ) TO %s (FORMAT parquet, COMPRESSION zstd)
                    """.formatted(quote(events + "/**/*.parquet"), cutoff, cutoff,
                    quote(out.resolve("learner_daily_activity.parquet").toString())));
            Instant t2 = Instant.now();
            long n = count(st, "SELECT count(*) FROM read_parquet(" + quote(events + "/**/*.parquet") + ")");
            long rows = count(st, "SELECT count(*) FROM read_parquet("
                    + quote(out.resolve("learner_daily_activity.parquet").toString()) + ")");
            return new Result(Duration.between(t0, t1), Duration.between(t1, t2), n, rows);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
