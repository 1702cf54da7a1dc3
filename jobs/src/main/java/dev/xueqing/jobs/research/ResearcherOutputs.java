package dev.xueqing.jobs.research;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.metrics.Rates;
import dev.xueqing.common.metrics.TenantTime;
import dev.xueqing.common.metrics.Weeks;
import dev.xueqing.common.privacy.DisclosureControl;
import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.marts.assessment.AssessmentItemStatsMart;
import dev.xueqing.jobs.marts.progress.CohortRetentionMart;
import dev.xueqing.jobs.marts.quality.CourseWeeklyQualityMart;
import dev.xueqing.jobs.marts.tutor.LearnerQuestionsMart;
import dev.xueqing.jobs.marts.tutor.TutorServiceQualityMart;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/**
 * warehouse marts → the researcher-facing datasets (DESIGN.md "Researchers"), each after disclosure control: what
 * {@code xueqing export --researcher} writes and all that {@code xueqing sql --role researcher} can read.
 *
 * <ul>
 *   <li>{@code learning_index}, {@code learning_index_diagnostics}, {@code learning_index_sensitivity}: passed
 *       through as published; their mart applies disclosure control itself.</li>
 *   <li>{@code course_weekly_quality}: course (× class) × week, with the classes of a course in a week as one sibling
 *       group for secondary suppression (the course's own row is their total).</li>
 *   <li>{@code assessment_item_stats}: item, k on the learners who answered.</li>
 *   <li>{@code cohort_retention}: course × enrolment week × weeks since enrolment, k on the cohort.</li>
 *   <li>{@code tutor_service_by_course}: tutor_service_quality over staff to course × week (no staff pseudonym),
 *       with distinct learners and response-time quantiles from learner_questions.</li>
 * </ul>
 * Only those whose marts exist are built. No output has a learner-level or staff-level column
 * ({@link #FORBIDDEN_COLUMNS}); {@link #build} checks it.
 */
public final class ResearcherOutputs {
    /** One researcher dataset: its name (view and export folder), spec (for the codebook) and rows (lazy). */
    public record Output(String name, MartSpec spec, Dataset<Row> rows, boolean passedThrough) {}

    public static final String LEARNING_INDEX = "learning_index";
    public static final String LEARNING_INDEX_DIAGNOSTICS = "learning_index_diagnostics";
    public static final String LEARNING_INDEX_SENSITIVITY = "learning_index_sensitivity";
    public static final String COURSE_WEEKLY_QUALITY = "course_weekly_quality";
    public static final String ASSESSMENT_ITEM_STATS = "assessment_item_stats";
    public static final String COHORT_RETENTION = "cohort_retention";
    public static final String TUTOR_SERVICE_BY_COURSE = "tutor_service_by_course";

    /** Every researcher dataset name, in codebook order (each is present when its marts are). */
    public static final List<String> NAMES = List.of(LEARNING_INDEX, LEARNING_INDEX_DIAGNOSTICS,
            LEARNING_INDEX_SENSITIVITY, COURSE_WEEKLY_QUALITY, ASSESSMENT_ITEM_STATS, COHORT_RETENTION,
            TUTOR_SERVICE_BY_COURSE);

    /** Columns that identify a learner, a staff member or a single post: never in a researcher output. */
    public static final Set<String> FORBIDDEN_COLUMNS = Set.of("learner_key", "staff_key", "responder_key",
            "class_tutor_key", "attributed_to", "question_id", "thread_id", "event_id", "raw_ref");

    public static final String AREA = "研究 research (after disclosure control)";

    private static final List<ColumnSpec> DISCLOSURE_COLUMNS = List.of(
            key(DisclosureControl.SUPPRESSED, BooleanType, "true when disclosure control withheld the row's values "
                    + "(the row is kept; its learner counts, counts, shares and values are null)"),
            col(DisclosureControl.SUPPRESSION_RULE, StringType, "why: min-learners (the row is about fewer than k "
                    + "learners) or secondary (hidden so that a min-learners row of its group cannot be recovered "
                    + "from the group's total); null when shown"),
            key(DisclosureControl.DISCLOSURE_RULES, StringType, "the disclosure rule set and its version, e.g. "
                    + "\"" + DisclosureControl.Rules.VERSION + ": …\""));

    private static final String NOTE = " Researcher view: disclosure control applied last (see disclosure_rules): "
            + "rows about too few learners are kept with values null, counts are rounded, shares with small "
            + "denominators are null.";

    private ResearcherOutputs() {}

