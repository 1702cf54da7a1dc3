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
import dev.xueqing.jobs.ml.SegmentLabels;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events + dims → learner × course engagement segment (MLlib KMeans, k by the gap statistic) with a human label. */
public final class LearnerSegmentsMart implements Mart {

    public static final MartSpec SPEC = new MartSpec("learner_segments", LearnerCourseProgressMart.AREA,
            List.of("learner_key", "course_id"),
            "Engagement segment of each enrolment in a course started by the run date: one KMeans model over all "
                    + "courses on nine standardized, scale-free features of how much, when and how well the learner "
                    + "works (volume against the course median, weeks active, trend, start delay, inactive tail, bunching "
                    + "before deadlines, shares of the activity in the first and the last third, mean score), k chosen in [xueqing.segments.k-min, k-max] by "
                    + "the gap statistic among the solutions whose every segment holds at least 2% of the rows, a fixed seed (reruns agree), and a human label per segment from its centroid "
                    + "(docs/segments.md). Each row's window runs from the later of "
                    + "the course start and the enrolment day to the run date (or the course end if earlier). Empty "
                    + "when there are fewer rows than xueqing.segments.min-learners.",
            columns(), List.of(
                    new Expectation.InSet("segment_label", SegmentLabels.LABELS),
                    new Expectation.Between("segment_id", 0, 5),
                    new Expectation.Holds("segment_id < k", "segment ids are 0..k-1"),
                    new Expectation.Between("k", 2, 6),
                    new Expectation.Between("silhouette", -1, 1),
                    new Expectation.Holds("gap IS NOT NULL AND NOT isnan(gap)", "the gap statistic of the chosen k is a number"),
                    new Expectation.Between("distance_to_centroid", 0, Double.MAX_VALUE),
                    new Expectation.Between("active_days_share", 0, 1),
                    new Expectation.Between("content_coverage", 0, 1),
                    new Expectation.Between("on_time_share", 0, 1),
                    new Expectation.Between("mean_score", 0, 1),
                    new Expectation.Between("last_minute_share", 0, 1),
                    new Expectation.Between("active_weeks_share", 0, 1),
                    new Expectation.Between("activity_trend", -1, 1),
                    new Expectation.Between("start_delay_share", 0, 1),
                    new Expectation.Between("inactive_tail_share", 0, 1),
                    new Expectation.Between("last_minute_excess", -1, 1),
                    new Expectation.Between("early_activity_share", 0, 1),
                    new Expectation.Between("late_activity_share", 0, 1),
                    new Expectation.Holds("start_delay_days BETWEEN 0 AND days_in_window "
                            + "AND days_since_last_activity BETWEEN 0 AND days_in_window", "day counts are within the window"),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    private static List<ColumnSpec> columns() {
        List<ColumnSpec> c = new ArrayList<>(List.of(
                key("learner_key", StringType, "pseudonymous learner"),
                key("course_id", StringType, "course run"),
                col("class_id", StringType, "the learner's class in the course (from enrollments), null when none"),
                key("segment_id", IntegerType, "the KMeans cluster, 0..k-1 (ids are only meaningful within one run; use segment_label across runs)"),
                key("segment_label", StringType, "human label of the segment from its centroid, unique within the run: "
                        + String.join(", ", SegmentLabels.LABELS)),
                key("distance_to_centroid", DoubleType, "Euclidean distance of the row's standardized features to its segment's centroid (small: typical of the segment)"),
                key("k", IntegerType, "number of segments chosen in this run (the gap statistic's rule in [k-min, k-max] among the solutions whose every segment holds at least 2% of the rows: the smallest k whose gap is at least the next k's gap minus its standard error)"),
                key("silhouette", DoubleType, "mean silhouette of the chosen segmentation (squared Euclidean), -1..1; above about 0.5 the segments are well separated (reported, not used to choose k)"),
                key("gap", DoubleType, "gap statistic of the chosen k: mean log within-segment sum of squares of KMeans on uniform reference data over the features' ranges minus the log within-segment sum of squares of the data (larger: tighter segments than structureless data would give)"),
                key("days_in_window", IntegerType, "days from the later of the course start and the local enrolment day to the run date (or the course end if earlier), at least 1"),
                key("relative_activity", DoubleType, "ln((1 + active_minutes) / (1 + median active_minutes of the course's rows)): 0 for the course's typical learner, about +0.7 for twice the minutes (model feature)"),
                key("active_weeks_share", DoubleType, "7-day blocks of the window, counted from its start, with at least one active day / all blocks of the window (model feature)"),
                key("activity_trend", DoubleType, "(active days in the second half of the window − active days in the first half) / (both + 3): -1 (all early) to 1 (all late), near 0 on few active days; 0 without activity (model feature)"),
                key("start_delay_share", DoubleType, "start_delay_days / days_in_window, shrunk towards 1 by the weight 3 / (n + 3), n the active days in the window (timing read off few days says little); 1 without activity (model feature)"),
                key("inactive_tail_share", DoubleType, "days_since_last_activity / days_in_window, shrunk towards 1 by the weight 3 / (n + 3) like start_delay_share; 1 without activity (model feature)"),
                key("last_minute_excess", DoubleType, "last_minute_share minus the share of the window's days that are last-minute days of the course (a due day or the xueqing.segments.last-minute-days before it): above 0 the activity is bunched before deadlines more than an even spread would be; times n / (n + 3), n the active days in the window; 0 without activity (model feature)"),
                key("early_activity_share", DoubleType, "active days in the first third of the window / (n + 3), n the active days in the window: near 1 when the activity is all early, about 1/3 when it is spread evenly, shrunk towards 0 on few days; 0 without activity (model feature)"),
                key("late_activity_share", DoubleType, "active days in the last third of the window / (n + 3), like early_activity_share (model feature)"),
                key("active_days_share", DoubleType, "active days (as in learner_course_progress) / days_in_window, at most 1"),
                key("active_minutes", DoubleType, "active minutes (as in learner_course_progress)"),
                key("content_coverage", DoubleType, "content_coverage of learner_course_progress, 0 when the course has no content items"),
                col("on_time_share", DoubleType, "assessments due by the run date that the learner submitted by their due time / assessments due; null when nothing is due yet (described, not a model feature: docs/segments.md)"),
                key("mean_score", DoubleType, "mean_score of learner_course_progress (scaled 0..1), 0 when the learner has no score (model feature)"),
                key("start_delay_days", IntegerType, "local date of the first learner-initiated event minus the window start, clipped to 0..days_in_window; days_in_window when there is no activity"),
                key("last_minute_share", DoubleType, "share of the active days that are at most xueqing.segments.last-minute-days before a due date of the course (the due day included); 0 without activity"),
                key("days_since_last_activity", IntegerType, "window end minus the local date of the last learner-initiated event, clipped to 0..days_in_window; days_in_window when there is no activity")));
        for (String f : LearnerSegments.FEATURES) {
            c.add(key("z_" + f, DoubleType, "standardized " + f
                    + ": (value − mean) / standard deviation over all rows of the run (0 when the feature is constant)"));
        }
        return c;
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
    public Dataset<Row> transform(MartInputs inputs, MartContext context) {
        return MartFrames.conform(LearnerSegments.of(inputs, context), SPEC);
    }
}
