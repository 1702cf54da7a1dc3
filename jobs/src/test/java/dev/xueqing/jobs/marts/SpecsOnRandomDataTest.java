package dev.xueqing.jobs.marts;

import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartTestData.Ev;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mart of the catalog keeps its spec on a few hundred seeded random events (mixed actions, roles, objects,
 * late enrolments and unenrolments, events after asOf): a guard against rules that only hold on hand-made data.
 * Tagged slow (about a minute on two shared cores); named so the quick `-Dtest=*Mart*` run skips it.
 */
@org.junit.jupiter.api.Tag("slow")
class SpecsOnRandomDataTest extends SparkTestBase {
    private static final DateTimeFormatter F = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Test
    void everyMartPassesItsExpectations() {
        Random rnd = new Random(42);
        String[] actions = {"viewed", "video_played", "video_paused", "attempted", "answered", "submitted", "scored",
                "posted", "replied", "logged_in", "enrolled", "completed", "passed", "failed"};
        String[][] objects = {{"page-1", "page"}, {"page-2", "page"}, {"video-1", "video"}, {"quiz-1", "quiz"},
                {"asg-1", "assignment"}, {"q-1", "question"}, {"forum-1", "forum_post"}};
        String[] outcomes = {null, null, null, "pass", "fail", "distinction", "withdrawn"};
        List<String> learnerKeys = new ArrayList<>();
        List<Row> enrols = new ArrayList<>();
        List<Ev> evs = new ArrayList<>();
        LocalDateTime base = LocalDateTime.of(2026, 10, 1, 8, 0);
        // 30 learners: enough learner × course rows that the segmentation finds clusters of its minimum size
        // (at least 5 rows each), so learner_segments is checked on rows too
        for (int i = 0; i < 30; i++) {
            String l = "l" + i;
            learnerKeys.add(l);
            for (String c : List.of("C", "D")) {
                if (rnd.nextInt(4) == 0) {
                    continue;
                }
                LocalDateTime enrolled = base.plusDays(rnd.nextInt(60)).plusMinutes(rnd.nextInt(600));
                String unenrolled = rnd.nextInt(5) == 0 ? enrolled.plusDays(rnd.nextInt(40)).format(F) : null;
                enrols.add(enrolment(l, c, rnd.nextBoolean() ? "K" + rnd.nextInt(3) : null, enrolled.format(F),
                        unenrolled, outcomes[rnd.nextInt(outcomes.length)]));
                LocalDateTime t = enrolled;
                for (int e = 0; e < 15; e++) {
                    t = t.plusMinutes(rnd.nextInt(4) == 0 ? rnd.nextInt(4000) : rnd.nextInt(40));
                    String[] o = objects[rnd.nextInt(objects.length)];
                    String action = actions[rnd.nextInt(actions.length)];
                    Ev ev = ev(l, c, t.format(F)).action(action).object(o[0], o[1])
                            .role(rnd.nextInt(10) == 0 ? "system" : "learner");
                    if (action.equals("completed") && rnd.nextBoolean()) {
                        ev.object(c, "course");
                    }
                    if (rnd.nextInt(3) == 0) {
                        ev.score(rnd.nextInt(11) / 10.0);
                    }
                    if (action.startsWith("video")) {
                        ev.duration(rnd.nextInt(300));
                    }
                    evs.add(ev);
                }
                // every enrolled learner answers the question once, so the Rasch marts have a scale to fit
                evs.add(ev(l, c, t.plusMinutes(5).format(F)).action("answered").object("q-1", "question").parent("quiz-1")
                        .score(rnd.nextBoolean() ? 1 : 0));
            }
        }
        MartInputs in = inputs(events(evs), learners(learnerKeys.toArray(String[]::new)),
                courses(course("C", "2026-10-01", "2026-11-20"), course("D", "2026-10-15", "2027-01-31")),
                enrollments(enrols.toArray(Row[]::new)),
                items(item("C", "page-1", "page", null), item("C", "page-2", "page", null),
                        item("C", "video-1", "video", null), item("C", "quiz-1", "quiz", "2026-10-20 23:00"),
                        item("C", "asg-1", "assignment", "2026-11-10 12:00"), item("D", "page-1", "page", null),
                        item("D", "quiz-1", "quiz", "2026-11-30 23:00"), item("D", "asg-1", "assignment", null)));
        MartContext ctx = MartTestData.context(LocalDate.of(2026, 11, 25));
        for (Mart m : MartCatalog.all()) {
            if (!in.datasets().keySet().containsAll(m.inputs())) {
                continue;   // data_quality reads _runs, not events; DataQualityMartTest covers it
            }
            Dataset<Row> out = m.transform(in, ctx).cache();
            MartTestData.requireExpectations(m.spec(), out, in);
            assertThat(out.count()).as(m.spec().name()).isPositive();
            out.unpersist();
        }
    }
}
