package dev.xueqing.jobs.marts;

import dev.xueqing.common.metrics.Answers;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.xueqing.jobs.marts.MartTestData.ev;
import static dev.xueqing.jobs.marts.MartTestData.events;
import static dev.xueqing.jobs.marts.MartTestData.inputs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MartFrames#firstScoredAnswers} and {@link MartFrames#answerScores}: an answer carries its score, or the
 * question is graded by an event of its own (Caliper: an AssessmentItemEvent Completed with the response, then a
 * GradeEvent on the item's Attempt with the score, by the grader, for the graded learner).
 */
class ScoredAnswersTest extends SparkTestBase {
    private static final MartContext CONTEXT = MartTestData.context(LocalDate.of(2026, 9, 30));

    private static final List<MartTestData.Ev> EVENTS = List.of(
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
                    .score(1.0),
            // two scored answers: the earlier one, with its own response
            ev("e", "C", "2026-09-08 11:00").action("answered").object("q1", "question").score(1.0).response("y"),
            ev("e", "C", "2026-09-08 10:00").action("answered").object("q1", "question").score(0.0).response("x"),
            // a scored answer without a response keeps none, though a later unscored answer has one
            ev("f", "C", "2026-09-08 10:00").action("answered").object("q1", "question").score(1.0),
            ev("f", "C", "2026-09-08 10:30").action("answered").object("q1", "question").response("z"),
            // two scored answers at the same time: the smaller event id is first
            ev("g", "C", "2026-09-08 10:00").id("g-2").action("answered").object("q1", "question").score(1.0)
                    .response("second"),
            ev("g", "C", "2026-09-08 10:00").id("g-1").action("answered").object("q1", "question").score(0.0)
                    .response("first"),
            // each question apart: g's answer to q2 is first for q2
            ev("g", "C", "2026-09-08 12:00").action("answered").object("q2", "question").score(0.5)
                    .response("other"));

    @Test
    void eachLearnersFirstScoredAnswerToEachQuestion() {
        MartInputs in = inputs(events(EVENTS), MartTestData.learners("a", "b", "c", "d", "e", "f", "g"), null, null,
                null);
        List<Row> rows = MartFrames.firstScoredAnswers(in, CONTEXT).collectAsList();
        Map<String, Row> byAnswer = rows.stream().collect(Collectors.toMap(
                r -> r.<String>getAs("learner_key") + "/" + r.<String>getAs("object_id"), r -> r));
        assertThat(byAnswer).containsOnlyKeys("a/q1", "b/q1", "d/q1", "e/q1", "f/q1", "g/q1", "g/q2");
        assertThat(byAnswer.get("a/q1").<Double>getAs("score")).isEqualTo(1.0);
        assertThat(byAnswer.get("a/q1").<String>getAs("response")).isEqualTo("b");
        assertThat(byAnswer.get("a/q1").<String>getAs("parent_id")).isEqualTo("quiz");
        assertThat(byAnswer.get("b/q1").<Double>getAs("score")).isEqualTo(0.0);
        assertThat(byAnswer.get("b/q1").<String>getAs("response")).isEqualTo("c");
        assertThat(byAnswer.get("d/q1").<Double>getAs("score")).isEqualTo(1.0);
        assertThat(byAnswer.get("d/q1").<String>getAs("response")).isEqualTo("first");
        assertThat(byAnswer.get("d/q1").<java.sql.Timestamp>getAs("event_time"))
                .isEqualTo(MartTestData.local("2026-09-08 10:10"));
        assertThat(byAnswer.get("e/q1").<Double>getAs("score")).isEqualTo(0.0);
        assertThat(byAnswer.get("e/q1").<String>getAs("response")).isEqualTo("x");
        assertThat(byAnswer.get("f/q1").<Double>getAs("score")).isEqualTo(1.0);
        assertThat(byAnswer.get("f/q1").<String>getAs("response")).isNull();
        assertThat(byAnswer.get("g/q1").<String>getAs("event_id")).isEqualTo("g-1");
        assertThat(byAnswer.get("g/q1").<String>getAs("response")).isEqualTo("first");
        assertThat(byAnswer.get("g/q2").<String>getAs("response")).isEqualTo("other");

        // the same rows as ranking every scored answer by (time, id), a grade taking the first response by window
        assertThat(rows).containsExactlyInAnyOrderElementsOf(rankedByWindows(in).collectAsList());
    }

    @Test
    void answerScoresAreEveryScoredAnswer() {
        MartInputs in = inputs(events(EVENTS), MartTestData.learners("a", "b", "c", "d", "e", "f", "g"), null, null,
                null);
        List<Row> rows = MartFrames.answerScores(in, CONTEXT).collectAsList();
        assertThat(rows).extracting(r -> r.<String>getAs("event_id")).doesNotHaveDuplicates();
        Map<String, Long> perLearner = rows.stream().collect(Collectors.groupingBy(r -> r.getAs("learner_key"),
                Collectors.counting()));
        assertThat(perLearner).containsExactlyInAnyOrderEntriesOf(
                Map.of("a", 1L, "b", 1L, "d", 1L, "e", 2L, "f", 1L, "g", 3L));
        assertThat(List.of(MartFrames.answerScores(in, CONTEXT).columns()))
                .containsExactly("course_id", "learner_key", "object_id", "event_time", "event_id", "score");
    }

    /**
     * The definition, the way it was computed until 2026-12-07: every scored answer, a grade's response the first
     * non-null response of the learner's answers to the question (a window over them), then the first by
     * (event_time, event_id) (another window).
     */
    private static Dataset<Row> rankedByWindows(MartInputs in) {
        Column answer = dev.xueqing.common.metrics.LearnerActivity.isLearnerInitiated()
                .and(col("action").equalTo("answered")).and(col("object_type").equalTo("question"));
        Column grade = col("action").equalTo("scored").and(col("object_type").equalTo("question"))
                .and(col("learner_key").isNotNull());
        WindowSpec sameQuestion = Window.partitionBy("course_id", "learner_key", "object_id")
                .orderBy(col("event_time"), col("event_id"));
        Dataset<Row> scored = in.get(dev.xueqing.common.io.DatasetRef.EVENTS).filter(answer.or(grade))
                .withColumn("_answer", answer)
                .withColumn("response", when(col("_answer"), col("response")).when(col("course_id").isNotNull(),
                        first(when(col("_answer"), col("response")), true).over(sameQuestion.rowsBetween(
                                Window.unboundedPreceding(), Window.unboundedFollowing()))))
                .withColumn("score", Answers.score()).filter(col("score").isNotNull());
        return scored.withColumn("_n", row_number().over(sameQuestion)).filter(col("_n").equalTo(1))
                .select("course_id", "learner_key", "object_id", "parent_id", "event_time", "event_id", "score",
                        "response");
    }
}
