package dev.xueqing.jobs.marts.quality;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.progress.LearnerProgressFacts;
import dev.xueqing.jobs.marts.progress.LearnerSegments;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/**
 * events + dims → course (and class) quality KPIs as of the run date, each with its threshold and a below-standard
 * flag. Per-learner facts and the status rule come from {@link LearnerProgressFacts}, so they match
 * learner_course_progress.
 */
public final class CourseQualitySummaryMart implements Mart {

    /** A KPI with a configured threshold: below a minimum (or above a maximum) is below standard. */
    record Kpi(String name, boolean isMax, ToDoubleFunction<XueqingConfig> threshold, String thresholdPath) {
        /** The flag column: true when below standard, null when the value is null. */
        Column flag(XueqingConfig cfg) {
            double t = threshold.applyAsDouble(cfg);
            Column value = org.apache.spark.sql.functions.col(name);
            return when(value.isNull(), lit(null).cast("boolean")).otherwise(isMax ? value.gt(t) : value.lt(t));
        }
    }

    static final List<Kpi> KPIS = List.of(
            quality("active_rate", false, XueqingConfig.Quality::activeRateMin, "active-rate-min"),
            quality("submission_rate", false, XueqingConfig.Quality::submissionRateMin, "submission-rate-min"),
            quality("on_time_rate", false, XueqingConfig.Quality::onTimeRateMin, "on-time-rate-min"),
            quality("mean_score", false, XueqingConfig.Quality::meanScoreMin, "mean-score-min"),
            quality("pass_rate", false, XueqingConfig.Quality::passRateMin, "pass-rate-min"),
            quality("inactive_share", true, XueqingConfig.Quality::inactiveShareMax, "inactive-share-max"),
            quality("dropout_rate", true, XueqingConfig.Quality::dropoutRateMax, "dropout-rate-max"));

    /** The question KPIs, shared with course_weekly_quality (thresholds under xueqing.tutor.thresholds). */
    public static final List<Kpi> QUESTION_KPIS = List.of(
            tutor("questions_asked", false, XueqingConfig.Tutor::questionsAskedMin, "questions-asked-min"),
            tutor("within_sla_share", false, XueqingConfig.Tutor::withinSlaShareMin, "within-sla-share-min"),
            tutor("unanswered_questions", true, XueqingConfig.Tutor::unansweredMax, "unanswered-max"),
            tutor("oldest_unanswered_hours", true, XueqingConfig.Tutor::oldestUnansweredHoursMax,
                    "oldest-unanswered-hours-max"));

    private static Kpi quality(String name, boolean isMax, ToDoubleFunction<XueqingConfig.Quality> t, String key) {
        return new Kpi(name, isMax, c -> t.applyAsDouble(c.quality()), "xueqing.quality.thresholds." + key);
    }

    private static Kpi tutor(String name, boolean isMax, ToDoubleFunction<XueqingConfig.Tutor> t, String key) {
        return new Kpi(name, isMax, c -> t.applyAsDouble(c.tutor()), "xueqing.tutor.thresholds." + key);
    }

    /** Every flagged KPI, in the order of the columns. */
    static final List<Kpi> ALL_KPIS = java.util.stream.Stream.concat(KPIS.stream(), QUESTION_KPIS.stream()).toList();

    public static final MartSpec SPEC = new MartSpec("course_quality_summary", CourseWeeklyQualityMart.AREA,
            List.of("course_id", "class_id"), "The quality KPIs of each course, and each class in it (class_id null = "
                    + "the whole course), from its start to the run date, each with its threshold from "
                    + "xueqing.quality.thresholds and a flag when below standard (below a minimum or above a maximum; "
                    + "null when the KPI is null). Learner counts are over every enrolment made by the run date, "
                    + "withdrawn ones included; statuses follow learner_course_progress. segment_mix shows the mix of "
                    + "learner_segments labels (the same segmentation, computed once per build).", columns(), expectations());

