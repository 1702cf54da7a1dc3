package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Answers;
import dev.xueqing.common.metrics.LearnerActivity;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ObjectTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Date;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/**
 * The as-of views of events and dims that several marts start from, defined once so every mart reads the same
 * "as of the run date". These only filter and shape the inputs, with one exception: first submissions, assessment
 * scores and course-level outcome events are each read by several marts of a build (progress, segments, weekly
 * quality, the learning index), so they are derived once per build and as-of date and stored by the build's
 * materialiser ({@link MartInputs#derivedCached}): one scan of the events each instead of one per mart.
 *
 * <ul>
 *   <li>events up to asOf: event_date (tenant-local) &lt;= asOf;</li>
 *   <li>enrolments as of asOf: local date of enrolled_at &lt;= asOf; an unenrolment after the end of the asOf day is
 *       not yet known (unenrolled_at is nulled);</li>
 *   <li>first submissions: the first learner-initiated {@code submitted} event on an assessment item
 *       (course_items of a type in {@link ObjectTypes#ASSESSMENTS}) up to asOf;</li>
 *   <li>assessment scores: score_scaled of events with action scored, passed or failed, or submitted with a score,
 *       on an assessment item, by any actor (graders may be the system);</li>
 *   <li>course-level outcome events: completed, passed or failed on the course itself (object_id = course_id or
 *       object_type = course), by any actor;</li>
 *   <li>daily activity with active time and sessions: {@link LearnerDays}, the per-day fact kept between builds.</li>
 * </ul>
 */
public final class MartFrames {
    private MartFrames() {}

    public static Column asOfDate(MartContext ctx) {
        return lit(Date.valueOf(ctx.asOf()));
    }

    /** The exclusive end of the as-of local day, as a UTC instant. */
    public static Column endOfAsOf(MartContext ctx) {
        return TenantTime.endOfLocalDay(ctx.asOf(), ctx.config().timezone());
    }

    public static Dataset<Row> eventsUpTo(MartInputs in, MartContext ctx) {
        return in.get(DatasetRef.EVENTS).filter(col("event_date").leq(asOfDate(ctx)));
    }

    public static Dataset<Row> learnerEvents(MartInputs in, MartContext ctx) {
        return eventsUpTo(in, ctx).filter(LearnerActivity.isLearnerInitiated());
    }

    /**
     * Each learner's first scored answer to each question up to the run date: course_id, learner_key, object_id,
     * parent_id, event_time, event_id, score (in [0, 1], {@link Answers#score}), response; the first by event time,
     * then event id. Two kinds of events are scored answers:
     * <ul>
     *   <li>the learner's {@code answered} event that carries a score (xAPI, edX, CSV); its response is its own;</li>
     *   <li>a {@code scored} event on the question itself: the item graded on its own, as Caliper's GradeEvent on the
     *       Attempt of an AssessmentItem, whose learner is the graded one (the Attempt's assignee). Its response is
     *       the learner's first response to the question (the AssessmentItemEvent that carried it), if any.</li>
     * </ul>
     * One aggregation per learner and question: the earliest scored event and the earliest answer with a response
     * (a minimum of (time, id, ...)), instead of ranking every answer. The first answers of the assessment marts.
     */
    public static Dataset<Row> firstScoredAnswers(MartInputs in, MartContext ctx) {
        Dataset<Row> rows = answersAndGrades(in, ctx)
                .withColumn("_answer", isAnswer())
                .withColumn("score", Answers.score());
        Column firstScored = min(when(col("score").isNotNull(), struct(col("event_time"), col("event_id"),
                col("parent_id"), col("score"), col("_answer"), col("response"))));
        Column firstResponse = min(when(col("_answer").and(col("response").isNotNull()),
                struct(col("event_time"), col("event_id"), col("response"))));
        return rows.groupBy("course_id", "learner_key", "object_id")
                .agg(firstScored.as("_first"), firstResponse.as("_response"))
                .filter(col("_first").isNotNull())
                .select(col("course_id"), col("learner_key"), col("object_id"), col("_first.parent_id").as("parent_id"),
                        col("_first.event_time").as("event_time"), col("_first.event_id").as("event_id"),
                        col("_first.score").as("score"),
                        when(col("_first._answer"), col("_first.response"))
                                .when(col("course_id").isNotNull(), col("_response.response")).as("response"));
    }

    /**
     * Every scored answer to a question up to the run date (both kinds of {@link #firstScoredAnswers}, not only the
     * first), without the response: course_id, learner_key, object_id, event_time, event_id, score. For knowledge
     * tracing, which counts every attempt.
     */
    public static Dataset<Row> answerScores(MartInputs in, MartContext ctx) {
        return scored(answersAndGrades(in, ctx))
                .select("course_id", "learner_key", "object_id", "event_time", "event_id", "score");
    }

