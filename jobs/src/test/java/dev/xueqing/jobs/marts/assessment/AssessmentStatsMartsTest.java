package dev.xueqing.jobs.marts.assessment;

import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.MartTestData;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
import static dev.xueqing.jobs.marts.MartTestData.ev;
import static dev.xueqing.jobs.marts.MartTestData.events;
import static dev.xueqing.jobs.marts.MartTestData.inputs;
import static dev.xueqing.jobs.marts.MartTestData.items;
import static dev.xueqing.jobs.marts.MartTestData.learners;
import static dev.xueqing.jobs.marts.MartTestData.requireExpectations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The item statistics and reliability marts on the hand-computed quiz of ItemStatisticsTest (6 learners × 3
 * questions of quiz A, alpha 15/32), answered through events: retries after the first answer are ignored, a
 * question answered by 5 learners only gets no statistics, and the flags follow the default thresholds.
 */
class AssessmentStatsMartsTest extends SparkTestBase {
    static final int[][] X = {{1, 1, 1}, {1, 1, 0}, {1, 0, 0}, {1, 1, 0}, {0, 0, 0}, {1, 0, 1}};

    @Test
    void firstAnswersGiveTheHandComputedStatisticsAndFlags() {
        List<MartTestData.Ev> evs = new ArrayList<>();
        String[] ls = new String[6];
        for (int l = 0; l < 6; l++) {
            ls[l] = "L" + (l + 1);
            for (int i = 0; i < 3; i++) {
                evs.add(ev(ls[l], "C", "2026-11-10 10:0" + i).action("answered").object("q" + (i + 1), "question")
                        .parent("A").score(X[l][i]).response(i == 0 ? (X[l][i] == 1 ? "b" : "a") : null));
            }
            if (l < 5) {
                evs.add(ev(ls[l], "C", "2026-11-10 11:00").action("answered").object("q-few", "question")
                        .parent("B").score(1));
            }
        }
        // L5 retries q1 and gets it right: not counted
        evs.add(ev("L5", "C", "2026-11-12 09:00").action("answered").object("q1", "question").parent("A").score(1)
                .response("b"));
        MartInputs in = inputs(events(evs), learners(ls), courses(course("C", "2026-11-01", "2026-12-31")),
                enrollments(), items());

        Dataset<Row> stats = new AssessmentItemStatsMart().transform(in, context(LocalDate.of(2026, 11, 30)));
        requireExpectations(AssessmentItemStatsMart.SPEC, stats, in);
        Map<String, Row> s = byKey(stats, "course_id", "item_id");
        assertThat(s.keySet()).containsExactlyInAnyOrder("C|q1", "C|q2", "C|q3", "C|q-few");
        Row q1 = s.get("C|q1");
        assertThat(q1.<Double>getAs("facility")).isCloseTo(5 / 6.0, within(1e-12));
        assertThat(q1.<Double>getAs("discrimination")).isCloseTo(0.5423261445, within(1e-9));
        assertThat(scala.jdk.javaapi.CollectionConverters.asJava(q1.<scala.collection.Map<String, Double>>getAs(
                "option_shares"))).containsEntry("b", 5 / 6.0).containsEntry("a", 1 / 6.0);
        // q1 facility 0.83 is within [0.2, 0.9], discrimination 0.54 >= 0.2: no flag
        assertThat(q1.<Integer>getAs("flag_count")).isZero();
        // q3: discrimination 0.158 < 0.2
        assertThat(s.get("C|q3").<scala.collection.Seq<String>>getAs("flags").toList().mkString(","))
                .isEqualTo("low_discrimination");
        Row few = s.get("C|q-few");
        assertThat(few.isNullAt(few.fieldIndex("facility"))).isTrue();
        assertThat(few.<scala.collection.Seq<String>>getAs("flags").toList().mkString(",")).isEqualTo("too_few_responses");

        Dataset<Row> rel = new AssessmentReliabilityMart().transform(in, context(LocalDate.of(2026, 11, 30)));
        requireExpectations(AssessmentReliabilityMart.SPEC, rel, in);
        Map<String, Row> r = byKey(rel, "course_id", "assessment_id");
        Row a = r.get("C|A");
        assertThat(a.<Long>getAs("learners")).isEqualTo(6L);
        assertThat(a.<Double>getAs("alpha")).isCloseTo(15 / 32.0, within(1e-12));
        assertThat(a.<String>getAs("method")).isEqualTo("kr20");
        assertThat(a.<scala.collection.Seq<String>>getAs("flags").toList().mkString(",")).isEqualTo("low_reliability");
        Row b = r.get("C|B");
        assertThat(b.isNullAt(b.fieldIndex("alpha"))).isTrue();
        assertThat(b.<scala.collection.Seq<String>>getAs("flags").toList().mkString(","))
                .isEqualTo("too_few_learners,single_item");
    }
}