    /** The researcher datasets whose marts exist in the warehouse, in {@link #NAMES} order. */
    public static List<Output> build(Warehouse wh, XueqingConfig config) {
        DisclosureControl.Rules rules = DisclosureControl.Rules.of(config.disclosure());
        List<Output> out = new ArrayList<>();
        for (String name : List.of(LEARNING_INDEX, LEARNING_INDEX_DIAGNOSTICS, LEARNING_INDEX_SENSITIVITY)) {
            DatasetRef ref = DatasetRef.mart(name);
            if (wh.exists(ref)) {
                Dataset<Row> rows = wh.read(ref);
                out.add(new Output(name, passThroughSpec(name, rows), rows, true));
            }
        }
        DatasetRef cwq = DatasetRef.mart(CourseWeeklyQualityMart.SPEC.name());
        if (wh.exists(cwq)) {
            out.add(new Output(COURSE_WEEKLY_QUALITY, COURSE_WEEKLY_QUALITY_SPEC,
                    courseWeeklyQuality(wh.read(cwq), rules), false));
        }
        DatasetRef items = DatasetRef.mart(AssessmentItemStatsMart.SPEC.name());
        if (wh.exists(items)) {
            out.add(new Output(ASSESSMENT_ITEM_STATS, ASSESSMENT_ITEM_STATS_SPEC,
                    assessmentItemStats(wh.read(items), rules), false));
        }
        DatasetRef retention = DatasetRef.mart(CohortRetentionMart.SPEC.name());
        if (wh.exists(retention)) {
            out.add(new Output(COHORT_RETENTION, COHORT_RETENTION_SPEC,
                    cohortRetention(wh.read(retention), rules), false));
        }
        DatasetRef tutor = DatasetRef.mart(TutorServiceQualityMart.SPEC.name());
        DatasetRef questions = DatasetRef.mart(LearnerQuestionsMart.SPEC.name());
        if (wh.exists(tutor) && wh.exists(questions)) {
            out.add(new Output(TUTOR_SERVICE_BY_COURSE, TUTOR_SERVICE_BY_COURSE_SPEC,
                    tutorServiceByCourse(wh.read(tutor), wh.read(questions), config.timezone(), rules), false));
        }
        for (Output o : out) {
            List<String> bad = java.util.Arrays.stream(o.rows().columns()).filter(FORBIDDEN_COLUMNS::contains).toList();
            if (!bad.isEmpty()) {
                throw new IllegalStateException("researcher output " + o.name() + " would publish " + bad
                        + ": learner- and staff-level columns never reach researchers");
            }
        }
        return out;
    }

    // ---- course_weekly_quality -------------------------------------------------------------------------------

    /**
     * Dropped from the researcher view: within_sla_share, whose denominator (questions decided by the run date) is
     * not a column, so the small-denominator rule cannot be applied to it (tutor_service_by_course has the share
     * over answered questions).
     */
    static final Set<String> CWQ_DROPPED = Set.of("within_sla_share");
    private static final String PASS_DENOMINATOR = "_passed_or_failed";

    static final DisclosureControl.TableRules CWQ_RULES = new DisclosureControl.TableRules("enrolled",
            List.of("course_id", "week_start"),
            List.of("active_learners", "submissions", "assigned", "submitted_due", "submitted_on_time_due", "passed",
                    "failed", "newly_inactive", "dropouts", "questions_asked", "unanswered_questions"),
            ordered("active_rate", "enrolled", "submission_rate", "assigned", "on_time_rate", "submitted_due",
                    "pass_rate", PASS_DENOMINATOR),
            List.of("median_active_minutes", "mean_score", "oldest_unanswered_hours", "questions_asked_flag",
                    "within_sla_share_flag", "unanswered_questions_flag", "oldest_unanswered_hours_flag"));

    public static final MartSpec COURSE_WEEKLY_QUALITY_SPEC = derive(CourseWeeklyQualityMart.SPEC, COURSE_WEEKLY_QUALITY,
            CWQ_DROPPED, CWQ_RULES, " Left out here: within_sla_share (its denominator is not published; see "
                    + "tutor_service_by_course). Secondary suppression: the classes of a course in a week, beside "
                    + "the course's own row (class_id null).");

    static Dataset<Row> courseWeeklyQuality(Dataset<Row> mart, DisclosureControl.Rules rules) {
        Dataset<Row> in = mart.select(columnsOf(CourseWeeklyQualityMart.SPEC, CWQ_DROPPED))
                .withColumn(PASS_DENOMINATOR, mart.col("passed").plus(mart.col("failed")));
        return DisclosureControl.apply(in, CWQ_RULES, rules).drop(PASS_DENOMINATOR);
    }

    // ---- assessment_item_stats -------------------------------------------------------------------------------

    static final DisclosureControl.TableRules ITEM_RULES = new DisclosureControl.TableRules("responses", List.of(),
            List.of(), ordered("facility", "responses", "option_shares", "responses"),
            List.of("discrimination", "flags", "flag_count"));

