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
 * As of Wed 2026-11-25, default thresholds: active_rate >= 0.5, submission_rate >= 0.7, on_time_rate >= 0.8,
 * mean_score >= 0.6, pass_rate >= 0.6, inactive_share <= 0.3, dropout_rate <= 0.3.
 * Course C (11-01 .. 12-31): quiz-1 due 11-10 23:59, asg-1 due 11-20 12:00 (2 due per learner).
 *   p1 K1 on_track: active 11-24, quiz-1 on time (0.9), asg-1 on time (0.7)
 *   p2 K1 behind:   active 11-20, quiz-1 late 11-11 (0.5), asg-1 missing
 *   p6 K1 withdrawn 11-12 (active 11-03)
 *   p3 K2 completed (outcome pass, no events); p4 K2 completed (outcome fail, active 11-05); p5 K2 inactive (11-08)
 * Course E (10-01 .. 11-10, ended before asOf, no items, no classes): e1 last 10-20 (21 days before the end ->
 *   dropout), e2 last 11-05 (5 days -> not a dropout), e3 outcome distinction, e4 never active (dropout).
 * Course Z has no enrolments.
 */
class CourseQualitySummaryMartTest extends SparkTestBase {
    private static MartInputs in;
    private static Dataset<Row> out;
    private static Map<String, Row> rows;

    @BeforeAll
    static void build() {
        in = inputs(events(List.of(
                        ev("p1", "C", "2026-11-09 10:00").action("submitted").object("quiz-1", "quiz").score(0.9),
                        ev("p1", "C", "2026-11-19 10:00").action("submitted").object("asg-1", "assignment").score(0.7),
                        ev("p1", "C", "2026-11-24 10:00"),
                        ev("p2", "C", "2026-11-11 10:00").action("submitted").object("quiz-1", "quiz").score(0.5),
                        ev("p2", "C", "2026-11-20 10:00"),
                        ev("p6", "C", "2026-11-03 10:00"),
                        ev("p4", "C", "2026-11-05 10:00"),
                        ev("p5", "C", "2026-11-08 10:00"),
                        ev("e1", "E", "2026-10-20 10:00"),
                        ev("e2", "E", "2026-11-05 10:00"))),
                learners("p1", "p2", "p3", "p4", "p5", "p6", "e1", "e2", "e3", "e4"),
                courses(course("C", "2026-11-01", "2026-12-31"), course("E", "2026-10-01", "2026-11-10"),
                        course("Z", "2026-11-01", "2026-12-31")),
                enrollments(
                        enrolment("p1", "C", "K1", "2026-11-01 09:00", null, null),
                        enrolment("p2", "C", "K1", "2026-11-01 09:00", null, null),
                        enrolment("p6", "C", "K1", "2026-11-01 09:00", "2026-11-12 09:00", null),
                        enrolment("p3", "C", "K2", "2026-11-01 09:00", null, "pass"),
                        enrolment("p4", "C", "K2", "2026-11-01 09:00", null, "fail"),
                        enrolment("p5", "C", "K2", "2026-11-01 09:00", null, null),
                        enrolment("e1", "E", null, "2026-10-01 09:00", null, null),
                        enrolment("e2", "E", null, "2026-10-01 09:00", null, null),
                        enrolment("e3", "E", null, "2026-10-01 09:00", null, "distinction"),
                        enrolment("e4", "E", null, "2026-10-01 09:00", null, null)),
                items(item("C", "quiz-1", "quiz", "2026-11-10 23:59"),
                        item("C", "asg-1", "assignment", "2026-11-20 12:00")));
        out = new CourseQualitySummaryMart().transform(in, context(LocalDate.of(2026, 11, 25))).cache();
        rows = byKey(out, "course_id", "class_id");
    }

    @Test
    void passesItsSpec() {
        requireExpectations(CourseQualitySummaryMart.SPEC, out, in);
        assertThat(rows.keySet()).containsExactlyInAnyOrder("C|null", "C|K1", "C|K2", "E|null", "Z|null");
    }

