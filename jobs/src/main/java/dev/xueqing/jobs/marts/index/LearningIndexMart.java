package dev.xueqing.jobs.marts.index;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/**
 * events + dims → the learning index (学习指数) per unit × period, after disclosure control
 * ({@link LearningIndexBuild}; docs/learning-index.md).
 */
public final class LearningIndexMart implements Mart {
    public static final String AREA = "学情数据分析 learning-situation analysis (research)";

    /** What each indicator measures, for the column docs. */
    static final Map<String, String> INDICATOR_DOCS = Map.of(
            "participation", "share of the unit's enrolments active (a learner-initiated event) in the period",
            "intensity", "median active minutes over the unit's active learner-weeks in the period",
            "regularity", "mean over enrolments of the share of the period's ISO weeks with activity",
            "persistence", "share of enrolments not withdrawn and still active (within xueqing.activity.inactive-days) at the period's end, or finished with a final result",
            "achievement", "mean over enrolments of their mean scaled score (0..1) in the period",
            "pass_rate", "passed / (passed + failed) of the enrolments whose course run ended in the period",
            "interaction", "learner forum posts and replies per enrolment; null where the unit's courses have no post at all");

    /** What the three index marts read: the events and their per-day fact, and the dims that place a learner in units. */
    static final List<DatasetRef> INPUTS = List.of(DatasetRef.EVENTS, LearnerDays.REF, DatasetRef.ENROLLMENTS,
            DatasetRef.COURSES,
            DatasetRef.LEARNERS, DatasetRef.COURSE_ITEMS);

    public static final MartSpec SPEC = new MartSpec("learning_index", AREA,
            List.of("unit_type", "tenant", "unit", "period_type", "period"),
            """
            The learning index per unit (tenant, region, course, class or another learner attribute, from \
            xueqing.index.units) and period (month, course term, ISO week, from xueqing.index.periods), built as the \
            OECD/JRC Handbook lays out (docs/learning-index.md): indicators per enrolment and period aggregated per \
            unit, polarity, normalisation across the period's units of the same type, weights, aggregation, 0..100. \
            Researcher-facing: every row passed disclosure control last (xueqing.disclosure; docs/privacy.md). Units \
            with fewer learners than the minimum take no part in the normalisation or ranking.""",
            columns(),
            List.of(new Expectation.Between("learning_index", 0, 100),
                    new Expectation.Between("rank", 1, Double.MAX_VALUE),
                    new Expectation.Holds("rank IS NULL OR (rank_low <= rank AND rank <= rank_high)",
                            "the published rank lies in its sensitivity interval"),
                    new Expectation.Holds("NOT suppressed OR learning_index IS NULL", "a suppressed row shows no index"),
                    new Expectation.InSet("period_type", List.of("month", "term", "week"))));

    private static List<ColumnSpec> columns() {
        List<ColumnSpec> c = new ArrayList<>(List.of(
                key("unit_type", StringType, "tenant, course, class, or the learner attribute (region, age_band, ...)"),
                key("tenant", StringType, "institution or platform"),
                key("unit", StringType, "the unit: tenant, course_id, 'course_id / class_id', or the attribute's value"),
                key("parent_unit", StringType, "the unit its siblings add up to: the course of a class, the tenant of the others, '' for a tenant"),
                key("period_type", StringType, "month, term or week"),
                key("period", StringType, "yyyy-MM, the term (xueqing.index.term-pattern on course_id), or the week's Monday"),
                key("period_start", DateType, "first day of the period"),
                key("period_end", DateType, "last day of the period, the run date at most"),
                col("learners", LongType, "distinct learners with an enrolment window in the period (rounded; null when suppressed)"),
                col("enrolments", LongType, "learner × course run enrolments with a window in the period (rounded)"),
                col("decided", LongType, "enrolments with a final pass or fail in the period (pass_rate's denominator; rounded)")));
        for (String i : IndexConstruction.ALL_INDICATORS) {
            c.add(col(i, DoubleType, "indicator: " + INDICATOR_DOCS.get(i) + " (null when not configured)"));
            c.add(col(i + "_norm", DoubleType, i + " normalised across the period's units of this type, 0..100, after polarity"));
        }
        c.addAll(List.of(
                col("sub_indices", DataTypes.createMapType(StringType, DoubleType, true), "sub-index name → value 0..100 (xueqing.index.sub-indices)"),
                col("learning_index", DoubleType, "the composite index 0..100 (2 decimals); null when suppressed or missing more than a third of the indicators"),
                col("index_null_reason", StringType, "why the index is null, when it is"),
                col("rank", IntegerType, "rank within the unit type and period, 1 = highest index; ties share the best rank"),
                col("units_ranked", IntegerType, "units ranked in the unit type and period"),
                col("rank_low", IntegerType, "best rank over the 18 constructions of the sensitivity analysis (nearest-rank 5th percentile)"),
                col("rank_high", IntegerType, "worst rank over them (nearest-rank 95th percentile)"),
                col("rank_median", DoubleType, "median rank over them"),
                key("method", StringType, "normalisation/weighting/aggregation of the published index"),
                col("change", DoubleType, "index minus the unit's index in the previous period, null when either is missing"),
                col("trend", DoubleType, "points per period over the last three periods ((I(t) - I(t-2)) / 2), null unless all three have an index"),
                key("suppressed", BooleanType, "disclosure control hid this row's values"),
                col("suppression_rule", StringType, "min-learners (fewer than k learners) or secondary (a sibling of a hidden row)"),
                key("disclosure_rules", StringType, "the disclosure rule set and its version")));
        return c;
    }

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return INPUTS;
    }

    @Override
    public Dataset<Row> transform(MartInputs in, MartContext ctx) {
        return MartFrames.conform(LearningIndexBuild.of(in, ctx).index(), SPEC);
    }
}
