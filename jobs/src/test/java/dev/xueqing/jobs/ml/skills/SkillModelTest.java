package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.MartTestData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.xueqing.jobs.marts.MartTestData.byKey;
import static dev.xueqing.jobs.marts.MartTestData.course;
import static dev.xueqing.jobs.marts.MartTestData.courses;
import static dev.xueqing.jobs.marts.MartTestData.enrolment;
import static dev.xueqing.jobs.marts.MartTestData.ev;
import static dev.xueqing.jobs.marts.MartTestData.events;
import static dev.xueqing.jobs.marts.MartTestData.item;
import static dev.xueqing.jobs.marts.MartTestData.learners;
import static dev.xueqing.jobs.marts.MartTestData.requireExpectations;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Course C has two skills, add and frac (frac requires add), each practised by 8 questions due on consecutive days;
 * course D has one skill, rare, answered by 10 learners only. 80 simulated learners answer from BKT with known
 * parameters; three more are built by hand: star (all add right, 2 of 8 frac right), novice (1 of 8 add right, no
 * frac) and newcomer (enrolled, no answer). One fit, then mastery and next steps with its model.
 */
class SkillModelTest extends SparkTestBase {
    static final Bkt.Params ADD = new Bkt.Params(0.3, 0.2, 0.15, 0.1, 0);
    static final Bkt.Params FRAC = new Bkt.Params(0.2, 0.15, 0.2, 0.1, 0);
    static final LocalDate AS_OF = LocalDate.of(2026, 11, 30);

    static MartInputs in;
    static MartContext ctx;
    static SkillTraining.Result fit;
    static Dataset<Row> mastery;

