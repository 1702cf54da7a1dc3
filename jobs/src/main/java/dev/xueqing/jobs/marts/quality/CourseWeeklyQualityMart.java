package dev.xueqing.jobs.marts.quality;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.metrics.Weeks;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.time.ZoneId;
import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events + dims → course (and class) × ISO week quality: engagement, submissions, scores, outcomes, attrition. */
public final class CourseWeeklyQualityMart implements Mart {
    public static final String AREA = "教学督导 / 质量测评 supervision and quality evaluation";

    public static final MartSpec SPEC = new MartSpec("course_weekly_quality", AREA,
            List.of("course_id", "class_id", "week_start"),
            "How a course, and each class in it (class_id null = the whole course), did in each ISO week (Monday "
                    + "start, tenant time zone) from the week of the course start to the week containing the earlier "
                    + "of the run date and the course end. Enrolment counts and rates are over learners enrolled in "
                    + "that week; submissions are first submissions of assessments; pass/fail come from course-level "
                    + "passed/failed events (each learner's last one up to the run date) dated in the week.",
            List.of(
                    key("course_id", StringType, "course run"),
                    col("class_id", StringType, "class inside the course; null on the row for the whole course"),
                    key("week_start", DateType, "Monday starting the ISO week (tenant-local)"),
                    key("enrolled", LongType, "learners enrolled before the week's end and not unenrolled before its start"),
                    key("active_learners", LongType, "enrolled learners with a learner-initiated event in the week"),
                    col("active_rate", DoubleType, "active_learners / enrolled, null when none enrolled"),
                    col("median_active_minutes", DoubleType, "median over active learners of their active minutes in the week, null when none active"),
                    key("submissions", LongType, "first submissions of assessments made in the week by learners of the group"),
                    key("assigned", LongType, "assessments due in the week (by the end of the run date) × learners enrolled in the week"),
                    key("submitted_due", LongType, "of the assigned, those submitted (first submission) by the end of the run date"),
                    key("submitted_on_time_due", LongType, "of the assigned, those first submitted at or before the due time"),
                    col("submission_rate", DoubleType, "submitted_due / assigned, null when nothing was assigned"),
                    col("on_time_rate", DoubleType, "submitted_on_time_due / submitted_due, null when nothing due was submitted"),
                    col("mean_score", DoubleType, "mean score_scaled of scored assessment events in the week, null when none"),
                    key("passed", LongType, "learners whose last course-level outcome event (up to the run date) is passed, dated in the week"),
                    key("failed", LongType, "learners whose last course-level outcome event (up to the run date) is failed, dated in the week"),
                    col("pass_rate", DoubleType, "passed / (passed + failed), null when neither"),
                    key("newly_inactive", LongType, "enrolled learners whose last activity + inactive-days falls in the week (on or before the run date), still enrolled then"),
                    key("dropouts", LongType, "unenrolments (tenant-local date) in the week"),
                    key("questions_asked", LongType, "learner questions asked in the week (learner_questions)"),
                    col("within_sla_share", DoubleType, "of the questions asked in the week and decided by the end of the run date (answered, or unanswered past the SLA), the share answered within the SLA"),
                    key("unanswered_questions", LongType, "questions unanswered at the week's end (next Monday 00:00, or the end of the run date for the current week), whenever asked"),
                    col("oldest_unanswered_hours", DoubleType, "calendar hours from the oldest of those to the week's end (null when none)"),
                    col("questions_asked_flag", BooleanType, "questions_asked below xueqing.tutor.thresholds.questions-asked-min"),
                    col("within_sla_share_flag", BooleanType, "within_sla_share below xueqing.tutor.thresholds.within-sla-share-min (null when null)"),
                    col("unanswered_questions_flag", BooleanType, "unanswered_questions above xueqing.tutor.thresholds.unanswered-max"),
                    col("oldest_unanswered_hours_flag", BooleanType, "oldest_unanswered_hours above xueqing.tutor.thresholds.oldest-unanswered-hours-max (null when none open)")),
            List.of(
                    new Expectation.Between("active_rate", 0, 1),
                    new Expectation.Between("submission_rate", 0, 1),
                    new Expectation.Between("on_time_rate", 0, 1),
                    new Expectation.Between("mean_score", 0, 1),
                    new Expectation.Between("pass_rate", 0, 1),
                    new Expectation.Between("within_sla_share", 0, 1),
                    new Expectation.Between("median_active_minutes", 0, 7 * 24 * 60),
                    new Expectation.Between("enrolled", 0, Double.MAX_VALUE),
                    new Expectation.Between("submissions", 0, Double.MAX_VALUE),
                    new Expectation.Between("passed", 0, Double.MAX_VALUE),
                    new Expectation.Between("failed", 0, Double.MAX_VALUE),
                    new Expectation.Between("newly_inactive", 0, Double.MAX_VALUE),
                    new Expectation.Between("dropouts", 0, Double.MAX_VALUE),
                    new Expectation.Holds("active_learners <= enrolled", "active learners are enrolled learners"),
                    new Expectation.Holds("submitted_on_time_due <= submitted_due AND submitted_due <= assigned",
                            "on-time ⊆ submitted ⊆ assigned"),
                    new Expectation.Holds("dayofweek(week_start) = 2", "weeks start on Monday"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id"),
                    new Expectation.References("class_id", DatasetRef.ENROLLMENTS, "class_id")));

    private static final List<String> WEEK = List.of("week_start");

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS, LearnerDays.REF, DatasetRef.COURSES, DatasetRef.ENROLLMENTS,
                DatasetRef.COURSE_ITEMS);
    }

    @Override
    public Dataset<Row> transform(MartInputs in, MartContext ctx) {
        XueqingConfig cfg = ctx.config();
        ZoneId zone = cfg.timezone();
        Column asOf = MartFrames.asOfDate(ctx);
        Dataset<Row> courses = in.get(DatasetRef.COURSES);
        Dataset<Row> enr = MartFrames.enrollmentsAsOf(in, ctx);

        // The course's weeks: Monday of start_date .. Monday of min(asOf, end_date).
        Dataset<Row> weeks = courses
                .select(c("course_id"), Weeks.weekStart(c("start_date")).as("_w0"),
                        Weeks.weekStart(least(c("end_date"), asOf)).as("_w1"))
                .filter(c("_w0").leq(c("_w1")))
                .select(c("course_id"), explode(sequence(c("_w0"), c("_w1"), expr("INTERVAL 7 DAYS"))).as("week_start"))
                .withColumn("_ws", TenantTime.startOfLocalDay(c("week_start"), zone))
                .withColumn("_we", TenantTime.startOfLocalDay(date_add(c("week_start"), 7), zone));

        // Learners enrolled in each week, with their activity and active minutes in it.
        Dataset<Row> members = enr.join(weeks, "course_id")
                .filter(c("enrolled_at").lt(c("_we")).and(c("unenrolled_at").isNull().or(c("unenrolled_at").geq(c("_ws")))))
                .select("course_id", "class_id", "learner_key", "week_start");
        Dataset<Row> learnerDays = LearnerDays.of(in, ctx);
        Dataset<Row> activeWeeks = learnerDays
                .groupBy(c("learner_key"), c("course_id"), Weeks.weekStart(c("event_date")).as("week_start"))
                .agg(sum("active_seconds").divide(60.0).as("_minutes"))
                .withColumn("_active", lit(true));
        String[] lcw = {"learner_key", "course_id", "week_start"};
        Dataset<Row> memberFacts = members.join(activeWeeks, lcw, "left");

        // First submissions made in the week (learners of the group by their enrolment class).
        Dataset<Row> firstSubs = MartFrames.firstSubmissions(in, ctx)
                .join(enr.select("learner_key", "course_id", "class_id"), new String[] {"learner_key", "course_id"});
        Dataset<Row> submissionFacts =
                firstSubs.withColumn("week_start", Weeks.weekStart(TenantTime.localDate(c("submitted_at"), zone)));

        // Assessments due in the week (and by the end of asOf) × learners enrolled in the week.
        Dataset<Row> dueInWeek = MartFrames.assessmentItems(in)
                .filter(c("due_time").isNotNull().and(c("due_time").lt(MartFrames.endOfAsOf(ctx))))
                .withColumn("week_start", Weeks.weekStart(TenantTime.localDate(c("due_time"), zone)));
        Dataset<Row> assignedFacts = members.join(dueInWeek, new String[] {"course_id", "week_start"})
                .join(firstSubs.select("learner_key", "course_id", "object_id", "submitted_at"),
                        new String[] {"learner_key", "course_id", "object_id"}, "left");

        // Scores of assessment events in the week.
        Dataset<Row> scoreFacts = MartFrames.assessmentScores(in, ctx)
                .join(enr.select("learner_key", "course_id", "class_id"), new String[] {"learner_key", "course_id"})
                .withColumn("week_start", Weeks.weekStart(c("event_date")));

        // Outcomes: each learner's last course-level passed/failed event, in its week.
        Dataset<Row> lastOutcome = MartFrames.courseOutcomeEvents(in, ctx)
                .filter(c("action").isin(Actions.PASSED, Actions.FAILED))
                .withColumn("_rn", row_number().over(Window.partitionBy("learner_key", "course_id")
                        .orderBy(c("event_time").desc())))
                .filter(c("_rn").equalTo(1))
                .join(enr.select("learner_key", "course_id", "class_id"), new String[] {"learner_key", "course_id"})
                .withColumn("week_start", Weeks.weekStart(c("event_date")));

        // Newly inactive: last activity + inactive-days falls in the week, on or before asOf, still enrolled then.
        Dataset<Row> lastActive = learnerDays.groupBy("learner_key", "course_id").agg(
                org.apache.spark.sql.functions.max("event_date").as("_last"));
        Dataset<Row> inactiveFacts = enr.join(lastActive, new String[] {"learner_key", "course_id"})
                .withColumn("_inactive_date", date_add(c("_last"), cfg.activity().inactiveDays()))
                .filter(c("_inactive_date").leq(asOf))
                .filter(c("unenrolled_at").isNull()
                        .or(TenantTime.localDate(c("unenrolled_at"), zone).geq(c("_inactive_date"))))
                .withColumn("week_start", Weeks.weekStart(c("_inactive_date")));

        // Dropouts: unenrolments (as of asOf) in the week.
        Dataset<Row> dropoutFacts = enr.filter(c("unenrolled_at").isNotNull())
                .withColumn("week_start", Weeks.weekStart(TenantTime.localDate(c("unenrolled_at"), zone)));

        // Every fact above as rows of one kind in one frame, so that one aggregation (per course and per class)
        // counts them all: one shuffle and one join instead of one of each per measure.
        Dataset<Row> facts = kind(memberFacts, MEMBER, "_active", "_minutes")
                .unionByName(kind(submissionFacts, SUBMISSION), true)
                .unionByName(kind(assignedFacts, ASSIGNED, "submitted_at", "due_time"), true)
                .unionByName(kind(scoreFacts, SCORE, "score_scaled"), true)
                .unionByName(kind(lastOutcome, OUTCOME, "action"), true)
                .unionByName(kind(inactiveFacts, INACTIVE), true)
                .unionByName(kind(dropoutFacts, DROPOUT), true)
                // learner questions: asked in the week, and open at its end
                .unionByName(kind(dev.xueqing.jobs.marts.tutor.DiscussionThreads.questions(in, ctx), ASKED,
                        "within_sla"), true)
                .unionByName(kind(dev.xueqing.jobs.marts.tutor.DiscussionThreads.openAtWeekEnds(in, ctx), OPEN,
                        "open_hours"), true);
        Column member = is(MEMBER);
        Column assigned = is(ASSIGNED);
        Column asked = is(ASKED);
        Dataset<Row> measures = ClassGroups.aggregate(facts, WEEK,
                count(when(member, 1)).as("enrolled"),
                count(when(member.and(c("_active")), 1)).as("active_learners"),
                Rates.median(when(member.and(c("_active")), coalesce(c("_minutes"), lit(0.0))))
                        .as("median_active_minutes"),
                count(when(is(SUBMISSION), 1)).as("submissions"),
                count(when(assigned, 1)).as("assigned"),
                count(when(assigned, c("submitted_at"))).as("submitted_due"),
                count(when(assigned.and(c("submitted_at").leq(c("due_time"))), 1)).as("submitted_on_time_due"),
                sum(when(is(SCORE), c("score_scaled"))).as("_score_sum"),
                count(when(is(SCORE), c("score_scaled"))).as("_score_n"),
                count(when(is(OUTCOME).and(c("action").equalTo(Actions.PASSED)), 1)).as("passed"),
                count(when(is(OUTCOME).and(c("action").equalTo(Actions.FAILED)), 1)).as("failed"),
                count(when(is(INACTIVE), 1)).as("newly_inactive"),
                count(when(is(DROPOUT), 1)).as("dropouts"),
                count(when(asked, 1)).as("questions_asked"),
                count(when(asked.and(c("within_sla")), 1)).as("_within"),
                count(when(asked, c("within_sla"))).as("_decided"),
                count(when(is(OPEN), 1)).as("unanswered_questions"),
                org.apache.spark.sql.functions.max(when(is(OPEN), c("open_hours"))).as("oldest_unanswered_hours"));

        String[] keys = {"course_id", ClassGroups.GROUP, "week_start"};
        Dataset<Row> frame = ClassGroups.frame(courses, enr).join(weeks.select("course_id", "week_start"), "course_id");
        Dataset<Row> all = frame.join(measures, keys, "left");
        Dataset<Row> rows = all.select(
                c("course_id"), ClassGroups.classIdColumn(), c("week_start"),
                zero("enrolled"), zero("active_learners"),
                Rates.ratio(coalesce(c("active_learners"), lit(0L)), coalesce(c("enrolled"), lit(0L))).as("active_rate"),
                c("median_active_minutes").cast("double").as("median_active_minutes"),
                zero("submissions"), zero("assigned"), zero("submitted_due"), zero("submitted_on_time_due"),
                Rates.ratio(c("submitted_due"), c("assigned")).as("submission_rate"),
                Rates.ratio(c("submitted_on_time_due"), c("submitted_due")).as("on_time_rate"),
                Rates.ratio(c("_score_sum"), c("_score_n")).as("mean_score"),
                zero("passed"), zero("failed"),
                Rates.ratio(coalesce(c("passed"), lit(0L)), coalesce(c("passed"), lit(0L)).plus(coalesce(c("failed"), lit(0L)))).as("pass_rate"),
                zero("newly_inactive"), zero("dropouts"),
                zero("questions_asked"), Rates.ratio(c("_within"), c("_decided")).as("within_sla_share"),
                zero("unanswered_questions"), c("oldest_unanswered_hours"));
        List<Column> out = new java.util.ArrayList<>();
        for (String name : rows.columns()) {
            out.add(c(name));
        }
        for (var k : CourseQualitySummaryMart.QUESTION_KPIS) {
            out.add(k.flag(cfg).as(k.name() + "_flag"));
        }
        return rows.select(out.toArray(Column[]::new));
    }

    private static final String MEMBER = "member";
    private static final String SUBMISSION = "submission";
    private static final String ASSIGNED = "assigned";
    private static final String SCORE = "score";
    private static final String OUTCOME = "outcome";
    private static final String INACTIVE = "inactive";
    private static final String DROPOUT = "dropout";
    private static final String ASKED = "asked";
    private static final String OPEN = "open";

    /** A fact frame as rows of one kind: course_id, class_id, week_start, _kind and the measure columns named. */
    private static Dataset<Row> kind(Dataset<Row> facts, String kind, String... measures) {
        List<Column> cols = new java.util.ArrayList<>(List.of(c("course_id"), c("class_id"), c("week_start"),
                lit(kind).as("_kind")));
        for (String m : measures) {
            cols.add(c(m));
        }
        return facts.select(cols.toArray(Column[]::new));
    }

    private static Column is(String kind) {
        return c("_kind").equalTo(kind);
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }

    private static Column zero(String name) {
        return coalesce(c(name), lit(0L)).cast("long").as(name);
    }
}
