package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.ml.KMeansSegmentation;
import dev.xueqing.jobs.ml.SegmentLabels;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.when;

/**
 * Learner segments, computed once per mart build ({@link MartInputs#derived}) and shared by learner_segments and
 * the segment mix of course_quality_summary. Not a mart: it reads only events and dims.
 *
 * <p>Rows: every enrolment made by the run date in a course that has started by then. Each row's <b>window</b>
 * runs from its start (the later of the course start and the local enrolment date) to its end (the run date, or
 * the course end if earlier); days_in_window = end − start + 1, at least 1. Features (per-enrolment facts come
 * from {@link LearnerProgressFacts}, so they match learner_course_progress):
 * <ul>
 *   <li>active_days_share = min(1, active_days / days_in_window);</li>
 *   <li>active_minutes: log(1 + active minutes) enters the model (minutes are heavily skewed);</li>
 *   <li>content_coverage, 0 when the course has no content items;</li>
 *   <li>on_time_share = assessments due by the run date submitted by their due time / assessments due; when
 *       nothing is due yet, the mean over the rows that have a value (so it does not move the row);</li>
 *   <li>mean_score (scaled 0..1), 0 when the learner has no score (no evidence of achievement);</li>
 *   <li>start_delay_days = local date of the first activity − window start, clipped to [0, days_in_window];
 *       days_in_window when there is no activity;</li>
 *   <li>last_minute_share = active days at most xueqing.segments.last-minute-days before a due date of the course
 *       (the due day included) / active days, 0 without activity;</li>
 *   <li>days_since_last_activity = window end − local date of the last activity, clipped to [0, days_in_window];
 *       days_in_window when there is no activity.</li>
 * </ul>
 * One model for all courses of the build ({@link KMeansSegmentation}: standardized features, k by silhouette,
 * fixed seed), labelled by {@link SegmentLabels}. Below xueqing.segments.min-learners rows there is no
 * segmentation: an empty result and one log line.
 */
