package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events (+ enrollments for the class) → learner × course × local day activity, learner-initiated events only. */
public final class LearnerDailyActivityMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("learner_daily_activity", LearnerCourseProgressMart.AREA,
            List.of("learner_key", "course_id", "event_date"),
            "What each learner did in a course on each tenant-local day with at least one learner-initiated event "
                    + "(enrolment bookkeeping and staff/system events excluded), up to the run date. Active time and "
                    + "sessions follow the shared sessionisation: gaps shorter than the idle cutoff are active time, "
                    + "split at local midnight; a session counts on the day of its first event.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    key("event_date", DateType, "tenant-local calendar day"),
                    col("class_id", StringType, "the learner's class from enrollments, else the class on the day's events, else null"),
                    key("events", LongType, "learner-initiated events on the day"),
                    key("interactions", LongType, "platform interactions the day's events stand for: each event counts "
                            + "its interactions (clicks) where the source aggregates them (OULAD studentVle), else 1"),
                    key("active_minutes", DoubleType, "active time on the day in minutes (gaps under the idle cutoff, split at local midnight)"),
                    key("sessions", LongType, "sessions that started on the day"),
                    key("objects_viewed", LongType, "distinct objects viewed, played, progressed, completed or interacted with"),
                    key("video_seconds", DoubleType, "sum of duration_s of video events (0 when none carries a duration)"),
                    key("attempts", LongType, "attempted and answered events"),
                    key("submissions", LongType, "submitted events"),
                    col("mean_score", DoubleType, "mean score_scaled of the day's events that carry one, null when none"),
                    key("posts", LongType, "forum posts and replies")),
            List.of(
                    new Expectation.Between("events", 1, Double.MAX_VALUE),
                    new Expectation.Between("active_minutes", 0, 24 * 60),
                    new Expectation.Between("sessions", 0, Double.MAX_VALUE),
                    new Expectation.Between("objects_viewed", 0, Double.MAX_VALUE),
                    new Expectation.Between("video_seconds", 0, Double.MAX_VALUE),
                    new Expectation.Between("attempts", 0, Double.MAX_VALUE),
                    new Expectation.Between("submissions", 0, Double.MAX_VALUE),
                    new Expectation.Between("posts", 0, Double.MAX_VALUE),
                    new Expectation.Between("mean_score", 0, 1),
                    new Expectation.Holds("sessions <= events", "a session starts at an event"),
                    new Expectation.Holds("interactions >= events", "every event is at least one interaction"),
                    new Expectation.Holds("attempts + submissions + posts <= events", "counted events are events"),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS, LearnerDays.REF, DatasetRef.ENROLLMENTS);
    }

    @Override
    public String dayColumn() {
        return "event_date";
    }

    /** Kept days take the learner's class from today's enrolments, as a rebuilt day would. */
    @Override
    public Dataset<Row> refreshKept(Dataset<Row> kept, MartInputs inputs, MartContext context) {
        Dataset<Row> classes = inputs.get(DatasetRef.ENROLLMENTS).select(
                c("learner_key"), c("course_id"), c("class_id").as("enrolment_class_id"));
        return MartFrames.conform(kept.join(classes, new String[] {"learner_key", "course_id"}, "left")
                .withColumn("class_id", coalesce(c("enrolment_class_id"), c("class_id"))), SPEC);
    }

    @Override
    public Dataset<Row> transform(MartInputs inputs, MartContext context) {
        Dataset<Row> days = LearnerDays.of(inputs, context);
        Dataset<Row> classes = inputs.get(DatasetRef.ENROLLMENTS).select(
                c("learner_key"), c("course_id"),
                c("class_id").as("enrolment_class_id"));
        Dataset<Row> joined = days.join(classes, new String[] {"learner_key", "course_id"}, "left")
                .withColumn("class_id", coalesce(c("enrolment_class_id"), c("event_class_id")))
                .withColumn("active_minutes", c("active_seconds").divide(60.0))
                .withColumn("mean_score", Rates.ratio(c("score_sum"), c("score_count")));
        return MartFrames.conform(joined, SPEC);
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }
}