    public static final MartSpec ASSESSMENT_ITEM_STATS_SPEC = derive(AssessmentItemStatsMart.SPEC,
            ASSESSMENT_ITEM_STATS, Set.of(), ITEM_RULES, " k applies to responses (the learners who answered); "
                    + "facility and option_shares count as shares over responses.");

    static Dataset<Row> assessmentItemStats(Dataset<Row> mart, DisclosureControl.Rules rules) {
        return DisclosureControl.apply(mart.select(columnsOf(AssessmentItemStatsMart.SPEC, Set.of())), ITEM_RULES,
                rules);
    }

    // ---- cohort_retention ------------------------------------------------------------------------------------

    static final DisclosureControl.TableRules RETENTION_RULES = new DisclosureControl.TableRules("cohort_size",
            List.of(), List.of("retained"), ordered("retention_rate", "cohort_size"), List.of());

    public static final MartSpec COHORT_RETENTION_SPEC = derive(CohortRetentionMart.SPEC, COHORT_RETENTION, Set.of(),
            RETENTION_RULES, " k applies to the cohort (cohort_size).");

    static Dataset<Row> cohortRetention(Dataset<Row> mart, DisclosureControl.Rules rules) {
        return DisclosureControl.apply(mart.select(columnsOf(CohortRetentionMart.SPEC, Set.of())), RETENTION_RULES,
                rules);
    }

    // ---- tutor_service_by_course -----------------------------------------------------------------------------

    static final DisclosureControl.TableRules TUTOR_RULES = new DisclosureControl.TableRules("learners_helped",
            List.of(), List.of("questions_answered", "replies", "unanswered_at_week_end", "at_risk_learners"),
            ordered("within_sla_share", "questions_answered"),
            List.of("staff_members", "median_response_hours", "p90_response_hours", "median_response_business_hours",
                    "p90_response_business_hours", "oldest_unanswered_hours"));

    public static final MartSpec TUTOR_SERVICE_BY_COURSE_SPEC = new MartSpec(TUTOR_SERVICE_BY_COURSE, AREA,
            List.of("course_id", "week_start"),
            "How the staff of a course together served its learners' questions in each ISO week (Monday start, "
                    + "tenant time zone): tutor_service_quality summed over staff members, with no staff pseudonym; "
                    + "learners and response-time quantiles over the course's questions first answered in the week "
                    + "(learner_questions), not averages of the staff's medians. k applies to learners_helped; a "
                    + "week with staff activity but no answered question has no learners to show and is suppressed."
                    + NOTE,
            withDisclosureColumns(List.of(
                    key("course_id", StringType, "course run"),
                    key("week_start", DateType, "Monday of the ISO week (tenant-local)"),
                    col("staff_members", LongType, "staff members with a row in tutor_service_quality for the "
                            + "course and week (answered, replied or had questions attributed); not rounded"),
                    col("learners_helped", LongType, "distinct learners whose questions got their first staff "
                            + "response in the week (rounded)"),
                    col("questions_answered", LongType, "questions whose first staff response came in the week "
                            + "(rounded)"),
                    col("replies", LongType, "staff posts in the week that do not open a thread (rounded)"),
                    col("median_response_hours", DoubleType, "median calendar hours from question to first staff "
                            + "response, over the questions first answered in the week"),
                    col("p90_response_hours", DoubleType, "90th percentile of the same (exact, interpolated)"),
                    col("median_response_business_hours", DoubleType, "median of the same spans in business hours"),
                    col("p90_response_business_hours", DoubleType, "90th percentile in business hours"),
                    col("within_sla_share", DoubleType, "of the questions first answered in the week, the share "
                            + "answered within the SLA (null when questions_answered is under the minimum share "
                            + "denominator)"),
                    col("unanswered_at_week_end", LongType, "questions attributed to a class tutor still unanswered "
                            + "at the week's end, summed over staff (rounded)"),
                    col("oldest_unanswered_hours", DoubleType, "calendar hours from the oldest of those to the "
                            + "week's end"),
                    col("at_risk_learners", LongType, "learners of the course in the high-risk band of the last "
                            + "risk scores of the week before (rounded; null when no scores were written)"))),
            List.of());