public final class LearnerSegments {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerSegments.class);
    /** The model's features, in vector order. */
    public static final List<String> FEATURES = List.of("active_days_share", "active_minutes", "content_coverage",
            "on_time_share", "mean_score", "start_delay_days", "last_minute_share", "days_since_last_activity");
    private static final String[] KEYS = {"learner_key", "course_id"};

    private LearnerSegments() {}

    /**
     * The segmented rows of this build: learner_key, course_id, class_id, days_in_window, the raw features (as
     * named in {@link #FEATURES}; active_minutes in minutes), z_&lt;feature&gt; for each feature, segment_id,
     * segment_label, distance_to_centroid, k, silhouette. Empty (same columns) when there are too few rows.
     */
    public static Dataset<Row> of(MartInputs in, MartContext ctx) {
        return in.derived("learner-segments:" + ctx.asOf(), () -> compute(in, ctx));
    }

    static Dataset<Row> compute(MartInputs in, MartContext ctx) {
        XueqingConfig.Segments cfg = ctx.config().segments();
        Dataset<Row> f = features(in, ctx).cache();
        try {
            long n = f.count();
            Dataset<Row> model = f.withColumn("active_minutes", log1p(col("active_minutes")));
            KMeansSegmentation.Result fit = null;
            if (n < cfg.minLearners()) {
                LOG.info("SEGMENTS as of {}: {} learner × course row(s), fewer than xueqing.segments.min-learners = {}: "
                        + "no segmentation", ctx.asOf(), n, cfg.minLearners());
            } else {
                fit = KMeansSegmentation.fit(model, List.of(KEYS), FEATURES, cfg.kMin(), cfg.kMax(), cfg.seed());
                if (fit == null) {
                    LOG.info("SEGMENTS as of {}: {} row(s) do not form two clusters: no segmentation", ctx.asOf(), n);
                }
            }
            if (fit == null) {
                return output(model.withColumn("z", lit(null).cast("array<double>"))
                        .withColumn("segment_id", lit(null).cast("int")).withColumn("distance", lit(null).cast("double"))
                        .limit(0), f, List.of(), 0, Double.NaN).localCheckpoint();
            }
            List<String> labels = SegmentLabels.label(FEATURES, fit.centroids());
            LOG.info("SEGMENTS as of {}: {} row(s), k = {} (silhouette {}), labels {}", ctx.asOf(), n, fit.k(),
                    String.format("%.3f", fit.silhouette()), labels);
            return output(fit.assignments(), f, labels, fit.k(), fit.silhouette()).localCheckpoint();
        } finally {
            f.unpersist();
        }
    }

    private static Dataset<Row> output(Dataset<Row> assigned, Dataset<Row> raw, List<String> labels, int k,
                                       double silhouette) {
        List<Column> out = new ArrayList<>(List.of(col("learner_key"), col("course_id"), col("class_id"),
                col("days_in_window")));
        FEATURES.forEach(x -> out.add(col("r." + x).as(x)));
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
        Dataset<Row> r = raw.select(col("learner_key"), col("course_id"), col("days_in_window"), col("class_id"),
                col("active_days_share"), col("active_minutes"), col("content_coverage"), col("on_time_share"),
                col("mean_score"), col("start_delay_days"), col("last_minute_share"), col("days_since_last_activity"))
                .alias("r");
        Dataset<Row> a = assigned.select("learner_key", "course_id", "z", "segment_id", "distance");
        return a.join(r, KEYS).select(out.toArray(Column[]::new));
    }

    /** One row per enrolment in a started course: learner_key, course_id, class_id, days_in_window, features. */
    public static Dataset<Row> features(MartInputs in, MartContext ctx) {
        XueqingConfig cfg = ctx.config();
        Column asOf = MartFrames.asOfDate(ctx);
        Dataset<Row> courses = in.get(DatasetRef.COURSES).select("course_id", "start_date", "end_date");
        Dataset<Row> facts = LearnerProgressFacts.compute(in, ctx);

        Column endOfAsOf = MartFrames.endOfAsOf(ctx);
        Dataset<Row> onTime = MartFrames.firstSubmissions(in, ctx)
                .filter(col("due_time").isNotNull().and(col("due_time").lt(endOfAsOf))
                        .and(col("submitted_at").leq(col("due_time"))))
                .groupBy(KEYS[0], KEYS[1]).agg(count(lit(1)).as("_on_time_due"));

        Dataset<Row> activeDays = MartFrames.learnerEvents(in, ctx).select("learner_key", "course_id", "event_date")
                .distinct();
        Dataset<Row> dueDates = MartFrames.assessmentItems(in).filter(col("due_time").isNotNull())
                .select(col("course_id"), TenantTime.localDate(col("due_time"), cfg.timezone()).as("due_date"))
                .distinct();
        Column gap = datediff(col("due_date"), col("event_date"));
        Dataset<Row> lastMinute = activeDays.join(dueDates, "course_id")
                .filter(gap.geq(0).and(gap.leq(cfg.segments().lastMinuteDays())))
                .select("learner_key", "course_id", "event_date").distinct()
                .groupBy(KEYS[0], KEYS[1]).agg(count(lit(1)).as("_last_minute_days"));

        Column windowStart = greatest(col("start_date"), TenantTime.localDate(col("enrolled_at"), cfg.timezone()));
        Column windowEnd = least(asOf, coalesce(col("end_date"), asOf));
        Column days = col("days_in_window");
        Dataset<Row> f = facts.join(courses, "course_id")
                .filter(col("start_date").leq(asOf))
                .join(onTime, KEYS, "left")
                .join(lastMinute, KEYS, "left")
                .withColumn("_start", windowStart)
                .withColumn("_end", windowEnd)
                .withColumn("days_in_window", greatest(lit(1), datediff(col("_end"), col("_start")).plus(1)))
                .select(col("learner_key"), col("course_id"), col("class_id"), days,
                        least(lit(1.0), col("active_days").divide(days)).as("active_days_share"),
                        col("active_minutes"),
                        coalesce(col("content_coverage"), lit(0.0)).as("content_coverage"),
                        Rates.ratio(coalesce(col("_on_time_due"), lit(0L)), col("assessments_due")).as("on_time_share"),
                        coalesce(col("mean_score"), lit(0.0)).as("mean_score"),
                        clip(datediff(TenantTime.localDate(col("first_activity"), cfg.timezone()), col("_start")), days)
                                .as("start_delay_days"),
                        coalesce(Rates.ratio(col("_last_minute_days"), col("active_days")), lit(0.0))
                                .as("last_minute_share"),
                        clip(datediff(col("_end"), col("last_activity_date")), days).as("days_since_last_activity"));
        Row mean = f.agg(avg("on_time_share")).first();
        double onTimeMean = mean.isNullAt(0) ? 0.0 : mean.getDouble(0);
        return f.withColumn("on_time_share", coalesce(col("on_time_share"), lit(onTimeMean)));
    }

    /** days clipped to [0, max]; max when null (no activity). (greatest/least skip nulls, hence the when.) */
    private static Column clip(Column days, Column max) {
        return when(days.isNull(), max).otherwise(least(greatest(days, lit(0)), max)).cast("int");
    }
}