    @BeforeAll
    static void fitOnce(@TempDir Path dir) throws Exception {
        Path prereq = Files.writeString(dir.resolve("prerequisites.csv"), "skill_id,requires_skill_id\nfrac,add\n");
        XueqingConfig config = ConfigLoader.load(null, List.of("xueqing.skills.prerequisites-file=\"" + prereq + "\"",
                "xueqing.locale=en"), Map.of());
        ctx = new MartContext(AS_OF, config);
        SplittableRandom r = new SplittableRandom(42);
        List<MartTestData.Ev> evs = new ArrayList<>();
        List<String> learnerKeys = new ArrayList<>();
        List<Row> enrolments = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String l = "l" + i;
            learnerKeys.add(l);
            enrolments.add(enrolment(l, "C", null, "2026-11-01 08:00", null, null));
            answer(evs, l, "C", "add", Bkt.simulate(ADD, 1, 8, r)[0], 1);
            answer(evs, l, "C", "frac", Bkt.simulate(FRAC, 1, 8, r)[0], 10);
            if (i < 10) {
                enrolments.add(enrolment(l, "D", null, "2026-11-01 08:00", null, null));
                answer(evs, l, "D", "rare", new int[] {1, 0, 1, 1, 0, 1}, 1);
            }
        }
        answer(evs, "star", "C", "add", new int[] {1, 1, 1, 1, 1, 1, 1, 1}, 1);
        answer(evs, "star", "C", "frac", new int[] {0, 0, 1, 0, 0, 1, 0, 0}, 10);
        answer(evs, "novice", "C", "add", new int[] {0, 0, 0, 1, 0, 0, 0, 0}, 1);
        learnerKeys.addAll(List.of("star", "novice", "newcomer"));
        for (String l : List.of("star", "novice", "newcomer")) {
            enrolments.add(enrolment(l, "C", "class-1", "2026-11-01 08:00", null, null));
        }
        List<Row> items = new ArrayList<>();
        for (int q = 1; q <= 8; q++) {
            items.add(item("C", "add-" + q, "question", "2026-11-" + String.format("%02d", 1 + q) + " 23:00"));
            items.add(item("C", "frac-" + q, "question", "2026-11-" + String.format("%02d", 10 + q) + " 23:00"));
            items.add(item("D", "rare-" + q, "question", null));
        }
        Dataset<Row> courseItems = MartTestData.items(items.toArray(Row[]::new))
                .withColumn("skills", when(col("object_id").startsWith("add-"), array(lit("add")))
                        .when(col("object_id").startsWith("frac-"), array(lit("frac")))
                        .otherwise(array(lit("rare"))));
        in = MartTestData.inputs(events(evs), learners(learnerKeys.toArray(String[]::new)),
                courses(course("C", "2026-11-01", "2026-12-31"), course("D", "2026-11-01", "2026-12-31")),
                MartTestData.enrollments(enrolments.toArray(Row[]::new)), courseItems);
        fit = SkillTraining.transform(in, ctx, "skills-test", Timestamp.valueOf("2026-11-30 02:00:00"));
        mastery = SkillScoring.mastery(in, ctx, fit.model()).cache();
    }

    /** Answers in order, one question a day from the given day of November, at 10:00; q = 1, 2, ... */
    static void answer(List<MartTestData.Ev> evs, String learner, String course, String skill, int[] answers,
                       int firstDay) {
        for (int q = 0; q < answers.length; q++) {
            evs.add(ev(learner, course, "2026-11-" + String.format("%02d", firstDay + q) + " 10:00")
                    .action("answered").object(skill + "-" + (q + 1), "question").score(answers[q]));
        }
    }

    @Test
    void fitsEachSkillWithEnoughDataAndReportsTheRestAsInsufficient() {
        requireExpectations(SkillMarts.MODEL, fit.model(), in);
        Map<String, Row> m = byKey(fit.model(), "course_id", "skill_id");
        assertThat(m.keySet()).containsExactlyInAnyOrder("C|add", "C|frac", "D|rare");
        Row add = m.get("C|add");
        assertThat(add.<String>getAs("status")).isIn(SkillMarts.FITTED, SkillMarts.NOT_CONVERGED);
        assertThat(add.<Long>getAs("learners")).isEqualTo(82L);
        assertThat(add.<Long>getAs("opportunities")).isEqualTo(82L * 8);
        assertThat(add.<Double>getAs("guess")).isBetween(0.0, 0.3);
        assertThat(add.<Double>getAs("slip")).isBetween(0.0, 0.3);
        assertThat(add.<Double>getAs("forget")).isEqualTo(0.0);
        assertThat(m.get("C|frac").<scala.collection.Seq<String>>getAs("prerequisites").toList().head())
                .isEqualTo("add");
        Row rare = m.get("D|rare");
        assertThat(rare.<String>getAs("status")).isEqualTo(SkillMarts.INSUFFICIENT_DATA);
        assertThat(rare.<Long>getAs("learners")).isEqualTo(10L);
        assertThat(rare.isNullAt(rare.fieldIndex("learn"))).isTrue();
        assertThat(rare.<Double>getAs("correct_rate")).isEqualTo(4 / 6.0, within(1e-12));
    }

    @Test
    void theSameAnswersGiveTheSameModel() {
        SkillTraining.Result again = SkillTraining.transform(in, ctx, "skills-test-2",
                Timestamp.valueOf("2026-11-30 03:00:00"));
        List<String> cols = List.of("course_id", "skill_id", "status", "prior", "learn", "guess", "slip",
                "log_likelihood", "iterations");
        assertThat(again.model().selectExpr(cols.toArray(String[]::new)).collectAsList())
                .containsExactlyInAnyOrderElementsOf(fit.model().selectExpr(cols.toArray(String[]::new))
                        .collectAsList());
    }

    @Test
    void crossValidationComparesBktPfaAndTheFloorPerSkillAndOverall() {
        requireExpectations(SkillMarts.EVALUATION, fit.evaluation(), in);
        Map<String, Row> e = byKey(fit.evaluation(), "skill_id", "model");
        assertThat(e.keySet()).containsExactlyInAnyOrder("add|bkt", "add|pfa", "add|majority", "frac|bkt",
                "frac|pfa", "frac|majority", "*|bkt", "*|pfa", "*|majority");
        // every answer of every learner of a fitted skill is predicted once, by each model
        assertThat(e.get("*|bkt").<Long>getAs("predictions")).isEqualTo(82L * 8 + 80 * 8 + 8);
        assertThat(e.get("*|pfa").<Long>getAs("predictions")).isEqualTo(e.get("*|bkt").<Long>getAs("predictions"));
        // the floor predicts one class per fold: no ranking at all
        assertThat(e.get("add|majority").<Double>getAs("auc")).isEqualTo(0.5);
        assertThat(e.get("frac|majority").<Double>getAs("auc")).isEqualTo(0.5);
        // answers simulated from BKT: BKT predicts them better than the floor
        assertThat(e.get("*|bkt").<Double>getAs("auc")).isGreaterThan(0.6);
        assertThat(e.get("*|bkt").<Double>getAs("rmse")).isLessThan(e.get("*|majority").<Double>getAs("rmse"));
        assertThat(e.get("*|pfa").<Double>getAs("auc")).isGreaterThan(0.55);
        assertThat(e.get("*|bkt").<Integer>getAs("folds")).isEqualTo(5);
    }

    @Test
    void masteryIsTheFilterOfTheFittedModelOverTheLearnersAnswers() {
        requireExpectations(SkillMarts.MASTERY, mastery, in);
        Map<String, Row> model = byKey(fit.model(), "course_id", "skill_id");
        Map<String, Row> m = byKey(mastery, "learner_key", "course_id", "skill_id");
        Row star = m.get("star|C|frac");
        assertThat(star.<Long>getAs("opportunities")).isEqualTo(8L);
        assertThat(star.<Long>getAs("correct")).isEqualTo(2L);
        double expected = Bkt.mastery(params(model.get("C|frac")), new int[] {0, 0, 1, 0, 0, 1, 0, 0});
        assertThat(star.<Double>getAs("p_mastery")).isEqualTo(expected, within(1e-9));
        double starAdd = Bkt.mastery(params(model.get("C|add")), new int[] {1, 1, 1, 1, 1, 1, 1, 1});
        assertThat(m.get("star|C|add").<Double>getAs("p_mastery")).isEqualTo(starAdd, within(1e-9));
        assertThat(m.get("star|C|add").<Boolean>getAs("mastered")).isEqualTo(starAdd >= 0.95);
        assertThat(m.get("star|C|add").<Timestamp>getAs("last_practised"))
                .isEqualTo(MartTestData.local("2026-11-08 10:00"));
        Row rare = m.get("l0|D|rare");
        assertThat(rare.isNullAt(rare.fieldIndex("p_mastery"))).isTrue();
        assertThat(rare.isNullAt(rare.fieldIndex("mastered"))).isTrue();
        assertThat(rare.<String>getAs("model_status")).isEqualTo(SkillMarts.INSUFFICIENT_DATA);
        assertThat(m).doesNotContainKey("newcomer|C|add");
    }

    @Test
    void nextStepsFollowPrerequisitesAndListTheQuestionsToPractise() {
        Dataset<Row> next = SkillScoring.nextSteps(in, ctx, fit.model(), mastery);
        requireExpectations(SkillMarts.NEXT_STEPS, next, in);
        Map<String, Row> n = byKey(next, "learner_key", "course_id");
        assertThat(n.keySet()).noneMatch(k -> k.endsWith("|D")); // no fitted skill in D
        Map<String, Row> m = byKey(mastery, "learner_key", "course_id", "skill_id");

        Row star = n.get("star|C");
        assertThat(star.<String>getAs("class_id")).isEqualTo("class-1");
        assertThat(m.get("star|C|add").<Boolean>getAs("mastered")).isTrue();
        assertThat(star.<String>getAs("status")).isEqualTo("has_steps");
        List<Row> starSteps = scala.jdk.javaapi.CollectionConverters.asJava(
                star.<scala.collection.Seq<Row>>getAs("steps"));
        assertThat(starSteps).hasSize(1);
        Row frac = starSteps.get(0);
        assertThat(frac.<String>getAs("skill_id")).isEqualTo("frac");
        assertThat(frac.<Integer>getAs("rank")).isEqualTo(1);
        // wrong first answers, in course (due) order, at most next-items = 5
        assertThat(scala.jdk.javaapi.CollectionConverters.asJava(frac.<scala.collection.Seq<String>>getAs("items")))
                .containsExactly("frac-1", "frac-2", "frac-4", "frac-5", "frac-7");
        assertThat(frac.<String>getAs("reason")).startsWith("2 of 8 answers right on frac (P(mastery) 0.")
                .endsWith("; its prerequisite add is mastered");
        assertThat(star.<String>getAs("summary")).isEqualTo(frac.<String>getAs("reason"));

        Row novice = n.get("novice|C");
        List<Row> noviceSteps = scala.jdk.javaapi.CollectionConverters.asJava(
                novice.<scala.collection.Seq<Row>>getAs("steps"));
        assertThat(noviceSteps).extracting(s -> s.<String>getAs("skill_id")).containsExactly("add"); // frac waits
        assertThat(scala.jdk.javaapi.CollectionConverters.asJava(
                noviceSteps.get(0).<scala.collection.Seq<String>>getAs("items")))
                .containsExactly("add-1", "add-2", "add-3", "add-5", "add-6");

        Row newcomer = n.get("newcomer|C");
        List<Row> newSteps = scala.jdk.javaapi.CollectionConverters.asJava(
                newcomer.<scala.collection.Seq<Row>>getAs("steps"));
        assertThat(newSteps).hasSize(1);
        assertThat(newSteps.get(0).<String>getAs("reason")).isEqualTo("add: not practised yet");
        assertThat(newSteps.get(0).isNullAt(newSteps.get(0).fieldIndex("p_mastery"))).isTrue();
        assertThat(Arrays.asList(n.keySet().toArray())).contains("l0|C");
    }

    static Bkt.Params params(Row r) {
        return new Bkt.Params(r.getAs("prior"), r.getAs("learn"), r.getAs("guess"), r.getAs("slip"),
                r.getAs("forget"));
    }
}
