package dev.xueqing.jobs.marts.tutor;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.metrics.Weeks;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.ZoneId;
import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/**
 * learner questions + staff posts + risk history → staff member × course × ISO week: questions answered and how fast
 * (median and 90th percentile, never the mean), questions left open, follow-up of learners at risk.
 */
public final class TutorServiceQualityMart implements Mart {

    /** The risk history's columns, for a warehouse where no risk scores were written yet. */
    public static final StructType RISK_HISTORY_SCHEMA = new StructType()
            .add("learner_key", StringType).add("course_id", StringType).add("band", StringType)
            .add("probability", DoubleType).add("as_of", DateType);

    public static final MartSpec SPEC = new MartSpec("tutor_service_quality", LearnerQuestionsMart.AREA,
            List.of("staff_key", "course_id", "week_start"),
            """
            How each staff member (instructor or tutor) served the learners of a course in each ISO week (Monday \
            start, tenant-local), from learner_questions (docs/tutor-service.md). Response times are of the \
            questions the staff member answered first in the week, as median and 90th percentile, beside the \
            questions attributed to them (they tutor the asker's class) that were still open at the week's end. \
            A row exists for each week in which the staff member answered, posted, or had an open question \
            attributed. Flags compare with xueqing.tutor.thresholds.""",
            List.of(
                    key("staff_key", StringType, "pseudonym of the staff member"),
                    key("course_id", StringType, "course run"),
                    key("week_start", DateType, "Monday of the ISO week (tenant-local)"),
                    col("staff_role", StringType, "instructor or tutor: the role of their latest post in the course"),
                    key("questions_answered", LongType, "questions whose first staff response they gave in the week"),
                    key("replies", LongType, "their posts in the week that do not open a thread"),
                    key("learners_helped", LongType, "distinct learners whose questions they answered first in the week"),
                    col("median_response_hours", DoubleType, "median calendar hours to their first responses in the week"),
                    col("p90_response_hours", DoubleType, "90th percentile of the same (exact, interpolated)"),
                    col("median_response_business_hours", DoubleType, "median of the same spans in business hours"),
                    col("p90_response_business_hours", DoubleType, "90th percentile in business hours"),
                    col("within_sla_share", DoubleType, "of the questions they answered first in the week, the share answered within the SLA"),
                    key("unanswered_at_week_end", LongType, "questions attributed to them (class tutor) still unanswered at the week's end (the end of the run date for the current week)"),
                    col("oldest_unanswered_hours", DoubleType, "calendar hours from the oldest of those to the week's end"),
                    col("at_risk_learners", LongType, "learners of the course in the high-risk band of the last risk scores of the week before (null when no scores were written that week)"),
                    col("at_risk_followed_up", LongType, "of those, the learners they contacted within xueqing.tutor.follow-up-days of the week's start (a post in a thread the learner had posted in)"),
                    col("at_risk_follow_up_share", DoubleType, "at_risk_followed_up / at_risk_learners"),
                    col("median_response_flag", BooleanType, "the median first-response hours on the SLA's clock (xueqing.tutor.sla-clock) above xueqing.tutor.thresholds.median-response-hours-max (null when nothing answered)"),
                    col("within_sla_share_flag", BooleanType, "within_sla_share below xueqing.tutor.thresholds.within-sla-share-min (null when nothing answered)"),
                    key("unanswered_flag", BooleanType, "unanswered_at_week_end above xueqing.tutor.thresholds.unanswered-max"),
                    col("oldest_unanswered_flag", BooleanType, "oldest_unanswered_hours above xueqing.tutor.thresholds.oldest-unanswered-hours-max (null when none open)"),
                    key("flags", DataTypes.createArrayType(StringType, false), "names of the flagged measures")),
            List.of(
                    new Expectation.Between("within_sla_share", 0, 1),
                    new Expectation.Between("at_risk_follow_up_share", 0, 1),
                    new Expectation.Between("median_response_hours", 0, Double.MAX_VALUE),
                    new Expectation.Holds("median_response_hours IS NULL OR p90_response_hours >= median_response_hours - 1e-9",
                            "the 90th percentile is not below the median"),
                    new Expectation.Holds("learners_helped <= questions_answered", "each helped learner asked"),
                    new Expectation.Holds("at_risk_followed_up IS NULL OR at_risk_followed_up <= at_risk_learners",
                            "followed up ⊆ at risk"),
                    new Expectation.Holds("dayofweek(week_start) = 2", "weeks start on Monday"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS, DatasetRef.ENROLLMENTS, DatasetRef.RISK_HISTORY);
    }

    @Override
    public Dataset<Row> transform(MartInputs in, MartContext ctx) {
        XueqingConfig.Tutor cfg = ctx.config().tutor();
        ZoneId zone = ctx.config().timezone();
        String[] keys = {"staff_key", "course_id", "week_start"};
        Dataset<Row> q = DiscussionThreads.questions(in, ctx);
        Dataset<Row> staffPosts = DiscussionThreads.posts(in, ctx).filter(c("is_staff"))
                .withColumn("week_start", Weeks.weekStart(TenantTime.localDate(c("event_time"), zone)));

        Dataset<Row> answered = q.filter(c("answered"))
                .withColumn("week_start", Weeks.weekStart(TenantTime.localDate(c("first_reply_at"), zone)))
                .groupBy(c("responder_key").as("staff_key"), c("course_id"), c("week_start"))
                .agg(count(lit(1)).as("questions_answered"),
                        count_distinct(c("learner_key")).as("learners_helped"),
                        Rates.median(c("response_hours")).as("median_response_hours"),
                        Rates.quantile(c("response_hours"), 0.9).as("p90_response_hours"),
                        Rates.median(c("response_business_hours")).as("median_response_business_hours"),
                        Rates.quantile(c("response_business_hours"), 0.9).as("p90_response_business_hours"),
                        Rates.ratio(sum(when(c("within_sla"), 1L).otherwise(0L)), count(lit(1)))
                                .as("within_sla_share"));
        Dataset<Row> posted = staffPosts
                .groupBy(c("learner_key").as("staff_key"), c("course_id"), c("week_start"))
                .agg(sum(when(c("opener"), 0L).otherwise(1L)).as("replies"));
        Dataset<Row> roles = staffPosts.groupBy(c("learner_key").as("staff_key"), c("course_id"))
                .agg(max_by(c("actor_role"), c("event_time")).as("staff_role"));
        Dataset<Row> open = DiscussionThreads.openAtWeekEnds(in, ctx)
                .filter(c("class_tutor_key").isNotNull())
                .groupBy(c("class_tutor_key").as("staff_key"), c("course_id"), c("week_start"))
                .agg(count(lit(1)).as("unanswered_at_week_end"), max("open_hours").as("oldest_unanswered_hours"));
        Dataset<Row> followUp = followUp(in, ctx, staffPosts);

        Dataset<Row> rows = answered.select(keys[0], keys[1], keys[2])
                .unionByName(posted.select(keys[0], keys[1], keys[2]))
                .unionByName(open.select(keys[0], keys[1], keys[2])).distinct()
                .join(answered, keys, "left").join(posted, keys, "left").join(open, keys, "left")
                .join(roles, new String[] {"staff_key", "course_id"}, "left")
                .join(followUp.select("course_id", "week_start", "at_risk_learners").distinct(),
                        new String[] {"course_id", "week_start"}, "left")
                .join(followUp.filter(c("staff_key").isNotNull())
                        .select("staff_key", "course_id", "week_start", "at_risk_followed_up"), keys, "left");
        Column median = c(cfg.slaOnBusinessClock() ? "median_response_business_hours" : "median_response_hours");
        Column slow = when(median.isNotNull(), median.gt(cfg.medianResponseHoursMax()));
        Column sla = when(c("within_sla_share").isNotNull(), c("within_sla_share").lt(cfg.withinSlaShareMin()));
        Column unanswered = coalesce(c("unanswered_at_week_end"), lit(0L)).gt(cfg.unansweredMax());
        Column oldest = when(c("oldest_unanswered_hours").isNotNull(),
                c("oldest_unanswered_hours").gt(cfg.oldestUnansweredHoursMax()));
        Dataset<Row> out = rows.select(c("staff_key"), c("course_id"), c("week_start"), c("staff_role"),
                zero("questions_answered"), zero("replies"), zero("learners_helped"),
                c("median_response_hours"), c("p90_response_hours"), c("median_response_business_hours"),
                c("p90_response_business_hours"), c("within_sla_share"), zero("unanswered_at_week_end"),
                c("oldest_unanswered_hours"), c("at_risk_learners"),
                when(c("at_risk_learners").isNotNull(), coalesce(c("at_risk_followed_up"), lit(0L)))
                        .as("at_risk_followed_up"),
                Rates.ratio(coalesce(c("at_risk_followed_up"), lit(0L)), c("at_risk_learners"))
                        .as("at_risk_follow_up_share"),
                slow.as("median_response_flag"), sla.as("within_sla_share_flag"), unanswered.as("unanswered_flag"),
                oldest.as("oldest_unanswered_flag"),
                array_compact(array(when(slow, lit("median_response")), when(sla, lit("within_sla_share")), when(unanswered, lit("unanswered")),
                        when(oldest, lit("oldest_unanswered")))).as("flags"));
        return MartFrames.conform(out, SPEC);
    }

    /**
     * course_id, week_start, at_risk_learners, and per staff member who contacted any of them: staff_key,
     * at_risk_followed_up (a row with null staff_key when nobody did). High risk at a week's start = band high in the
     * latest risk scores written in the week before (as_of in [W − 7, W − 1]).
     */
    static Dataset<Row> followUp(MartInputs in, MartContext ctx, Dataset<Row> staffPosts) {
        ZoneId zone = ctx.config().timezone();
        int days = ctx.config().tutor().followUpDays();
        Dataset<Row> history = in.get(DatasetRef.RISK_HISTORY)
                .filter(c("as_of").leq(MartFrames.asOfDate(ctx)))
                .withColumn("week_start", date_add(Weeks.weekStart(c("as_of")), 7));
        Dataset<Row> latest = history.groupBy("course_id", "week_start").agg(max("as_of").as("as_of"));
        Dataset<Row> atRisk = history.join(latest, new String[] {"course_id", "week_start", "as_of"})
                .filter(c("band").equalTo("high"))
                .select("course_id", "week_start", "learner_key");
        Dataset<Row> counts = latest.join(atRisk.groupBy("course_id", "week_start")
                        .agg(count(lit(1)).as("at_risk_learners")), new String[] {"course_id", "week_start"}, "left")
                .select(c("course_id"), c("week_start"), coalesce(c("at_risk_learners"), lit(0L))
                        .as("at_risk_learners"));

        // a contact: a staff post in a thread the learner had posted in before it
        Dataset<Row> all = DiscussionThreads.posts(in, ctx);
        Dataset<Row> learnerPosts = all.filter(c("is_staff").equalTo(false))
                .select(c("course_id"), c("thread_id"), c("learner_key").as("_learner"), c("event_time").as("_lt"));
        Dataset<Row> contacts = staffPosts
                .select(c("course_id"), c("thread_id"), c("learner_key").as("staff_key"), c("event_time"))
                .join(learnerPosts, new String[] {"course_id", "thread_id"})
                .filter(c("_lt").lt(c("event_time")))
                .select("course_id", "staff_key", "_learner", "event_time");
        Dataset<Row> followed = atRisk.join(contacts, atRisk.col("course_id").equalTo(contacts.col("course_id"))
                                .and(atRisk.col("learner_key").equalTo(c("_learner"))))
                .filter(c("event_time").geq(TenantTime.startOfLocalDay(c("week_start"), zone))
                        .and(c("event_time").lt(TenantTime.startOfLocalDay(date_add(c("week_start"), days), zone))))
                .groupBy(atRisk.col("course_id"), c("week_start"), c("staff_key"))
                .agg(count_distinct(c("learner_key")).as("at_risk_followed_up"));
        return counts.join(followed, new String[] {"course_id", "week_start"}, "left");
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }

    private static Column zero(String name) {
        return coalesce(c(name), lit(0L)).cast("long").as(name);
    }
}
