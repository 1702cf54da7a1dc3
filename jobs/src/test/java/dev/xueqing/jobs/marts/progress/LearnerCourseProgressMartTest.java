package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.MartTestData.Ev;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
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
import static dev.xueqing.jobs.marts.MartTestData.local;
import static dev.xueqing.jobs.marts.MartTestData.requireExpectations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * As of Wed 2026-11-25 (Asia/Shanghai; defaults: idle cutoff 30 min, inactive 14 days, behind share 0.25).
 * Course C: content page-1, page-2, video-1 (3 items); assessments quiz-1 due 11-10 23:59, asg-1 due 11-20 12:00,
 * quiz-2 due 11-25 23:00 (due by the end of asOf), asg-2 due 11-30 (not yet due), quiz-3 without due time
 * -> assessments_due = 3 for everyone. Course D has no items.
 */
class LearnerCourseProgressMartTest extends SparkTestBase {
    private static MartInputs in;
    private static Map<String, Row> rows;
    private static Dataset<Row> out;

    @BeforeAll
    static void build() {
        List<Ev> ev = new ArrayList<>(List.of(
                // ot: on track (all three due submitted), see onTrackLearner for the hand computation
                ev("ot", "C", "2026-11-09 20:00").object("page-1", "page"),
                ev("ot", "C", "2026-11-09 20:10").action("submitted").object("quiz-1", "quiz"),
                ev("ot", "C", "2026-11-09 20:20").action("scored").object("quiz-1", "quiz").score(0.9),
                ev("ot", "C", "2026-11-12 09:00").action("submitted").object("quiz-1", "quiz"),
                ev("ot", "C", "2026-11-21 08:00").action("submitted").object("asg-1", "assignment").score(0.5),
                ev("ot", "C", "2026-11-22 08:00").action("submitted").object("quiz-3", "quiz"),
                ev("ot", "C", "2026-11-24 08:00").action("submitted").object("asg-2", "assignment"),
                ev("ot", "C", "2026-11-25 10:00").action("submitted").object("quiz-2", "quiz"),
                ev("ot", "C", "2026-11-25 10:20").action("video_played").object("video-1", "video"),
                ev("ot", "C", "2026-11-25 10:30").action("scored").object("q1", "question").score(0.1),
                ev("ot", "C", "2026-11-26 09:00").action("submitted").object("asg-2", "assignment"),
                ev("ot", "D", "2026-11-25 11:00").object("d-page", "page"),
                // bh: behind (1 of 3 due submitted: missed 2/3 > 0.25)
                ev("bh", "C", "2026-11-09 21:00").action("submitted").object("quiz-1", "quiz"),
                ev("bh", "C", "2026-11-24 09:00").object("page-2", "page"),
                // i1: last activity 11-11 -> 14 days -> inactive;  i2: 11-12 -> 13 days -> behind (0 of 3)
                ev("i1", "C", "2026-11-11 10:00").object("page-1", "page"),
                ev("i2", "C", "2026-11-12 10:00").object("page-1", "page"),
                // n1: only an enrolment event -> not_started
                ev("n1", "C", "2026-11-01 09:00").action("enrolled").object("C", "course"),
                // c2: completed event on the course itself -> completed
                ev("c2", "C", "2026-11-20 10:00").object("page-1", "page"),
                ev("c2", "C", "2026-11-20 10:05").role("system").action("completed").object("C", "course"),
                // w1: unenrolled 11-15 -> withdrawn although active
                ev("w1", "C", "2026-11-10 10:00").object("page-1", "page")));
        in = inputs(events(ev),
                learners("ot", "bh", "i1", "i2", "n1", "c1", "c2", "w1", "w2", "w3", "late"),
                courses(course("C", "2026-11-01", "2026-12-31"), course("D", "2026-11-01", "2026-12-31")),
                enrollments(
                        enrolment("ot", "C", "K1", "2026-11-01 09:00", null, null),
                        enrolment("ot", "D", null, "2026-11-01 09:00", null, null),
                        enrolment("bh", "C", "K1", "2026-11-01 09:00", null, null),
                        enrolment("i1", "C", "K2", "2026-11-01 09:00", null, null),
                        enrolment("i2", "C", "K2", "2026-11-01 09:00", null, null),
                        enrolment("n1", "C", "K2", "2026-11-01 09:00", null, null),
                        enrolment("c1", "C", "K2", "2026-11-01 09:00", null, "pass"),
                        enrolment("c2", "C", "K2", "2026-11-01 09:00", null, null),
                        enrolment("w1", "C", "K1", "2026-11-01 09:00", "2026-11-15 10:00", null),
                        enrolment("w2", "C", "K1", "2026-11-01 09:00", null, "withdrawn"),
                        enrolment("w3", "C", "K1", "2026-11-01 09:00", "2026-11-27 10:00", null),
                        enrolment("late", "C", "K1", "2026-11-26 09:00", null, null)),
                items(item("C", "page-1", "page", null), item("C", "page-2", "page", null),
                        item("C", "video-1", "video", null), item("C", "q1", "question", null),
                        item("C", "quiz-1", "quiz", "2026-11-10 23:59"),
                        item("C", "asg-1", "assignment", "2026-11-20 12:00"),
                        item("C", "quiz-2", "quiz", "2026-11-25 23:00"),
                        item("C", "asg-2", "assignment", "2026-11-30 12:00"),
                        item("C", "quiz-3", "quiz", null)));
        out = new LearnerCourseProgressMart().transform(in, context(LocalDate.of(2026, 11, 25))).cache();
        rows = byKey(out, "learner_key", "course_id");
    }

