package dev.xueqing.common.metrics;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import java.time.ZoneId;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;

/**
 * Active time (time on task) and sessions per learner, course and local day (DESIGN.md "Active time").
 *
 * <p>Over one learner's learner-initiated events ({@link LearnerActivity}) in one course, ordered by event_time
 * (ties by event_id):
 * <pre>
 *   gap(e)        = event_time(e) - event_time(previous event)            (none for the first event)
 *   new session   = first event, or gap &gt;= idle cutoff (xueqing.activity.idle-cutoff-minutes, default 30)
 *   active time   = every gap &lt; idle cutoff, from the previous event to this one
 *   active_seconds(day) = sum over active gaps of the part of [previous, current) that lies in local day `day`
 *                   (a gap that crosses local midnight is split there: the part before to the earlier day,
 *                    the part after to the later day)
 *   sessions(day) = number of sessions whose first event falls on local day `day`
 * </pre>
 * Example (Asia/Shanghai, cutoff 30 min): events at 23:50, 00:10 (+20 min), 00:50 (+40 min), 00:55 (+5 min) give
 * day 1: 600 s active, 1 session; day 2: 600 + 300 = 900 s active, 1 session (the one starting 00:50).
 *
 * <p>The time after a session's last event is not counted (there is no next event to bound it). Days are the
 * tenant-local days of the time zone passed in; midnights are real instants ({@link TenantTime}).
 */
public final class Sessionization {
    /** Output columns. */
    public static final String LEARNER_KEY = "learner_key";
    public static final String COURSE_ID = "course_id";
    public static final String EVENT_DATE = "event_date";
    public static final String ACTIVE_SECONDS = "active_seconds";
    public static final String SESSIONS = "sessions";

    private Sessionization() {}

    /**
     * @param events            any Dataset with learner_key, course_id, event_id, event_time, actor_role, action;
     *                          events that are not learner-initiated are ignored here
     * @param zone              the tenant's time zone (local days)
     * @param idleCutoffMinutes gaps of at least this many minutes end a session and add no active time
     * @return one row per (learner_key, course_id, event_date) with active time or a session start:
     *         learner_key, course_id, event_date (local date), active_seconds (double), sessions (long)
     */
    public static Dataset<Row> daily(Dataset<Row> events, ZoneId zone, int idleCutoffMinutes) {
        WindowSpec byLearnerCourse = Window.partitionBy(LEARNER_KEY, COURSE_ID).orderBy("event_time", "event_id");
        Dataset<Row> ordered = events.filter(LearnerActivity.isLearnerInitiated())
                .select(col(LEARNER_KEY), col(COURSE_ID), col("event_id"), col("event_time"))
                .withColumn("_prev", lag(col("event_time"), 1).over(byLearnerCourse))
                .withColumn("_gap_s", seconds(col("_prev"), col("event_time")))
                .withColumn("_new_session", col("_prev").isNull().or(col("_gap_s").geq(idleCutoffMinutes * 60.0)));

        Dataset<Row> sessions = ordered.filter(col("_new_session"))
                .groupBy(col(LEARNER_KEY), col(COURSE_ID), TenantTime.localDate(col("event_time"), zone).as(EVENT_DATE))
                .agg(count(lit(1)).as(SESSIONS));

        Column day = col("_day");
        Dataset<Row> active = ordered.filter(not(col("_new_session")).and(col("_gap_s").gt(0)))
                .withColumn("_day", explode(sequence(TenantTime.localDate(col("_prev"), zone),
                        TenantTime.localDate(col("event_time"), zone))))
                .withColumn("_part_s", seconds(
                        greatest(col("_prev"), TenantTime.startOfLocalDay(day, zone)),
                        least(col("event_time"), TenantTime.endOfLocalDay(day, zone))))
                .groupBy(col(LEARNER_KEY), col(COURSE_ID), day.as(EVENT_DATE))
                .agg(sum("_part_s").as(ACTIVE_SECONDS));

        return sessions.join(active, new String[] {LEARNER_KEY, COURSE_ID, EVENT_DATE}, "full_outer")
                .select(col(LEARNER_KEY), col(COURSE_ID), col(EVENT_DATE),
                        coalesce(col(ACTIVE_SECONDS), lit(0.0)).cast("double").as(ACTIVE_SECONDS),
                        coalesce(col(SESSIONS), lit(0L)).cast("long").as(SESSIONS));
    }

    /** Seconds from one timestamp to another, microsecond precision, as a double. */
    static Column seconds(Column from, Column to) {
        return unix_micros(to).minus(unix_micros(from)).cast("double").divide(1_000_000.0);
    }
}
