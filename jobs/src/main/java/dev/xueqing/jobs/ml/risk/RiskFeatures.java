package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.metrics.LearnerActivity;
import dev.xueqing.common.metrics.Sessionization;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ObjectTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.ZoneId;
import java.util.List;

import static org.apache.spark.sql.functions.*;

/**
 * events + enrollments + courses + learners + course_items → learner × course risk features from the first N weeks
 * of the course run (pure DataFrame transforms; docs/risk.md lists each feature).
 *
 * <p>The window of a course run is the local days [start_date, start_date + 7N) and the cutoff is start_date + 7N.
 * Enrolments that ended (unenrolled_at) before the cutoff are not rows: the learner has already left, there is
 * nothing to warn about. Label: 1 for outcome fail or withdrawn, 0 for pass or distinction, null otherwise.
 */
public final class RiskFeatures {
    private RiskFeatures() {}

    /** The model's features, in vector order. */
    public static final List<String> FEATURES = List.of(
            "events", "active_days", "active_minutes", "events_trend", "days_since_last_activity",
            "assessments_due", "submissions", "late_submissions", "missed_assessments", "mean_score",
            "registration_day", "prior_attempts", "prior_courses",
            "imd_band_mid", "age_band_rank", "education_rank", "disability", "gender_male",
            "due_submitted_share", "due_lead_days", "score_z", "score_percentile", "due_score", "banked_assessments");

    /**
     * @return learner_key, course_id, run_key, weeks, label (double, null when no outcome), and every feature in
     *         {@link #FEATURES} as a non-null double
     */
    public static Dataset<Row> build(Dataset<Row> events, Dataset<Row> enrollments, Dataset<Row> courses,
                                     Dataset<Row> learners, Dataset<Row> courseItems, int weeks, ZoneId zone,
                                     int idleCutoffMinutes, String runPattern) {
        int days = 7 * weeks;
        Dataset<Row> c = courses.select(col("course_id"), col("start_date"),
                date_add(col("start_date"), days).as("cutoff_date"));
        Column cutoffTs = TenantTime.startOfLocalDay(col("cutoff_date"), zone);

        Dataset<Row> base = enrollments.join(c, "course_id")
                .filter(col("unenrolled_at").isNull().or(col("unenrolled_at").geq(cutoffTs)))
                .filter(TenantTime.localDate(col("enrolled_at"), zone).lt(col("cutoff_date")))
                .select(col("learner_key"), col("course_id"), col("start_date"), col("cutoff_date"),
                        col("enrolled_at"), col("outcome"));

        Dataset<Row> ev = events.filter(LearnerActivity.isLearnerInitiated())
                .join(c, "course_id")
                .filter(col("event_date").lt(col("cutoff_date")))
                .withColumn("_day", datediff(col("event_date"), col("start_date")));
        Dataset<Row> activity = ev.groupBy("learner_key", "course_id").agg(
                count(lit(1)).as("events"),
                countDistinct(col("event_date")).as("active_days"),
                max("event_date").as("_last"),
                sum(when(col("_day").geq(days - 7), 1).otherwise(0)).as("_last_week"),
                sum(when(col("_day").geq(days - 14).and(col("_day").lt(days - 7)), 1).otherwise(0))
                        .as("_prev_week"));
        Dataset<Row> minutes = Sessionization.daily(ev.drop("start_date", "cutoff_date", "_day"), zone,
                        idleCutoffMinutes)
                .join(c, "course_id").filter(col("event_date").lt(col("cutoff_date")))
                .groupBy("learner_key", "course_id")
                .agg(sum(col(Sessionization.ACTIVE_SECONDS)).divide(60.0).as("active_minutes"));

        Dataset<Row> items = courseItems.filter(col("object_type").isin(ObjectTypes.ASSESSMENTS.toArray()))
                .select("course_id", "object_id", "due_time");
        Dataset<Row> due = items.join(c, "course_id").filter(col("due_time").lt(cutoffTs))
                .groupBy("course_id").agg(count(lit(1)).as("assessments_due"));
        Dataset<Row> subs = ev.filter(col("action").isin(Actions.SUBMISSIONS.toArray()))
                .groupBy("learner_key", "course_id", "object_id").agg(min("event_time").as("_at"))
                .join(items, new String[] {"course_id", "object_id"})
                .join(c, "course_id")
                .groupBy("learner_key", "course_id").agg(
                        count(lit(1)).as("submissions"),
                        sum(when(col("due_time").isNotNull().and(col("_at").gt(col("due_time"))), 1).otherwise(0))
                                .as("late_submissions"),
                        sum(when(col("due_time").lt(cutoffTs), 1).otherwise(0)).as("_due_submitted"));
        Dataset<Row> scores = events
                .filter(col("action").isin(Actions.SCORED, Actions.PASSED, Actions.FAILED, Actions.SUBMITTED)
                        .and(col("score_scaled").isNotNull()))
                .join(items.select("course_id", "object_id"), new String[] {"course_id", "object_id"})
                .join(c, "course_id").filter(col("event_date").lt(col("cutoff_date")))
                .groupBy("learner_key", "course_id").agg(avg("score_scaled").as("mean_score"));

        Column module = regexp_replace(col("course_id"), "[-_ ]?" + stripGroup(runPattern), "");
        Dataset<Row> allEnrol = enrollments.join(courses.select("course_id", "start_date"), "course_id")
                .select(col("learner_key"), col("course_id").as("_other"), col("start_date").as("_other_start"),
                        module.as("_other_module"));
        Dataset<Row> prior = base.select(col("learner_key"), col("course_id"), col("start_date"),
                        module.as("_module"))
                .join(allEnrol, "learner_key")
                .filter(col("_other_start").lt(col("start_date")))
                .groupBy("learner_key", "course_id").agg(
                        count(lit(1)).as("prior_courses"),
                        sum(when(col("_other_module").equalTo(col("_module")), 1).otherwise(0)).as("prior_attempts"));

        Dataset<Row> l = learners.select(col("learner_key"),
                imdMid(col("imd_band")).as("imd_band_mid"), ageRank(col("age_band")).as("age_band_rank"),
                educationRank(col("education")).as("education_rank"),
                when(upper(col("disability")).equalTo("Y"), 1.0).otherwise(0.0).as("disability"),
                when(upper(col("gender")).equalTo("M"), 1.0).otherwise(0.0).as("gender_male"));

        Dataset<Row> assessed = AssessmentFeatures.build(events, courseItems,
                c.select("course_id", "start_date", "cutoff_date"), zone);

        String[] k = {"learner_key", "course_id"};
        Dataset<Row> joined = base.join(activity, k, "left").join(minutes, k, "left").join(due, new String[] {"course_id"}, "left")
                .join(subs, k, "left").join(scores, k, "left").join(prior, k, "left")
                .join(assessed, k, "left")
                .join(l, new String[] {"learner_key"}, "left");
        Column lastOrBefore = coalesce(col("_last"), greatest(col("start_date"),
                TenantTime.localDate(col("enrolled_at"), zone)));
        return joined.select(
                col("learner_key"), col("course_id"), runKey(runPattern).as("run_key"), lit(weeks).as("weeks"),
                when(col("outcome").isin("fail", "withdrawn"), 1.0)
                        .when(col("outcome").isin("pass", "distinction"), 0.0).as("label"),
                d("events"), d("active_days"), d("active_minutes"),
                coalesce(col("_last_week"), lit(0)).minus(coalesce(col("_prev_week"), lit(0))).cast("double")
                        .as("events_trend"),
                datediff(col("cutoff_date"), least(lastOrBefore, col("cutoff_date"))).cast("double")
                        .as("days_since_last_activity"),
                d("assessments_due"), d("submissions"), d("late_submissions"),
                greatest(lit(0), coalesce(col("assessments_due"), lit(0)).minus(coalesce(col("_due_submitted"), lit(0))))
                        .cast("double").as("missed_assessments"),
                d("mean_score"),
                datediff(TenantTime.localDate(col("enrolled_at"), zone), col("start_date")).cast("double")
                        .as("registration_day"),
                d("prior_attempts"), d("prior_courses"),
                coalesce(col("imd_band_mid"), lit(50.0)).as("imd_band_mid"), d("age_band_rank"),
                coalesce(col("education_rank"), lit(2.0)).as("education_rank"), d("disability"), d("gender_male"),
                when(coalesce(col("assessments_due"), lit(0)).gt(0), coalesce(col("_due_submitted"), lit(0))
                        .divide(col("assessments_due"))).otherwise(1.0).as("due_submitted_share"),
                d("due_lead_days"), d("score_z"), coalesce(col("score_percentile"), lit(0.5)).as("score_percentile"),
                d("due_score"), d("banked_assessments"));
    }