    static Dataset<Row> tutorServiceByCourse(Dataset<Row> tutor, Dataset<Row> questions, ZoneId zone,
            DisclosureControl.Rules rules) {
        Dataset<Row> staff = tutor.groupBy("course_id", "week_start").agg(
                count_distinct(org.apache.spark.sql.functions.col("staff_key")).cast("long").as("staff_members"),
                sum("replies").cast("long").as("replies"),
                sum("unanswered_at_week_end").cast("long").as("unanswered_at_week_end"),
                max("oldest_unanswered_hours").as("oldest_unanswered_hours"),
                max("at_risk_learners").cast("long").as("at_risk_learners"));
        Column answeredWeek = Weeks.weekStart(TenantTime.localDate(questions.col("first_reply_at"), zone));
        Dataset<Row> answered = questions.filter(questions.col("answered"))
                .groupBy(questions.col("course_id"), answeredWeek.as("week_start")).agg(
                        count_distinct(questions.col("learner_key")).as("learners_helped"),
                        count(lit(1)).as("questions_answered"),
                        Rates.median(questions.col("response_hours")).as("median_response_hours"),
                        Rates.quantile(questions.col("response_hours"), 0.9).as("p90_response_hours"),
                        Rates.median(questions.col("response_business_hours")).as("median_response_business_hours"),
                        Rates.quantile(questions.col("response_business_hours"), 0.9).as("p90_response_business_hours"),
                        Rates.ratio(sum(when(questions.col("within_sla"), 1L).otherwise(0L)), count(lit(1)))
                                .as("within_sla_share"));
        Dataset<Row> joined = staff.join(answered, new String[] {"course_id", "week_start"}, "full_outer");
        Column[] cols = TUTOR_SERVICE_BY_COURSE_SPEC.columns().stream()
                .filter(c -> !DisclosureControl.ADDED_COLUMNS.contains(c.name()))
                .map(c -> c.name().equals("questions_answered")
                        ? org.apache.spark.sql.functions.coalesce(joined.col(c.name()), lit(0L)).as(c.name())
                        : joined.col(c.name()).cast(c.type()).as(c.name()))
                .toArray(Column[]::new);
        return DisclosureControl.apply(joined.select(cols), TUTOR_RULES, rules);
    }

    // ---- specs -----------------------------------------------------------------------------------------------

    /**
     * The spec of a researcher dataset made from a mart: the mart's columns (without {@code dropped}), those the
     * rules may null made nullable, then the disclosure columns; same grain.
     */
    static MartSpec derive(MartSpec mart, String name, Set<String> dropped, DisclosureControl.TableRules rules,
            String extra) {
        Set<String> nullable = rules.columns();
        List<ColumnSpec> cols = new ArrayList<>();
        for (ColumnSpec c : mart.columns()) {
            if (dropped.contains(c.name())) {
                continue;
            }
            if (nullable.contains(c.name()) && !rules.siblingKeys().contains(c.name())) {
                String how = c.name().equals(rules.learnersColumn()) || rules.countColumns().contains(c.name())
                        ? " (rounded)"
                        : rules.shareDenominators().containsKey(c.name())
                                ? " (null when " + rules.shareDenominators().get(c.name())
                                        + " is under the minimum share denominator)" : "";
                cols.add(new ColumnSpec(c.name(), c.type(), true, c.description() + how));
            } else {
                cols.add(c);
            }
        }
        return new MartSpec(name, AREA, mart.grain(), mart.description() + extra + NOTE,
                withDisclosureColumns(cols), List.of());
    }

    /**
     * The spec of a passed-through index mart, column for column as published: each column with the definition in
     * the mart's own spec when this build has one, else a pointer to the mart dictionary.
     */
    static MartSpec passThroughSpec(String name, Dataset<Row> rows) {
        Optional<MartSpec> own = MartCatalog.all().stream().map(Mart::spec).filter(s -> s.name().equals(name))
                .findFirst();
        Map<String, ColumnSpec> documented = new LinkedHashMap<>();
        own.ifPresent(s -> s.columns().forEach(c -> documented.put(c.name(), c)));
        List<ColumnSpec> cols = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            ColumnSpec c = documented.get(f.name());
            cols.add(c != null ? c : new ColumnSpec(f.name(), f.dataType(), f.nullable(),
                    "(see docs/marts.md: " + name + ")"));
        }
        return own.map(s -> new MartSpec(name, s.area(), s.grain(), s.description(), cols, List.of()))
                .orElseGet(() -> new MartSpec(name, AREA, List.of(), "The " + name + " mart as published "
                        + "(disclosure control is applied by the mart itself).", cols, List.of()));
    }

    private static List<ColumnSpec> withDisclosureColumns(List<ColumnSpec> cols) {
        List<ColumnSpec> all = new ArrayList<>(cols);
        all.addAll(DISCLOSURE_COLUMNS);
        return List.copyOf(all);
    }

    private static Column[] columnsOf(MartSpec spec, Set<String> dropped) {
        return spec.columns().stream().map(ColumnSpec::name).filter(n -> !dropped.contains(n))
                .map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
