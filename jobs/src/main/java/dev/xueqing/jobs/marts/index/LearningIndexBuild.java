package dev.xueqing.jobs.marts.index;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.DisclosureControl;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform_values;
import static org.apache.spark.sql.functions.when;

/**
 * {@link IndexIndicators} → the three learning-index marts, built once per mart build (docs/learning-index.md):
 * units with fewer than {@code xueqing.disclosure.min-learners} learners take no part in the construction; the rest
 * are normalised, weighted and aggregated per unit type and period with {@link IndexConstruction}, under the
 * configured method and under each of the 18 alternatives of the sensitivity analysis; the index rows then pass
 * {@link DisclosureControl} last, and the change and trend are taken over the published values.
 */
public final class LearningIndexBuild {
    /** The indicators whose raw values are shares, with their denominators (disclosure: small denominators). */
    static final Map<String, String> SHARE_DENOMINATORS = Map.of("participation", "enrolments",
            "regularity", "enrolments", "persistence", "enrolments", "pass_rate", "decided");

    public record Built(Dataset<Row> index, Dataset<Row> diagnostics, Dataset<Row> sensitivity) {}

    private LearningIndexBuild() {}

    public static Built of(MartInputs in, MartContext ctx) {
        return in.derived("learning-index:" + ctx.asOf(), () -> build(in, ctx));
    }

