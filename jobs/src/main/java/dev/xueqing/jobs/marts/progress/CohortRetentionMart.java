package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.metrics.Weeks;
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

import java.sql.Date;
import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.key;
import static dev.xueqing.common.schema.ColumnSpec.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** enrollments + events → course × enrolment ISO week × weeks since enrolment: retained learners and rate. */
public final class CohortRetentionMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("cohort_retention", LearnerCourseProgressMart.AREA,
            List.of("course_id", "enrolment_week", "weeks_since_enrolment"),
            "Retention of enrolment cohorts: learners of a course who enrolled in the same ISO week (Monday start, "
                    + "tenant time zone) form a cohort; in week k after enrolment (the ISO week enrolment_week + 7k "
                    + "days) a member is retained when they have a learner-initiated event in that week. k runs from 0 "
                    + "to the week containing the run date, at most xueqing.retention.max-weeks. The cohort is fixed "
                    + "at enrolment: withdrawn learners stay in it (and are not retained once they stop).",
            List.of(
                    key("course_id", StringType, "course run"),
                    key("enrolment_week", DateType, "Monday of the ISO week of the local enrolment date"),
                    key("weeks_since_enrolment", IntegerType, "k: weeks after the enrolment week (0 = the enrolment week)"),
                    key("week_start", DateType, "Monday of week k: enrolment_week + 7k days"),
                    key("cohort_size", LongType, "learners who enrolled in the course in enrolment_week (by the run date)"),
                    key("retained", LongType, "cohort members with a learner-initiated event in week k"),
                    col("retention_rate", DoubleType, "retained / cohort_size")),
            List.of(
                    new Expectation.Between("retention_rate", 0, 1),
                    new Expectation.Between("weeks_since_enrolment", 0, Double.MAX_VALUE),
                    new Expectation.Between("cohort_size", 1, Double.MAX_VALUE),
                    new Expectation.Holds("retained <= cohort_size", "retained learners are cohort members"),
                    new Expectation.Holds("week_start = date_add(enrolment_week, 7 * weeks_since_enrolment)",
                            "week k starts 7k days after the enrolment week"),
                    new Expectation.Holds("dayofweek(enrolment_week) = 2", "weeks start on Monday"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.EVENTS, LearnerDays.REF, DatasetRef.ENROLLMENTS);
    }

    @Override
    public Dataset<Row> transform(MartInputs in, MartContext ctx) {
        Column asOfWeek = lit(Date.valueOf(Weeks.weekStart(ctx.asOf())));
        int maxWeeks = ctx.config().retentionMaxWeeks();
        Dataset<Row> members = MartFrames.enrollmentsAsOf(in, ctx)
                .select(c("learner_key"), c("course_id"), Weeks.weekStart(
                        TenantTime.localDate(c("enrolled_at"), ctx.config().timezone())).as("enrolment_week"));

        Dataset<Row> cohorts = members.groupBy("course_id", "enrolment_week").agg(count(lit(1)).as("cohort_size"))
                .withColumn("_k_max", least(datediff(asOfWeek, c("enrolment_week")).divide(7).cast("int"), lit(maxWeeks)))
                .withColumn("weeks_since_enrolment", explode(sequence(lit(0), c("_k_max"))))
                .withColumn("week_start", date_add(c("enrolment_week"), c("weeks_since_enrolment").multiply(7)));

        Dataset<Row> activeWeeks = LearnerDays.of(in, ctx)
                .select(c("learner_key"), c("course_id"), Weeks.weekStart(c("event_date")).as("week_start"))
                .distinct();
        Dataset<Row> retained = members.join(activeWeeks, new String[] {"learner_key", "course_id"})
                .groupBy("course_id", "enrolment_week", "week_start")
                .agg(countDistinct("learner_key").as("retained"));

        return cohorts.join(retained, new String[] {"course_id", "enrolment_week", "week_start"}, "left")
                .select(c("course_id"), c("enrolment_week"), c("weeks_since_enrolment").cast("int").as("weeks_since_enrolment"),
                        c("week_start"), c("cohort_size"),
                        coalesce(c("retained"), lit(0L)).as("retained"),
                        Rates.ratio(coalesce(c("retained"), lit(0L)), c("cohort_size")).as("retention_rate"));
    }

    private static Column c(String name) {
        return org.apache.spark.sql.functions.col(name);
    }
}