    /** The run key of course_id: the first group of the run pattern, or the whole course_id. */
    public static Column runKey(String runPattern) {
        Column g = regexp_extract(col("course_id"), runPattern, 1);
        return when(g.equalTo(""), col("course_id")).otherwise(g);
    }

    private static String stripGroup(String runPattern) {
        // the module of "AAA-2013J" under "^.*-(\d{4}[A-Z])$" is "AAA": remove the run key at the end
        int open = runPattern.indexOf('(');
        int close = runPattern.lastIndexOf(')');
        return open >= 0 && close > open ? runPattern.substring(open + 1, close) + "$" : "$^";
    }

    private static Column d(String name) {
        return coalesce(col(name).cast("double"), lit(0.0)).as(name);
    }

    /** OULAD IMD bands "0-10%" … "90-100%" → band midpoint 5 … 95 (null when absent or unknown). */
    static Column imdMid(Column band) {
        Column lo = regexp_extract(band, "^(\\d+)", 1);
        return when(lo.equalTo(""), lit(null).cast("double")).otherwise(lo.cast("double").plus(5.0));
    }

    /** OULAD age bands 0-35, 35-55, 55&lt;= → 0, 1, 2. */
    static Column ageRank(Column band) {
        return when(band.startsWith("0"), 0.0).when(band.startsWith("35"), 1.0).when(band.startsWith("55"), 2.0)
                .otherwise(0.0);
    }

    /** OULAD highest education → 0 (no formal) … 4 (post graduate); null when unknown. */
    static Column educationRank(Column e) {
        Column x = lower(e);
        return when(x.startsWith("no formal"), 0.0).when(x.startsWith("lower than a level"), 1.0)
                .when(x.startsWith("a level"), 2.0).when(x.startsWith("he qualification"), 3.0)
                .when(x.startsWith("post graduate"), 4.0).otherwise(lit(null).cast("double"));
    }
}
