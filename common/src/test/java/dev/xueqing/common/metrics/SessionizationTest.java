package dev.xueqing.common.metrics;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SessionizationTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final StructType SCHEMA = new StructType()
            .add("event_id", DataTypes.StringType)
            .add("learner_key", DataTypes.StringType)
            .add("actor_role", DataTypes.StringType)
            .add("course_id", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType)
            .add("action", DataTypes.StringType);

    private static Row ev(String id, String learner, String role, String course, String utc, String action) {
        return RowFactory.create(id, learner, role, course, Timestamp.from(Instant.parse(utc)), action);
    }

    private static Map<String, Row> run(List<Row> rows, int cutoff) {
        Dataset<Row> events = SparkTestBase.spark().createDataFrame(rows, SCHEMA);
        Map<String, Row> out = new HashMap<>();
        for (Row r : Sessionization.daily(events, SHANGHAI, cutoff).collectAsList()) {
            out.put(r.getString(0) + "|" + r.getString(1) + "|" + r.getDate(2).toLocalDate(), r);
        }
        return out;
    }

    @Test
    void splitsActiveTimeAtLocalMidnightAndStartsSessionsAtTheCutoff() {
        // Learner a, course C, Asia/Shanghai (UTC+8), cutoff 30 min. Local times:
        //   11-24 23:50 (e1: first -> session 1 on 11-24)
        //   11-25 00:10 (e2: gap 20 min < 30 -> active, crosses midnight: 10 min to 11-24, 10 min to 11-25)
        //   11-25 00:50 (e3: gap 40 min >= 30 -> session 2 on 11-25, no active time)
        //   11-25 00:55 (e4: gap 5 min -> 300 s on 11-25)
        //   11-25 01:25 (e5: gap exactly 30 min -> session 3 on 11-25 (>= cutoff), no active time)
        //   11-25 01:25 (e0 same instant, event_id "e0" < "e5" so it sorts first; e5's gap is then 0 -> not a new session)
        // Ordered by (time, id): e1, e2, e3, e4, e0, e5.  e0: gap 30 min -> session 3; e5: gap 0 -> nothing.
        // Expected 11-24: 600 s, 1 session.  11-25: 600 + 300 = 900 s, 2 sessions (e3, e0).
        // Also: an instructor event and an 'enrolled' event are ignored; course D is sessionised separately.
        List<Row> rows = List.of(
                ev("e1", "a", "learner", "C", "2026-11-24T15:50:00Z", "viewed"),
                ev("e2", "a", "learner", "C", "2026-11-24T16:10:00Z", "viewed"),
                ev("e3", "a", "learner", "C", "2026-11-24T16:50:00Z", "video_played"),
                ev("e4", "a", "learner", "C", "2026-11-24T16:55:00Z", "submitted"),
                ev("e5", "a", "learner", "C", "2026-11-24T17:25:00Z", "viewed"),
                ev("e0", "a", "learner", "C", "2026-11-24T17:25:00Z", "viewed"),
                ev("x1", "a", "instructor", "C", "2026-11-24T16:05:00Z", "viewed"),
                ev("x2", "a", "learner", "C", "2026-11-24T16:20:00Z", "enrolled"),
                // course D: 10:00 and 10:29:30 local on 11-25 -> 1770 s, 1 session
                ev("d1", "a", "learner", "D", "2026-11-25T02:00:00Z", "viewed"),
                ev("d2", "a", "learner", "D", "2026-11-25T02:29:30Z", "viewed"));
        Map<String, Row> out = run(rows, 30);

        assertThat(out).hasSize(3);
        assertThat(out.get("a|C|2026-11-24").getDouble(3)).isEqualTo(600.0);
        assertThat(out.get("a|C|2026-11-24").getLong(4)).isEqualTo(1L);
        assertThat(out.get("a|C|2026-11-25").getDouble(3)).isEqualTo(900.0);
        assertThat(out.get("a|C|2026-11-25").getLong(4)).isEqualTo(2L);
        assertThat(out.get("a|D|2026-11-25").getDouble(3)).isEqualTo(1770.0);
        assertThat(out.get("a|D|2026-11-25").getLong(4)).isEqualTo(1L);
    }

    @Test
    void aDayWithOnlyTheTailOfAGapGetsActiveTimeAndNoSession() {
        // Cutoff 120 min. Local 11-24 23:00 then 11-25 00:30 (gap 90 min < 120):
        // 11-24: 3600 s, 1 session; 11-25: 1800 s, 0 sessions (its only event continues the session).
        List<Row> rows = List.of(
                ev("e1", "b", "learner", "C", "2026-11-24T15:00:00Z", "viewed"),
                ev("e2", "b", "learner", "C", "2026-11-24T16:30:00Z", "viewed"));
        Map<String, Row> out = run(rows, 120);
        assertThat(out.get("b|C|2026-11-24").getDouble(3)).isEqualTo(3600.0);
        assertThat(out.get("b|C|2026-11-24").getLong(4)).isEqualTo(1L);
        assertThat(out.get("b|C|2026-11-25").getDouble(3)).isEqualTo(1800.0);
        assertThat(out.get("b|C|2026-11-25").getLong(4)).isEqualTo(0L);
        assertThat(out.get("b|C|2026-11-25").getDate(2).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 25));
    }
}
