package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.ml.KMeansSegmentation;
import dev.xueqing.jobs.ml.SegmentLabels;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Learner segments, computed once per mart build ({@link MartInputs#derived}) and shared by learner_segments and
 * the segment mix of course_quality_summary. Not a mart: it reads only events and dims.
 *
 * <p>Rows: every enrolment made by the run date in a course that has started by then. Each row's <b>window</b>
 * runs from its start (the later of the course start and the local enrolment date) to its end (the run date, or
 * the course end if earlier); days_in_window = end − start + 1, at least 1. Per-enrolment facts come from
 * {@link LearnerProgressFacts}, so they match learner_course_progress. The model sees nine features that say how
 * much, when and how well, each scale-free (a share of the window, a ratio to the course, or a difference of
 * shares), so that no course length, platform or click volume sets the scale:
 * <ul>
 *   <li>relative_activity = ln((1 + active minutes) / (1 + the median active minutes of the course's rows)): 0 for
 *       the course's typical learner, +0.69 for twice as much;</li>
 *   <li>active_weeks_share: 7-day blocks of the window (counted from its start) with an active day / blocks;</li>
 *   <li>activity_trend = (active days in the second half of the window − in the first half) / (both + 3), so
 *       −1..1 and near 0 on little evidence; 0 without activity;</li>
 *   <li>start_delay_share = start_delay_days / days_in_window, 1 without activity;</li>
 *   <li>inactive_tail_share = days_since_last_activity / days_in_window, 1 without activity;</li>
 *   <li>last_minute_excess = last_minute_share − the share of the window's days that are last-minute days (a due
 *       day or the xueqing.segments.last-minute-days days before it): how much more the learner's activity is
 *       bunched before deadlines than if it were spread evenly; 0 without activity;</li>
 *   <li>early_activity_share and late_activity_share = active days in the first (last) third of the window /
 *       (n + 3): where in the course the activity lies, about 1/3 each for an even spread; 0 without activity.</li>
 * </ul>
 * The six timing features rest on the learner's n active days in the window: with few days they say little, so
 * each is shrunk towards its no-activity value by the weight 3 / (n + 3) ({@link #EVIDENCE_DAYS}); a learner with
 * two active days is timed 60% like one with none, one with thirty almost exactly as observed. Achievement:
 * mean_score (scaled 0..1), 0 when the learner has no score (no evidence of achievement).
 * The row also carries the raw facts behind them (active days share, active minutes, content coverage, start
 * delay and days since the last activity in days, last-minute share) and on_time_share (submitted by the due
 * time / due, null when nothing is due), which describes the segments but is not a model feature: it split the
 * steady learners of generated data by their punctuality, a trait no behaviour profile is about (docs/segments.md).
 * One model for all courses of the build ({@link KMeansSegmentation}: standardized features, k by the
 * gap statistic, fixed seed), labelled by {@link SegmentLabels}. Below xueqing.segments.min-learners rows
 * there is no segmentation: an empty result and one log line.
 */
public final class LearnerSegments {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerSegments.class);
    /** The model's features, in vector order. */
    public static final List<String> FEATURES = List.of("relative_activity", "active_weeks_share",
            "activity_trend", "start_delay_share", "inactive_tail_share", "last_minute_excess", "early_activity_share",
            "late_activity_share", "mean_score");
    /** Every feature column of a row: the model's features, then the raw facts they come from. */
    public static final List<String> RAW_COLUMNS = List.of("relative_activity", "active_weeks_share",
            "activity_trend", "start_delay_share", "inactive_tail_share", "last_minute_excess", "early_activity_share",
            "late_activity_share", "mean_score", "on_time_share", "active_days_share", "active_minutes",
            "content_coverage", "start_delay_days", "last_minute_share", "days_since_last_activity");
    private static final String[] KEYS = {"learner_key", "course_id"};
    /**
     * The timing features of a learner with n active days in the window are shrunk towards their no-activity
     * value with weight EVIDENCE_DAYS / (n + EVIDENCE_DAYS): timing read off two active days says little.
     */
    static final int EVIDENCE_DAYS = 3;

    private LearnerSegments() {}

    /**
     * The segmented rows of this build: learner_key, course_id, class_id, days_in_window, the columns of
     * {@link #RAW_COLUMNS}, z_&lt;feature&gt; for each model feature, segment_id, segment_label,
     * distance_to_centroid, k, silhouette, gap. Empty (same columns) when there are too few rows.
     */
    public static Dataset<Row> of(MartInputs in, MartContext ctx) {
        return in.derived("learner-segments:" + ctx.asOf(), () -> compute(in, ctx));
    }

    static Dataset<Row> compute(MartInputs in, MartContext ctx) {
        XueqingConfig.Segments cfg = ctx.config().segments();
        Dataset<Row> f = features(in, ctx).cache();
        try {
            long n = f.count();
            Dataset<Row> model = f;
            KMeansSegmentation.Result fit = null;
            if (n < cfg.minLearners()) {
                LOG.info("SEGMENTS as of {}: {} learner × course row(s), fewer than xueqing.segments.min-learners = {}: "
                        + "no segmentation", ctx.asOf(), n, cfg.minLearners());
            } else {
                fit = KMeansSegmentation.fit(model, List.of(KEYS), FEATURES, cfg.kMin(), cfg.kMax(), cfg.seed(),
                        cfg.driverMaxRows());
                if (fit == null) {
                    LOG.info("SEGMENTS as of {}: {} row(s) do not form two clusters: no segmentation", ctx.asOf(), n);
                }
            }
            if (fit == null) {
                return output(model.withColumn("z", lit(null).cast("array<double>"))
                        .withColumn("segment_id", lit(null).cast("int")).withColumn("distance", lit(null).cast("double"))
                        .limit(0), f, List.of(), 0, Double.NaN, Double.NaN).localCheckpoint();
            }
            List<String> labels = SegmentLabels.label(FEATURES, fit.centroids());
            LOG.info("SEGMENTS as of {}: {} row(s), k = {} (gap {}, silhouette {}), labels {}",
                    ctx.asOf(), n, fit.k(), String.format("%.3f", fit.gap()),
                    String.format("%.3f", fit.silhouette()), labels);
            return output(fit.assignments(), f, labels, fit.k(), fit.silhouette(), fit.gap())
                    .localCheckpoint();
        } finally {
            f.unpersist();
        }
    }

    private static Dataset<Row> output(Dataset<Row> assigned, Dataset<Row> raw, List<String> labels, int k,
                                       double silhouette, double gap) {
        List<Column> out = new ArrayList<>(List.of(col("learner_key"), col("course_id"), col("class_id"),
                col("days_in_window")));
        RAW_COLUMNS.forEach(x -> out.add(col("r." + x).as(x)));
        for (int i = 0; i < FEATURES.size(); i++) {
            out.add(element_at(col("z"), i + 1).as("z_" + FEATURES.get(i)));
        }
        Column labelArray = org.apache.spark.sql.functions.array(labels.stream().map(l -> lit(l)).toArray(Column[]::new));
        out.add(col("segment_id"));
        out.add((labels.isEmpty() ? lit(null).cast("string") : element_at(labelArray, col("segment_id").plus(1)))
                .as("segment_label"));
        out.add(col("distance").as("distance_to_centroid"));
        out.add(lit(k).as("k"));
        out.add(lit(silhouette).as("silhouette"));
        out.add(lit(gap).as("gap"));
        Dataset<Row> r = raw.alias("r");
        Dataset<Row> a = assigned.select("learner_key", "course_id", "z", "segment_id", "distance");
        return a.join(r, KEYS).select(out.toArray(Column[]::new));
    }

    /**
     * One row per enrolment in a started course: learner_key, course_id, class_id, days_in_window and every column
     * of {@link #RAW_COLUMNS}.
     */
    public static Dataset<Row> features(MartInputs in, MartContext ctx) {
        XueqingConfig cfg = ctx.config();
        int lastMinuteDays = cfg.segments().lastMinuteDays();
        Column asOf = MartFrames.asOfDate(ctx);
        Dataset<Row> courses = in.get(DatasetRef.COURSES).select("course_id", "start_date", "end_date");
        Dataset<Row> facts = LearnerProgressFacts.compute(in, ctx);

        Column endOfAsOf = MartFrames.endOfAsOf(ctx);
        Dataset<Row> onTime = MartFrames.firstSubmissions(in, ctx)
                .filter(col("due_time").isNotNull().and(col("due_time").lt(endOfAsOf))
                        .and(col("submitted_at").leq(col("due_time"))))
                .groupBy(KEYS[0], KEYS[1]).agg(count(lit(1)).as("_on_time_due"));

        Dataset<Row> activeDays = LearnerDays.of(in, ctx).select("learner_key", "course_id", "event_date");
        Dataset<Row> dueDates = MartFrames.assessmentItems(in).filter(col("due_time").isNotNull())
                .select(col("course_id"), TenantTime.localDate(col("due_time"), cfg.timezone()).as("due_date"))
                .distinct();
        Column gap = datediff(col("due_date"), col("event_date"));
        Dataset<Row> lastMinute = activeDays.join(dueDates, "course_id")
                .filter(gap.geq(0).and(gap.leq(lastMinuteDays)))
                .select("learner_key", "course_id", "event_date").distinct()
                .groupBy(KEYS[0], KEYS[1]).agg(count(lit(1)).as("_last_minute_days"));
        // the course's last-minute days: each due day and the lastMinuteDays days before it
        Dataset<Row> deadlineDays = dueDates
                .select(col("course_id"), explode(sequence(date_sub(col("due_date"), lastMinuteDays), col("due_date")))
                        .as("deadline_day"))
                .distinct();

        Column windowStart = greatest(col("start_date"), TenantTime.localDate(col("enrolled_at"), cfg.timezone()));
        Column windowEnd = least(asOf, coalesce(col("end_date"), asOf));
        Dataset<Row> windows = facts.join(courses, "course_id")
                .filter(col("start_date").leq(asOf))
                .withColumn("_start", windowStart)
                .withColumn("_end", windowEnd)
                .withColumn("days_in_window", greatest(lit(1), datediff(col("_end"), col("_start")).plus(1)));
        Dataset<Row> shape = shapeOf(windows, activeDays);
        Dataset<Row> deadlineShare = windows.select("learner_key", "course_id", "_start", "_end")
                .join(deadlineDays, "course_id")
                .filter(col("deadline_day").between(col("_start"), col("_end")))
                .groupBy(KEYS[0], KEYS[1]).agg(count(lit(1)).as("_deadline_days"));

        Column days = col("days_in_window");
        Column activeWeeks = Rates.ratio(coalesce(col("_active_weeks"), lit(0L)), ceil(days.divide(7.0)));
        Column lastMinuteShare = coalesce(Rates.ratio(col("_last_minute_days"), col("active_days")), lit(0.0));
        Column deadlineDayShare = coalesce(col("_deadline_days"), lit(0L)).divide(days);
        Column windowed = coalesce(col("_first_half"), lit(0L)).plus(coalesce(col("_second_half"), lit(0L)));
        Column evidence = windowed.divide(windowed.plus(EVIDENCE_DAYS));
        Dataset<Row> f = windows
                .join(onTime, KEYS, "left")
                .join(lastMinute, KEYS, "left")
                .join(shape, KEYS, "left")
                .join(deadlineShare, KEYS, "left")
                .select(col("learner_key"), col("course_id"), col("class_id"), days,
                        least(lit(1.0), col("active_days").divide(days)).as("active_days_share"),
                        col("active_minutes"),
                        coalesce(col("content_coverage"), lit(0.0)).as("content_coverage"),
                        Rates.ratio(coalesce(col("_on_time_due"), lit(0L)), col("assessments_due")).as("on_time_share"),
                        coalesce(col("mean_score"), lit(0.0)).as("mean_score"),
                        clip(datediff(TenantTime.localDate(col("first_activity"), cfg.timezone()), col("_start")), days)
                                .as("start_delay_days"),
                        lastMinuteShare.as("last_minute_share"),
                        clip(datediff(col("_end"), col("last_activity_date")), days).as("days_since_last_activity"),
                        least(lit(1.0), activeWeeks).as("active_weeks_share"),
                        when(windowed.gt(0), col("_second_half").minus(col("_first_half"))
                                .divide(windowed.plus(EVIDENCE_DAYS))).otherwise(lit(0.0)).as("activity_trend"),
                        when(windowed.gt(0), lastMinuteShare.minus(deadlineDayShare).multiply(evidence))
                                .otherwise(lit(0.0)).as("last_minute_excess"),
                        coalesce(col("_first_third"), lit(0L)).divide(windowed.plus(EVIDENCE_DAYS))
                                .as("early_activity_share"),
                        coalesce(col("_last_third"), lit(0L)).divide(windowed.plus(EVIDENCE_DAYS))
                                .as("late_activity_share"),
                        evidence.as("_evidence"))
                .withColumn("start_delay_share", shrunkToOne(col("start_delay_days").divide(days)))
                .withColumn("inactive_tail_share", shrunkToOne(col("days_since_last_activity").divide(days)))
                .withColumn("relative_activity", log1p(col("active_minutes")).minus(log1p(
                        median(col("active_minutes")).over(Window.partitionBy("course_id")))));
        return f.select(outputColumns(f));
    }

    /**
     * Per row, the learner's active days inside the window: _active_weeks (distinct 7-day blocks counted from the
     * window start with activity), _first_half and _second_half (active days in the first and the second half of
     * the window; a day exactly in the middle counts to the second half), _first_third and _last_third (active days
     * with offset · 3 &lt; days_in_window, and with offset · 3 ≥ 2 · days_in_window).
     */
    private static Dataset<Row> shapeOf(Dataset<Row> windows, Dataset<Row> activeDays) {
        Column offset = datediff(col("event_date"), col("_start"));
        return windows.select("learner_key", "course_id", "_start", "_end", "days_in_window")
                .join(activeDays, KEYS)
                .filter(col("event_date").between(col("_start"), col("_end")))
                .groupBy(KEYS[0], KEYS[1])
                .agg(countDistinct(floor(offset.divide(7))).as("_active_weeks"),
                        sum(when(offset.multiply(2).lt(col("days_in_window")), 1L).otherwise(0L)).as("_first_half"),
                        sum(when(offset.multiply(2).geq(col("days_in_window")), 1L).otherwise(0L)).as("_second_half"),
                        sum(when(offset.multiply(3).lt(col("days_in_window")), 1L).otherwise(0L)).as("_first_third"),
                        sum(when(offset.multiply(3).geq(col("days_in_window").multiply(2)), 1L).otherwise(0L))
                                .as("_last_third"));
    }

    private static Column[] outputColumns(Dataset<Row> f) {
        List<Column> c = new ArrayList<>(List.of(col("learner_key"), col("course_id"), col("class_id"),
                col("days_in_window")));
        RAW_COLUMNS.forEach(x -> c.add(col(x)));
        return c.toArray(Column[]::new);
    }

    /** A share pulled towards 1 (its no-activity value) by the weight of missing evidence (see EVIDENCE_DAYS). */
    private static Column shrunkToOne(Column share) {
        return share.multiply(col("_evidence")).plus(lit(1.0).minus(col("_evidence")));
    }

    /** days clipped to [0, max]; max when null (no activity). (greatest/least skip nulls, hence the when.) */
    private static Column clip(Column days, Column max) {
        return when(days.isNull(), max).otherwise(least(greatest(days, lit(0)), max)).cast("int");
    }
}
