package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Save / load round trip, feature-mismatch refusal and explanations on simulated rows. */
class RiskModelsTest extends SparkTestBase {
    /** 400 rows: risk rises with days_since_last_activity and missed_assessments, falls with submissions. */
    static Dataset<Row> simulated() {
        StructType schema = new StructType().add("learner_key", DataTypes.StringType)
                .add("course_id", DataTypes.StringType).add("label", DataTypes.DoubleType);
        for (String f : RiskFeatures.FEATURES) {
            schema = schema.add(f, DataTypes.DoubleType);
        }
        Random r = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Object[] v = new Object[3 + RiskFeatures.FEATURES.size()];
            v[0] = "l" + i;
            v[1] = "C-2014J";
            double logit = -1;
            for (int j = 0; j < RiskFeatures.FEATURES.size(); j++) {
                String f = RiskFeatures.FEATURES.get(j);
                double x = Math.floor(r.nextDouble() * 10);
                v[3 + j] = x;
                logit += f.equals("days_since_last_activity") ? 0.5 * (x - 5)
                        : f.equals("missed_assessments") ? 0.3 * (x - 5) : f.equals("submissions") ? -0.3 * (x - 5) : 0;
            }
            v[2] = r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1.0 : 0.0;
            rows.add(RowFactory.create(v));
        }
        return spark().createDataFrame(rows, schema);
    }

    @Test
    void savedModelsLoadAndScoreTheSameAndForeignFeaturesAreRefused(@TempDir Path dir) throws Exception {
        Dataset<Row> data = simulated();
        PipelineModel lr = RiskModels.fit(RiskModels.LOGISTIC, data, 5, 3, 7);
        PipelineModel gbt = RiskModels.fit(RiskModels.GBT, data, 5, 3, 7);
        double auc = RiskModels.auc(RiskModels.predict(lr, data));
        assertThat(auc).isGreaterThan(0.75);

        FileSystem fs = FileSystem.getLocal(spark().sparkContext().hadoopConfiguration());
        org.apache.hadoop.fs.Path modelDir = new org.apache.hadoop.fs.Path(dir.resolve("weeks=4").toUri());
        RiskModels.save(fs, modelDir, lr, gbt, new RiskModels.Saved("risk-test", "2026-11-29T00:00:00Z", 4,
                RiskModels.GBT, RiskFeatures.FEATURES, List.of("2013J"), List.of("2014J"), auc));
        RiskModels.Loaded loaded = RiskModels.load(fs, modelDir, RiskFeatures.FEATURES);
        assertThat(loaded.meta().chosenType()).isEqualTo(RiskModels.GBT);
        assertThat(loaded.meta().version()).isEqualTo("risk-test");
        assertThat(loaded.meta().trainRuns()).containsExactly("2013J");
        List<Row> before = RiskModels.predict(gbt, data).orderBy("learner_key").select("probability_risk").collectAsList();
        List<Row> after = loaded.predict(data).orderBy("learner_key").select("probability_risk").collectAsList();
        assertThat(after).isEqualTo(before);

        // a blend saved and loaded scores the mean of the two models' probabilities
        org.apache.hadoop.fs.Path blendDir = new org.apache.hadoop.fs.Path(dir.resolve("blend").toUri());
        RiskModels.save(fs, blendDir, lr, gbt, new RiskModels.Saved("risk-test", "2026-11-29T00:00:00Z", 4,
                RiskModels.BLEND, RiskFeatures.FEATURES, List.of("2013J"), List.of("2014J"), auc));
        List<Row> blended = RiskModels.load(fs, blendDir, RiskFeatures.FEATURES).predict(data)
                .orderBy("learner_key").select("probability_risk").collectAsList();
        List<Row> logistic = RiskModels.predict(lr, data).orderBy("learner_key").select("probability_risk")
                .collectAsList();
        assertThat(blended).hasSize(400);
        for (int i = 0; i < blended.size(); i++) {
            assertThat(blended.get(i).getDouble(0)).isCloseTo(
                    (logistic.get(i).getDouble(0) + before.get(i).getDouble(0)) / 2, org.assertj.core.data.Offset.offset(1e-12));
        }

        // explanations from the logistic model: at most 3, positive contributions only, in words
        Row top = RiskExplanations.explain(data, loaded.logistic(), 4)
                .filter(col("days_since_last_activity").equalTo(9).and(col("submissions").equalTo(0)))
                .select("top_features", "explanations").first();
        List<String> features = top.getList(0);
        List<String> words = top.getList(1);
        assertThat(features).hasSizeBetween(1, 3).contains("days_since_last_activity");
        assertThat(words).contains("no activity for 9 days");

        // a model trained on other features is refused with a clear message
        Path meta = dir.resolve("weeks=4/metadata.json");
        Files.writeString(meta, Files.readString(meta).replace("\"gender_male\"", "\"clicks\""));
        Files.deleteIfExists(dir.resolve("weeks=4/.metadata.json.crc")); // edited by hand: no stale checksum
        assertThatThrownBy(() -> RiskModels.load(fs, modelDir, RiskFeatures.FEATURES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing from the model [gender_male]")
                .hasMessageContaining("unknown to this version [clicks]")
                .hasMessageContaining("train-risk");

        // a model of a type this version does not know (saved by a later one) is refused, not scored as another
        Path blendMeta = dir.resolve("blend/metadata.json");
        Files.writeString(blendMeta, Files.readString(blendMeta).replace("\"blend\"", "\"stacked\""));
        Files.deleteIfExists(dir.resolve("blend/.metadata.json.crc"));
        assertThatThrownBy(() -> RiskModels.load(fs, blendDir, RiskFeatures.FEATURES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is of type stacked")
                .hasMessageContaining("train-risk");
    }

    /** The highest validation AUC wins; on a tie the simpler type (logistic, then gbt, then blend). */
    @Test
    void theTypeWithTheHighestValidationAucIsChosenTheSimplerOnATie() {
        assertThat(RiskModels.choose(java.util.Map.of("logistic", 0.80, "gbt", 0.81, "blend", 0.812)))
                .isEqualTo(RiskModels.BLEND);
        assertThat(RiskModels.choose(java.util.Map.of("logistic", 0.80, "gbt", 0.81, "blend", 0.805)))
                .isEqualTo(RiskModels.GBT);
        assertThat(RiskModels.choose(java.util.Map.of("logistic", 0.81, "gbt", 0.81, "blend", 0.81)))
                .isEqualTo(RiskModels.LOGISTIC);
        assertThat(RiskModels.choose(java.util.Map.of("logistic", 0.79, "gbt", 0.81, "blend", 0.81)))
                .isEqualTo(RiskModels.GBT);
    }

    /** Brier score and ECE on ten hand-made predictions (one per decile): p = 0.1 … 1.0, label 1 from p = 0.6. */
    @Test
    void brierAndEceMatchTheHandComputedValues() {
        StructType schema = new StructType().add("label", DataTypes.DoubleType)
                .add("probability_risk", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rows.add(RowFactory.create(i >= 6 ? 1.0 : 0.0, i / 10.0));
        }
        RiskModels.Metrics m = RiskModels.evaluate(spark().createDataFrame(rows, schema), 0.5);
        // (0.01 + 0.04 + 0.09 + 0.16 + 0.25) + (0.16 + 0.09 + 0.04 + 0.01 + 0) = 0.85, over 10 rows
        assertThat(m.brier()).isCloseTo(0.085, org.assertj.core.data.Offset.offset(1e-9));
        // one row per decile: the mean of |p - y| = (0.1 + … + 0.5 + 0.4 + … + 0) / 10
        assertThat(m.ece()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.auc()).isEqualTo(1.0);
    }
}