    @Test
    void wholeCourseKpisAndFlags() {
        // enrolled 6; active in 11-19..11-25: p1, p2 -> 2/6 (< 0.5: flag); completed p3, p4 -> 2/6;
        // pass 1 / (pass 1 + fail 1) = 0.5 (< 0.6: flag); submitted 3 of 6 x 2 = 12 due -> 0.25 (flag);
        // on time 2 of 3 submissions -> 0.667 (flag); mean score (0.9 + 0.7 + 0.5) / 3 = 0.7 (ok);
        // inactive p5 -> 1/6 (ok); dropouts p6 -> 1/6 (ok).
        Row r = rows.get("C|null");
        assertThat(r.<Long>getAs("enrolled")).isEqualTo(6L);
        assertThat(r.<Long>getAs("active_learners_7d")).isEqualTo(2L);
        assertThat(r.<Double>getAs("active_rate")).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(r.<Double>getAs("completion_rate")).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(r.<Double>getAs("pass_rate")).isEqualTo(0.5);
        assertThat(r.<Double>getAs("submission_rate")).isEqualTo(0.25);
        assertThat(r.<Double>getAs("on_time_rate")).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(r.<Double>getAs("mean_score")).isCloseTo(0.7, within(1e-9));
        assertThat(r.<Double>getAs("inactive_share")).isCloseTo(1.0 / 6, within(1e-9));
        assertThat(r.<Double>getAs("dropout_rate")).isCloseTo(1.0 / 6, within(1e-9));
        assertThat(r.<Double>getAs("active_rate_threshold")).isEqualTo(0.5);
        assertThat(r.<Boolean>getAs("active_rate_flag")).isTrue();
        assertThat(r.<Boolean>getAs("mean_score_flag")).isFalse();
        assertThat(r.<Double>getAs("dropout_rate_threshold")).isEqualTo(0.3);
        assertThat(r.<Boolean>getAs("dropout_rate_flag")).isFalse();
        assertThat(r.getList(r.fieldIndex("flags")))
                .containsExactly("active_rate", "submission_rate", "on_time_rate", "pass_rate");
        assertThat(r.<Integer>getAs("flag_count")).isEqualTo(4);
    }

    @Test
    void classRowsFlagAboveMaximumsAndLeaveNullKpisUnflagged() {
        // K1 (p1, p2, p6): active 2/3 (ok); no outcomes -> pass_rate null, flag null; submissions 3/6 = 0.5 (flag);
        // on time 2/3 (flag); dropouts 1/3 = 0.333 > 0.3 (flag above max).
        Row k1 = rows.get("C|K1");
        assertThat(k1.<Boolean>getAs("active_rate_flag")).isFalse();
        assertThat(k1.isNullAt(k1.fieldIndex("pass_rate"))).isTrue();
        assertThat(k1.isNullAt(k1.fieldIndex("pass_rate_flag"))).isTrue();
        assertThat(k1.<Double>getAs("dropout_rate")).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(k1.getList(k1.fieldIndex("flags"))).containsExactly("submission_rate", "on_time_rate", "dropout_rate");
        // K2 (p3, p4, p5): active 0 (flag); completion 2/3; pass 0.5 (flag); submitted 0 of 6 -> 0.0 (flag);
        // no submissions -> on_time_rate null, unflagged; no scores -> mean null; inactive 1/3 > 0.3 (flag).
        Row k2 = rows.get("C|K2");
        assertThat(k2.<Double>getAs("active_rate")).isEqualTo(0.0);
        assertThat(k2.<Double>getAs("completion_rate")).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(k2.<Double>getAs("submission_rate")).isEqualTo(0.0);
        assertThat(k2.isNullAt(k2.fieldIndex("on_time_rate_flag"))).isTrue();
        assertThat(k2.isNullAt(k2.fieldIndex("mean_score"))).isTrue();
        assertThat(k2.getList(k2.fieldIndex("flags")))
                .containsExactly("active_rate", "submission_rate", "pass_rate", "inactive_share");
        assertThat(k2.<Integer>getAs("flag_count")).isEqualTo(4);
    }

    @Test
    void endedCourseCountsInactiveUntilTheEndAsDropoutAndEmptyCourseHasNullKpis() {
        // E: e1 (21 days idle before the end) and e4 (never active) dropped out -> 2/4 = 0.5 (flag);
        // inactive e1, e2 -> 0.5 (flag); distinction only -> pass_rate 1.0; nothing due -> submission_rate null.
        Row e = rows.get("E|null");
        assertThat(e.<Long>getAs("dropouts")).isEqualTo(2L);
        assertThat(e.<Double>getAs("dropout_rate")).isEqualTo(0.5);
        assertThat(e.<Double>getAs("inactive_share")).isEqualTo(0.5);
        assertThat(e.<Double>getAs("pass_rate")).isEqualTo(1.0);
        assertThat(e.<Double>getAs("completion_rate")).isEqualTo(0.25);
        assertThat(e.isNullAt(e.fieldIndex("submission_rate"))).isTrue();
        assertThat(e.getList(e.fieldIndex("flags"))).containsExactly("active_rate", "inactive_share", "dropout_rate");
        // Z: no enrolments -> enrolled 0, every KPI null, no flags.
        Row z = rows.get("Z|null");
        assertThat(z.<Long>getAs("enrolled")).isZero();
        assertThat(z.isNullAt(z.fieldIndex("active_rate"))).isTrue();
        assertThat(z.isNullAt(z.fieldIndex("active_rate_flag"))).isTrue();
        assertThat(z.getList(z.fieldIndex("flags"))).isEmpty();
        assertThat(z.<Integer>getAs("flag_count")).isZero();
    }
}