    private static List<ColumnSpec> columns() {
        List<ColumnSpec> cols = new ArrayList<>(List.of(
                key("course_id", StringType, "course run"),
                col("class_id", StringType, "class inside the course; null on the row for the whole course"),
                key("enrolled", LongType, "enrolments made by the run date (withdrawn included)"),
                key("active_learners_7d", LongType, "enrolled learners with a learner-initiated event in the 7 local days ending on the run date"),
                col("active_rate", DoubleType, "active_learners_7d / enrolled"),
                key("completed", LongType, "enrolled learners with status completed (outcome pass/distinction/fail or a course completion event)"),
                col("completion_rate", DoubleType, "completed / enrolled"),
                col("pass_rate", DoubleType, "outcome pass or distinction / (pass + distinction + fail), null when no such outcome"),
                col("submission_rate", DoubleType, "assessments submitted / assessments due by the run date, summed over enrolled learners"),
                col("on_time_rate", DoubleType, "first submissions at or before the due time / first submissions, over enrolled learners"),
                col("mean_score", DoubleType, "mean score_scaled of the enrolled learners' scored assessment events"),
                key("inactive_learners", LongType, "enrolled learners with status inactive (no activity for inactive-days, not withdrawn or completed)"),
                col("inactive_share", DoubleType, "inactive_learners / enrolled"),
                key("dropouts", LongType, "withdrawn learners, plus, once the course has ended before the run date, learners not completed whose last activity was at least inactive-days before the end (or never)"),
                col("dropout_rate", DoubleType, "dropouts / enrolled"),
                key("questions_asked", LongType, "learner questions asked by the run date (learner_questions)"),
                col("within_sla_share", DoubleType, "of the questions decided by the end of the run date (answered, or "
                        + "unanswered past the SLA), the share answered within the SLA"),
                key("unanswered_questions", LongType, "questions still unanswered at the end of the run date"),
                col("oldest_unanswered_hours", DoubleType, "calendar hours from the oldest of those to the end of the "
                        + "run date (null when none)")));
        for (Kpi k : ALL_KPIS) {
            cols.add(key(k.name() + "_threshold", DoubleType, (k.isMax() ? "maximum " : "minimum ") + k.name()
                    + " (" + k.thresholdPath() + ")"));
            cols.add(col(k.name() + "_flag", BooleanType, "true when " + k.name() + (k.isMax() ? " is above" : " is below")
                    + " its threshold, null when " + k.name() + " is null"));
        }
        cols.add(key("flags", DataTypes.createArrayType(StringType, false), "names of the flagged KPIs, in the order above"));
        cols.add(key("flag_count", IntegerType, "number of flagged KPIs"));
        cols.add(col("segment_mix", DataTypes.createMapType(StringType, DoubleType, false), "segment label of "
                + "learner_segments -> share of the course's (class's) segmented learners with that label (labels "
                + "with no learner are left out; the shares add up to 1); null when the run made no segmentation or "
                + "the course has not started"));
        return cols;
    }

    private static List<Expectation> expectations() {
        List<Expectation> e = new ArrayList<>();
        for (String rate : List.of("active_rate", "completion_rate", "pass_rate", "submission_rate", "on_time_rate",
                "mean_score", "inactive_share", "dropout_rate")) {
            e.add(new Expectation.Between(rate, 0, 1));
        }
        e.add(new Expectation.Between("enrolled", 0, Double.MAX_VALUE));
        e.add(new Expectation.Holds("active_learners_7d <= enrolled AND completed <= enrolled "
                + "AND inactive_learners <= enrolled AND dropouts <= enrolled", "learner counts are within enrolled"));
        e.add(new Expectation.Holds("flag_count = size(flags)", "flag_count counts flags"));
        e.add(new Expectation.Between("flag_count", 0, ALL_KPIS.size()));
        e.add(new Expectation.Between("within_sla_share", 0, 1));
        e.add(new Expectation.Holds("unanswered_questions <= questions_asked", "open questions were asked"));
        e.add(new Expectation.References("course_id", DatasetRef.COURSES, "course_id"));
        e.add(new Expectation.References("class_id", DatasetRef.ENROLLMENTS, "class_id"));
        return e;
    }

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
        Column asOf = MartFrames.asOfDate(ctx);
        Dataset<Row> courses = in.get(DatasetRef.COURSES);
        Column status = c("status");
        Column endedBeforeAsOf = c("end_date").lt(asOf);
        Column inactiveUntilEnd = c("last_activity_date").isNull()
                .or(datediff(c("end_date"), c("last_activity_date")).geq(cfg.activity().inactiveDays()));
        Dataset<Row> facts = LearnerProgressFacts.compute(in, ctx)
                .join(courses.select("course_id", "end_date"), "course_id")
                .withColumn("_active7", coalesce(c("last_activity_date").geq(date_sub(asOf, 6)), lit(false)))
                .withColumn("_dropout", status.equalTo("withdrawn")
                        .or(endedBeforeAsOf.and(status.notEqual("completed")).and(inactiveUntilEnd)));