    private static Built build(MartInputs in, MartContext ctx) {
        XueqingConfig cfg = ctx.config();
        XueqingConfig.Index ix = cfg.index();
        int k = cfg.disclosure().minLearners();
        Dataset<Row> raw = IndexIndicators.compute(in, ctx);
        SparkSession spark = raw.sparkSession();
        List<Row> rows = raw.collectAsList();

        List<String> indicators = ix.indicators();
        Map<String, List<String>> subIndices = new LinkedHashMap<>();
        ix.subIndices().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<String> members = e.getValue().stream().filter(indicators::contains).toList();
            if (!members.isEmpty()) {
                subIndices.put(e.getKey(), members);
            }
        });
        // the sensitivity grid weighs equally, by sub-index (or by the configured weights when those are
        // published) and by PCA
        List<String> weightings = List.of("equal", ix.weighting().equals("config") ? "config" : "sub-index", "pca");
        IndexConstruction.Method published = new IndexConstruction.Method(ix.normalisation(), ix.weighting(),
                ix.aggregation());
        List<IndexConstruction.Method> alternatives = new ArrayList<>();
        for (String n : IndexConstruction.NORMALISATIONS) {
            for (String w : weightings) {
                for (String a : IndexConstruction.AGGREGATIONS) {
                    alternatives.add(new IndexConstruction.Method(n, w, a));
                }
            }
        }

        // group the units by unit type and period
        Map<List<Object>, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(List.of(r.getAs("unit_type"), r.getAs("period_type"), r.getAs("period")),
                    x -> new ArrayList<>()).add(r);
        }
        List<Row> indexRows = new ArrayList<>();
        List<Row> diagnosticRows = new ArrayList<>();
        List<Row> sensitivityRows = new ArrayList<>();
        for (Map.Entry<List<Object>, List<Row>> g : groups.entrySet()) {
            List<Row> all = g.getValue();
            all.sort((a, b) -> (a.<String>getAs("tenant") + "\u0000" + a.<String>getAs("unit"))
                    .compareTo(b.<String>getAs("tenant") + "\u0000" + b.<String>getAs("unit")));
            List<Row> members = all.stream().filter(r -> r.<Long>getAs("learners") >= k).toList();
            double[][] values = new double[members.size()][indicators.size()];
            for (int u = 0; u < members.size(); u++) {
                for (int i = 0; i < indicators.size(); i++) {
                    Object v = members.get(u).getAs(indicators.get(i));
                    values[u][i] = v == null ? Double.NaN : ((Number) v).doubleValue();
                }
            }
            IndexConstruction.Group group = new IndexConstruction.Group(indicators, values, ix.negative(), subIndices,
                    ix.weights());
            IndexConstruction.Result main = IndexConstruction.construct(group, published);
            List<IndexConstruction.Result> results = alternatives.stream()
                    .map(m -> IndexConstruction.construct(group, m)).toList();
            int ranked = (int) Arrays.stream(main.rank()).filter(r -> r > 0).count();
            Map<Row, Integer> position = new java.util.IdentityHashMap<>();
            for (int u = 0; u < members.size(); u++) {
                position.put(members.get(u), u);
            }
            for (Row r : all) {
                Integer u = position.get(r);
                indexRows.add(indexRow(r, u, main, indicators, ranked, results, published));
                if (u != null) {
                    sensitivityRows.add(sensitivityRow(r, u, main, results, alternatives, ranked));
                }
            }
            diagnosticRows.add(diagnosticRow(g.getKey(), all.size(), members.size(), group, main, published));
        }

        Dataset<Row> indexRaw = spark.createDataFrame(indexRows, INDEX_ROW);
        DisclosureControl.Rules rules = DisclosureControl.Rules.of(cfg.disclosure());
        List<String> values = new ArrayList<>();
        for (String i : IndexConstruction.ALL_INDICATORS) {
            values.add(i);
            values.add(i + "_norm");
        }
        values.addAll(List.of("sub_indices", "learning_index", "index_null_reason", "rank", "rank_low", "rank_high",
                "rank_median"));
        Map<String, String> shares = new LinkedHashMap<>();
        SHARE_DENOMINATORS.forEach((share, denominator) -> {
            shares.put(share, denominator);
            shares.put(share + "_norm", denominator);
        });
        Dataset<Row> disclosed = DisclosureControl.apply(indexRaw, new DisclosureControl.TableRules("learners",
                List.of("unit_type", "tenant", "parent_unit", "period_type", "period"),
                List.of("learners", "enrolments", "decided"), shares, values), rules);

        // change and trend over the published (unrounded) index, then rounding last
        WindowSpec byUnit = Window.partitionBy("unit_type", "tenant", "unit", "period_type").orderBy("period_seq");
        Dataset<Row> seq = disclosed.select("period_type", "period").distinct()
                .withColumn("period_seq", dense_rank().over(Window.partitionBy("period_type").orderBy("period")));
        Column prevIndex = lag("learning_index", 1).over(byUnit);
        Column prevSeq = lag("period_seq", 1).over(byUnit);
        Column prev2Index = lag("learning_index", 2).over(byUnit);
        Column prev2Seq = lag("period_seq", 2).over(byUnit);
        Dataset<Row> withChange = disclosed.join(seq, new String[] {"period_type", "period"})
                .withColumn("change", when(prevSeq.equalTo(col("period_seq").minus(1)),
                        col("learning_index").minus(prevIndex)))
                .withColumn("trend", when(prevSeq.equalTo(col("period_seq").minus(1))
                                .and(prev2Seq.equalTo(col("period_seq").minus(2))).and(prevIndex.isNotNull()),
                        col("learning_index").minus(prev2Index).divide(2)));
        List<Column> rounded = new ArrayList<>();
        for (String c : withChange.columns()) {
            if (c.equals("period_seq")) {
                continue;
            }
            if (c.equals("learning_index") || c.equals("change") || c.equals("trend") || c.endsWith("_norm")) {
                rounded.add(bround(col(c), 2).as(c));
            } else if (c.equals("sub_indices")) {
                rounded.add(transform_values(col(c), (key, v) -> bround(v, 2)).as(c));
            } else {
                rounded.add(col(c));
            }
        }
        Dataset<Row> index = withChange.select(rounded.toArray(Column[]::new));

        Dataset<Row> published2 = index.select(col("unit_type"), col("tenant"), col("unit"), col("period_type"),
                col("period"), col("suppressed"), col("disclosure_rules"));
        Dataset<Row> sensitivity = spark.createDataFrame(sensitivityRows, SENSITIVITY_ROW)
                .join(published2, new String[] {"unit_type", "tenant", "unit", "period_type", "period"})
                .withColumn("ranks", when(col("suppressed"), lit(null)).otherwise(col("ranks")))
                .withColumn("published_rank", when(col("suppressed"), lit(null)).otherwise(col("published_rank")))
                .withColumn("median_rank", when(col("suppressed"), lit(null)).otherwise(col("median_rank")))
                .withColumn("rank_p05", when(col("suppressed"), lit(null)).otherwise(col("rank_p05")))
                .withColumn("rank_p95", when(col("suppressed"), lit(null)).otherwise(col("rank_p95")));
        Dataset<Row> suppressedPerGroup = index.groupBy("period_type", "period", "unit_type").agg(
                sum(when(col("suppressed"), 1).otherwise(0)).cast("int").as("units_suppressed"));
        Dataset<Row> diagnostics = spark.createDataFrame(diagnosticRows, DIAGNOSTIC_ROW)
                .join(suppressedPerGroup, new String[] {"period_type", "period", "unit_type"})
                .withColumn("disclosure_rules", lit(rules.describe()));
        return new Built(index, diagnostics, sensitivity);
    }

    private static Row indexRow(Row r, Integer u, IndexConstruction.Result main, List<String> indicators, int ranked,
                                List<IndexConstruction.Result> results, IndexConstruction.Method method) {
        List<Object> v = new ArrayList<>();
        for (String c : IndexIndicators.KEYS) {
            v.add(r.getAs(c));
        }
        v.add(r.getAs("learners"));
        v.add(r.getAs("enrolments"));
        v.add(r.getAs("decided"));
        for (String i : IndexConstruction.ALL_INDICATORS) {
            boolean configured = indicators.contains(i);
            v.add(configured ? r.getAs(i) : null);
            v.add(configured && u != null ? nan(main.normalised()[u][indicators.indexOf(i)] * 100) : null);
        }
        if (u == null) {
            v.add(null);
            v.add(null);
            v.add("fewer learners than xueqing.disclosure.min-learners: not part of the construction");
            v.addAll(Arrays.asList(null, null, null, null, null));
        } else {
            Map<String, Double> subs = new LinkedHashMap<>();
            main.subIndices().forEach((name, x) -> subs.put(name, nan(x[u])));
            v.add(scala.jdk.javaapi.CollectionConverters.asScala(subs));
            v.add(nan(main.index()[u]));
            v.add(main.nullReason()[u]);
            v.add(main.rank()[u] > 0 ? main.rank()[u] : null);
            v.add(ranked);
            int[] interval = interval(results, u);
            v.add(interval == null ? null : interval[0]);
            v.add(interval == null ? null : interval[1]);
            v.add(interval == null ? null : medianRank(results, u));
        }
        v.add(method.label());
        return RowFactory.create(v.toArray());
    }

    private static Row sensitivityRow(Row r, int u, IndexConstruction.Result main,
                                      List<IndexConstruction.Result> results, List<IndexConstruction.Method> methods,
                                      int ranked) {
        List<Row> ranks = new ArrayList<>();
        for (int j = 0; j < methods.size(); j++) {
            IndexConstruction.Method m = methods.get(j);
            int rank = results.get(j).rank()[u];
            ranks.add(RowFactory.create(m.normalisation(), m.weighting(), m.aggregation(), rank > 0 ? rank : null));
        }
        int[] interval = interval(results, u);
        return RowFactory.create(r.getAs("unit_type"), r.getAs("tenant"), r.getAs("unit"), r.getAs("period_type"),
                r.getAs("period"), scala.jdk.javaapi.CollectionConverters.asScala(ranks).toSeq(),
                main.rank()[u] > 0 ? main.rank()[u] : null, interval == null ? null : medianRank(results, u),
                interval == null ? null : interval[0], interval == null ? null : interval[1], ranked,
                (int) results.stream().filter(x -> x.rank()[u] > 0).count());
    }

    /** The nearest-rank 5th and 95th percentiles of a unit's ranks over the alternative constructions. */
    static int[] interval(List<IndexConstruction.Result> results, int u) {
        int[] ranks = results.stream().mapToInt(x -> x.rank()[u]).filter(r -> r > 0).sorted().toArray();
        if (ranks.length == 0) {
            return null;
        }
        return new int[] {ranks[nearestRank(0.05, ranks.length)], ranks[nearestRank(0.95, ranks.length)]};
    }

    static int nearestRank(double p, int n) {
        return Math.max(0, (int) Math.ceil(p * n) - 1);
    }

    static Double medianRank(List<IndexConstruction.Result> results, int u) {
        int[] ranks = results.stream().mapToInt(x -> x.rank()[u]).filter(r -> r > 0).sorted().toArray();
        if (ranks.length == 0) {
            return null;
        }
        int n = ranks.length;
        return n % 2 == 1 ? ranks[n / 2] : (ranks[n / 2 - 1] + ranks[n / 2]) / 2.0;
    }

    private static Row diagnosticRow(List<Object> key, int units, int constructed, IndexConstruction.Group group,
                                     IndexConstruction.Result main, IndexConstruction.Method method) {
        boolean[] used = IndexConstruction.usedIndicators(group);
        List<String> usedNames = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            (used[i] ? usedNames : leftOut).add(group.indicators().get(i));
        }
        List<Row> correlations = new ArrayList<>();
        for (int a = 0; a < used.length; a++) {
            for (int b = a + 1; b < used.length; b++) {
                if (used[a] && used[b]) {
                    correlations.add(RowFactory.create(group.indicators().get(a), group.indicators().get(b),
                            nan(IndexConstruction.correlation(group, a, b))));
                }
            }
        }
        IndexConstruction.Pca pca = IndexConstruction.pca(group, used);
        List<Row> pcaWeights = new ArrayList<>();
        if (pca != null) {
            for (int j = 0; j < pca.indicators().length; j++) {
                pcaWeights.add(RowFactory.create(group.indicators().get(pca.indicators()[j]),
                        pca.loadings()[j] * pca.loadings()[j]));
            }
        }
        List<Row> weights = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                weights.add(RowFactory.create(group.indicators().get(i), main.weights()[i]));
            }
        }
        boolean[] coherence = IndexConstruction.coherenceIndicators(group, used);
        List<String> coherenceNames = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (coherence[i]) {
                coherenceNames.add(group.indicators().get(i));
            }
        }
        int complete = 0;
        for (double[] row : group.raw()) {
            boolean ok = true;
            for (int i = 0; i < used.length; i++) {
                ok &= !coherence[i] || !Double.isNaN(row[i]);
            }
            complete += ok ? 1 : 0;
        }
        int indexed = (int) Arrays.stream(main.index()).filter(x -> !Double.isNaN(x)).count();
        return RowFactory.create(key.get(1), key.get(2), key.get(0), units, constructed, indexed, complete,
                seq(usedNames), seq(leftOut), seq(coherenceNames), seq(correlations), nan(IndexConstruction.cronbachAlpha(group, used)),
                pca == null ? null : nan(pca.varianceShare()), seq(pcaWeights), seq(weights), method.label(),
                main.pcaFellBack());
    }

    private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
        return scala.jdk.javaapi.CollectionConverters.asScala(list).toList();
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }

    static final StructType INDEX_ROW;
    static final StructType SENSITIVITY_ROW;
    static final StructType DIAGNOSTIC_ROW;

    static {
        List<StructField> f = new ArrayList<>();
        for (String c : List.of("unit_type", "tenant", "unit", "parent_unit", "period_type", "period")) {
            f.add(DataTypes.createStructField(c, DataTypes.StringType, false));
        }
        f.add(DataTypes.createStructField("period_start", DataTypes.DateType, false));
        f.add(DataTypes.createStructField("period_end", DataTypes.DateType, false));
        f.add(DataTypes.createStructField("learners", DataTypes.LongType, true));
        f.add(DataTypes.createStructField("enrolments", DataTypes.LongType, true));
        f.add(DataTypes.createStructField("decided", DataTypes.LongType, true));
        for (String i : IndexConstruction.ALL_INDICATORS) {
            f.add(DataTypes.createStructField(i, DataTypes.DoubleType, true));
            f.add(DataTypes.createStructField(i + "_norm", DataTypes.DoubleType, true));
        }
        f.add(DataTypes.createStructField("sub_indices",
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true), true));
        f.add(DataTypes.createStructField("learning_index", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("index_null_reason", DataTypes.StringType, true));
        f.add(DataTypes.createStructField("rank", DataTypes.IntegerType, true));
        f.add(DataTypes.createStructField("units_ranked", DataTypes.IntegerType, true));
        f.add(DataTypes.createStructField("rank_low", DataTypes.IntegerType, true));
        f.add(DataTypes.createStructField("rank_high", DataTypes.IntegerType, true));
        f.add(DataTypes.createStructField("rank_median", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("method", DataTypes.StringType, false));
        INDEX_ROW = DataTypes.createStructType(f);

        StructType rankType = DataTypes.createStructType(List.of(
                DataTypes.createStructField("normalisation", DataTypes.StringType, false),
                DataTypes.createStructField("weighting", DataTypes.StringType, false),
                DataTypes.createStructField("aggregation", DataTypes.StringType, false),
                DataTypes.createStructField("rank", DataTypes.IntegerType, true)));
        SENSITIVITY_ROW = DataTypes.createStructType(List.of(
                DataTypes.createStructField("unit_type", DataTypes.StringType, false),
                DataTypes.createStructField("tenant", DataTypes.StringType, false),
                DataTypes.createStructField("unit", DataTypes.StringType, false),
                DataTypes.createStructField("period_type", DataTypes.StringType, false),
                DataTypes.createStructField("period", DataTypes.StringType, false),
                DataTypes.createStructField("ranks", DataTypes.createArrayType(rankType, false), true),
                DataTypes.createStructField("published_rank", DataTypes.IntegerType, true),
                DataTypes.createStructField("median_rank", DataTypes.DoubleType, true),
                DataTypes.createStructField("rank_p05", DataTypes.IntegerType, true),
                DataTypes.createStructField("rank_p95", DataTypes.IntegerType, true),
                DataTypes.createStructField("units_ranked", DataTypes.IntegerType, false),
                DataTypes.createStructField("constructions_ranked", DataTypes.IntegerType, false)));

        StructType pair = DataTypes.createStructType(List.of(
                DataTypes.createStructField("indicator_a", DataTypes.StringType, false),
                DataTypes.createStructField("indicator_b", DataTypes.StringType, false),
                DataTypes.createStructField("r", DataTypes.DoubleType, true)));
        StructType weight = DataTypes.createStructType(List.of(
                DataTypes.createStructField("indicator", DataTypes.StringType, false),
                DataTypes.createStructField("weight", DataTypes.DoubleType, false)));
        DIAGNOSTIC_ROW = DataTypes.createStructType(List.of(
                DataTypes.createStructField("period_type", DataTypes.StringType, false),
                DataTypes.createStructField("period", DataTypes.StringType, false),
                DataTypes.createStructField("unit_type", DataTypes.StringType, false),
                DataTypes.createStructField("units", DataTypes.IntegerType, false),
                DataTypes.createStructField("units_constructed", DataTypes.IntegerType, false),
                DataTypes.createStructField("units_indexed", DataTypes.IntegerType, false),
                DataTypes.createStructField("complete_units", DataTypes.IntegerType, false),
                DataTypes.createStructField("indicators_used", DataTypes.createArrayType(DataTypes.StringType, false), false),
                DataTypes.createStructField("indicators_left_out", DataTypes.createArrayType(DataTypes.StringType, false), false),
                DataTypes.createStructField("coherence_indicators", DataTypes.createArrayType(DataTypes.StringType, false), false),
                DataTypes.createStructField("correlations", DataTypes.createArrayType(pair, false), false),
                DataTypes.createStructField("cronbach_alpha", DataTypes.DoubleType, true),
                DataTypes.createStructField("pc1_variance_share", DataTypes.DoubleType, true),
                DataTypes.createStructField("pc1_weights", DataTypes.createArrayType(weight, false), false),
                DataTypes.createStructField("weights", DataTypes.createArrayType(weight, false), false),
                DataTypes.createStructField("method", DataTypes.StringType, false),
                DataTypes.createStructField("pca_weights_fell_back", DataTypes.BooleanType, false)));
    }
}
