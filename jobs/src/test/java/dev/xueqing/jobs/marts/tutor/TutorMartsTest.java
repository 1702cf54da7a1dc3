package dev.xueqing.jobs.marts.tutor;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.MartTestData.Ev;
import dev.xueqing.jobs.marts.quality.CourseQualitySummaryMart;
import dev.xueqing.jobs.marts.quality.CourseWeeklyQualityMart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
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
import static dev.xueqing.jobs.marts.MartTestData.items;
import static dev.xueqing.jobs.marts.MartTestData.learners;
import static dev.xueqing.jobs.marts.MartTestData.requireExpectations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Hand-computed threads in course C (class K1: learners a, b, c; tutors t1, t2; a bot), Asia/Shanghai, as of Mon
 * 2026-11-30, default config (SLA 24 calendar hours; Mon–Fri 09:00–18:00). 2026-11-27 is a Friday.
 * <pre>
 * T4  Mon 11-23 09:00 t1 opens (announcement: no question); 12:00 a asks in it (Q4); 15:00 t1 answers: 3 h, 3 bh
 * T5  Tue 11-24 10:00 c replies to post-0, never seen (orphan: thread started unseen, no question);
 *         11:00 t2 posts; 12:00 c asks again (Q5): never answered -> open 156 h at the end of 11-30
 * T2  Wed 11-25 23:30 c asks (Q2); Thu 00:30 t1 answers: 1 h across local midnight, 0 business hours
 * T1  Fri 11-27 17:00 a asks (Q1); Sat 10:00 b replies (joins Q1, does not stop the clock);
 *         Mon 11-30 10:00 t1 answers: 65 h, 2 business hours (Fri 17-18, Mon 9-10), past the SLA;
 *         11:00 a follows up (Q1b, a new question); 13:30 t2 answers (2.5 h); 14:00 t1 answers too (not first)
 * T3  Sat 11-28 09:00 b asks (Q3); 09:05 a bot replies (system: no answer); unanswered -> open 63 h
 * Class tutor of K1: t1 (first answer to Q4, Q2, Q1 against t2's one).
 * Risk scores as of Sun 11-29: a and c high, b low -> week of 11-30: 2 at risk; t1 and t2 each posted in T1, where
 * a had posted, in the 7 days from Mon 11-30: 1 followed up each.
 * </pre>
 */
class TutorMartsTest extends SparkTestBase {
    private static MartInputs in;
    private static final MartContext CTX = context(LocalDate.of(2026, 11, 30));
    private static Map<String, Row> questions;
    private static Map<String, Row> tutors;

    private static Ev post(String who, String role, String at, String id, String parent, String replyTo) {
        Ev e = ev(who, "C", at).role(role).classId("K1").action(replyTo == null ? "posted" : "replied")
                .object(id, "forum_post").id(id);
        if (parent != null) {
            e.parent(parent);
        }
        if (replyTo != null) {
            e.replyTo(replyTo);
        }
        return e;
    }

    @BeforeAll
    static void build() {
        Dataset<Row> ev = events(List.of(
                post("t1", "tutor", "2026-11-23 09:00", "T4", null, null),
                post("a", "learner", "2026-11-23 12:00", "T4-r1", "T4", "T4"),
                post("t1", "tutor", "2026-11-23 15:00", "T4-r2", "T4", "T4-r1"),
                post("c", "learner", "2026-11-24 10:00", "T5-r1", "T5", "post-0"),
                post("t2", "tutor", "2026-11-24 11:00", "T5-r2", "T5", "T5-r1"),
                post("c", "learner", "2026-11-24 12:00", "T5-r3", "T5", "T5-r2"),
                post("c", "learner", "2026-11-25 23:30", "T2", null, null),
                post("t1", "tutor", "2026-11-26 00:30", "T2-r1", "T2", "T2"),
                post("a", "learner", "2026-11-27 17:00", "T1", null, null),
                post("b", "learner", "2026-11-28 10:00", "T1-r1", "T1", "T1"),
                post("t1", "tutor", "2026-11-30 10:00", "T1-r2", "T1", "T1"),
                post("a", "learner", "2026-11-30 11:00", "T1-r3", "T1", "T1-r2"),
                post("t2", "tutor", "2026-11-30 13:30", "T1-r4", "T1", "T1-r3"),
                post("t1", "tutor", "2026-11-30 14:00", "T1-r5", "T1", "T1-r3"),
                post("b", "learner", "2026-11-28 09:00", "T3", null, null),
                post("bot", "system", "2026-11-28 09:05", "T3-bot", "T3", "T3"),
                // after the run date: ignored
                post("t1", "tutor", "2026-12-01 09:00", "T3-late", "T3", "T3")));
        MartInputs base = inputs(ev, learners("a", "b", "c", "t1", "t2", "bot"),
                courses(course("C", "2026-11-01", "2026-12-31")),
                enrollments(enrolment("a", "C", "K1", "2026-11-01 09:00", null, null),
                        enrolment("b", "C", "K1", "2026-11-01 09:00", null, null),
                        enrolment("c", "C", "K1", "2026-11-01 09:00", null, null)),
                items());
        Map<DatasetRef, Dataset<Row>> m = new HashMap<>(base.datasets());
        Date sunday = Date.valueOf("2026-11-29");
        m.put(DatasetRef.RISK_HISTORY, spark().createDataFrame(List.of(
                RowFactory.create("a", "C", "high", 0.8, sunday),
                RowFactory.create("b", "C", "low", 0.1, sunday),
                RowFactory.create("c", "C", "high", 0.9, sunday)), TutorServiceQualityMart.RISK_HISTORY_SCHEMA));
        in = new MartInputs(m);
        Dataset<Row> q = new LearnerQuestionsMart().transform(in, CTX).cache();
        requireExpectations(LearnerQuestionsMart.SPEC, q, in);
        questions = byKey(q, "question_id");
        Dataset<Row> t = new TutorServiceQualityMart().transform(in, CTX).cache();
        requireExpectations(TutorServiceQualityMart.SPEC, t, in);
        tutors = byKey(t, "staff_key", "week_start");
    }

    @Test
    void questionsAreThreadOpenersAndFollowUpsAfterAnAnswer() {
        // T4 (staff-opened), T5-r1 (orphan start), T1-r1 (learner reply), T3-bot, T5-r2... are no questions
        assertThat(questions).containsOnlyKeys("T4-r1", "T5-r3", "T2", "T1", "T1-r3", "T3");
        assertThat(questions.get("T1").getLong(questions.get("T1").fieldIndex("learner_posts"))).isEqualTo(2);
        assertThat(questions.get("T1").<String>getAs("thread_id")).isEqualTo("T1");
        assertThat(questions.get("T4-r1").<String>getAs("thread_id")).isEqualTo("T4");
        assertThat(questions.get("T1-r3").<String>getAs("class_id")).isEqualTo("K1");
    }

    @Test
    void responseTimesOnTheCalendarAndInBusinessHours() {
        assertAnswer("T4-r1", "t1", 3.0, 3.0, true);
        assertAnswer("T2", "t1", 1.0, 0.0, true);
        assertAnswer("T1", "t1", 65.0, 2.0, false);
        assertAnswer("T1-r3", "t2", 2.5, 2.5, true);
    }

    @Test
    void unansweredQuestionsHaveTheirAgeAndGoToTheClassTutor() {
        Row t3 = questions.get("T3");
        assertThat(t3.<Boolean>getAs("answered")).isFalse();
        assertThat(t3.<Object>getAs("responder_key")).isNull();
        assertThat(t3.<Double>getAs("unanswered_hours")).isCloseTo(63.0, within(1e-9));
        assertThat(t3.<Boolean>getAs("within_sla")).isFalse();
        assertThat(t3.<String>getAs("attributed_to")).isEqualTo("t1");
        assertThat(t3.<String>getAs("attribution")).isEqualTo("class_tutor");
        assertThat(questions.get("T5-r3").<Double>getAs("unanswered_hours")).isCloseTo(156.0, within(1e-9));
        assertThat(questions.get("T1").<String>getAs("attribution")).isEqualTo("responder");
    }

    @Test
    void aStaffMembersWeekHasMediansPercentilesOpenQuestionsAndFlags() {
        Row w1 = tutors.get("t1|2026-11-23");
        assertThat(w1.<Long>getAs("questions_answered")).isEqualTo(2);
        assertThat(w1.<Long>getAs("replies")).isEqualTo(2); // T4-r2, T2-r1; the T4 announcement opens a thread
        assertThat(w1.<Long>getAs("learners_helped")).isEqualTo(2);
        assertThat(w1.<Double>getAs("median_response_hours")).isCloseTo(2.0, within(1e-9));
        assertThat(w1.<Double>getAs("p90_response_hours")).isCloseTo(2.8, within(1e-9));
        assertThat(w1.<Double>getAs("median_response_business_hours")).isCloseTo(1.5, within(1e-9));
        assertThat(w1.<Double>getAs("within_sla_share")).isCloseTo(1.0, within(1e-9));
        // open at Mon 11-30 00:00: Q1 (31 h), Q3 (15 h), Q5 (132 h)
        assertThat(w1.<Long>getAs("unanswered_at_week_end")).isEqualTo(3);
        assertThat(w1.<Double>getAs("oldest_unanswered_hours")).isCloseTo(132.0, within(1e-9));
        assertThat(w1.getList(w1.fieldIndex("flags"))).containsExactly("oldest_unanswered");
        assertThat(w1.<Object>getAs("at_risk_learners")).isNull();

        Row w2 = tutors.get("t1|2026-11-30");
        assertThat(w2.<Long>getAs("questions_answered")).isEqualTo(1);
        assertThat(w2.<Double>getAs("within_sla_share")).isZero();
        assertThat(w2.<Long>getAs("unanswered_at_week_end")).isEqualTo(2);
        assertThat(w2.<Double>getAs("oldest_unanswered_hours")).isCloseTo(156.0, within(1e-9));
        assertThat(w2.getList(w2.fieldIndex("flags"))).containsExactly("median_response", "within_sla_share",
                "oldest_unanswered");
        assertThat(w1.<Boolean>getAs("median_response_flag")).isFalse();
        assertThat(w2.<Long>getAs("at_risk_learners")).isEqualTo(2);
        assertThat(w2.<Long>getAs("at_risk_followed_up")).isEqualTo(1);
        assertThat(w2.<Double>getAs("at_risk_follow_up_share")).isCloseTo(0.5, within(1e-9));

        Row t2a = tutors.get("t2|2026-11-23");
        assertThat(t2a.<Long>getAs("questions_answered")).isZero();
        assertThat(t2a.<Long>getAs("replies")).isEqualTo(1);
        assertThat(t2a.<Object>getAs("median_response_hours")).isNull();
        Row t2b = tutors.get("t2|2026-11-30");
        assertThat(t2b.<Long>getAs("questions_answered")).isEqualTo(1);
        assertThat(t2b.<Double>getAs("median_response_hours")).isCloseTo(2.5, within(1e-9));
        assertThat(t2b.<Long>getAs("unanswered_at_week_end")).isZero();
        assertThat(t2b.<Long>getAs("at_risk_followed_up")).isEqualTo(1);
        assertThat(t2b.<String>getAs("staff_role")).isEqualTo("tutor");
        assertThat(tutors).doesNotContainKey("bot|2026-11-23");
    }

    @Test
    void courseWeeksAndTheSummaryCountQuestionsAndOpenOnes() {
        Dataset<Row> weekly = new CourseWeeklyQualityMart().transform(in, CTX);
        requireExpectations(CourseWeeklyQualityMart.SPEC, weekly, in);
        Map<String, Row> w = byKey(weekly, "course_id", "class_id", "week_start");
        Row w1 = w.get("C|null|2026-11-23");
        assertThat(w1.<Long>getAs("questions_asked")).isEqualTo(5);
        // decided: Q4, Q2 within; Q5, Q3 open past the SLA; Q1 answered late
        assertThat(w1.<Double>getAs("within_sla_share")).isCloseTo(0.4, within(1e-9));
        assertThat(w1.<Long>getAs("unanswered_questions")).isEqualTo(3);
        assertThat(w1.<Double>getAs("oldest_unanswered_hours")).isCloseTo(132.0, within(1e-9));
        assertThat(w1.<Boolean>getAs("within_sla_share_flag")).isTrue();
        assertThat(w1.<Boolean>getAs("oldest_unanswered_hours_flag")).isTrue();
        assertThat(w1.<Boolean>getAs("unanswered_questions_flag")).isFalse();
        Row w2 = w.get("C|K1|2026-11-30");
        assertThat(w2.<Long>getAs("questions_asked")).isEqualTo(1);
        assertThat(w2.<Double>getAs("within_sla_share")).isCloseTo(1.0, within(1e-9));
        assertThat(w2.<Long>getAs("unanswered_questions")).isEqualTo(2);
        assertThat(w.get("C|null|2026-11-02").<Long>getAs("questions_asked")).isZero();
        assertThat(w.get("C|null|2026-11-02").<Object>getAs("within_sla_share")).isNull();

        Dataset<Row> summary = new CourseQualitySummaryMart().transform(in, CTX);
        Row s = byKey(summary, "course_id", "class_id").get("C|null");
        assertThat(s.<Long>getAs("questions_asked")).isEqualTo(6);
        assertThat(s.<Double>getAs("within_sla_share")).isCloseTo(0.5, within(1e-9));
        assertThat(s.<Long>getAs("unanswered_questions")).isEqualTo(2);
        assertThat(s.<Double>getAs("oldest_unanswered_hours")).isCloseTo(156.0, within(1e-9));
        assertThat(s.getList(s.fieldIndex("flags"))).contains("within_sla_share", "oldest_unanswered_hours")
                .doesNotContain("unanswered_questions", "questions_asked");
    }

    private static void assertAnswer(String question, String responder, double hours, double business,
                                     boolean within) {
        Row r = questions.get(question);
        assertThat(r.<Boolean>getAs("answered")).isTrue();
        assertThat(r.<String>getAs("responder_key")).isEqualTo(responder);
        assertThat(r.<Double>getAs("response_hours")).isCloseTo(hours, within(1e-9));
        assertThat(r.<Double>getAs("response_business_hours")).isCloseTo(business, within(1e-9));
        assertThat(r.<Boolean>getAs("within_sla")).isEqualTo(within);
    }
}
