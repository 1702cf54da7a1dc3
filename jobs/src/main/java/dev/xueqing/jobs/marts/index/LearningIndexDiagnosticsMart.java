package dev.xueqing.jobs.marts.index;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events + dims → the learning index's coherence per period × unit type ({@link LearningIndexBuild}). */
public final class LearningIndexDiagnosticsMart implements Mart {
    private static final StructType WEIGHT = DataTypes.createStructType(List.of(
            DataTypes.createStructField("indicator", StringType, false),
            DataTypes.createStructField("weight", DoubleType, false)));

    public static final MartSpec SPEC = new MartSpec("learning_index_diagnostics", LearningIndexMart.AREA,
            List.of("period_type", "period", "unit_type"),
            """
            The statistical coherence of the learning index per period and unit type (docs/learning-index.md): \
            which indicators had values, their correlations across the units, Cronbach's alpha and the first \
            principal component, over the units that took part in the construction (those with at least \
            xueqing.disclosure.min-learners learners), and how many units disclosure control suppressed.""",
            List.of(
                    key("period_type", StringType, "month, term or week"),
                    key("period", StringType, "the period"),
                    key("unit_type", StringType, "the unit type"),
                    key("units", IntegerType, "units with an enrolment in the period"),
                    key("units_constructed", IntegerType, "units with at least the minimum of learners, normalised and ranked"),
                    key("units_indexed", IntegerType, "of those, units with an index (not missing more than a third of the indicators)"),
                    key("units_suppressed", IntegerType, "units whose row disclosure control hid (fewer than k learners, or secondary)"),
                    key("complete_units", IntegerType, "constructed units with a value for every coherence indicator (the base of alpha and the principal component)"),
                    key("indicators_used", DataTypes.createArrayType(StringType, false), "configured indicators with a value for at least one unit"),
                    key("indicators_left_out", DataTypes.createArrayType(StringType, false), "configured indicators no unit has in this period (left out of it)"),
                    key("coherence_indicators", DataTypes.createArrayType(StringType, false), "the used indicators that every unit with an index has: the base of alpha and the principal component"),
                    key("correlations", DataTypes.createArrayType(DataTypes.createStructType(List.of(
                            DataTypes.createStructField("indicator_a", StringType, false),
                            DataTypes.createStructField("indicator_b", StringType, false),
                            DataTypes.createStructField("r", DoubleType, true))), false),
                            "Pearson correlation of each pair of used indicators over the units with both (null below 3 units or without spread)"),
                    col("cronbach_alpha", DoubleType, "Cronbach's alpha of the coherence indicators' z-scores (after polarity) over the complete units"),
                    col("pc1_variance_share", DoubleType, "share of the variance the first principal component of the correlation matrix explains"),
                    key("pc1_weights", DataTypes.createArrayType(WEIGHT, false), "squared loadings of the first principal component (the pca weights; empty when it cannot be computed)"),
                    key("weights", DataTypes.createArrayType(WEIGHT, false), "the weights of the published index"),
                    key("method", StringType, "normalisation/weighting/aggregation of the published index"),
                    key("pca_weights_fell_back", BooleanType, "weighting pca could not be computed (fewer than 3 complete units or 2 varying indicators) and equal weights were used"),
                    key("disclosure_rules", StringType, "the disclosure rule set and its version")),
            List.of(new Expectation.Between("pc1_variance_share", 0, 1),
                    new Expectation.Holds("units_constructed <= units AND units_indexed <= units_constructed",
                            "constructed and indexed units are subsets")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return LearningIndexMart.INPUTS;
    }

    @Override
    public Dataset<Row> transform(MartInputs in, MartContext ctx) {
        return MartFrames.conform(LearningIndexBuild.of(in, ctx).diagnostics(), SPEC);
    }
}
