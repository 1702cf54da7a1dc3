package dev.xueqing.jobs.marts.tutor;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

/** events + enrolments → one row per learner question with its first staff response ({@link DiscussionThreads}). */
public final class LearnerQuestionsMart implements Mart {
    public static final String AREA = "数智化教学辅导 data-driven tutoring";

    public static final MartSpec SPEC = new MartSpec("learner_questions", AREA, List.of("question_id"),
            """
            Every learner question up to the run date and its first staff response (docs/tutor-service.md). A \
            question is a learner post that opens a thread, or the first learner post after a staff post in a \
            thread; other learner posts join the open question and do not stop its clock. The first response is \
            the first later staff (instructor or tutor) post in the thread. System and bot posts are neither. \
            Hours are calendar hours and working hours of xueqing.tutor.calendar; the SLA is \
            xueqing.tutor.sla-hours on the clock of xueqing.tutor.sla-clock.""",
            List.of(
                    key("question_id", StringType, "event_id of the post that asks"),
                    key("course_id", StringType, "course run"),
                    col("class_id", StringType, "the asker's class (enrolment, else the event's), null when unknown"),
                    key("thread_id", StringType, "the thread (the post's parent_id after following in_reply_to)"),
                    key("learner_key", StringType, "pseudonymous learner who asked"),
                    key("asked_at", TimestampType, "when the question was posted (UTC)"),
                    key("week_start", DateType, "Monday of the ISO week (tenant-local) it was asked in"),
                    key("learner_posts", LongType, "learner posts in the question: the asking post and those that joined it before the answer"),
                    key("answered", BooleanType, "a staff member posted in the thread after it, by the end of the run date"),
                    col("first_reply_at", TimestampType, "the first later staff post (UTC), null when unanswered"),
                    col("responder_key", StringType, "pseudonym of the staff member who posted it"),
                    col("responder_role", StringType, "instructor or tutor"),
                    col("response_hours", DoubleType, "first_reply_at - asked_at in calendar hours"),
                    col("response_business_hours", DoubleType, "the same span counted in the working hours of xueqing.tutor.calendar"),
                    col("unanswered_hours", DoubleType, "for an unanswered question, calendar hours from asked_at to the end of the run date"),
                    col("within_sla", BooleanType, "answered within the SLA; false when unanswered past it at the end of the run date; null while an unanswered question is still within it"),
                    col("class_tutor_key", StringType, "the staff member who first-answered most of the class's questions (ties: smallest pseudonym)"),
                    col("attributed_to", StringType, "responder_key when answered, else class_tutor_key; null = attributed to the course"),
                    key("attribution", StringType, "responder, class_tutor or course")),
            List.of(
                    new Expectation.Between("response_hours", 0, Double.MAX_VALUE),
                    new Expectation.Between("response_business_hours", 0, Double.MAX_VALUE),
                    new Expectation.Between("unanswered_hours", 0, Double.MAX_VALUE),
                    new Expectation.Between("learner_posts", 1, Double.MAX_VALUE),
                    new Expectation.Holds("answered = (first_reply_at IS NOT NULL)", "answered iff a first reply"),
                    new Expectation.Holds("response_business_hours IS NULL OR response_business_hours <= response_hours + 1e-9",
                            "business hours never exceed calendar hours"),
                    new Expectation.InSet("responder_role", List.of("instructor", "tutor")),
                    new Expectation.InSet("attribution", List.of("responder", "class_tutor", "course")),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS, DatasetRef.ENROLLMENTS);
    }

    @Override
    public Dataset<Row> transform(MartInputs in, MartContext ctx) {
        return dev.xueqing.jobs.marts.MartFrames.conform(DiscussionThreads.questions(in, ctx), SPEC);
    }
}
