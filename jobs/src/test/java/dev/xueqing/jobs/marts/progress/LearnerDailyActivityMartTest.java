package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

class LearnerDailyActivityMartTest extends SparkTestBase {

    @Test
    void dailyCountsActiveTimeAcrossMidnightAndTheIdleCutoff() {
        // As of Wed 2026-11-25, Asia/Shanghai, idle cutoff 30 min. Learner a (class K1), course C:
        //   11-24 23:50 viewed page-1 (5 clicks)           session 1 starts (11-24)
        //   11-24 23:55 video_played video-1 (120 s)       +5 min -> 11-24
        //   11-25 00:10 video_paused video-1 (60 s)        +15 min: 5 min to 11-24, 10 min to 11-25
        //   11-25 00:50 attempted quiz-1                   gap 40 min >= 30: session 2 starts (11-25)
        //   11-25 00:55 submitted quiz-1 (score 0.8)       +5 min
        //   11-25 01:00 posted forum-1                     +5 min
        //   11-25 09:00 viewed page-1                      session 3 starts (11-25)
        //   11-25 09:05 scored quiz-1 (score 0.6)          +5 min
        // excluded: a's enrolled event (11-01), an instructor event (11-25), an event after asOf (11-26).
        // 11-24: events 2, interactions 5+1 = 6, active 5+5 = 10 min, sessions 1, objects_viewed {page-1, video-1} = 2, video 120 s,
        //        attempts 0, submissions 0, mean_score null, posts 0.
        // 11-25: events 6, interactions 6 (no counts), active 10+5+5+5 = 25 min, sessions 2, objects_viewed {video-1, page-1} = 2, video 60 s,
        //        attempts 1, submissions 1, mean_score (0.8+0.6)/2 = 0.7, posts 1.
        // Learner b has no class in enrollments: class_id falls back to the event's class K9; one event: 0 min, 1 session.
        Dataset<Row> ev = events(List.of(
                ev("a", "C", "2026-11-01 09:00").action("enrolled").object("C", "course"),
                ev("a", "C", "2026-11-24 23:50").object("page-1", "page").interactions(5),
                ev("a", "C", "2026-11-24 23:55").action("video_played").object("video-1", "video").duration(120),
                ev("a", "C", "2026-11-25 00:10").action("video_paused").object("video-1", "video").duration(60),
                ev("a", "C", "2026-11-25 00:50").action("attempted").object("quiz-1", "quiz"),
                ev("a", "C", "2026-11-25 00:55").action("submitted").object("quiz-1", "quiz").score(0.8),
                ev("a", "C", "2026-11-25 01:00").action("posted").object("forum-1", "forum_post"),
                ev("a", "C", "2026-11-25 09:00").object("page-1", "page"),
                ev("a", "C", "2026-11-25 09:05").action("scored").object("quiz-1", "quiz").score(0.6),
                ev("a", "C", "2026-11-25 09:01").role("instructor").action("posted").object("forum-2", "forum_post"),
                ev("a", "C", "2026-11-26 08:00").object("page-1", "page"),
                ev("b", "C", "2026-11-20 10:00").classId("K9")));
        MartInputs in = inputs(ev, learners("a", "b"), courses(course("C", "2026-11-01", "2026-12-31")),
                enrollments(enrolment("a", "C", "K1", "2026-11-01 09:00", null, null),
                        enrolment("b", "C", null, "2026-11-01 09:00", null, null)),
                items(item("C", "page-1", "page", null)));

        Dataset<Row> out = new LearnerDailyActivityMart().transform(in, context(LocalDate.of(2026, 11, 25)));
        requireExpectations(LearnerDailyActivityMart.SPEC, out, in);
        Map<String, Row> rows = byKey(out, "learner_key", "course_id", "event_date");

        assertThat(rows.keySet()).containsExactlyInAnyOrder("a|C|2026-11-24", "a|C|2026-11-25", "b|C|2026-11-20");
        Row d1 = rows.get("a|C|2026-11-24");
        assertThat(d1.<String>getAs("class_id")).isEqualTo("K1");
        assertThat(d1.<Long>getAs("events")).isEqualTo(2L);
        assertThat(d1.<Long>getAs("interactions")).isEqualTo(6L);
        assertThat(d1.<Double>getAs("active_minutes")).isCloseTo(10.0, within(1e-9));
        assertThat(d1.<Long>getAs("sessions")).isEqualTo(1L);
        assertThat(d1.<Long>getAs("objects_viewed")).isEqualTo(2L);
        assertThat(d1.<Double>getAs("video_seconds")).isEqualTo(120.0);
        assertThat(d1.<Long>getAs("attempts")).isZero();
        assertThat(d1.<Long>getAs("submissions")).isZero();
        assertThat(d1.isNullAt(d1.fieldIndex("mean_score"))).isTrue();
        assertThat(d1.<Long>getAs("posts")).isZero();

        Row d2 = rows.get("a|C|2026-11-25");
        assertThat(d2.<Long>getAs("events")).isEqualTo(6L);
        assertThat(d2.<Long>getAs("interactions")).isEqualTo(6L);
        assertThat(d2.<Double>getAs("active_minutes")).isCloseTo(25.0, within(1e-9));
        assertThat(d2.<Long>getAs("sessions")).isEqualTo(2L);
        assertThat(d2.<Long>getAs("objects_viewed")).isEqualTo(2L);
        assertThat(d2.<Double>getAs("video_seconds")).isEqualTo(60.0);
        assertThat(d2.<Long>getAs("attempts")).isEqualTo(1L);
        assertThat(d2.<Long>getAs("submissions")).isEqualTo(1L);
        assertThat(d2.<Double>getAs("mean_score")).isCloseTo(0.7, within(1e-9));
        assertThat(d2.<Long>getAs("posts")).isEqualTo(1L);

        Row b = rows.get("b|C|2026-11-20");
        assertThat(b.<String>getAs("class_id")).isEqualTo("K9");
        assertThat(b.<Double>getAs("active_minutes")).isZero();
        assertThat(b.<Long>getAs("sessions")).isEqualTo(1L);
        assertThat(b.<Double>getAs("video_seconds")).isZero();
    }
}
