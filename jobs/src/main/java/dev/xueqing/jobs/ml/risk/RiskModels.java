package dev.xueqing.jobs.ml.risk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.*;

/**
 * The two risk model types (MLlib pipelines over {@link RiskFeatures#FEATURES}), their evaluation and their saved
 * form: {@code <dir>/weeks=N/{lr,gbt}} (MLlib save) plus {@code metadata.json} with the feature list and a version.
 *
 * <ul>
 *   <li>{@code logistic}: VectorAssembler → StandardScaler (mean 0, SD 1 on the training rows) → LogisticRegression
 *       (on the standardised features, light L2 0.01). A learner's contribution of feature j is coef_j × z_j.</li>
 *   <li>{@code gbt}: VectorAssembler → GBTClassifier (iterations and depth from config).</li>
 *   <li>{@code blend}: the mean of the two fitted models' probabilities; nothing of its own is fitted. A linear and a
 *       tree model rank learners differently enough that their mean often ranks better than either.</li>
 * </ul>
 * Which of the three a trained N uses is decided by the validation AUC ({@link #choose}).
 */
public final class RiskModels {
    public static final String LOGISTIC = "logistic";
    public static final String GBT = "gbt";
    public static final String BLEND = "blend";
    /** The candidates, simplest first: on equal validation AUC the simpler one is chosen. */
    public static final List<String> TYPES = List.of(LOGISTIC, GBT, BLEND);
    /** The columns an MLlib pipeline of {@link #fit} adds to its input. */
    private static final String[] PIPELINE_COLUMNS = {"features_raw", "features", "rawPrediction", "probability",
        "prediction"};
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RiskModels() {}

    public static PipelineModel fit(String type, Dataset<Row> train, int gbtIterations, int gbtDepth, long seed) {
        VectorAssembler assembler = new VectorAssembler()
                .setInputCols(RiskFeatures.FEATURES.toArray(String[]::new)).setOutputCol("features_raw");
        PipelineStage[] stages;
        if (LOGISTIC.equals(type)) {
            stages = new PipelineStage[] {assembler,
                    new StandardScaler().setInputCol("features_raw").setOutputCol("features")
                            .setWithMean(true).setWithStd(true),
                    new LogisticRegression().setFeaturesCol("features").setLabelCol("label")
                            .setStandardization(false).setRegParam(0.01).setMaxIter(100)};
        } else if (GBT.equals(type)) {
            stages = new PipelineStage[] {assembler,
                    new GBTClassifier().setFeaturesCol("features_raw").setLabelCol("label")
                            .setMaxIter(gbtIterations).setMaxDepth(gbtDepth).setSeed(seed)};
        } else {
            throw new IllegalArgumentException("Unknown risk model type " + type);
        }
        return new Pipeline().setStages(stages).fit(train);
    }

    /** Rows with a {@code probability_risk} column (probability of label 1). */
    public static Dataset<Row> predict(PipelineModel model, Dataset<Row> rows) {
        return model.transform(rows).withColumn("probability_risk",
                functions.vector_to_array(col("probability"), "float64").getItem(1));
    }

    /**
     * Rows with {@code probability_risk} under a model type: the logistic model's, the GBT's, or (blend) the mean of
     * the two. {@code gbt} may be null for the logistic type.
     */
    public static Dataset<Row> predict(String type, PipelineModel logistic, PipelineModel gbt, Dataset<Row> rows) {
        return switch (type) {
            case LOGISTIC -> predict(logistic, rows);
            case GBT -> predict(gbt, rows);
            case BLEND -> {
                Dataset<Row> first = predict(logistic, rows).withColumnRenamed("probability_risk", "_p_logistic")
                        .drop(PIPELINE_COLUMNS);
                yield predict(gbt, first).withColumn("probability_risk",
                        col("_p_logistic").plus(col("probability_risk")).divide(2)).drop("_p_logistic");
            }
            default -> throw new IllegalArgumentException("Unknown risk model type " + type);
        };
    }

    /**
     * The type with the highest validation AUC; on a tie the one earlier in {@link #TYPES} (the simpler one).
     *
     * @param validationAuc AUC on the validation rows by type, every one of {@link #TYPES}
     */
    public static String choose(Map<String, Double> validationAuc) {
        String best = null;
        for (String type : TYPES) {
            if (best == null || validationAuc.get(type) > validationAuc.get(best)) {
                best = type;
            }
        }
        return best;
    }

