package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartTestData.Ev;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.xueqing.jobs.marts.MartTestData.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Risk features of a hand-made course run (C1-2026B, starts Monday 2026-03-02; N = 2, cutoff 2026-03-16). */
class RiskFeaturesTest extends SparkTestBase {
    @Test
    void featuresOfTheFirstTwoWeeksMatchTheHandComputedValues() {
        var events = events(List.of(
                ev("a", "C1-2026B", "2026-03-02 10:00"), ev("a", "C1-2026B", "2026-03-02 10:10"),
                ev("a", "C1-2026B", "2026-03-02 10:20"),
                ev("a", "C1-2026B", "2026-03-10 09:00"),
                ev("a", "C1-2026B", "2026-03-11 09:00").action("submitted").object("q1", "quiz"),
                ev("a", "C1-2026B", "2026-03-11 09:01").role("system").action("scored").object("q1", "quiz")
                        .score(0.6),
                ev("a", "C1-2026B", "2026-03-12 10:00").action("submitted").object("a1", "assignment"),
                ev("a", "C1-2026B", "2026-03-12 10:05"),
                ev("a", "C1-2026B", "2026-03-20 10:00"),   // after the cutoff: ignored
                ev("a", "C1-2025J", "2025-10-02 10:00")));
        var learners = spark().createDataFrame(List.of(
                RowFactory.create("a", "t1", "East", "M", "35-55", "HE Qualification", "20-30%", "N",
                        local("2025-01-01 00:00")),
                RowFactory.create("b", "t1", null, null, null, null, null, null, local("2025-01-01 00:00")),
                RowFactory.create("c", "t1", null, null, null, null, null, null, local("2025-01-01 00:00"))),
                DimSpecs.LEARNERS.schema());
        var courses = courses(course("C1-2026B", "2026-03-02", "2026-06-30"),
                course("C1-2025J", "2025-10-01", "2026-01-31"), course("D9-2025B", "2025-03-01", "2025-06-30"));
        var enrol = enrollments(
                enrolment("a", "C1-2026B", null, "2026-02-27 10:00", null, "fail"),
                enrolment("a", "C1-2025J", null, "2025-09-20 10:00", null, "withdrawn"),
                enrolment("a", "D9-2025B", null, "2025-02-20 10:00", null, "pass"),
                enrolment("b", "C1-2026B", null, "2026-03-05 10:00", null, null),
                enrolment("c", "C1-2026B", null, "2026-03-01 10:00", "2026-03-10 10:00", "withdrawn"));
        var items = items(item("C1-2026B", "q1", "quiz", "2026-03-09 23:59"),
                item("C1-2026B", "q2", "quiz", "2026-03-14 12:00"),
                item("C1-2026B", "a1", "assignment", "2026-03-20 12:00"));

        var f = RiskFeatures.build(events, enrol, courses, learners, items, 2, ZONE, 30,
                CONFIG.risk().runPattern()).filter("course_id = 'C1-2026B'");
        Map<String, Row> rows = byKey(f, "learner_key");
        assertThat(rows.keySet()).containsExactlyInAnyOrder("a", "b"); // c left before the cutoff

        Row a = rows.get("a");
        assertThat(a.<String>getAs("run_key")).isEqualTo("2026B");
        assertThat(a.<Double>getAs("label")).isEqualTo(1.0);
        Map<String, Double> expectA = Map.ofEntries(
                Map.entry("events", 7.0),                 // 3 + 1 + submit + submit + view; system score not counted
                Map.entry("active_days", 4.0),            // 03-02, 03-10, 03-11, 03-12
                Map.entry("active_minutes", 25.0),        // 10 + 10 on 03-02, 5 on 03-12
                Map.entry("events_trend", 1.0),           // week 2 (days 7-13): 4; week 1: 3
                Map.entry("days_since_last_activity", 4.0), // 03-16 - 03-12
                Map.entry("assessments_due", 2.0),        // q1, q2 due before 03-16
                Map.entry("submissions", 2.0),            // q1, a1
                Map.entry("late_submissions", 1.0),       // q1 after its due time
                Map.entry("missed_assessments", 1.0),     // q2
                Map.entry("mean_score", 0.6),
                Map.entry("registration_day", -3.0),      // 02-27 vs 03-02
                Map.entry("prior_attempts", 1.0),         // C1-2025J
                Map.entry("prior_courses", 2.0),          // C1-2025J, D9-2025B
                Map.entry("imd_band_mid", 25.0),
                Map.entry("age_band_rank", 1.0),
                Map.entry("education_rank", 3.0),
                Map.entry("disability", 0.0),
                Map.entry("gender_male", 1.0),
                Map.entry("due_submitted_share", 0.5),    // q1 of q1, q2
                Map.entry("due_lead_days", 3.0),          // q1 2 days after its due day, a1 8 days before
                Map.entry("score_z", 0.0),                // alone in the cohort on q1
                Map.entry("score_percentile", 0.5),
                Map.entry("due_score", 0.3),              // (0.6 + 0) / 2: no weights, so equally
                Map.entry("banked_assessments", 0.0));
        assertThat(expectA.keySet()).containsExactlyInAnyOrderElementsOf(RiskFeatures.FEATURES);
        expectA.forEach((k, v) -> assertThat(a.<Double>getAs(k)).as(k).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-9)));

        Row b = rows.get("b");
        assertThat(b.isNullAt(b.fieldIndex("label"))).isTrue(); // in progress: scored, not trained on
        assertThat(b.<Double>getAs("events")).isZero();
        assertThat(b.<Double>getAs("days_since_last_activity")).isEqualTo(11.0); // 03-16 - enrolment 03-05
        assertThat(b.<Double>getAs("missed_assessments")).isEqualTo(2.0);
        assertThat(b.<Double>getAs("registration_day")).isEqualTo(3.0);
        assertThat(b.<Double>getAs("imd_band_mid")).isEqualTo(50.0);
        assertThat(b.<Double>getAs("education_rank")).isEqualTo(2.0);
    }

    /**
     * The assessment features against the cohort (C1-2026B, N = 2, cutoff 2026-03-16): q1 (weight 10) due 03-09 and
     * q2 (weight 30) due 03-14 are due before the cutoff, a1 (weight 60) after it.
     */
    @Test
    void assessmentFeaturesAgainstTheCohortMatchTheHandComputedValues() {
        Map<String, Row> rows = byKey(assessmentCase(false), "learner_key");
        Map<String, Map<String, Double>> expect = Map.of(
                // q1 on 03-11 (2 days after its due day) 0.6, q2 on 03-13 (1 day before) 0.9
                "a", Map.of("due_lead_days", -0.5,
                        "score_z", (-0.1 / Math.sqrt(0.02 / 3) + 0.0) / 2,  // q1: (0.6 - 0.7) / SD; q2 alone: 0
                        "score_percentile", (0.0 + 0.5) / 2,                // lowest of 3 on q1; alone on q2
                        "due_score", (0.6 * 10 + 0.9 * 30) / 40,
                        "banked_assessments", 0.0, "due_submitted_share", 1.0),
                // q1 on 03-08, 0.8; q2 missing (counts 0 in due_score)
                "b", Map.of("due_lead_days", 1.0, "score_z", 0.1 / Math.sqrt(0.02 / 3), "score_percentile", 1.0,
                        "due_score", 0.8 * 10 / 40, "banked_assessments", 0.0, "due_submitted_share", 0.5),
                // q1 carried over: submitted 03-01, before the start, 0.7 (the cohort mean)
                "d", Map.of("due_lead_days", 0.0, "score_z", 0.0, "score_percentile", 0.5,
                        "due_score", 0.7 * 10 / 40, "banked_assessments", 1.0, "due_submitted_share", 0.5),
                // nothing submitted before the cutoff
                "c", Map.of("due_lead_days", 0.0, "score_z", 0.0, "score_percentile", 0.5, "due_score", 0.0,
                        "banked_assessments", 0.0, "due_submitted_share", 0.0));
        expect.forEach((learner, values) -> values.forEach((f, v) -> assertThat(rows.get(learner).<Double>getAs(f))
                .as(learner + " " + f).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-9))));
    }

    /** Events after the cutoff (late submissions, extreme scores, a re-submission) change no feature of anyone. */
    @Test
    void eventsAfterTheCutoffChangeNoFeature() {
        Map<String, Row> without = byKey(assessmentCase(false), "learner_key");
        Map<String, Row> with = byKey(assessmentCase(true), "learner_key");
        assertThat(with.keySet()).isEqualTo(without.keySet());
        for (String learner : without.keySet()) {
            for (String f : RiskFeatures.FEATURES) {
                // equal up to the order of floating-point sums
                assertThat(with.get(learner).<Double>getAs(f)).as(learner + " " + f)
                        .isCloseTo(without.get(learner).<Double>getAs(f), org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    private static org.apache.spark.sql.Dataset<Row> assessmentCase(boolean afterCutoff) {
        String c1 = "C1-2026B";
        List<Ev> evs = new java.util.ArrayList<>(List.of(
                ev("a", c1, "2026-03-11 09:00").action("submitted").object("q1", "quiz").score(0.6),
                ev("a", c1, "2026-03-13 09:00").action("submitted").object("q2", "quiz").score(0.9),
                ev("b", c1, "2026-03-08 09:00").action("submitted").object("q1", "quiz").score(0.8),
                ev("d", c1, "2026-03-01 12:00").action("submitted").object("q1", "quiz").score(0.7)));
        if (afterCutoff) {
            evs.addAll(List.of(
                    ev("c", c1, "2026-03-16 00:30").action("submitted").object("q1", "quiz").score(0.0),
                    ev("c", c1, "2026-03-17 09:00").action("submitted").object("q2", "quiz").score(0.1),
                    ev("b", c1, "2026-03-18 09:00").action("submitted").object("q2", "quiz").score(1.0),
                    ev("a", c1, "2026-03-19 09:00").action("submitted").object("a1", "assignment").score(1.0),
                    ev("b", c1, "2026-03-20 09:00").role("system").action("scored").object("q1", "quiz")
                            .score(0.1)));
        }
        var items = spark().createDataFrame(List.of(weighted(c1, "q1", "quiz", "2026-03-09 23:59", 10.0),
                weighted(c1, "q2", "quiz", "2026-03-14 12:00", 30.0),
                weighted(c1, "a1", "assignment", "2026-03-20 12:00", 60.0)), DimSpecs.COURSE_ITEMS.schema());
        var enrol = enrollments(enrolment("a", c1, null, "2026-02-20 10:00", null, "pass"),
                enrolment("b", c1, null, "2026-02-20 10:00", null, "fail"),
                enrolment("c", c1, null, "2026-02-20 10:00", null, "withdrawn"),
                enrolment("d", c1, null, "2026-02-20 10:00", null, "pass"));
        return RiskFeatures.build(events(evs), enrol, courses(course(c1, "2026-03-02", "2026-06-30")),
                learners("a", "b", "c", "d"), items, 2, ZONE, 30, CONFIG.risk().runPattern());
    }

    private static Row weighted(String course, String objectId, String type, String due, double weight) {
        return RowFactory.create(course, objectId, type, null, objectId, 100.0, local(due), weight, new String[0]);
    }
}
