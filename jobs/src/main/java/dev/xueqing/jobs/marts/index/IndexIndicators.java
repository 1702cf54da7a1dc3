package dev.xueqing.jobs.marts.index;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.metrics.Weeks;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

/**
 * events + dims → the raw indicators of the learning index per unit and period (docs/learning-index.md). Not a mart:
 * {@link LearningIndexBuild} turns these rows into the three index marts.
 *
 * <p>The base is an <em>enrolment-period</em>: a learner's enrolment in a course run, inside one period. Its window
 * runs from the later of enrolment and course start to the earliest of unenrolment, course end, the run date and the
 * period's end. Enrolments whose window is empty (unenrolled before the course started) are left out. Per
 * enrolment-period:
 * <ul>
 *   <li>active: at least one learner-initiated event in the window;</li>
 *   <li>regularity: ISO weeks with activity / ISO weeks the window touches;</li>
 *   <li>persistent: not unenrolled by the period's end, and active within xueqing.activity.inactive-days of the
 *       window's end, or with a final result (pass, distinction, fail) of a course that ended by then;</li>
 *   <li>mean_score: mean score_scaled of the assessment scores in the window;</li>
 *   <li>posts: learner posts and replies on forum objects in the window;</li>
 *   <li>passed / decided: the final result, in the period the course run ends in.</li>
 * </ul>
 * Per unit and period: learners (distinct), enrolments, participation = share active, intensity = median active
 * minutes (to 0.1 min) over the unit's active learner-weeks (the part of each ISO week inside the period), regularity and
 * persistence = their means over enrolments, achievement = mean of the enrolments' mean scores, pass_rate = passed /
 * decided, interaction = posts / enrolments, null when no course of the unit has any learner post up to the run date
 * (the source logs no posts; OULAD logs forum clicks only).
 */
public final class IndexIndicators {
    private IndexIndicators() {}

    /** Unit-level columns {@link #compute} returns, besides the raw indicators. */
    public static final List<String> KEYS = List.of("unit_type", "tenant", "unit", "parent_unit", "period_type",
            "period", "period_start", "period_end");

