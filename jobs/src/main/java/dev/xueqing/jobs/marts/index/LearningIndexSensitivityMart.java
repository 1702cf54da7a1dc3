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

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

/** events + dims → each unit's rank under every alternative construction of the index ({@link LearningIndexBuild}). */
public final class LearningIndexSensitivityMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("learning_index_sensitivity", LearningIndexMart.AREA,
            List.of("unit_type", "tenant", "unit", "period_type", "period"),
            """
            The uncertainty of each constructed unit's rank (docs/learning-index.md): its rank under each of the 18 \
            constructions (min-max, z-score, rank normalisation × equal, sub-index or configured, pca weights × \
            arithmetic, geometric aggregation), the median and the nearest-rank 5th-95th percentile interval. The \
            published construction is one of them, so the interval always contains the published rank. Units of \
            fewer than xueqing.disclosure.min-learners learners have no row; rows that disclosure control hid in \
            learning_index show no ranks.""",
            List.of(
                    key("unit_type", StringType, "the unit type"),
                    key("tenant", StringType, "institution or platform"),
                    key("unit", StringType, "the unit"),
                    key("period_type", StringType, "month, term or week"),
                    key("period", StringType, "the period"),
                    col("ranks", DataTypes.createArrayType(DataTypes.createStructType(List.of(
                            DataTypes.createStructField("normalisation", StringType, false),
                            DataTypes.createStructField("weighting", StringType, false),
                            DataTypes.createStructField("aggregation", StringType, false),
                            DataTypes.createStructField("rank", IntegerType, true))), false),
                            "the unit's rank under each construction (null where it has no index)"),
                    col("published_rank", IntegerType, "rank under the configured construction (learning_index.rank)"),
                    col("median_rank", DoubleType, "median of the ranks"),
                    col("rank_p05", IntegerType, "nearest-rank 5th percentile of the ranks (with 18 constructions: the best)"),
                    col("rank_p95", IntegerType, "nearest-rank 95th percentile (with 18 constructions: the worst)"),
                    key("units_ranked", IntegerType, "units ranked in the unit type and period"),
                    key("constructions_ranked", IntegerType, "constructions under which the unit has an index"),
                    key("suppressed", BooleanType, "disclosure control hid the unit's row in learning_index"),
                    key("disclosure_rules", StringType, "the disclosure rule set and its version")),
            List.of(new Expectation.Holds("published_rank IS NULL OR (rank_p05 <= published_rank AND published_rank <= rank_p95)",
                    "the interval contains the published rank"),
                    new Expectation.Holds("NOT suppressed OR ranks IS NULL", "suppressed rows show no ranks")));

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
        return MartFrames.conform(LearningIndexBuild.of(in, ctx).sensitivity(), SPEC);
    }
}
