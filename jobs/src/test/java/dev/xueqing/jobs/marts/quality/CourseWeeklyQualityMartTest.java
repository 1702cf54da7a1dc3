package dev.xueqing.jobs.marts.quality;

import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.xueqing.jobs.marts.MartTestData.byKey;
import static dev.xueqing.jobs.marts.MartTestData.context;
import static dev.xueqing.jobs.marts.MartTestData.course;
import static dev.xueqing.jobs.marts.MartTestData.courses;
import static dev.xueqing.jobs.marts.MartTestData.enrollments;
import static dev.xueqing.jobs.marts.MartTestData.enrolment;
import static dev.xueqing.jobs.marts.MartTestData.ev;
import static dev.xueqing.jobs.marts.MartTestData.events;
import static dev.xueqing.jobs.marts.MartTestData.inputs;
import static dev.xueqing.jobs.marts.MartTestData.item;
import static dev.xueqing.jobs.marts.MartTestData.items;
import static dev.xueqing.jobs.marts.MartTestData.learners;
import static dev.xueqing.jobs.marts.MartTestData.requireExpectations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * As of Wed 2026-11-25 (Asia/Shanghai, defaults). Course C runs 11-11 .. 12-31 -> weeks 11-09, 11-16, 11-23.
 * Course E runs 11-10 .. 11-17 (no learners) -> weeks 11-09, 11-16. Course F starts 12-01 -> no weeks yet.
 * Learners of C: a (K1, enrolled 11-09), b (K1, enrolled 11-09, unenrolled Wed 11-18), d (K2, enrolled Tue 11-17),
 * x (no class, enrolled 11-09). Assessments: quiz-1 due Fri 11-13 23:00, asg-1 due Fri 11-20 12:00,
 * quiz-2 due Fri 11-27 (after asOf: not yet assigned).
 */
class CourseWeeklyQualityMartTest extends SparkTestBase {
    private static MartInputs in;
    private static Dataset<Row> out;
    private static Map<String, Row> rows;

    @BeforeAll
    static void build() {
        in = inputs(events(List.of(
                        // week 11-09: a 20 min (+ a lone submission), b 10 min (+ a late submission), x 0 min
                        ev("a", "C", "2026-11-10 10:00"), ev("a", "C", "2026-11-10 10:20"),
                        ev("a", "C", "2026-11-12 10:00").action("submitted").object("quiz-1", "quiz").score(0.8),
                        ev("b", "C", "2026-11-11 10:00"), ev("b", "C", "2026-11-11 10:10"),
                        ev("b", "C", "2026-11-14 10:00").action("submitted").object("quiz-1", "quiz"),
                        ev("x", "C", "2026-11-10 10:00"),
                        // week 11-16: a 10 min, d 5 min (+ late submission); a passes, d fails the course
                        ev("a", "C", "2026-11-16 09:00").action("submitted").object("asg-1", "assignment"),
                        ev("a", "C", "2026-11-16 09:10").action("scored").object("asg-1", "assignment").score(0.6),
                        ev("d", "C", "2026-11-19 10:00"), ev("d", "C", "2026-11-19 10:05"),
                        ev("d", "C", "2026-11-21 10:00").action("submitted").object("asg-1", "assignment"),
                        ev("a", "C", "2026-11-20 18:00").role("system").action("passed").object("C", "course"),
                        ev("d", "C", "2026-11-21 18:00").role("system").action("failed").object("C", "course"),
                        // week 11-23: a once; a's 11-26 event is after asOf
                        ev("a", "C", "2026-11-24 10:00"),
                        ev("a", "C", "2026-11-26 10:00"))),
                learners("a", "b", "d", "x"),
                courses(course("C", "2026-11-11", "2026-12-31"), course("E", "2026-11-10", "2026-11-17"),
                        course("F", "2026-12-01", "2026-12-31")),
                enrollments(
                        enrolment("a", "C", "K1", "2026-11-09 09:00", null, null),
                        enrolment("b", "C", "K1", "2026-11-09 09:00", "2026-11-18 10:00", null),
                        enrolment("d", "C", "K2", "2026-11-17 09:00", null, null),
                        enrolment("x", "C", null, "2026-11-09 09:00", null, null)),
                items(item("C", "quiz-1", "quiz", "2026-11-13 23:00"),
                        item("C", "asg-1", "assignment", "2026-11-20 12:00"),
                        item("C", "quiz-2", "quiz", "2026-11-27 12:00")));
        out = new CourseWeeklyQualityMart().transform(in, context(LocalDate.of(2026, 11, 25))).cache();
        rows = byKey(out, "course_id", "class_id", "week_start");
    }

