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

    static Row skilled(long seq, String object, Instant seen, List<String> skills) {
        return ParsedRecords.observation(seq, new ObjectObservation("C1", object, "question", null, null, null,
                null, null, "t", seen, skills));
    }

    @Test
    void skillsAreTheLatestListGivenWhole() {
        ObservationCombiner c = new ObservationCombiner();
        // q1: the later list replaces the earlier one (not merged); q2: a later record silent on skills keeps them
        c.add(skilled(1, "q1", T2, List.of("b")));
        c.add(skilled(2, "q1", T1, List.of("a", "c")));
        c.add(skilled(3, "q2", T1, List.of("a")));
        c.add(skilled(4, "q2", T2, null));
        c.add(skilled(5, "q3", T1, null));
        List<Row> rows = c.rows();
        // the combined rows hold the arrays the observations were made with (the encoder turns them into array<string>)
        assertThat(rows.get(0).getStruct(5).get(10)).isEqualTo(new String[] {"b"});
        assertThat(rows.get(1).getStruct(5).get(10)).isEqualTo(new String[] {"a"});
        assertThat(rows.get(1).getStruct(5).getTimestamp(9)).isEqualTo(Timestamp.from(T2));
        assertThat(rows.get(2).getStruct(5).isNullAt(10)).isTrue();
    }
}
