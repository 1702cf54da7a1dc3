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

class RaschMartsTest extends SparkTestBase {
    /**
     * 8 learners l0..l7 answer q-easy, q-mid and q-hard of course C (first answers, at 10:00 + item); learner li
     * answers q-easy right unless i = 0, q-mid right when i >= 3, q-hard right when i >= 6 (a Guttman pattern with
     * one exception: l7 misses q-easy on a later retry, which must not count). q-rare is answered by 5 learners
     * only: not in the scale.
     */
    @Test
    void difficultiesOrderTheItemsAbilitiesOrderTheLearnersAndOnlyFirstAnswersCount() {
        List<MartTestData.Ev> evs = new ArrayList<>();
        String[] learners = new String[8];
        for (int i = 0; i < 8; i++) {
            String l = "l" + i;
            learners[i] = l;
            evs.add(ev(l, "C", "2026-11-10 10:00").action("answered").object("q-easy", "question").score(i == 0 ? 0 : 1));
            evs.add(ev(l, "C", "2026-11-10 10:01").action("answered").object("q-mid", "question").score(i >= 3 ? 1 : 0));
            evs.add(ev(l, "C", "2026-11-10 10:02").action("answered").object("q-hard", "question").score(i >= 6 ? 1 : 0));
            if (i < 5) {
                evs.add(ev(l, "C", "2026-11-10 10:03").action("answered").object("q-rare", "question").score(1));
            }
        }
        evs.add(ev("l7", "C", "2026-11-11 09:00").action("answered").object("q-easy", "question").score(0));
        Dataset<Row> e = events(evs);
        MartInputs in = inputs(e, learners(learners), courses(course("C", "2026-11-01", "2026-12-31")),
                enrollments(), items());

        Dataset<Row> itemsOut = new AssessmentItemDifficultyMart().transform(in, context(LocalDate.of(2026, 11, 30)));
        requireExpectations(AssessmentItemDifficultyMart.SPEC, itemsOut, in);
        Map<String, Row> it = byKey(itemsOut, "course_id", "item_id");
        assertThat(it.keySet()).containsExactlyInAnyOrder("C|q-easy", "C|q-mid", "C|q-hard");
        assertThat(it.get("C|q-easy").<Long>getAs("responses")).isEqualTo(8L);
        assertThat(it.get("C|q-easy").<Double>getAs("correct_share")).isEqualTo(7 / 8.0); // l7's retry ignored
        double easy = it.get("C|q-easy").getAs("difficulty");
        double mid = it.get("C|q-mid").getAs("difficulty");
        double hard = it.get("C|q-hard").getAs("difficulty");
        assertThat(easy).isLessThan(mid);
        assertThat(mid).isLessThan(hard);
        assertThat(easy + mid + hard).isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-9));

        Dataset<Row> abilities = new LearnerAbilityMart().transform(in, context(LocalDate.of(2026, 11, 30)));
        requireExpectations(LearnerAbilityMart.SPEC, abilities, in);
        Map<String, Row> ab = byKey(abilities, "learner_key", "course_id");
        assertThat(ab).hasSize(8);
        assertThat(ab.get("l7|C").<Double>getAs("correct")).isEqualTo(3.0);
        // same raw score, same ability; more correct answers, higher ability
        assertThat(ab.get("l1|C").<Double>getAs("ability")).isCloseTo(ab.get("l2|C").<Double>getAs("ability"),
                org.assertj.core.api.Assertions.within(1e-4));
        assertThat(ab.get("l0|C").<Double>getAs("ability")).isLessThan(ab.get("l1|C").getAs("ability"));
        assertThat(ab.get("l2|C").<Double>getAs("ability")).isLessThan(ab.get("l3|C").getAs("ability"));
        assertThat(ab.get("l5|C").<Double>getAs("ability")).isLessThan(ab.get("l6|C").getAs("ability"));
    }

    @Test
    void misfitRangeWidensOnSmallSamples() {
        // infit, outfit, responses -> misfit; tolerances max(0.3, 2/sqrt n) and max(0.3, 6/sqrt n)
        Object[][] cases = {
                {1.35, 1.0, 25L, false}, // infit tolerance 0.4 at n = 25
                {1.45, 1.0, 25L, true},
                {1.35, 1.0, 400L, true}, // 2/sqrt(400) = 0.1: the 0.3 floor
                {0.65, 1.0, 1000L, true},
                {1.0, 2.1, 25L, false}, // outfit tolerance 1.2 at n = 25
                {1.0, 2.3, 25L, true},
                {1.0, 1.35, 400L, true},
                {1.2, 1.2, 400L, false}};
        List<Row> rows = new ArrayList<>();
        for (Object[] c : cases) {
            rows.add(org.apache.spark.sql.RowFactory.create(c[0], c[1], c[2]));
        }
        var schema = new org.apache.spark.sql.types.StructType()
                .add("infit", "double").add("outfit", "double").add("n", "long");
        List<Row> out = spark().createDataFrame(rows, schema)
                .select(RaschResponses.misfit(org.apache.spark.sql.functions.col("infit"),
                        org.apache.spark.sql.functions.col("outfit"), org.apache.spark.sql.functions.col("n")))
                .collectAsList();
        for (int k = 0; k < cases.length; k++) {
            assertThat(out.get(k).getBoolean(0)).as("case %d", k).isEqualTo(cases[k][3]);
        }
    }
}