    @Test
    void passesItsSpecAndHasOneRowPerEnrolmentUpToAsOf() {
        requireExpectations(LearnerCourseProgressMart.SPEC, out, in);
        // "late" enrolled on 11-26, after asOf: no row.
        assertThat(rows.keySet()).containsExactlyInAnyOrder("ot|C", "ot|D", "bh|C", "i1|C", "i2|C", "n1|C",
                "c1|C", "c2|C", "w1|C", "w2|C", "w3|C");
    }

    @Test
    void onTrackLearner() {
        // ot in C: first 11-09 20:00, last 11-25 10:30 (the 11-26 event is after asOf).
        // active days 11-09, 11-12, 11-21, 11-22, 11-24, 11-25 = 6; active minutes 11-09: 10+10, 11-25: 20+10 -> 50;
        // sessions: one per active day = 6. content viewed {page-1, video-1} of 3 -> 2/3.
        // first submissions: quiz-1 11-09 (on time), asg-1 11-21 (late), quiz-3 (no due time: on time),
        //   asg-2 11-24 (on time, not yet due), quiz-2 11-25 10:00 (on time) -> submissions 5, on time 4, rate 0.8;
        //   due 3, submitted of due 3 -> completion 1.0 -> on_track.
        // mean score: quiz-1 scored 0.9, asg-1 submitted 0.5; the question score 0.1 is not an assessment -> 0.7.
        Row r = rows.get("ot|C");
        assertThat(r.<String>getAs("class_id")).isEqualTo("K1");
        assertThat(r.getTimestamp(r.fieldIndex("first_activity"))).isEqualTo(local("2026-11-09 20:00"));
        assertThat(r.getTimestamp(r.fieldIndex("last_activity"))).isEqualTo(local("2026-11-25 10:30"));
        assertThat(r.<Long>getAs("active_days")).isEqualTo(6L);
        assertThat(r.<Double>getAs("active_minutes")).isCloseTo(50.0, within(1e-9));
        assertThat(r.<Long>getAs("sessions")).isEqualTo(6L);
        assertThat(r.<Long>getAs("content_items")).isEqualTo(3L);
        assertThat(r.<Long>getAs("content_viewed")).isEqualTo(2L);
        assertThat(r.<Double>getAs("content_coverage")).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(r.<Long>getAs("assessments_due")).isEqualTo(3L);
        assertThat(r.<Long>getAs("assessments_submitted")).isEqualTo(3L);
        assertThat(r.<Double>getAs("assessment_completion")).isEqualTo(1.0);
        assertThat(r.<Long>getAs("submissions")).isEqualTo(5L);
        assertThat(r.<Long>getAs("on_time_submissions")).isEqualTo(4L);
        assertThat(r.<Double>getAs("on_time_rate")).isCloseTo(0.8, within(1e-9));
        assertThat(r.<Double>getAs("mean_score")).isCloseTo(0.7, within(1e-9));
        assertThat(r.<Integer>getAs("days_since_last_activity")).isEqualTo(0);
        assertThat(r.<String>getAs("status")).isEqualTo("on_track");
        assertThat(r.isNullAt(r.fieldIndex("outcome"))).isTrue();
    }

    @Test
    void zeroDenominatorsGiveNullRates() {
        // ot in D: no items -> content_items 0, coverage null; nothing due -> completion null; no submissions ->
        // on_time_rate null; no scores -> mean_score null; nothing due -> not behind -> on_track.
        Row r = rows.get("ot|D");
        assertThat(r.<Long>getAs("content_items")).isZero();
        assertThat(r.isNullAt(r.fieldIndex("content_coverage"))).isTrue();
        assertThat(r.<Long>getAs("assessments_due")).isZero();
        assertThat(r.isNullAt(r.fieldIndex("assessment_completion"))).isTrue();
        assertThat(r.isNullAt(r.fieldIndex("on_time_rate"))).isTrue();
        assertThat(r.isNullAt(r.fieldIndex("mean_score"))).isTrue();
        assertThat(r.<String>getAs("status")).isEqualTo("on_track");
    }

