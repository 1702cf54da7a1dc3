package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link AssessmentResponses#withOneAssessmentPerItem}: the quiz a question belongs to, from its first answers. */
class AssessmentResponsesTest extends SparkTestBase {
    private static final StructType FIRST = new StructType().add("course_id", DataTypes.StringType)
            .add("assessment_id", DataTypes.StringType).add("item_id", DataTypes.StringType)
            .add("learner_key", DataTypes.StringType).add("score", DataTypes.DoubleType)
            .add("response", DataTypes.StringType);

    private static Row answer(String course, String quiz, String item, String learner) {
        return RowFactory.create(course, quiz, item, learner, 1.0, null);
    }

    @Test
    void eachQuestionTakesTheQuizMostOfItsAnswersName() {
        List<Row> rows = List.of(
                // q1: two answers name quiz B, one quiz A, one none: B for all four
                answer("C", "B", "q1", "l1"), answer("C", "A", "q1", "l2"), answer("C", "B", "q1", "l3"),
                answer("C", null, "q1", "l4"),
                // q2: a tie between Z and Y: the smaller id, Y
                answer("C", "Z", "q2", "l1"), answer("C", "Y", "q2", "l2"),
                // q3: no answer names a quiz: none
                answer("C", null, "q3", "l1"), answer("C", null, "q3", "l2"),
                // the same question id in another course is another question
                answer("D", "A", "q1", "l1"));
        Map<String, List<String>> quizzes = AssessmentResponses.withOneAssessmentPerItem(
                        spark().createDataFrame(rows, FIRST)).collectAsList().stream()
                .collect(Collectors.groupingBy(r -> r.getString(0) + "/" + r.getString(2),
                        Collectors.mapping(r -> String.valueOf(r.<String>getAs("assessment_id")),
                                Collectors.toList())));
        assertThat(quizzes).containsOnlyKeys("C/q1", "C/q2", "C/q3", "D/q1");
        assertThat(quizzes.get("C/q1")).containsExactly("B", "B", "B", "B");
        assertThat(quizzes.get("C/q2")).containsExactly("Y", "Y");
        assertThat(quizzes.get("C/q3")).containsExactly("null", "null");
        assertThat(quizzes.get("D/q1")).containsExactly("A");
    }

    @Test
    void theWindowGivesWhatCountingAndJoiningGave() {
        Random rnd = new Random(5);
        List<Row> rows = new ArrayList<>();
        String[] quizzes = {null, "A", "B", "C"};
        for (int n = 0; n < 3000; n++) {
            rows.add(answer("C" + rnd.nextInt(3), quizzes[rnd.nextInt(quizzes.length)], "q" + rnd.nextInt(40),
                    "l" + n));
        }
        Dataset<Row> first = spark().createDataFrame(rows, FIRST);
        assertThat(AssessmentResponses.withOneAssessmentPerItem(first).collectAsList())
                .containsExactlyInAnyOrderElementsOf(countedAndJoined(first).collectAsList());
    }

    /** The definition as it was computed until 2026-12-07: count per quiz, rank, join back. */
    private static Dataset<Row> countedAndJoined(Dataset<Row> first) {
        Dataset<Row> parent = first.filter(col("assessment_id").isNotNull())
                .groupBy("course_id", "item_id", "assessment_id").count()
                .withColumn("_r", row_number().over(Window.partitionBy("course_id", "item_id")
                        .orderBy(col("count").desc(), col("assessment_id"))))
                .filter(col("_r").equalTo(1))
                .select(col("course_id"), col("item_id"), col("assessment_id").as("_assessment"));
        return first.join(parent, scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of("course_id", "item_id")).toSeq(), "left")
                .select(col("course_id"), col("_assessment").as("assessment_id"), col("item_id"), col("learner_key"),
                        col("score"), col("response"));
    }
}
