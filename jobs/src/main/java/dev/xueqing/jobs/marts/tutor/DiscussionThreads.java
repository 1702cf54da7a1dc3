package dev.xueqing.jobs.marts.tutor;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.metrics.BusinessCalendar;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.metrics.Weeks;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

import java.sql.Timestamp;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

/**
 * Forum posts → threads → learner questions with their first staff response, per DESIGN.md ("Staff", "Question",
 * "First-response time"). Computed once per build and shared by learner_questions, tutor_service_quality and the
 * course quality marts.
 *
 * <pre>
 *   post      = event with action posted or replied on an object of type forum_post, up to the run date (an
 *               xAPI "create" of a course or a note is posted on a course or a note: no post)
 *   thread    = the thread of the post its in_reply_to names (matched by object_id or event_id in the course, two
 *               hops), else its parent_id, else its own object_id (adapters put the thread in parent_id)
 *   orphan    = in_reply_to names no post seen: kept, in its parent_id's thread; a thread whose first post is
 *               an orphan started unseen, and its learner posts before the first staff post are no question
 *   staff     = actor_role instructor or tutor; system posts (bots) are neither questions nor answers
 *   order     = in a thread by event_time, a learner post before a staff post of the same instant, then event_id
 *   seg(p)    = staff posts at or before p in the thread
 *   question  = the first learner post of each seg value; the other learner posts of that seg join it
 *   answer    = the staff post with seg = question's seg + 1: the first staff post after the question
 *   hours     = (answer − question) on the calendar, and in the working hours of xueqing.tutor.calendar
 *   within    = answered within xueqing.tutor.sla-hours (on the configured clock); unanswered: false once the
 *               SLA has passed by the end of the run date, null before
 *   class tutor = the staff member who first-answered most of the class's questions (ties: smallest key); an
 *               unanswered question is attributed to them, else to the course (attributed_to null)
 * </pre>
 */
public final class DiscussionThreads {
    private DiscussionThreads() {}

    /** Micro-seconds in an hour. */
    private static final double HOUR_MICROS = 3_600_000_000.0;

    /**
     * Every post up to the run date, system ones included: course_id, _event_class, learner_key, actor_role,
     * is_staff, event_id, object_id, in_reply_to, event_time, thread_id, orphan, opener (first post of its
     * thread), unseen_start (the thread's first post is an orphan: its start was not seen).
     */
    public static Dataset<Row> posts(MartInputs in, MartContext ctx) {
        // resolve() reads its input eight times (two self-joins, each over a union, and the opener join): the few
        // post rows are cached first, so that the events are scanned once, not eight times
        return in.derivedCached("tutor.posts", () -> resolve(in.derivedCached("tutor.raw-posts",
                () -> MartFrames.eventsUpTo(in, ctx)
                        .filter(col("action").isin(Actions.POSTED, Actions.REPLIED)
                                .and(col("object_type").equalTo(ObjectTypes.FORUM_POST)))
                        .select(col("course_id"), col("class_id").as("_event_class"), col("learner_key"),
                                col("actor_role"),
                                col("actor_role").isin(ActorRoles.INSTRUCTOR, ActorRoles.TUTOR).as("is_staff"),
                                col("event_id"), col("object_id"), col("parent_id"), col("in_reply_to"),
                                col("event_time")))));
    }

    /** Thread resolution and the opener flag over post rows (see the class comment). */
    static Dataset<Row> resolve(Dataset<Row> posts) {
        Dataset<Row> p = posts.withColumn("_t0", coalesce(col("parent_id"), col("object_id")));
        Dataset<Row> r1 = p.join(targets(p, "_t0"), joinOnReply(p), "left")
                .withColumn("orphan", col("in_reply_to").isNotNull().and(col("_target").isNull()))
                .withColumn("_t1", coalesce(col("_target"), col("_t0")))
                .drop("_key", "_tcourse", "_target");
        Dataset<Row> r2 = r1.join(targets(r1, "_t1"), joinOnReply(r1), "left")
                .withColumn("thread_id", coalesce(col("_target"), col("_t1")))
                .drop("_key", "_tcourse", "_target", "_t0", "_t1", "parent_id");
        WindowSpec inThread = Window.partitionBy("course_id", "thread_id").orderBy(col("event_time"),
                col("is_staff"), col("event_id"));
        Dataset<Row> withOpener = r2.withColumn("opener", row_number().over(inThread).equalTo(1));
        Dataset<Row> unseen = withOpener.filter(col("opener").and(col("orphan")))
                .select(col("course_id").as("_ucourse"), col("thread_id").as("_uthread"));
        return withOpener.join(unseen, withOpener.col("course_id").equalTo(col("_ucourse"))
                        .and(withOpener.col("thread_id").equalTo(col("_uthread"))), "left")
                .withColumn("unseen_start", col("_uthread").isNotNull()).drop("_ucourse", "_uthread");
    }