    /** The events that may be scored answers: learners' answers to questions and grades of questions. */
    private static Dataset<Row> answersAndGrades(MartInputs in, MartContext ctx) {
        return eventsUpTo(in, ctx).filter(isAnswer().or(isGrade()));
    }

    /** A learner-initiated answer to a question. */
    private static Column isAnswer() {
        return LearnerActivity.isLearnerInitiated().and(col("action").equalTo(Actions.ANSWERED))
                .and(col("object_type").equalTo(ObjectTypes.QUESTION));
    }

    /** A question graded on its own: a scored event on the question, with the graded learner. */
    private static Column isGrade() {
        return col("action").equalTo(Actions.SCORED).and(col("object_type").equalTo(ObjectTypes.QUESTION))
                .and(col("learner_key").isNotNull());
    }

    /** Rows with a score ({@link Answers#score}), in column score. */
    private static Dataset<Row> scored(Dataset<Row> events) {
        return events.withColumn("score", Answers.score()).filter(col("score").isNotNull());
    }

    /** learner_key, course_id, class_id, enrolled_at, unenrolled_at, outcome of enrolments made by the asOf day. */
    public static Dataset<Row> enrollmentsAsOf(MartInputs in, MartContext ctx) {
        Column end = endOfAsOf(ctx);
        return in.get(DatasetRef.ENROLLMENTS)
                .filter(TenantTime.localDate(col("enrolled_at"), ctx.config().timezone()).leq(asOfDate(ctx)))
                .select(col("learner_key"), col("course_id"), col("class_id"), col("enrolled_at"),
                        when(col("unenrolled_at").lt(end), col("unenrolled_at")).as("unenrolled_at"),
                        col("outcome"));
    }

    /** course_id, object_id, due_time of assessment items. */
    public static Dataset<Row> assessmentItems(MartInputs in) {
        return in.get(DatasetRef.COURSE_ITEMS)
                .filter(col("object_type").isin(ObjectTypes.ASSESSMENTS.toArray()))
                .select(col("course_id"), col("object_id"), col("due_time"));
    }

    /** learner_key, course_id, object_id, due_time, submitted_at: the first submission of each assessment item. */
    public static Dataset<Row> firstSubmissions(MartInputs in, MartContext ctx) {
        return in.derivedCached("first-submissions:" + ctx.asOf(), () -> learnerEvents(in, ctx)
                .filter(col("action").isin(Actions.SUBMISSIONS.toArray()))
                .groupBy("learner_key", "course_id", "object_id")
                .agg(min("event_time").as("submitted_at"))
                .join(assessmentItems(in), new String[] {"course_id", "object_id"}));
    }

    /** learner_key, course_id, event_date, score_scaled of scored events on assessment items up to asOf. */
    public static Dataset<Row> assessmentScores(MartInputs in, MartContext ctx) {
        Column scoredAction = col("action").isin(Actions.SCORED, Actions.PASSED, Actions.FAILED)
                .or(col("action").equalTo(Actions.SUBMITTED));
        return in.derivedCached("assessment-scores:" + ctx.asOf(), () -> eventsUpTo(in, ctx)
                .filter(scoredAction.and(col("score_scaled").isNotNull()))
                .join(assessmentItems(in).select("course_id", "object_id"), new String[] {"course_id", "object_id"})
                .select("learner_key", "course_id", "event_date", "score_scaled"));
    }

    /** learner_key, course_id, action, event_time, event_date of course-level completed/passed/failed events. */
    public static Dataset<Row> courseOutcomeEvents(MartInputs in, MartContext ctx) {
        return in.derivedCached("course-outcome-events:" + ctx.asOf(), () -> eventsUpTo(in, ctx)
                .filter(col("action").isin(Actions.COMPLETED, Actions.PASSED, Actions.FAILED))
                .filter(col("object_id").equalTo(col("course_id")).or(col("object_type").equalTo(ObjectTypes.COURSE)))
                .select("learner_key", "course_id", "action", "event_time", "event_date"));
    }

    /** The rows with exactly the spec's columns, in its order, each cast to its declared type. */
    public static Dataset<Row> conform(Dataset<Row> rows, dev.xueqing.common.schema.MartSpec spec) {
        org.apache.spark.sql.types.StructType schema = rows.schema();
        return rows.select(spec.columns().stream().map(x -> {
            // no cast when only nullability differs: Spark refuses to cast an array<string> read back from Parquet
            // (elements nullable) to the spec's array<string> with non-null elements, though the values are the same
            boolean same = java.util.Arrays.asList(schema.fieldNames()).contains(x.name())
                    && schema.apply(x.name()).dataType().sameType(x.type());
            return (same ? col(x.name()) : col(x.name()).cast(x.type())).as(x.name());
        }).toArray(Column[]::new));
    }
}