    /**
     * @return unit_type, tenant, unit, parent_unit, period_type, period, period_start, period_end, learners,
     *         enrolments, decided, and the raw indicators participation, intensity, regularity, persistence,
     *         achievement, pass_rate, interaction
     */
    public static Dataset<Row> compute(MartInputs in, MartContext ctx) {
        XueqingConfig cfg = ctx.config();
        XueqingConfig.Index index = cfg.index();
        Column asOf = MartFrames.asOfDate(ctx);
        var zone = cfg.timezone();

        Dataset<Row> courses = in.get(DatasetRef.COURSES).select(col("course_id"), col("tenant"),
                col("start_date"), col("end_date"),
                termOf(col("course_id"), index.termPattern()).as("term"));
        Dataset<Row> terms = courses.groupBy("term").agg(min("start_date").as("term_start"),
                max("end_date").as("term_end"));

        Dataset<Row> enrolments = MartFrames.enrollmentsAsOf(in, ctx)
                .join(courses, "course_id")
                .withColumn("unenrol_date", TenantTime.localDate(col("unenrolled_at"), zone))
                .withColumn("span_start", greatest(TenantTime.localDate(col("enrolled_at"), zone), col("start_date")))
                .withColumn("span_end", least(coalesce(col("unenrol_date"), asOf), col("end_date"), asOf))
                .filter(col("span_start").leq(col("span_end")));

        // enrolment × period, with each period's bounds and the enrolment's window inside it
        List<Dataset<Row>> perType = new ArrayList<>();
        for (String type : index.periods()) {
            Dataset<Row> p = switch (type) {
                case "month" -> enrolments.withColumn("period_start", explode(sequence(trunc(col("span_start"), "MM"),
                                trunc(col("span_end"), "MM"), expr("interval 1 month"))))
                        .withColumn("period_end", least(last_day(col("period_start")), asOf))
                        .withColumn("period", date_format(col("period_start"), "yyyy-MM"));
                case "week" -> enrolments.withColumn("period_start", explode(sequence(Weeks.weekStart(col("span_start")),
                                Weeks.weekStart(col("span_end")), expr("interval 1 week"))))
                        .withColumn("period_end", least(date_add(col("period_start"), 6), asOf))
                        .withColumn("period", date_format(col("period_start"), "yyyy-MM-dd"));
                case "term" -> enrolments.join(terms, "term")
                        .withColumn("period_start", col("term_start"))
                        .withColumn("period_end", least(col("term_end"), asOf))
                        .withColumn("period", col("term"));
                default -> throw new IllegalArgumentException("unknown period type " + type);
            };
            perType.add(p.withColumn("period_type", lit(type)).select("learner_key", "course_id", "class_id", "tenant",
                    "term", "end_date", "outcome", "unenrol_date", "span_start", "span_end", "period_type", "period",
                    "period_start", "period_end"));
        }
        // read four times below (activity, scores, facts, learner-weeks): cached for this build
        Dataset<Row> ep = in.derivedCached("index-enrolment-periods:" + ctx.asOf(), () -> perType.stream()
                .reduce(Dataset::unionByName).orElseThrow()
                .withColumn("w_start", greatest(col("span_start"), col("period_start")))
                .withColumn("w_end", least(col("span_end"), col("period_end")))
                .filter(col("w_start").leq(col("w_end"))));

        // learner-initiated activity per day, with active time and forum posts
        Dataset<Row> learnerDays = LearnerDays.of(in, ctx);
        Dataset<Row> daily = learnerDays.select(col("learner_key"), col("course_id"), col("event_date"),
                        col("forum_posts").as("posts"), col("active_seconds"))
                .join(courses.select("course_id", "term"), "course_id");
        Dataset<Row> dailyInPeriods = withPeriods(daily, index.periods());
        Dataset<Row> epKeys = ep.select("learner_key", "course_id", "period_type", "period", "w_start", "w_end");
        Dataset<Row> dailyInWindows = in.derivedCached("index-daily-in-windows:" + ctx.asOf(),
                () -> dailyInPeriods.join(epKeys, new String[] {"learner_key", "course_id", "period_type", "period"})
                        .filter(col("event_date").between(col("w_start"), col("w_end")))
                        .select("learner_key", "course_id", "period_type", "period", "event_date", "posts",
                                "active_seconds"));
        Dataset<Row> activity = dailyInWindows.groupBy("learner_key", "course_id", "period_type", "period").agg(
                countDistinct(Weeks.weekStart(col("event_date"))).as("active_weeks"),
                max("event_date").as("last_active_date"),
                sum("posts").as("posts"));
        Dataset<Row> learnerWeeks = dailyInWindows
                .groupBy(col("learner_key"), col("course_id"), col("period_type"), col("period"),
                        Weeks.weekStart(col("event_date")).as("week_start"))
                // to a tenth of a minute: the exact median then counts a few thousand distinct values per unit,
                // not one per learner-week (a tenant's unit holds every learner-week of the period)
                .agg(org.apache.spark.sql.functions.bround(sum("active_seconds").divide(60.0), 1).as("week_minutes"));

        Dataset<Row> scores = withPeriods(MartFrames.assessmentScores(in, ctx)
                        .join(courses.select("course_id", "term"), "course_id"), index.periods())
                .join(epKeys, new String[] {"learner_key", "course_id", "period_type", "period"})
                .filter(col("event_date").between(col("w_start"), col("w_end")))
                .groupBy("learner_key", "course_id", "period_type", "period")
                .agg(avg("score_scaled").as("mean_score"));

        Dataset<Row> coursesWithPosts = learnerDays.filter(col("forum_posts").gt(0))
                .select("course_id").distinct().withColumn("course_has_posts", lit(true));

        int inactiveDays = cfg.activity().inactiveDays();
        Column finalResult = col("outcome").isin("pass", "distinction", "fail");
        Dataset<Row> facts = ep
                .join(activity, new String[] {"learner_key", "course_id", "period_type", "period"}, "left")
                .join(scores, new String[] {"learner_key", "course_id", "period_type", "period"}, "left")
                .join(coursesWithPosts, new String[] {"course_id"}, "left")
                .withColumn("active", col("last_active_date").isNotNull())
                .withColumn("weeks", datediff(Weeks.weekStart(col("w_end")), Weeks.weekStart(col("w_start")))
                        .divide(7).plus(1))
                .withColumn("regularity_e", coalesce(col("active_weeks"), lit(0L)).divide(col("weeks")))
                .withColumn("persistent_e", col("unenrol_date").isNull().or(col("unenrol_date").gt(col("period_end")))
                        .and(col("last_active_date").geq(date_add(col("w_end"), -(inactiveDays - 1)))
                                .or(finalResult.and(col("end_date").leq(col("w_end"))))))
                .withColumn("decided_e", finalResult.and(col("end_date").between(col("period_start"),
                        col("period_end"))))
                .withColumn("passed_e", col("decided_e").and(col("outcome").isin("pass", "distinction")));

        Dataset<Row> units = unitsOf(facts, in.get(DatasetRef.LEARNERS), index.units());
        Column[] groupKeys = KEYS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        Dataset<Row> perUnit = units.groupBy(groupKeys).agg(
                countDistinct("learner_key").as("learners"),
                count(lit(1)).as("enrolments"),
                sum(when(col("decided_e"), 1).otherwise(0)).cast("long").as("decided"),
                sum(when(col("passed_e"), 1).otherwise(0)).as("passed"),
                avg(when(col("active"), 1.0).otherwise(0.0)).as("participation"),
                avg("regularity_e").as("regularity"),
                avg(when(col("persistent_e"), 1.0).otherwise(0.0)).as("persistence"),
                avg("mean_score").as("achievement"),
                sum(coalesce(col("posts"), lit(0L))).as("posts"),
                max(coalesce(col("course_has_posts"), lit(false))).as("has_posts"));
        Dataset<Row> intensity = unitsOf(learnerWeeks.join(ep.select("learner_key", "course_id", "class_id", "tenant",
                        "period_type", "period", "period_start", "period_end"),
                        new String[] {"learner_key", "course_id", "period_type", "period"}),
                in.get(DatasetRef.LEARNERS), index.units())
                .groupBy(groupKeys).agg(Rates.median(col("week_minutes")).as("intensity"));
        return perUnit.join(intensity, KEYS.toArray(String[]::new), "left")
                .withColumn("pass_rate", Rates.ratio(col("passed"), col("decided")))
                .withColumn("interaction", when(col("has_posts"), col("posts").cast("double").divide(col("enrolments"))))
                .select(col("unit_type"), col("tenant"), col("unit"), col("parent_unit"), col("period_type"),
                        col("period"), col("period_start"), col("period_end"), col("learners"), col("enrolments"),
                        col("decided"), col("participation"), col("intensity"), col("regularity"),
                        col("persistence"), col("achievement"), col("pass_rate"), col("interaction"));
    }

