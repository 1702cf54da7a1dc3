package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
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
import static dev.xueqing.jobs.marts.MartTestData.items;
import static dev.xueqing.jobs.marts.MartTestData.learners;
import static dev.xueqing.jobs.marts.MartTestData.requireExpectations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * As of Wed 2026-11-25 (week of Mon 11-23). Course C.
 * Cohort 11-09: u1 (enrolled Tue 11-10), u2 (Thu 11-12), u3 (Sun 11-15, still the week of 11-09) -> size 3.
 * Cohort 11-16: u4 (Wed 11-18) -> size 1. u5 enrolled 11-26, after asOf: in no cohort.
 * Activity: u1 11-10, 11-17, 11-24; u2 11-11, 11-25; u3 only an enrolled event 11-15, then 11-18; u4 11-18 (and 11-26,
 * after asOf).
 * Cohort 11-09: k0 (11-09) u1, u2 = 2 -> 2/3; k1 (11-16) u1, u3 = 2 -> 2/3; k2 (11-23) u1, u2 = 2 -> 2/3.
 * Cohort 11-16: k0 (11-16) u4 = 1 -> 1.0; k1 (11-23) nobody -> 0.0. k stops at the week containing asOf.
 */
class CohortRetentionMartTest extends SparkTestBase {
    private static MartInputs in;

    @BeforeAll
    static void build() {
        in = inputs(events(List.of(
                        ev("u1", "C", "2026-11-10 10:00"), ev("u1", "C", "2026-11-17 10:00"), ev("u1", "C", "2026-11-24 10:00"),
                        ev("u2", "C", "2026-11-11 10:00"), ev("u2", "C", "2026-11-25 22:00"),
                        ev("u3", "C", "2026-11-15 10:00").action("enrolled").object("C", "course"),
                        ev("u3", "C", "2026-11-18 10:00"),
                        ev("u4", "C", "2026-11-18 10:00"), ev("u4", "C", "2026-11-26 10:00"))),
                learners("u1", "u2", "u3", "u4", "u5"),
                courses(course("C", "2026-11-01", "2026-12-31")),
                enrollments(
                        enrolment("u1", "C", null, "2026-11-10 09:00", null, null),
                        enrolment("u2", "C", null, "2026-11-12 09:00", null, null),
                        enrolment("u3", "C", null, "2026-11-15 10:00", null, null),
                        enrolment("u4", "C", null, "2026-11-18 09:00", null, null),
                        enrolment("u5", "C", null, "2026-11-26 09:00", null, null)),
                items());
    }

    @Test
    void retentionByWeekSinceEnrolment() {
        Dataset<Row> out = new CohortRetentionMart().transform(in, context(LocalDate.of(2026, 11, 25)));
        requireExpectations(CohortRetentionMart.SPEC, out, in);
        Map<String, Row> rows = byKey(out, "enrolment_week", "weeks_since_enrolment");
        assertThat(rows.keySet()).containsExactlyInAnyOrder(
                "2026-11-09|0", "2026-11-09|1", "2026-11-09|2", "2026-11-16|0", "2026-11-16|1");
        for (int k = 0; k <= 2; k++) {
            Row r = rows.get("2026-11-09|" + k);
            assertThat(r.<Long>getAs("cohort_size")).isEqualTo(3L);
            assertThat(r.<Long>getAs("retained")).isEqualTo(2L);
            assertThat(r.<Double>getAs("retention_rate")).isCloseTo(2.0 / 3, within(1e-9));
        }
        assertThat(rows.get("2026-11-09|2").getDate(rows.get("2026-11-09|2").fieldIndex("week_start")).toString())
                .isEqualTo("2026-11-23");
        assertThat(rows.get("2026-11-16|0").<Long>getAs("retained")).isEqualTo(1L);
        assertThat(rows.get("2026-11-16|0").<Double>getAs("retention_rate")).isEqualTo(1.0);
        assertThat(rows.get("2026-11-16|1").<Long>getAs("retained")).isZero();
        assertThat(rows.get("2026-11-16|1").<Double>getAs("retention_rate")).isEqualTo(0.0);
    }

    @Test
    void weeksAreCappedAtMaxWeeks() {
        // retention.max-weeks = 1: cohort 11-09 keeps k = 0, 1 only.
        MartContext ctx = new MartContext(LocalDate.of(2026, 11, 25),
                ConfigLoader.load(null, List.of("retention.max-weeks=1"), Map.of()));
        Dataset<Row> out = new CohortRetentionMart().transform(in, ctx);
        assertThat(byKey(out, "enrolment_week", "weeks_since_enrolment").keySet()).containsExactlyInAnyOrder(
                "2026-11-09|0", "2026-11-09|1", "2026-11-16|0", "2026-11-16|1");
    }
}