    @Test
    void passesItsSpecWithOneRowPerCourseOrClassAndWeek() {
        requireExpectations(CourseWeeklyQualityMart.SPEC, out, in);
        assertThat(rows.keySet()).containsExactlyInAnyOrder(
                "C|null|2026-11-09", "C|K1|2026-11-09", "C|K2|2026-11-09",
                "C|null|2026-11-16", "C|K1|2026-11-16", "C|K2|2026-11-16",
                "C|null|2026-11-23", "C|K1|2026-11-23", "C|K2|2026-11-23",
                "E|null|2026-11-09", "E|null|2026-11-16");
    }

    @Test
    void firstWeek() {
        // Course: enrolled a, b, x = 3 (d enrols next week); active 3 -> 1.0; minutes a 20, b 10, x 0 -> median 10.
        // First submissions in the week: a, b = 2. quiz-1 due this week x 3 enrolled = 3 assigned; submitted a, b = 2
        // -> 2/3; on time only a (b's 11-14 is after 11-13 23:00) -> 1/2. mean score: a's 0.8. No outcomes -> null.
        Row r = rows.get("C|null|2026-11-09");
        assertThat(r.<Long>getAs("enrolled")).isEqualTo(3L);
        assertThat(r.<Long>getAs("active_learners")).isEqualTo(3L);
        assertThat(r.<Double>getAs("active_rate")).isEqualTo(1.0);
        assertThat(r.<Double>getAs("median_active_minutes")).isCloseTo(10.0, within(1e-9));
        assertThat(r.<Long>getAs("submissions")).isEqualTo(2L);
        assertThat(r.<Long>getAs("assigned")).isEqualTo(3L);
        assertThat(r.<Long>getAs("submitted_due")).isEqualTo(2L);
        assertThat(r.<Long>getAs("submitted_on_time_due")).isEqualTo(1L);
        assertThat(r.<Double>getAs("submission_rate")).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(r.<Double>getAs("on_time_rate")).isEqualTo(0.5);
        assertThat(r.<Double>getAs("mean_score")).isCloseTo(0.8, within(1e-9));
        assertThat(r.isNullAt(r.fieldIndex("pass_rate"))).isTrue();
        // Class K1: a, b -> median of 20 and 10 = 15; 2 assigned, both submitted -> 1.0; on time 1/2.
        Row k1 = rows.get("C|K1|2026-11-09");
        assertThat(k1.<Long>getAs("enrolled")).isEqualTo(2L);
        assertThat(k1.<Double>getAs("median_active_minutes")).isCloseTo(15.0, within(1e-9));
        assertThat(k1.<Double>getAs("submission_rate")).isEqualTo(1.0);
        assertThat(k1.<Double>getAs("on_time_rate")).isEqualTo(0.5);
        // Class K2 has nobody yet: zero counts, null rates.
        Row k2 = rows.get("C|K2|2026-11-09");
        assertThat(k2.<Long>getAs("enrolled")).isZero();
        assertThat(k2.isNullAt(k2.fieldIndex("active_rate"))).isTrue();
        assertThat(k2.isNullAt(k2.fieldIndex("median_active_minutes"))).isTrue();
        assertThat(k2.<Long>getAs("assigned")).isZero();
        assertThat(k2.isNullAt(k2.fieldIndex("submission_rate"))).isTrue();
        assertThat(k2.isNullAt(k2.fieldIndex("on_time_rate"))).isTrue();
    }

