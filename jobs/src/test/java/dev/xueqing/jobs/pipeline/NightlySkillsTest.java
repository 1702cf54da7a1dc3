package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.samples.ScaleGenerator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Knowledge tracing through the real {@link Pipeline} over a {@code xueqing generate} world whose practice questions
 * are answered by BKT with known parameters per skill ({@code _truth/skills.csv}), configured with the generated
 * {@code _truth/skills.conf} as a user would. The data is ingested once; each case runs the nightly's
 * knowledge-tracing step ({@link Pipeline#nightlySkillsStep}) or {@code train-skills}, not a whole nightly.
 *
 * <p>(a) no model: the step fits one (all four marts), its parameters near the truth and its cross-validated BKT
 * better than the floor; (b) a model younger than refit-every-days: the step only scores; (c) the model aged past
 * refit-every-days: the step refits and scores with the new model; (d) train-skills refits on demand. And a world
 * without skills: the step builds nothing and says why.
 */
class NightlySkillsTest extends SparkTestBase {
    static final LocalDate AS_OF = LocalDate.of(2026, 12, 1);

    @Test
    void nightlyFitsAModelScoresWithItAndRefitsItWhenStale(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("gen");
        ScaleGenerator.generate(new ScaleGenerator.Options(500, 2, 8, in, "xapi", 11L, 8, 0, 0, 0, 1_000_000));
        Path wh = dir.resolve("wh");
        File conf = in.resolve("_truth/skills.conf").toFile();
        XueqingConfig config = ConfigLoader.load(conf, List.of("warehouse=" + wh), Map.of());
        Map<String, double[]> truth = truth(in.resolve("_truth/skills.csv"));
        Warehouse w = new Warehouse(spark(), wh.toString());
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(p.ingest("xapi", List.of(in.toString()), null, null).ingests().get(0).result().accepted())
                    .isPositive();
        }

        // (a) no model yet: the step fits one and scores with it
        List<MartsJob.MartResult> a = step(config);
        assertThat(a).extracting(MartsJob.MartResult::name).containsExactly("skill_model", "skill_model_evaluation",
                "learner_skill_mastery", "learner_next_steps");
        assertThat(a).as("%s", a).allMatch(MartsJob.MartResult::ok);
        assertThat(result(a, "skill_model").rebuild()).isEqualTo("first fit");
        Dataset<Row> model = w.read(SkillMarts.MODEL);
        assertThat(model.count()).isEqualTo(truth.size());
        String v1 = single(model, "model_run_id");
        List<Row> parameters = model.select("skill_id", "prior", "learn", "guess", "slip").collectAsList();
        List<Row> fitted = model.filter(col("status").equalTo("fitted")).collectAsList();
        // every generated skill has well over 50 learners and about 10 practice answers each
        assertThat(fitted).hasSize(truth.size());
        double[] error = new double[4];
        for (Row r : fitted) {
            double[] t = truth.get(r.<String>getAs("skill_id"));
            String[] names = {"prior", "learn", "guess", "slip"};
            for (int i = 0; i < 4; i++) {
                error[i] += Math.abs(r.<Double>getAs(names[i]) - t[i]) / fitted.size();
            }
        }
        System.out.printf("mean absolute error over %d skills: prior %.3f learn %.3f guess %.3f slip %.3f%n",
                fitted.size(), error[0], error[1], error[2], error[3]);
        // the recovery table of docs/knowledge-tracing.md: at 100 learners x 10 answers the mean errors are 0.02-0.04
        // and the largest 0.08; these skills have more learners, so a mean error over 0.08 means a wrong fit
        for (double e : error) {
            assertThat(e).isLessThan(0.08);
        }
        Map<String, Double> auc = new HashMap<>();
        w.read(SkillMarts.EVALUATION).filter(col("skill_id").equalTo("*")).collectAsList()
                .forEach(r -> auc.put(r.getAs("model"), r.<Double>getAs("auc")));
        System.out.println("cross-validated AUC over all skills: " + auc);
        assertThat(auc).containsOnlyKeys("bkt", "pfa", "majority");
        assertThat(auc.get("bkt")).isGreaterThan(auc.get("majority") + 0.1);
        Dataset<Row> mastery = w.read(SkillMarts.MASTERY);
        long masteryRows = mastery.count();
        assertThat(masteryRows).isEqualTo(result(a, "learner_skill_mastery").rows()).isPositive();
        assertThat(mastery.filter(col("p_mastery").isNull().or(col("p_mastery").lt(0)).or(col("p_mastery").gt(1)))
                .count()).isZero();
        assertThat(single(mastery, "model_run_id")).isEqualTo(v1);
        Dataset<Row> steps = w.read(SkillMarts.NEXT_STEPS);
        assertThat(steps.count()).isPositive();
        assertThat(steps.select("status").distinct().as(Encoders.STRING()).collectAsList())
                .isSubsetOf("has_steps", "all_mastered", "blocked").contains("has_steps");

        // (b) the model is younger than refit-every-days (7): the step scores with it and fits nothing; nothing
        // has changed since (a) (events, items, enrolments, model, date, settings), so both versions are kept
        String masteryState = w.stateOf(SkillMarts.MASTERY);
        String stepsState = w.stateOf(SkillMarts.NEXT_STEPS);
        List<MartsJob.MartResult> b = step(config);
        assertThat(b).extracting(MartsJob.MartResult::name).containsExactly("learner_skill_mastery",
                "learner_next_steps");
        assertThat(b).as("%s", b).allMatch(MartsJob.MartResult::ok);
        assertThat(b).extracting(MartsJob.MartResult::rebuild).containsOnly(MartsJob.UNCHANGED);
        assertThat(result(b, "learner_skill_mastery").rows()).isEqualTo(masteryRows);
        assertThat(w.stateOf(SkillMarts.MASTERY)).isEqualTo(masteryState);
        assertThat(w.stateOf(SkillMarts.NEXT_STEPS)).isEqualTo(stepsState);
        assertThat(single(w.read(SkillMarts.MODEL), "model_run_id")).isEqualTo(v1);
        assertThat(w.read(SkillMarts.MASTERY).count()).isEqualTo(masteryRows);
        // a scoring as of another day is not the same scoring: both are scored again
        try (Pipeline p = new Pipeline(config, Map.of())) {
            List<MartsJob.MartResult> later = p.nightlySkillsStep(AS_OF.plusDays(1));
            assertThat(later).as("%s", later).allMatch(MartsJob.MartResult::ok)
                    .noneMatch(r -> MartsJob.UNCHANGED.equals(r.rebuild()));
        }
        assertThat(w.stateOf(SkillMarts.MASTERY)).isNotEqualTo(masteryState);

        // (c) the model was fitted 8 days ago: the step refits it, then scores with the new one
        List<Row> aged = w.read(SkillMarts.MODEL).withColumn("trained_at", expr("trained_at - INTERVAL 8 DAYS"))
                .collectAsList();
        w.publish(SkillMarts.MODEL, spark().createDataFrame(aged, w.read(SkillMarts.MODEL).schema()), "test-age");
        List<MartsJob.MartResult> c = step(config);
        assertThat(c).as("%s", c).allMatch(MartsJob.MartResult::ok);
        assertThat(result(c, "skill_model").rebuild()).startsWith("refitted (the model of ")
                .endsWith("was older than 7 days)");
        String v2 = single(w.read(SkillMarts.MODEL), "model_run_id");
        assertThat(v2).isNotEqualTo(v1);
        assertThat(single(w.read(SkillMarts.MASTERY), "model_run_id")).isEqualTo(v2);
        assertThat(w.read(SkillMarts.EVALUATION).select("model_run_id").distinct().as(Encoders.STRING())
                .collectAsList()).containsExactlyInAnyOrder(v1, v2);

        // (d) train-skills fits now, whatever the model's age, and scores with the new model
        try (Pipeline p = new Pipeline(config, Map.of())) {
            Pipeline.Summary t = p.trainSkills(AS_OF);
            assertThat(t.failed()).as("%s", t.marts()).isFalse();
            assertThat(t.marts()).extracting(MartsJob.MartResult::name).containsExactly("skill_model",
                    "skill_model_evaluation", "learner_skill_mastery", "learner_next_steps");
        }
        String v3 = single(w.read(SkillMarts.MODEL), "model_run_id");
        assertThat(v3).isNotIn(v1, v2);
        assertThat(single(w.read(SkillMarts.MASTERY), "model_run_id")).isEqualTo(v3);
        // the same answers give the same parameters
        assertThat(w.read(SkillMarts.MODEL).select("skill_id", "prior", "learn", "guess", "slip").collectAsList())
                .containsExactlyInAnyOrderElementsOf(parameters);
    }

    @Test
    void withoutSkillsTheStepBuildsNothingAndSaysWhy(@TempDir Path dir) {
        Path in = dir.resolve("gen");
        ScaleGenerator.generate(new ScaleGenerator.Options(40, 1, 2, in, "xapi", 5L, 8, 0, 0, 0, 1_000_000, true,
                true, false));
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh")), Map.of());
        try (Pipeline p = new Pipeline(config, Map.of())) {
            p.ingest("xapi", List.of(in.toString()), null, null);
        }
        List<MartsJob.MartResult> r = step(config);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).ok()).isTrue();
        assertThat(r.get(0).rows()).isZero();
        assertThat(r.get(0).rebuild()).isEqualTo("not built: no item has a skill (see docs/knowledge-tracing.md, Skills)");
        assertThat(new Warehouse(spark(), dir.resolve("wh").toString()).exists(SkillMarts.MODEL)).isFalse();
    }

    /** Each skill's true prior, learn, guess, slip. */
    private static Map<String, double[]> truth(Path skillsCsv) throws Exception {
        Map<String, double[]> out = new HashMap<>();
        List<String> lines = Files.readAllLines(skillsCsv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            out.put(f[1], new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5])});
        }
        return out;
    }

    private static List<MartsJob.MartResult> step(XueqingConfig config) {
        try (Pipeline p = new Pipeline(config, Map.of())) {
            return p.nightlySkillsStep(AS_OF);
        }
    }

    private static MartsJob.MartResult result(List<MartsJob.MartResult> results, String name) {
        return results.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + results));
    }

    private static String single(Dataset<Row> d, String column) {
        List<String> values = d.select(column).distinct().as(Encoders.STRING()).collectAsList();
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    /** The knowledge-tracing marts. */
    private static final class SkillMarts {
        static final DatasetRef MODEL = DatasetRef.mart("skill_model");
        static final DatasetRef EVALUATION = DatasetRef.mart("skill_model_evaluation");
        static final DatasetRef MASTERY = DatasetRef.mart("learner_skill_mastery");
        static final DatasetRef NEXT_STEPS = DatasetRef.mart("learner_next_steps");
    }
}
