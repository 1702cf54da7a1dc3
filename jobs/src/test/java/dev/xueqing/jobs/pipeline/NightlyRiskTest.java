package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.ml.risk.RiskJob;
import dev.xueqing.jobs.samples.ScaleGenerator;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nightly risk step through the real {@link Pipeline} (real Spark, a warehouse in a temp folder, no mocks), over
 * a small {@code xueqing generate} world: 4 courses (GEN001 … GEN004) of 4 weeks with outcomes. The generator makes
 * one run per course, all in the same term, so the run key here is the course code (run-pattern below): train on
 * GEN001–GEN003, test on GEN004. That is a split by course, not by time; it is enough to exercise the step.
 *
 * <p>(a) no model: nightly scores nothing and its summary says so; (b) after train-risk: nightly scores without
 * retraining; (c) a model whose metadata says it was trained 30 days ago (retrain-every-days 28): the step retrains
 * (a new risk_model_evaluation run and CURRENT) and scores with the new model; (d) the same, with a configuration
 * under which training cannot succeed (4 test runs out of 4 labelled runs): the retraining fails, the previous model
 * stays current and the scores are still published with it. The data is ingested once ({@link Pipeline#ingest}),
 * then each case runs the nightly's risk step ({@link Pipeline#nightlyRiskStep}) rather than a whole nightly, which
 * would rebuild every mart each time (over a minute on two busy cores); that nightly runs the step, and prints its
 * "not scored" line, is checked by {@code NightlyAcceptanceTest}.
 */
class NightlyRiskTest extends SparkTestBase {
    static final LocalDate AS_OF = LocalDate.of(2026, 10, 20);

    @Test
    void nightlyScoresWithTheCurrentModelRetrainsAStaleOneAndKeepsItWhenRetrainingFails(@TempDir Path dir)
            throws Exception {
        Path in = dir.resolve("gen");
        ScaleGenerator.generate(new ScaleGenerator.Options(240, 4, 4, in, "xapi", 7L, 8, 0, 0, 0, 1_000_000));
        Path wh = dir.resolve("wh");
        List<String> base = List.of("warehouse=" + wh, "risk.weeks=[4]", "risk.gbt.iterations=5",
                "risk.split.run-pattern=\"^.*/(GEN\\\\d{3})-2026A$\"");
        XueqingConfig config = ConfigLoader.load(null, base, Map.of());
        Warehouse w = new Warehouse(spark(), wh.toString());
        DatasetRef scores = DatasetRef.mart("learner_risk_scores");
        DatasetRef evaluation = DatasetRef.mart("risk_model_evaluation");

        // (a) no model yet: no learner_risk_scores, and the summary says why
        try (Pipeline p = new Pipeline(config, Map.of())) {
            Pipeline.Summary ingest = p.ingest("xapi", List.of(in.toString()), null, null);
            assertThat(ingest.ingests().get(0).result().accepted()).isPositive();
        }
        List<MartsJob.MartResult> a = riskStep(config);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).name()).isEqualTo("learner_risk_scores");
        assertThat(a.get(0).ok()).isTrue();
        assertThat(a.get(0).rows()).isZero();
        assertThat(a.get(0).rebuild()).isEqualTo("not scored: no risk model yet (train one with xueqing train-risk)");
        assertThat(w.exists(scores)).isFalse();
        assertThat(w.exists(evaluation)).isFalse();

        // (b) train-risk, then nightly scores with that model and does not retrain it
        String v1;
        try (Pipeline p = new Pipeline(config, Map.of())) {
            Pipeline.Summary t = p.trainRisk(AS_OF);
            assertThat(t.failed()).as("%s", t.marts()).isFalse();
            v1 = new RiskJob(p.warehouse(), config).currentVersion();
        }
        assertThat(modelRuns(w)).containsExactly(v1);
        List<MartsJob.MartResult> b = riskStep(config);
        assertThat(b).extracting(MartsJob.MartResult::name).containsExactly("learner_risk_scores");
        assertThat(b.get(0).ok()).as(b.get(0).error()).isTrue();
        long enrolments = w.read(DatasetRef.ENROLLMENTS).count();
        long scoredRows = risk(b, "learner_risk_scores").rows();
        // every enrolment made before, and not ended before, the week-4 cutoff of its course
        assertThat(scoredRows).isPositive().isLessThanOrEqualTo(enrolments).isEqualTo(w.read(scores).count());
        assertThat(versions(w)).containsExactly(v1);
        assertThat(w.read(scores).filter(col("as_of").notEqual(java.sql.Date.valueOf(AS_OF))).count()).isZero();
        assertThat(modelRuns(w)).containsExactly(v1);

        // (c) the model was trained 30 days ago by its metadata (retrain-every-days is 28): nightly retrains it, then
        // scores with the new one
        age(wh, v1, Duration.ofDays(30));
        List<MartsJob.MartResult> c = riskStep(config);
        assertThat(c).as("%s", c).allMatch(MartsJob.MartResult::ok);
        MartsJob.MartResult retrained = risk(c, "risk_model_evaluation");
        assertThat(retrained.rows()).isEqualTo(dev.xueqing.jobs.ml.risk.RiskModels.TYPES.size());
        assertThat(retrained.rebuild()).startsWith("retrained (the model of ").endsWith("was older than 28 days)");
        List<String> runs = modelRuns(w);
        assertThat(runs).hasSize(2).contains(v1);
        String v2 = runs.stream().filter(r -> !r.equals(v1)).findFirst().orElseThrow();
        assertThat(v2).isGreaterThan(v1);
        assertThat(Files.readString(wh.resolve("_models/risk/CURRENT")).trim()).isEqualTo(v2);
        assertThat(risk(c, "learner_risk_scores").rows()).isEqualTo(scoredRows);
        assertThat(versions(w)).containsExactly(v2);

        // (d) stale again, and retraining cannot succeed (every labelled run would be a test run): the retraining
        // fails, v2 stays current, and the scores are still published with it
        age(wh, v2, Duration.ofDays(30));
        XueqingConfig unfit = ConfigLoader.load(null,
                Stream.concat(base.stream(), Stream.of("risk.split.test-runs=4")).toList(), Map.of());
        List<MartsJob.MartResult> d = riskStep(unfit);
        MartsJob.MartResult failed = risk(d, "risk_model_evaluation");
        assertThat(failed.ok()).isFalse();
        assertThat(failed.error()).contains("Risk training needs labelled course runs before the 4 test run(s)");
        assertThat(failed.rebuild()).isEqualTo("retraining failed: scoring with the previous model");
        MartsJob.MartResult scored = risk(d, "learner_risk_scores");
        assertThat(scored.ok()).as(scored.error()).isTrue();
        assertThat(scored.rows()).isEqualTo(scoredRows);
        assertThat(versions(w)).containsExactly(v2);
        assertThat(Files.readString(wh.resolve("_models/risk/CURRENT")).trim()).isEqualTo(v2);
        assertThat(modelRuns(w)).containsExactlyInAnyOrder(v1, v2);
    }

    private static List<MartsJob.MartResult> riskStep(XueqingConfig config) {
        try (Pipeline p = new Pipeline(config, Map.of())) {
            return p.nightlyRiskStep(AS_OF);
        }
    }

    private static MartsJob.MartResult risk(List<MartsJob.MartResult> results, String name) {
        return results.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + results));
    }

    private static List<String> versions(Warehouse w) {
        return w.read(DatasetRef.mart("learner_risk_scores")).select("model_version").distinct()
                .as(Encoders.STRING()).collectAsList();
    }

    private static List<String> modelRuns(Warehouse w) {
        return w.read(DatasetRef.mart("risk_model_evaluation")).select("model_run_id").distinct().orderBy("model_run_id")
                .as(Encoders.STRING()).collectAsList();
    }

    /** Sets trained_at in the metadata.json of every weeks=N model of a version back by the given time. */
    private static void age(Path wh, String version, Duration by) throws Exception {
        List<Path> metas = new ArrayList<>();
        try (Stream<Path> s = Files.list(wh.resolve("_models/risk").resolve(version))) {
            s.filter(p -> p.getFileName().toString().startsWith("weeks=")).forEach(p -> metas.add(p.resolve("metadata.json")));
        }
        assertThat(metas).isNotEmpty();
        String old = Instant.now().minus(by).toString();
        for (Path m : metas) {
            String json = Files.readString(m);
            String aged = json.replaceFirst("\"trained_at\"\\s*:\\s*\"[^\"]*\"", "\"trained_at\" : \"" + old + "\"");
            assertThat(aged).isNotEqualTo(json);
            Files.writeString(m, aged);
            Files.deleteIfExists(m.resolveSibling(".metadata.json.crc"));
        }
    }
}
