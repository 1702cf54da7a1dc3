package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

/** events + enrollments + course_items → learner × course progress as of the run date (one row per enrolment). */
public final class LearnerCourseProgressMart implements Mart {
    public static final String AREA = "学情数据分析 learning-situation analysis";

    public static final MartSpec SPEC = new MartSpec("learner_course_progress", AREA,
            List.of("learner_key", "course_id"),
            "Where each enrolled learner stands in a course on the run date: activity, time on task, content "
                    + "coverage, assessment completion and punctuality, scores, and a status (first rule that holds: "
                    + "withdrawn, completed, not_started, inactive, behind, on_track). Only events up to the run date "
                    + "and enrolments made by it count.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    col("class_id", StringType, "the learner's class in the course (from enrollments), null when none"),
                    key("enrolled_at", TimestampType, "enrolment time (UTC)"),
                    col("first_activity", TimestampType, "time (UTC) of the first learner-initiated event, null when none"),
                    col("last_activity", TimestampType, "time (UTC) of the last learner-initiated event up to the run date, null when none"),
                    key("active_days", LongType, "local days with at least one learner-initiated event"),
                    key("active_minutes", DoubleType, "active time in minutes: sum of gaps between events shorter than the idle cutoff"),
                    key("sessions", LongType, "sessions: runs of events with gaps shorter than the idle cutoff"),
                    key("content_items", LongType, "content items (module, page, video) of the course"),
                    key("content_viewed", LongType, "distinct content items of the course the learner viewed, played or completed"),
                    col("content_coverage", DoubleType, "content_viewed / content_items, null when the course has no content items"),
                    key("assessments_due", LongType, "assessments (quiz, assignment) of the course due by the end of the run date (local)"),
                    key("assessments_submitted", LongType, "of the assessments due, those the learner submitted (first submission) by the run date"),
                    col("assessment_completion", DoubleType, "assessments_submitted / assessments_due, null when none is due"),
                    key("submissions", LongType, "assessments the learner submitted at least once, due or not"),
                    key("on_time_submissions", LongType, "submitted assessments whose first submission was at or before the due time (no due time: on time)"),
                    col("on_time_rate", DoubleType, "on_time_submissions / submissions, null when nothing was submitted"),
                    col("mean_score", DoubleType, "mean score_scaled of the learner's scored events on assessments (scored, passed, failed, submitted with a score)"),
                    col("days_since_last_activity", IntegerType, "run date minus the local date of the last learner-initiated event, null when none"),
                    key("status", StringType, "withdrawn, completed, not_started, inactive, behind or on_track (first rule that holds)"),
                    col("outcome", StringType, "final result from enrollments: pass, distinction, fail, withdrawn, or null while in progress")),
            List.of(
                    new Expectation.InSet("status", LearnerProgressFacts.STATUSES),
                    new Expectation.InSet("outcome", List.of("pass", "distinction", "fail", "withdrawn")),
                    new Expectation.Between("content_coverage", 0, 1),
                    new Expectation.Between("assessment_completion", 0, 1),
                    new Expectation.Between("on_time_rate", 0, 1),
                    new Expectation.Between("mean_score", 0, 1),
                    new Expectation.Between("active_days", 0, Double.MAX_VALUE),
                    new Expectation.Between("active_minutes", 0, Double.MAX_VALUE),
                    new Expectation.Between("sessions", 0, Double.MAX_VALUE),
                    new Expectation.Between("days_since_last_activity", 0, Double.MAX_VALUE),
                    new Expectation.Holds("content_viewed <= content_items", "viewed content is course content"),
                    new Expectation.Holds("assessments_submitted <= assessments_due", "submitted due assessments are due assessments"),
                    new Expectation.Holds("on_time_submissions <= submissions", "on-time submissions are submissions"),
                    new Expectation.Holds("(first_activity IS NULL) = (status = 'not_started') OR status IN ('withdrawn', 'completed')",
                            "not_started exactly when there is no activity (unless withdrawn or completed)"),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS, LearnerDays.REF, DatasetRef.ENROLLMENTS, DatasetRef.COURSE_ITEMS);
    }

    @Override
    public Dataset<Row> transform(MartInputs inputs, MartContext context) {
        Dataset<Row> facts = LearnerProgressFacts.compute(inputs, context);
        return MartFrames.conform(facts, SPEC);
    }
}
