package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Sessionization;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.ZoneId;
import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

/**
 * The compact learner × course × local day fact that the activity marts start from instead of every event:
 * what a learner did in a course on a day (counts, first and last event, active time and sessions of the shared
 * sessionisation). It is internal state ({@link #REF}), built by {@code MartsJob} before the marts like a
 * day-grain mart: a nightly recomputes only the days whose events changed, with their neighbours
 * ({@link DayRebuild}), instead of sessionising every event of history. A build without it (tests, a failed state
 * build) derives the same rows from the events ({@link #of(MartInputs, MartContext)}).
 */
public final class LearnerDays implements Mart {
    /** Where the fact lives: internal state, one version per build like a mart. */
    public static final DatasetRef REF =
            new DatasetRef("learner_days", DatasetRef.Kind.INTERNAL, "_state/learner_days", List.of());

    public static final MartSpec SPEC = new MartSpec("learner_days", "internal state",
            List.of("learner_key", "course_id", "event_date"),
            "Internal: each learner's learner-initiated events in a course on a tenant-local day, up to the run "
                    + "date, summed once so that the activity marts do not read every event of history.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    key("event_date", DateType, "tenant-local calendar day"),
                    key("first_time", TimestampType, "the day's first learner-initiated event"),
                    key("last_time", TimestampType, "the day's last learner-initiated event"),
                    col("event_class_id", StringType, "the largest class_id on the day's events, null when none"),
                    key("events", LongType, "learner-initiated events"),
                    key("interactions", LongType, "interactions the events stand for (1 each unless aggregated)"),
                    key("objects_viewed", LongType, "distinct objects viewed, played, progressed, completed or interacted with"),
                    key("video_seconds", DoubleType, "sum of duration_s of video events"),
                    key("attempts", LongType, "attempted and answered events"),
                    key("submissions", LongType, "submitted events"),
                    key("posts", LongType, "forum posts and replies"),
                    key("forum_posts", LongType, "posts and replies on forum posts and threads"),
                    key("score_sum", DoubleType, "sum of score_scaled over the events that carry one"),
                    key("score_count", LongType, "events that carry a score_scaled"),
                    key("active_seconds", DoubleType, "active time on the day (shared sessionisation)"),
                    key("sessions", LongType, "sessions that started on the day")),
            List.of(
                    new Expectation.Between("events", 1, Double.MAX_VALUE),
                    new Expectation.Between("active_seconds", 0, 24 * 3600),
                    new Expectation.Holds("sessions <= events", "a session starts at an event")));

    /** The build of the fact ({@code MartsJob} builds it before the marts that read it). */
    public static final LearnerDays STATE = new LearnerDays();

    private LearnerDays() {}

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public DatasetRef ref() {
        return REF;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS);
    }

    /** Day grain: a day's rows depend on its events and, through sessions crossing midnight, its neighbours'. */
    @Override
    public String dayColumn() {
        return "event_date";
    }

    @Override
    public Dataset<Row> transform(MartInputs inputs, MartContext context) {
        return of(MartFrames.learnerEvents(inputs, context), context.config().timezone(),
                context.config().activity().idleCutoffMinutes());
    }

    /**
     * The fact as a mart reads it: the state {@code MartsJob} built for this run when the build provides it, else
     * derived from the events of the build (once per build).
     */
    public static Dataset<Row> of(MartInputs in, MartContext ctx) {
        if (in.datasets().containsKey(REF)) {
            return in.get(REF).filter(org.apache.spark.sql.functions.col("event_date").leq(MartFrames.asOfDate(ctx)));
        }
        return in.derivedCached("learner-days:" + ctx.asOf(), () -> STATE.transform(in, ctx));
    }

    /**
     * Pure transform: learner-initiated events → one row per learner, course and local day ({@link #SPEC}).
     *
     * @param learnerEvents learner-initiated events (event_id, event_time, event_date and the measured columns)
     */
    public static Dataset<Row> of(Dataset<Row> learnerEvents, ZoneId zone, int idleCutoffMinutes) {
        Column action = c("action");
        String[] keys = {"learner_key", "course_id", "event_date"};
        Dataset<Row> daily = learnerEvents.groupBy("learner_key", "course_id", "event_date").agg(
                min("event_time").as("first_time"),
                max("event_time").as("last_time"),
                count(lit(1)).as("events"),
                sum(coalesce(c("interactions"), lit(1))).cast("long").as("interactions"),
                countDistinct(when(action.isin(Actions.CONTENT_VIEWS.toArray()), c("object_id")))
                        .as("objects_viewed"),
                coalesce(sum(when(action.isin(Actions.VIDEO.toArray()), c("duration_s"))), lit(0.0))
                        .as("video_seconds"),
                sum(when(action.isin(Actions.ATTEMPTS.toArray()), 1).otherwise(0)).cast("long").as("attempts"),
                sum(when(action.isin(Actions.SUBMISSIONS.toArray()), 1).otherwise(0)).cast("long").as("submissions"),
                sum(when(action.isin(Actions.POSTS.toArray()), 1).otherwise(0)).cast("long").as("posts"),
                sum(when(action.isin(Actions.POSTS.toArray())
                        .and(c("object_type").isin(ObjectTypes.FORUM_POST, ObjectTypes.FORUM_THREAD)), 1).otherwise(0))
                        .cast("long").as("forum_posts"),
                coalesce(sum("score_scaled"), lit(0.0)).as("score_sum"),
                count("score_scaled").as("score_count"));
        // the day's class: a max over strings would make Spark sort every event for the whole aggregate above, so
        // it is taken over the distinct classes of each day instead (same value)
        Dataset<Row> eventClass = learnerEvents.filter(c("class_id").isNotNull())
                .select("learner_key", "course_id", "event_date", "class_id").distinct()
                .groupBy("learner_key", "course_id", "event_date").agg(max("class_id").as("event_class_id"));
        // every day with active time or a session start has events (a gap ends at an event), so a left join
        Dataset<Row> time = Sessionization.daily(learnerEvents, zone, idleCutoffMinutes);
        Dataset<Row> joined = daily.join(eventClass, keys, "left").join(time, keys, "left")
                .withColumn("active_seconds", coalesce(c("active_seconds"), lit(0.0)))
                .withColumn("sessions", coalesce(c("sessions"), lit(0L)));
        return MartFrames.conform(joined, SPEC);
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }
}
