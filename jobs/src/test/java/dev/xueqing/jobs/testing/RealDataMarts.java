package dev.xueqing.jobs.testing;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.metrics.LearnerActivity;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.marts.MartsJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learner and course marts that the real-data tests build (five of the catalogue: the assessment marts, cohort
 * retention and data quality are left out to keep those tests short), and what must hold between them and the
 * warehouse they were built from, whatever the data.
 */
public final class RealDataMarts {
    /** The marts built, by name (not by position in the catalogue). */
    public static final Set<String> NAMES = Set.of("learner_daily_activity", "learner_course_progress",
            "learner_segments", "course_weekly_quality", "course_quality_summary");

    private RealDataMarts() {}

    public static List<Mart> marts() {
        List<Mart> marts = MartCatalog.all().stream().filter(m -> NAMES.contains(m.spec().name())).toList();
        assertThat(marts).extracting(m -> m.spec().name()).containsExactlyInAnyOrderElementsOf(NAMES);
        return marts;
    }

    /**
     * Checks the results and the published marts: each built without error and not empty; daily activity counts
     * every learner-initiated event up to the run date once; progress has one row per enrolment; every segmented
     * learner × course is one of progress; the course-level rows of the weekly and summary marts cover exactly the
     * courses with enrolments, and the summary's enrolled adds up to the enrolments.
     */
    public static void assertBuiltAndConsistent(List<MartsJob.MartResult> results, Warehouse wh, LocalDate asOf) {
        assertThat(results).extracting(MartsJob.MartResult::name).containsExactlyInAnyOrderElementsOf(NAMES);
        assertThat(results).allSatisfy(m -> {
            assertThat(m.ok()).as(m.name() + ": " + m.error()).isTrue();
            assertThat(m.rows()).as(m.name()).isPositive();
        });
        Dataset<Row> learnerEvents = wh.read(DatasetRef.EVENTS)
                .filter(col("event_date").leq(Date.valueOf(asOf)).and(LearnerActivity.isLearnerInitiated()));
        Dataset<Row> enrollments = wh.read(DatasetRef.ENROLLMENTS);
        long courses = enrollments.select("course_id").distinct().count();

        Dataset<Row> daily = wh.read(DatasetRef.mart("learner_daily_activity"));
        assertThat(daily.agg(sum("events")).first().getLong(0)).as("learner_daily_activity events")
                .isEqualTo(learnerEvents.count());

        Dataset<Row> progress = wh.read(DatasetRef.mart("learner_course_progress"));
        assertThat(progress.count()).as("learner_course_progress rows").isEqualTo(enrollments.count());

        Dataset<Row> segments = wh.read(DatasetRef.mart("learner_segments"));
        assertThat(segments.join(progress, new String[] {"learner_key", "course_id"}, "left_anti").count())
                .as("learner_segments rows without a progress row").isZero();

        Dataset<Row> weekly = wh.read(DatasetRef.mart("course_weekly_quality")).filter(col("class_id").isNull());
        assertThat(weekly.select("course_id").distinct().count()).as("courses in course_weekly_quality")
                .isEqualTo(courses);

        Dataset<Row> summary = wh.read(DatasetRef.mart("course_quality_summary")).filter(col("class_id").isNull());
        assertThat(summary.count()).as("course rows of course_quality_summary").isEqualTo(courses);
        assertThat(summary.agg(sum("enrolled")).first().getLong(0)).as("enrolled in course_quality_summary")
                .isEqualTo(enrollments.count());
    }
}
