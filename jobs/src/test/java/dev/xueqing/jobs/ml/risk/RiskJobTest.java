package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartTestData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.xueqing.jobs.marts.MartTestData.*;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * train-risk and score-risk over a small simulated warehouse: three finished runs of module M (2024B, 2024J,
 * 2025B) and one in progress (2025J). Active learners who submit pass; the rest mostly fail.
 */
class RiskJobTest extends SparkTestBase {
    static final String[][] RUNS = {{"M-2024B", "2024-02-05"}, {"M-2024J", "2024-10-07"}, {"M-2025B", "2025-02-03"},
            {"M-2025J", "2025-10-06"}};

    static Warehouse warehouse(Path dir) {
        Random r = new Random(11);
        List<Ev> evs = new ArrayList<>();
        List<Row> enrol = new ArrayList<>();
        List<Row> courses = new ArrayList<>();
        List<Row> items = new ArrayList<>();
        List<String> learners = new ArrayList<>();
        for (String[] run : RUNS) {
            LocalDate start = LocalDate.parse(run[1]);
            courses.add(course(run[0], run[1], start.plusDays(120).toString()));
            items.add(item(run[0], run[0] + "-q1", "quiz", start.plusDays(9) + " 23:00"));
            for (int i = 0; i < 60; i++) {
                String l = run[0] + "-l" + i;
                learners.add(l);
                int level = r.nextInt(5);
                boolean fails = level <= 1 ? r.nextDouble() < 0.85 : r.nextDouble() < 0.15;
                String outcome = run[0].endsWith("2025J") ? null : fails ? "fail" : "pass";
                enrol.add(enrolment(l, run[0], null, start.minusDays(3) + " 09:00", null, outcome));
                for (int d = 0; d < 14; d += 5 - level) {
                    evs.add(ev(l, run[0], start.plusDays(d) + " 10:00"));
                    evs.add(ev(l, run[0], start.plusDays(d) + " 10:12"));
                }
                if (level >= 2) {
                    evs.add(ev(l, run[0], start.plusDays(8) + " 11:00").action("submitted").object(run[0] + "-q1", "quiz"));
                }
            }
        }
        Warehouse wh = new Warehouse(spark(), dir.toString());
        Dataset<Row> events = events(evs);
        wh.publishPartitions(DatasetRef.EVENTS, events,
                events.select("event_date").distinct().as(org.apache.spark.sql.Encoders.DATE()).collectAsList()
                        .stream().map(Object::toString).toList(), "r0");
        wh.publish(DatasetRef.LEARNERS, MartTestData.learners(learners.toArray(String[]::new)), "r0");
        wh.publish(DatasetRef.COURSES, courses(courses.toArray(Row[]::new)), "r0");
        wh.publish(DatasetRef.ENROLLMENTS, enrollments(enrol.toArray(Row[]::new)), "r0");
        wh.publish(DatasetRef.COURSE_ITEMS, items(items.toArray(Row[]::new)), "r0");
        return wh;
    }

    @Test
    void trainsOnEarlierRunsScoresTheRunInProgressAndRefusesAForeignModel(@TempDir Path dir) throws Exception {
        Warehouse wh = warehouse(dir);
        XueqingConfig config = ConfigLoader.load(null, List.of("risk.weeks=[2]", "risk.gbt.iterations=5"), Map.of())
                .withWarehouse(dir.toString());
        RiskJob job = new RiskJob(wh, config);
        RiskJob.TrainResult t = job.train(LocalDate.of(2025, 10, 27), "r1");

        List<Row> eval = wh.read(DatasetRef.mart("risk_model_evaluation")).collectAsList();
        assertThat(eval).extracting(e -> e.<String>getAs("model_type"))
                .containsExactlyInAnyOrderElementsOf(RiskModels.TYPES);
        for (Row e : eval) {
            assertThat(e.<scala.collection.Seq<String>>getAs("train_runs").mkString(",")).isEqualTo("2024B,2024J");
            assertThat(e.<scala.collection.Seq<String>>getAs("validation_runs").mkString(",")).isEqualTo("2024J");
            assertThat(e.<scala.collection.Seq<String>>getAs("test_runs").mkString(",")).isEqualTo("2025B");
            assertThat(e.<Long>getAs("train_rows")).isEqualTo(120L);
            assertThat(e.<Long>getAs("test_rows")).isEqualTo(60L);
            assertThat(e.<Double>getAs("auc")).isGreaterThan(0.7);
            assertThat(e.<scala.collection.Seq<Row>>getAs("calibration").size()).isEqualTo(10);
            assertThat(e.<Double>getAs("brier")).isBetween(0.0, 1.0);
            assertThat(e.<Double>getAs("ece")).isBetween(0.0, 1.0);
        }
        assertThat(eval.stream().filter(e -> e.<Boolean>getAs("chosen")).count()).isEqualTo(1);
        assertThat(job.currentVersion()).isEqualTo(t.version());

        // as of 2025-10-27 M-2025J is in its week 4: scored with N = 2; the finished runs too (N = 2 is the only N)
        long n = job.score(LocalDate.of(2025, 10, 27), "r2");
        assertThat(n).isEqualTo(240);
        Dataset<Row> s = wh.read(DatasetRef.mart("learner_risk_scores")).filter(col("course_id").equalTo("M-2025J"));
        assertThat(s.count()).isEqualTo(60);
        assertThat(s.filter(col("outcome").isNotNull()).count()).isZero();
        Row risky = s.orderBy(col("probability").desc()).first();
        assertThat(risky.<String>getAs("band")).isEqualTo("high");
        assertThat(risky.<Integer>getAs("weeks")).isEqualTo(2);
        List<String> words = risky.getList(risky.fieldIndex("explanations"));
        System.out.println("Highest risk in M-2025J: " + risky.getAs("probability") + " " + words);
        assertThat(words).isNotEmpty().hasSizeLessThanOrEqualTo(3);

        // a model set whose metadata lists other features is refused by score-risk
        Path meta = dir.resolve("_models/risk/" + t.version() + "/weeks=2/metadata.json");
        Files.writeString(meta, Files.readString(meta).replace("\"events\"", "\"clicks\""));
        Files.deleteIfExists(meta.resolveSibling(".metadata.json.crc"));
        assertThatThrownBy(() -> job.score(LocalDate.of(2025, 10, 27), "r3"))
                .hasMessageContaining("other features").hasMessageContaining("[clicks]");
    }
}
