package dev.xueqing.jobs.marts;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.xueqing.jobs.marts.MartTestData.ev;
import static dev.xueqing.jobs.marts.MartTestData.events;
import static dev.xueqing.jobs.marts.MartTestData.inputs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MartFrames#scoredAnswers}: an answer carries its score, or the question is graded by an event of its own
 * (Caliper: an AssessmentItemEvent Completed with the response, then a GradeEvent on the item's Attempt with the
 * score, by the grader, for the graded learner).
 */
class ScoredAnswersTest extends SparkTestBase {
    @Test
    void answersWithScoresAndQuestionsGradedOnTheirOwnAreBothScoredAnswers() {
        List<MartTestData.Ev> evs = List.of(
                // xAPI-like: the answer carries its score
                ev("a", "C", "2026-09-08 10:00").action("answered").object("q1", "question").parent("quiz")
                        .score(1.0).response("b"),
                // Caliper-like: the response without a score, graded a minute later by the autograder
                ev("b", "C", "2026-09-08 10:00").action("answered").object("q1", "question").parent("quiz")
                        .response("c"),
                ev("b", "C", "2026-09-08 10:01").role("system").action("scored").object("q1", "question")
                        .parent("quiz").score(0.0),
                // an answer with neither a score nor a grade is not scored
                ev("c", "C", "2026-09-08 10:00").action("answered").object("q1", "question").response("a"),
                // a grade of the quiz as a whole is not an answer to a question
                ev("a", "C", "2026-09-08 10:05").role("system").action("scored").object("quiz", "quiz").score(0.5),
                // answered three times (once without a response), then graded: the grade takes the first response
                ev("d", "C", "2026-09-08 10:05").action("answered").object("q1", "question").response("late"),
                ev("d", "C", "2026-09-08 09:00").action("answered").object("q1", "question").response("first"),
                ev("d", "C", "2026-09-08 08:00").action("answered").object("q1", "question"),
                ev("d", "C", "2026-09-08 10:10").role("system").action("scored").object("q1", "question")
                        .score(1.0));
        MartInputs in = inputs(events(evs), MartTestData.learners("a", "b", "c", "d"), null, null, null);
        List<Row> rows = MartFrames.scoredAnswers(in, MartTestData.context(LocalDate.of(2026, 9, 30)))
                .collectAsList();
        Map<String, Row> byLearner = rows.stream().collect(Collectors.toMap(r -> r.getAs("learner_key"), r -> r));
        assertThat(byLearner).containsOnlyKeys("a", "b", "d");
        assertThat(byLearner.get("a").<Double>getAs("score")).isEqualTo(1.0);
        assertThat(byLearner.get("a").<String>getAs("response")).isEqualTo("b");
        assertThat(byLearner.get("b").<Double>getAs("score")).isEqualTo(0.0);
        assertThat(byLearner.get("b").<String>getAs("response")).isEqualTo("c");
        assertThat(byLearner.get("b").<String>getAs("object_id")).isEqualTo("q1");
        assertThat(byLearner.get("d").<Double>getAs("score")).isEqualTo(1.0);
        assertThat(byLearner.get("d").<String>getAs("response")).isEqualTo("first");
        assertThat(byLearner.get("d").<java.sql.Timestamp>getAs("event_time"))
                .isEqualTo(MartTestData.local("2026-09-08 10:10"));
        // the same rows without the response, for what needs only the scores
        List<String> cols = List.of("course_id", "learner_key", "object_id", "event_time", "event_id", "score");
        assertThat(MartFrames.answerScores(in, MartTestData.context(LocalDate.of(2026, 9, 30))).collectAsList())
                .containsExactlyInAnyOrderElementsOf(MartFrames.scoredAnswers(in,
                        MartTestData.context(LocalDate.of(2026, 9, 30))).selectExpr(cols.toArray(String[]::new))
                        .collectAsList());
    }
}