    private static Column joinOnReply(Dataset<Row> p) {
        return p.col("course_id").equalTo(col("_tcourse")).and(p.col("in_reply_to").equalTo(col("_key")));
    }

    /** _tcourse, _key (a post's object_id or event_id), _target (that post's thread so far). */
    private static Dataset<Row> targets(Dataset<Row> p, String thread) {
        Dataset<Row> byObject = p.select(col("course_id").as("_tcourse"), col("object_id").as("_key"),
                col(thread).as("_target"));
        Dataset<Row> byEvent = p.select(col("course_id").as("_tcourse"), col("event_id").as("_key"),
                col(thread).as("_target"));
        return byObject.unionByName(byEvent).filter(col("_key").isNotNull())
                .groupBy("_tcourse", "_key").agg(min("_target").as("_target"));
    }

    /**
     * One row per learner question (the learner_questions columns before conforming, plus week_start and
     * class_tutor_key for the weekly marts).
     */
    public static Dataset<Row> questions(MartInputs in, MartContext ctx) {
        return in.derivedCached("tutor.questions", () -> computeQuestions(in, ctx));
    }

    private static Dataset<Row> computeQuestions(MartInputs in, MartContext ctx) {
        XueqingConfig.Tutor tutor = ctx.config().tutor();
        Dataset<Row> people = posts(in, ctx).filter(col("actor_role").notEqual(ActorRoles.SYSTEM));
        WindowSpec order = Window.partitionBy("course_id", "thread_id")
                .orderBy(col("event_time"), col("is_staff"), col("event_id"))
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Dataset<Row> seg = people.withColumn("_seg", sum(when(col("is_staff"), 1L).otherwise(0L)).over(order));

        // a thread whose first visible post answers an unseen post has no question before its first staff post
        Dataset<Row> asked = seg.filter(col("is_staff").equalTo(false)
                        .and(col("unseen_start").and(col("_seg").equalTo(0)).equalTo(false)))
                .groupBy("course_id", "thread_id", "_seg")
                .agg(min(struct(col("event_time"), col("event_id"), col("learner_key"), col("_event_class")))
                        .as("_q"), count(lit(1)).as("learner_posts"))
                .select(col("course_id"), col("thread_id"), col("_seg"), col("_q.event_id").as("question_id"),
                        col("_q.learner_key").as("learner_key"), col("_q._event_class").as("_event_class"),
                        col("_q.event_time").as("asked_at"), col("learner_posts"));
        Dataset<Row> answers = seg.filter(col("is_staff"))
                .select(col("course_id").as("_acourse"), col("thread_id").as("_athread"),
                        col("_seg").minus(1).as("_aseg"), col("event_time").as("first_reply_at"),
                        col("learner_key").as("responder_key"), col("actor_role").as("responder_role"));
        Dataset<Row> enrolled = MartFrames.enrollmentsAsOf(in, ctx)
                .select(col("learner_key").as("_elearner"), col("course_id").as("_ecourse"),
                        col("class_id").as("_enrol_class"));

        UserDefinedFunction business = businessHours(tutor.calendar());
        Column end = MartFrames.endOfAsOf(ctx);
        Column answered = col("first_reply_at").isNotNull();
        Column responseHours = hours(col("asked_at"), col("first_reply_at"));
        Column openHours = hours(col("asked_at"), end);
        Column onClock = tutor.slaOnBusinessClock() ? col("response_business_hours") : col("response_hours");
        Column openOnClock = tutor.slaOnBusinessClock() ? business.apply(col("asked_at"), end) : openHours;

        Dataset<Row> q = asked
                .join(answers, asked.col("course_id").equalTo(col("_acourse"))
                        .and(asked.col("thread_id").equalTo(col("_athread")))
                        .and(asked.col("_seg").equalTo(col("_aseg"))), "left")
                .join(enrolled, asked.col("learner_key").equalTo(col("_elearner"))
                        .and(asked.col("course_id").equalTo(col("_ecourse"))), "left")
                .select(col("question_id"), col("course_id"), coalesce(col("_enrol_class"), col("_event_class"))
                                .as("class_id"), col("thread_id"), col("learner_key"), col("asked_at"),
                        Weeks.weekStart(TenantTime.localDate(col("asked_at"), ctx.config().timezone()))
                                .as("week_start"),
                        col("learner_posts"), answered.as("answered"), col("first_reply_at"), col("responder_key"),
                        col("responder_role"),
                        when(answered, responseHours).as("response_hours"),
                        when(answered, business.apply(col("asked_at"), col("first_reply_at")))
                                .as("response_business_hours"),
                        when(answered, lit(null).cast("double")).otherwise(openHours).as("unanswered_hours"),
                        when(org.apache.spark.sql.functions.not(answered), openOnClock).as("_open_clock"));
        q = q.withColumn("within_sla", when(col("answered"), onClock.leq(tutor.slaHours()))
                .when(col("_open_clock").gt(tutor.slaHours()), lit(false))
                .otherwise(lit(null).cast("boolean"))).drop("_open_clock");

        // the class tutor: who first-answered most of the class's questions
        Dataset<Row> classTutor = q.filter(col("answered").and(col("class_id").isNotNull()))
                .groupBy("course_id", "class_id", "responder_key").agg(count(lit(1)).as("_n"))
                .withColumn("_rank", row_number().over(Window.partitionBy("course_id", "class_id")
                        .orderBy(col("_n").desc(), col("responder_key"))))
                .filter(col("_rank").equalTo(1))
                .select(col("course_id").as("_tcourse"), col("class_id").as("_tclass"),
                        col("responder_key").as("class_tutor_key"));
        return q.join(classTutor, q.col("course_id").equalTo(col("_tcourse"))
                        .and(q.col("class_id").equalTo(col("_tclass"))), "left")
                .drop("_tcourse", "_tclass")
                .withColumn("attributed_to", coalesce(col("responder_key"), col("class_tutor_key")))
                .withColumn("attribution", when(col("answered"), lit("responder"))
                        .when(col("class_tutor_key").isNotNull(), lit("class_tutor")).otherwise(lit("course")));
    }