    @Test
    void secondWeek() {
        // Enrolled a, b (unenrols 11-18, after the week starts), d (enrols 11-17), x = 4; active a, d -> 0.5;
        // minutes a 10, d 5 -> median 7.5. Submissions a, d = 2. asg-1 x 4 = 4 assigned; submitted a, d -> 0.5;
        // on time a only (d 11-21 > 11-20 12:00) -> 0.5. Mean score a's 0.6. a passed, d failed -> 0.5. b dropped out.
        Row r = rows.get("C|null|2026-11-16");
        assertThat(r.<Long>getAs("enrolled")).isEqualTo(4L);
        assertThat(r.<Long>getAs("active_learners")).isEqualTo(2L);
        assertThat(r.<Double>getAs("active_rate")).isEqualTo(0.5);
        assertThat(r.<Double>getAs("median_active_minutes")).isCloseTo(7.5, within(1e-9));
        assertThat(r.<Long>getAs("submissions")).isEqualTo(2L);
        assertThat(r.<Long>getAs("assigned")).isEqualTo(4L);
        assertThat(r.<Double>getAs("submission_rate")).isEqualTo(0.5);
        assertThat(r.<Double>getAs("on_time_rate")).isEqualTo(0.5);
        assertThat(r.<Double>getAs("mean_score")).isCloseTo(0.6, within(1e-9));
        assertThat(r.<Long>getAs("passed")).isEqualTo(1L);
        assertThat(r.<Long>getAs("failed")).isEqualTo(1L);
        assertThat(r.<Double>getAs("pass_rate")).isEqualTo(0.5);
        assertThat(r.<Long>getAs("dropouts")).isEqualTo(1L);
        assertThat(r.<Long>getAs("newly_inactive")).isZero();
        // K1: a passed, b dropped out; K2: d failed -> pass_rate 0.0.
        assertThat(rows.get("C|K1|2026-11-16").<Long>getAs("dropouts")).isEqualTo(1L);
        assertThat(rows.get("C|K1|2026-11-16").<Double>getAs("pass_rate")).isEqualTo(1.0);
        assertThat(rows.get("C|K2|2026-11-16").<Double>getAs("pass_rate")).isEqualTo(0.0);
        assertThat(rows.get("C|K2|2026-11-16").<Long>getAs("enrolled")).isEqualTo(1L);
    }

    @Test
    void weekContainingAsOf() {
        // Enrolled a, d, x = 3 (b left before the week); active a -> 1/3; a's single event -> median 0.
        // quiz-2 is due 11-27, after asOf: nothing assigned -> null rates.
        // x last active 11-10: 11-10 + 14 = 11-24, in this week and <= asOf -> newly inactive 1.
        Row r = rows.get("C|null|2026-11-23");
        assertThat(r.<Long>getAs("enrolled")).isEqualTo(3L);
        assertThat(r.<Double>getAs("active_rate")).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(r.<Double>getAs("median_active_minutes")).isEqualTo(0.0);
        assertThat(r.<Long>getAs("assigned")).isZero();
        assertThat(r.isNullAt(r.fieldIndex("submission_rate"))).isTrue();
        assertThat(r.isNullAt(r.fieldIndex("mean_score"))).isTrue();
        assertThat(r.<Long>getAs("newly_inactive")).isEqualTo(1L);
        assertThat(rows.get("C|K1|2026-11-23").<Long>getAs("newly_inactive")).isZero();
        // Course E has no learners: zero counts, null rates.
        Row e = rows.get("E|null|2026-11-16");
        assertThat(e.<Long>getAs("enrolled")).isZero();
        assertThat(e.isNullAt(e.fieldIndex("active_rate"))).isTrue();
    }
}