    /** The term of a course run: the first group of the pattern, else the course_id itself. */
    static Column termOf(Column courseId, String pattern) {
        Column t = regexp_extract(courseId, pattern, 1);
        return when(t.isNull().or(t.equalTo("")), courseId).otherwise(t);
    }

    /** Rows with event_date (and term) copied once for each configured period type, with period_type and period. */
    private static Dataset<Row> withPeriods(Dataset<Row> rows, List<String> periods) {
        List<Dataset<Row>> out = new ArrayList<>();
        for (String type : periods) {
            Column period = switch (type) {
                case "month" -> date_format(col("event_date"), "yyyy-MM");
                case "week" -> date_format(Weeks.weekStart(col("event_date")), "yyyy-MM-dd");
                case "term" -> col("term");
                default -> throw new IllegalArgumentException("unknown period type " + type);
            };
            out.add(rows.withColumn("period_type", lit(type)).withColumn("period", period));
        }
        return out.stream().reduce(Dataset::unionByName).orElseThrow();
    }

    /**
     * One row per row of {@code rows} (which have learner_key, course_id, class_id, tenant) and unit type it falls in:
     * unit_type, unit and parent_unit (the unit whose total its siblings add up to: the course for a class, the
     * tenant for the others, "" for a tenant).
     */
    private static Dataset<Row> unitsOf(Dataset<Row> rows, Dataset<Row> learners, List<String> unitTypes) {
        List<String> attributes = unitTypes.stream().filter(t -> !List.of("tenant", "course", "class").contains(t))
                .toList();
        Dataset<Row> r = rows;
        if (!attributes.isEmpty()) {
            List<Column> cols = new ArrayList<>();
            cols.add(col("learner_key"));
            attributes.forEach(a -> cols.add(col(a).as("attr_" + a)));
            r = r.join(learners.select(cols.toArray(Column[]::new)), new String[] {"learner_key"}, "left");
        }
        List<Column> structs = new ArrayList<>();
        for (String t : unitTypes) {
            Column unit = switch (t) {
                case "tenant" -> col("tenant");
                case "course" -> col("course_id");
                case "class" -> when(col("class_id").isNotNull(), concat_ws(" / ", col("course_id"), col("class_id")));
                default -> col("attr_" + t);
            };
            Column parent = switch (t) {
                case "tenant" -> lit("");
                case "class" -> col("course_id");
                default -> col("tenant");
            };
            structs.add(struct(lit(t).as("unit_type"), unit.as("unit"), parent.as("parent_unit")));
        }
        return r.withColumn("u", explode(array(structs.toArray(Column[]::new))))
                .filter(col("u.unit").isNotNull())
                .withColumn("unit_type", col("u.unit_type"))
                .withColumn("unit", col("u.unit"))
                .withColumn("parent_unit", col("u.parent_unit"))
                .drop("u");
    }
}