        Dataset<Row> agg = ClassGroups.aggregate(facts, List.of(),
                count(lit(1)).as("enrolled"),
                countIf(c("_active7")).as("active_learners_7d"),
                countIf(status.equalTo("completed")).as("completed"),
                countIf(c("outcome").isin("pass", "distinction")).as("_passed"),
                countIf(c("outcome").equalTo("fail")).as("_failed"),
                sum("assessments_submitted").as("_submitted"),
                sum("assessments_due").as("_due"),
                sum("on_time_submissions").as("_on_time"),
                sum("submissions").as("_submissions"),
                sum("score_sum").as("_score_sum"),
                sum("score_count").as("_score_n"),
                countIf(status.equalTo("inactive")).as("inactive_learners"),
                countIf(c("_dropout")).as("dropouts"));

        String[] keys = {"course_id", ClassGroups.GROUP};
        Dataset<Row> kpis = ClassGroups.frame(courses, MartFrames.enrollmentsAsOf(in, ctx))
                .join(agg, keys, "left")
                .join(segmentMix(in, ctx), keys, "left")
                .join(questionKpis(in, ctx), keys, "left")
                .select(c("course_id"), ClassGroups.classIdColumn(),
                        zero("enrolled"), zero("active_learners_7d"),
                        Rates.ratio(c("active_learners_7d"), c("enrolled")).as("active_rate"),
                        zero("completed"),
                        Rates.ratio(c("completed"), c("enrolled")).as("completion_rate"),
                        Rates.ratio(c("_passed"), c("_passed").plus(c("_failed"))).as("pass_rate"),
                        Rates.ratio(c("_submitted"), c("_due")).as("submission_rate"),
                        Rates.ratio(c("_on_time"), c("_submissions")).as("on_time_rate"),
                        Rates.ratio(c("_score_sum"), c("_score_n")).as("mean_score"),
                        zero("inactive_learners"),
                        Rates.ratio(c("inactive_learners"), c("enrolled")).as("inactive_share"),
                        zero("dropouts"),
                        Rates.ratio(c("dropouts"), c("enrolled")).as("dropout_rate"),
                        zero("questions_asked"),
                        Rates.ratio(c("_within"), c("_decided")).as("within_sla_share"),
                        zero("unanswered_questions"), c("oldest_unanswered_hours"),
                        c("segment_mix"));

        List<Column> out = new ArrayList<>();
        for (String name : kpis.columns()) {
            if (!name.equals("segment_mix")) {
                out.add(c(name));
            }
        }
        List<Column> flagged = new ArrayList<>();
        for (Kpi k : ALL_KPIS) {
            Column flag = k.flag(cfg);
            out.add(lit(k.threshold().applyAsDouble(cfg)).as(k.name() + "_threshold"));
            out.add(flag.as(k.name() + "_flag"));
            flagged.add(when(flag, lit(k.name())));
        }
        Column flags = array_compact(array(flagged.toArray(Column[]::new)));
        out.add(flags.as("flags"));
        out.add(size(flags).as("flag_count"));
        out.add(c("segment_mix"));
        return kpis.select(out.toArray(Column[]::new));
    }

    /**
     * course_id, _class, questions_asked, _within, _decided, unanswered_questions, oldest_unanswered_hours: the
     * learner questions to the end of the run date.
     */
    private static Dataset<Row> questionKpis(MartInputs in, MartContext ctx) {
        return ClassGroups.aggregate(dev.xueqing.jobs.marts.tutor.DiscussionThreads.questions(in, ctx), List.of(),
                count(lit(1)).as("questions_asked"),
                countIf(c("within_sla")).as("_within"),
                count(c("within_sla")).as("_decided"),
                countIf(c("answered").equalTo(false)).as("unanswered_questions"),
                org.apache.spark.sql.functions.max("unanswered_hours").as("oldest_unanswered_hours"));
    }

    /** course_id, _class, segment_mix: label → share of the group's segmented learners (the shared segmentation). */
    private static Dataset<Row> segmentMix(MartInputs in, MartContext ctx) {
        Dataset<Row> segments = LearnerSegments.of(in, ctx);
        String[] keys = {"course_id", ClassGroups.GROUP};
        Dataset<Row> byLabel = ClassGroups.aggregate(segments, List.of("segment_label"), count(lit(1)).as("_n"));
        Dataset<Row> total = ClassGroups.aggregate(segments, List.of(), count(lit(1)).as("_total"));
        return byLabel.join(total, keys)
                .groupBy(c("course_id"), c(ClassGroups.GROUP))
                .agg(map_from_entries(array_sort(collect_list(struct(c("segment_label"),
                        c("_n").divide(c("_total")).as("share"))))).as("segment_mix"));
    }

    private static Column countIf(Column condition) {
        return sum(when(condition, 1L).otherwise(0L));
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }

    private static Column zero(String name) {
        return coalesce(c(name), lit(0L)).cast("long").as(name);
    }
}