    @Test
    void eachStatusRule() {
        // w1 unenrolled 11-15 (<= asOf) -> withdrawn; w2 outcome withdrawn -> withdrawn;
        // w3 unenrols on 11-27 (after asOf, not yet known) and never acted -> not_started.
        assertThat(status("w1")).isEqualTo("withdrawn");
        assertThat(status("w2")).isEqualTo("withdrawn");
        assertThat(status("w3")).isEqualTo("not_started");
        // c1 outcome pass (no activity: completed wins over not_started); c2 completed event on the course.
        assertThat(status("c1")).isEqualTo("completed");
        assertThat(rows.get("c1|C").<String>getAs("outcome")).isEqualTo("pass");
        assertThat(status("c2")).isEqualTo("completed");
        // n1 has only an enrolled event: not_started, no activity columns.
        Row n1 = rows.get("n1|C");
        assertThat(status("n1")).isEqualTo("not_started");
        assertThat(n1.isNullAt(n1.fieldIndex("first_activity"))).isTrue();
        assertThat(n1.isNullAt(n1.fieldIndex("days_since_last_activity"))).isTrue();
        assertThat(n1.<Long>getAs("active_days")).isZero();
        assertThat(n1.<Double>getAs("assessment_completion")).isEqualTo(0.0);
        // i1 last active 11-11: 25 - 11 = 14 >= 14 -> inactive; i2 11-12: 13 days, 0 of 3 due -> behind.
        assertThat(rows.get("i1|C").<Integer>getAs("days_since_last_activity")).isEqualTo(14);
        assertThat(status("i1")).isEqualTo("inactive");
        assertThat(rows.get("i2|C").<Integer>getAs("days_since_last_activity")).isEqualTo(13);
        assertThat(status("i2")).isEqualTo("behind");
        // bh: due 3, submitted 1 -> completion 1/3, missed 2/3 > 0.25 -> behind; quiz-1 on time -> rate 1.0;
        // content viewed page-2 only -> 1/3; last active 11-24 -> 1 day.
        Row bh = rows.get("bh|C");
        assertThat(status("bh")).isEqualTo("behind");
        assertThat(bh.<Double>getAs("assessment_completion")).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(bh.<Double>getAs("on_time_rate")).isEqualTo(1.0);
        assertThat(bh.<Long>getAs("content_viewed")).isEqualTo(1L);
        assertThat(bh.<Integer>getAs("days_since_last_activity")).isEqualTo(1);
    }

    private static String status(String learner) {
        return rows.get(learner + "|C").getAs("status");
    }

    @Test
    void sessionsAndFactsAreDerivedOncePerBuildAndReleasedAfterIt() {
        MartInputs build = new MartInputs(in.datasets());
        dev.xueqing.jobs.marts.MartContext ctx = context(LocalDate.of(2026, 11, 25));
        Dataset<Row> progress = new LearnerCourseProgressMart().transform(build, ctx);
        Dataset<Row> daily = new LearnerDailyActivityMart().transform(build, ctx);
        // the daily mart reuses the per-day fact the progress facts derived: one cached dataset per derivation,
        // with the assessment frames the progress facts start from, which other marts of the build read too
        assertThat(build.derivedResults()).containsOnlyKeys("learner-days:2026-11-25",
                "learner-progress-facts:2026-11-25", "first-submissions:2026-11-25", "assessment-scores:2026-11-25",
                "course-outcome-events:2026-11-25");
        Dataset<Row> time = dev.xueqing.jobs.marts.LearnerDays.of(build, ctx);
        assertThat(time).isSameAs(build.derivedResults().get("learner-days:2026-11-25"));
        assertThat(time.storageLevel().useMemory()).isTrue();
        // a later mart of the build (weekly quality, segments) gets the same first submissions, not a new scan
        assertThat(dev.xueqing.jobs.marts.MartFrames.firstSubmissions(build, ctx))
                .isSameAs(build.derivedResults().get("first-submissions:2026-11-25"));
        // the shared derivation gives what a build of its own gives
        assertThat(progress.collectAsList()).containsExactlyInAnyOrderElementsOf(out.collectAsList());
        assertThat(daily.count()).isEqualTo(new LearnerDailyActivityMart().transform(new MartInputs(in.datasets()), ctx)
                .count());

        build.release();
        assertThat(build.derivedResults()).isEmpty();
        assertThat(time.storageLevel().useMemory()).isFalse();
        assertThat(time.storageLevel().useDisk()).isFalse();
    }
}
