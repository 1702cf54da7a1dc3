package dev.xueqing.jobs.ingest;

import dev.xueqing.common.model.ObjectObservation;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ObservationCombinerTest {
    static final Instant T1 = Instant.parse("2026-09-08T01:00:00Z");
    static final Instant T2 = Instant.parse("2026-09-09T01:00:00Z");

    static Row obs(long seq, String object, String type, String title, Double max, Instant due, Instant seen) {
        return ParsedRecords.observation(seq, new ObjectObservation("C1", object, type, "C1/module/w01", title, max,
                due, null, "t", seen));
    }

    @Test
    void keepsOneRowPerObjectWithTheLatestNonNullValues() {
        ObservationCombiner c = new ObservationCombiner();
        // newer first: file order is not time order
        c.add(obs(5, "C1/quiz/w01", "assessment", null, 4.0, null, T2));
        c.add(obs(1, "C1/quiz/w01", "activity", "Quiz 1", 5.0, T1, T1));
        c.add(obs(2, "C1/page/p1", "page", "Page", null, null, T1));
        List<Row> rows = c.rows();
        assertThat(rows).hasSize(2);
        Row quiz = rows.get(0).getStruct(5);
        assertThat(rows.get(0).getString(0)).isEqualTo(ParsedRecords.OBSERVATION);
        assertThat(rows.get(0).getLong(1)).isEqualTo(5L);
        assertThat(quiz.getString(1)).isEqualTo("C1/quiz/w01");
        assertThat(quiz.getString(2)).as("type of the latest observation").isEqualTo("assessment");
        assertThat(quiz.getString(4)).as("latest non-null title").isEqualTo("Quiz 1");
        assertThat(quiz.getDouble(5)).as("maximum of max_score").isEqualTo(5.0);
        assertThat(quiz.getTimestamp(6)).isEqualTo(Timestamp.from(T1));
        assertThat(quiz.getTimestamp(9)).as("last_seen").isEqualTo(Timestamp.from(T2));
        assertThat(rows.get(1).getStruct(5).getString(1)).isEqualTo("C1/page/p1");
    }
}