    /** Area under the ROC curve of probability_risk against label. */
    public static double auc(Dataset<Row> predicted) {
        return new BinaryClassificationEvaluator().setLabelCol("label").setRawPredictionCol("probability_risk")
                .setMetricName("areaUnderROC").evaluate(predicted);
    }

    /**
     * Test metrics: rows, positive share, AUC, precision and recall at the alert threshold, calibration by decile,
     * the Brier score (mean squared error of the probability) and the expected calibration error over the deciles
     * (Σ rows_d / rows × |mean predicted_d − observed rate_d|).
     */
    public record Metrics(long rows, double positiveRate, double auc, Double precision, Double recall,
                          List<Row> calibration, double brier, double ece) {}

    public static Metrics evaluate(Dataset<Row> predicted, double threshold) {
        Row r = predicted.agg(count(lit(1)), avg("label"),
                sum(when(col("probability_risk").geq(threshold), 1).otherwise(0)),
                sum(when(col("probability_risk").geq(threshold).and(col("label").equalTo(1.0)), 1).otherwise(0)),
                sum(when(col("label").equalTo(1.0), 1).otherwise(0)),
                avg(pow(col("probability_risk").minus(col("label")), 2))).first();
        long rows = r.getLong(0);
        long alerted = r.getLong(2);
        long hits = r.getLong(3);
        long positives = r.getLong(4);
        List<Row> cal = calibration(predicted).collectAsList();
        return new Metrics(rows, r.isNullAt(1) ? 0 : r.getDouble(1), auc(predicted),
                alerted == 0 ? null : (double) hits / alerted, positives == 0 ? null : (double) hits / positives, cal,
                r.isNullAt(5) ? 0 : r.getDouble(5), ece(cal, rows));
    }

    /** Expected calibration error over calibration bins (decile, rows, mean predicted, observed rate). */
    static double ece(List<Row> bins, long rows) {
        double sum = 0;
        for (Row b : bins) {
            if (!b.isNullAt(2) && !b.isNullAt(3)) {
                sum += b.getLong(1) * Math.abs(b.getDouble(2) - b.getDouble(3));
            }
        }
        return rows == 0 ? 0 : sum / rows;
    }

    /** decile (1 = lowest predicted risk), rows, mean predicted probability, observed fail-or-withdraw rate. */
    public static Dataset<Row> calibration(Dataset<Row> predicted) {
        return predicted.withColumn("decile", ntile(10).over(Window.orderBy("probability_risk")))
                .groupBy("decile").agg(count(lit(1)).as("rows"), avg("probability_risk").as("mean_predicted"),
                        avg("label").as("observed_rate"))
                .orderBy("decile");
    }

    /**
     * The contribution coef_j × z_j of each feature under a fitted logistic pipeline, as columns
     * {@code contrib_<feature>} (z_j = (x_j − mean_j) / sd_j with the training mean and SD).
     */
    public static List<Column> contributions(PipelineModel logistic) {
        StandardScalerModel scaler = (StandardScalerModel) logistic.stages()[1];
        LogisticRegressionModel lr = (LogisticRegressionModel) logistic.stages()[2];
        double[] mean = scaler.mean().toArray();
        double[] sd = scaler.std().toArray();
        double[] coef = lr.coefficients().toArray();
        List<Column> out = new ArrayList<>();
        for (int j = 0; j < RiskFeatures.FEATURES.size(); j++) {
            String f = RiskFeatures.FEATURES.get(j);
            Column z = sd[j] == 0 ? lit(0.0) : col(f).minus(mean[j]).divide(sd[j]);
            out.add(z.multiply(coef[j]).as("contrib_" + f));
        }
        return out;
    }

    /** Training mean of each feature under a fitted logistic pipeline (for "average" in explanations). */
    public static double[] means(PipelineModel logistic) {
        return ((StandardScalerModel) logistic.stages()[1]).mean().toArray();
    }

    // ---- saved models ----

    /** What metadata.json of a saved model set holds. */
    public record Saved(String version, String trainedAt, int weeks, String chosenType, List<String> features,
                        List<String> trainRuns, List<String> testRuns, double testAuc) {}