    /** Calendar hours from a to b (timestamps). */
    static Column hours(Column a, Column b) {
        return unix_micros(b).minus(unix_micros(a)).divide(HOUR_MICROS);
    }

    /** (from, to) timestamps → business hours in the calendar; null when either is null. */
    static UserDefinedFunction businessHours(BusinessCalendar calendar) {
        UDF2<Timestamp, Timestamp, Double> f = (a, b) -> a == null || b == null ? null
                : calendar.hoursBetween(a.toInstant(), b.toInstant());
        return udf(f, DataTypes.DoubleType);
    }

    /**
     * For each question and each week end it stayed open across: course_id, class_id, question_id,
     * class_tutor_key, week_start, open_hours (calendar hours from asked to the week's end). A week's end is the
     * next Monday 00:00 (tenant-local), or the end of the run date for the week that contains it. A question
     * answered at or after a week's end was open at that end.
     */
    public static Dataset<Row> openAtWeekEnds(MartInputs in, MartContext ctx) {
        var zone = ctx.config().timezone();
        Column end = MartFrames.endOfAsOf(ctx);
        Column lastInstant = coalesce(
                when(col("first_reply_at").lt(end), col("first_reply_at")), end);
        Dataset<Row> weeks = questions(in, ctx)
                .withColumn("_w", org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.sequence(
                        col("week_start"), Weeks.weekStart(TenantTime.localDate(lastInstant, zone)),
                        org.apache.spark.sql.functions.expr("INTERVAL 7 DAYS"))))
                .withColumn("_we", org.apache.spark.sql.functions.least(
                        TenantTime.startOfLocalDay(org.apache.spark.sql.functions.date_add(col("_w"), 7), zone), end));
        return weeks.filter(col("asked_at").lt(col("_we"))
                        .and(col("first_reply_at").isNull().or(col("first_reply_at").geq(col("_we")))))
                .select(col("course_id"), col("class_id"), col("question_id"), col("class_tutor_key"),
                        col("_w").as("week_start"), hours(col("asked_at"), col("_we")).as("open_hours"));
    }
}
