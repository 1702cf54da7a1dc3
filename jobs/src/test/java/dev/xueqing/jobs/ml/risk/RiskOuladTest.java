package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.dims.DimsJob;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.InputFiles;
import dev.xueqing.jobs.pipeline.Adapters;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OULAD in ../shared/data/oulad end to end: ingest, dims, train (2013B, 2013J, 2014B → test 2014J) for N = 4 and 8,
 * score (GBT with 10 trees; the defaults are N = 2, 4, 8 and 40 trees). N = 2 is left out to keep the test short
 * (146 s → 112 s on two shared cores: a training and a scoring pass of features): it adds no code path, and N = 4 below N = 8
 * is what makes the scoring check (a run in its week 6 is scored by N = 4, not 8) mean something. Prints the AUC per
 * N and model type (docs/risk.md quotes them). Skipped when the data is absent.
 */
@Tag("slow")
class RiskOuladTest extends SparkTestBase {
    @Test
    void trainsOnEarlierPresentationsTestsOn2014JAndScores(@TempDir Path dir) throws Exception {
        Path data = sharedData();
        Assumptions.assumeTrue(data != null && java.nio.file.Files.isDirectory(data.resolve("oulad")),
                "../shared/data/oulad is not here");
        XueqingConfig config = ConfigLoader.load(null, List.of("timezone=Europe/London", "risk.weeks=[4, 8]",
                        "risk.gbt.iterations=10"),
                Map.of()).withWarehouse(dir.toString());
        List<String> files = InputFiles.expand(List.of(data.resolve("oulad").toString()),
                spark().sparkContext().hadoopConfiguration());
        Instant now = Instant.parse("2026-11-28T00:00:00Z");
        Pseudonymizer p = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        var adapter = Adapters.create("oulad", config, p, "ou", "r1", now, files,
                spark().sparkContext().hadoopConfiguration(), null);
        Warehouse wh = new Warehouse(spark(), dir.toString());
        new IngestJob(wh).run(adapter, files, "ou", "r1", now, null);
        new DimsJob(wh).run("r1-dims");

        RiskJob job = new RiskJob(wh, config);
        RiskJob.TrainResult t = job.train(LocalDate.of(2015, 6, 30), "r2");
        List<Row> eval = wh.read(DatasetRef.mart("risk_model_evaluation")).orderBy("weeks", "model_type")
                .collectAsList();
        for (Row r : eval) {
            System.out.printf("OULAD risk N=%d %-8s train %d test %d AUC %.3f (validation %.3f) precision %s recall %s"
                            + " Brier %.3f ECE %.3f chosen %s%n", r.<Integer>getAs("weeks"), r.<String>getAs("model_type"),
                    r.<Long>getAs("train_rows"), r.<Long>getAs("test_rows"), r.<Double>getAs("auc"),
                    r.<Double>getAs("validation_auc"), r.getAs("precision"), r.getAs("recall"),
                    r.<Double>getAs("brier"), r.<Double>getAs("ece"), r.getAs("chosen"));
        }
        assertThat(eval).hasSize(RiskModels.TYPES.size() * config.risk().weeks().size());
        for (Row r : eval) {
            assertThat(r.<scala.collection.Seq<String>>getAs("test_runs").mkString(",")).isEqualTo("2014J");
            assertThat(r.<scala.collection.Seq<String>>getAs("train_runs").mkString(",")).isEqualTo("2013B,2013J,2014B");
            assertThat(r.<Double>getAs("auc")).as("AUC at N=" + r.getAs("weeks")).isGreaterThan(0.6);
        }
        assertThat(t.testAuc()).containsOnlyKeys(config.risk().weeks());
        // measured with 40 trees (docs/risk.md): the blend chosen, 0.726 at N = 4 and 0.798 at N = 8 (0.725 and 0.768
        // without the assessment features); floors with a margin, not tuned to the test runs
        assertThat(t.testAuc().get(4)).as("chosen AUC at N=4").isGreaterThan(0.70);
        assertThat(t.testAuc().get(8)).as("chosen AUC at N=8").isGreaterThan(0.775);

        // 2014J runs started in October 2014: as of 2014-11-15 they have 6 weeks, so N = 4 scores them
        long scored = job.score(LocalDate.of(2014, 11, 15), "r3");
        printScores(wh);
        assertThat(scored).isPositive();
    }

    private static void printScores(Warehouse wh) {
        var s = wh.read(DatasetRef.mart("learner_risk_scores"));
        Row one = s.filter(col("course_id").endsWith("2014J")).orderBy(col("probability").desc()).first();
        System.out.println("OULAD risk example (2014J, highest): " + one);
        assertThat(one.<Integer>getAs("weeks")).isEqualTo(4);
        System.out.println("OULAD risk bands: " + s.groupBy("weeks", "band").count().orderBy("weeks", "band")
                .collectAsList());
    }
}