    /**
     * Saves a trained N: {@code logistic/} always (it explains every score), {@code gbt/} when the chosen type needs
     * it (gbt, blend), and {@code metadata.json}.
     */
    public static void save(FileSystem fs, Path dir, PipelineModel logistic, PipelineModel gbt, Saved meta)
            throws IOException {
        logistic.write().overwrite().save(new Path(dir, LOGISTIC).toString());
        if (!LOGISTIC.equals(meta.chosenType())) {
            gbt.write().overwrite().save(new Path(dir, GBT).toString());
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("format_version", FORMAT_VERSION);
        n.put("version", meta.version());
        n.put("trained_at", meta.trainedAt());
        n.put("weeks", meta.weeks());
        n.put("model_type", meta.chosenType());
        ArrayNode f = n.putArray("features");
        meta.features().forEach(f::add);
        ArrayNode tr = n.putArray("train_runs");
        meta.trainRuns().forEach(tr::add);
        ArrayNode te = n.putArray("test_runs");
        meta.testRuns().forEach(te::add);
        n.put("test_auc", meta.testAuc());
        try (FSDataOutputStream out = fs.create(new Path(dir, "metadata.json"), true)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        }
    }

    /** The trained_at of a saved model's metadata.json, or null when it is missing or not an ISO-8601 instant. */
    public static java.time.Instant trainedAt(FileSystem fs, Path metadataJson) throws IOException {
        try (var in = fs.open(metadataJson)) {
            String t = JSON.readTree(in.readAllBytes()).path("trained_at").asText(null);
            return t == null ? null : java.time.Instant.parse(t);
        } catch (java.time.format.DateTimeParseException | com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /**
     * A loaded model set: the logistic model (it explains every score, whatever the type) and the GBT (null when the
     * chosen type is logistic).
     */
    public record Loaded(Saved meta, PipelineModel logistic, PipelineModel gbt) {
        /** Rows with {@code probability_risk} under the chosen type. */
        public Dataset<Row> predict(Dataset<Row> rows) {
            return RiskModels.predict(meta.chosenType(), logistic, gbt, rows);
        }
    }

    /**
     * Loads a saved model set, refusing one whose feature list is not {@code expectedFeatures} (a model trained by
     * another version of the feature code would silently score garbage).
     */
    public static Loaded load(FileSystem fs, Path dir, List<String> expectedFeatures) throws IOException {
        Path metaPath = new Path(dir, "metadata.json");
        if (!fs.exists(metaPath)) {
            throw new IllegalStateException("No risk model at " + dir + " (metadata.json missing): run xueqing "
                    + "train-risk first.");
        }
        var n = JSON.readTree(new String(fs.open(metaPath).readAllBytes(), StandardCharsets.UTF_8));
        List<String> features = new ArrayList<>();
        n.get("features").forEach(x -> features.add(x.asText()));
        if (!features.equals(expectedFeatures)) {
            List<String> missing = expectedFeatures.stream().filter(x -> !features.contains(x)).toList();
            List<String> extra = features.stream().filter(x -> !expectedFeatures.contains(x)).toList();
            throw new IllegalStateException("The risk model at " + dir + " (version " + n.path("version").asText()
                    + ") was trained on other features than this version of Xueqing computes"
                    + (missing.isEmpty() && extra.isEmpty() ? " (same names, other order)" : "")
                    + ": missing from the model " + missing + ", unknown to this version " + extra
                    + ". Retrain with xueqing train-risk.");
        }
        List<String> train = new ArrayList<>();
        n.get("train_runs").forEach(x -> train.add(x.asText()));
        List<String> test = new ArrayList<>();
        n.get("test_runs").forEach(x -> test.add(x.asText()));
        Saved meta = new Saved(n.get("version").asText(), n.get("trained_at").asText(), n.get("weeks").asInt(),
                n.get("model_type").asText(), features, train, test, n.get("test_auc").asDouble());
        if (!TYPES.contains(meta.chosenType())) {
            throw new IllegalStateException("The risk model at " + dir + " is of type " + meta.chosenType()
                    + ", which this version of Xueqing does not know (" + TYPES + "). Retrain with xueqing "
                    + "train-risk.");
        }
        PipelineModel logistic = PipelineModel.load(new Path(dir, LOGISTIC).toString());
        PipelineModel gbt = LOGISTIC.equals(meta.chosenType()) ? null
                : PipelineModel.load(new Path(dir, GBT).toString());
        return new Loaded(meta, logistic, gbt);
    }
}
