package dev.xueqing.jobs.marts.index;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.MartTestData.Ev;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.xueqing.jobs.marts.MartTestData.byKey;
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

/**
 * The three index marts on hand-computed courses, as of Mon 2026-11-30, k = 3, no rounding, indicators
 * participation, regularity and achievement, min-max / equal / arithmetic, unit types tenant and course, months.
 * Every course runs Mon 11-02 .. Sun 11-29 (4 ISO weeks), every learner enrolled 11-01.
 * <pre>
 * C1  a1 active in weeks 1-4, score .9; a2 week 1, score .5; a3 never      participation 2/3, regularity 1.25/3, achievement .7
 * C2  b1, b2, b3 active in weeks 1 and 2, score .6 each                      participation 1, regularity .5, achievement .6
 * C4  d1, d2, d3 never active, no score                                      participation 0, regularity 0, achievement none
 * C3  c1, c2; C5  e1, e2: 2 learners each, fewer than k: suppressed, not part of the construction
 * min-max over C1, C2, C4: participation (.6667, 1, 0), regularity (.8333, 1, 0), achievement (1, 0, -)
 * index: C1 (2/3 + 5/6 + 1) / 3 = 83.33; C2 (1 + 1 + 0) / 3 = 66.67; C4 (0 + 0) / 2 = 0 (one of three missing)
 * </pre>
 */
class LearningIndexMartTest extends SparkTestBase {
    private static final XueqingConfig CONFIG = ConfigLoader.load(null, List.of(
            "xueqing.disclosure.min-learners=3", "xueqing.disclosure.round-to=1",
            "xueqing.disclosure.min-share-denominator=0",
            "xueqing.index.units=[tenant, course]", "xueqing.index.periods=[month]",
            "xueqing.index.indicators=[participation, regularity, achievement]"), Map.of());
    private static final MartContext CTX = new MartContext(LocalDate.of(2026, 11, 30), CONFIG);
    private static final String[] MONDAYS = {"2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"};
    private static Map<String, Row> index;
    private static Map<String, Row> sensitivity;
    private static Map<String, Row> diagnostics;

    private static void activeWeeks(List<Ev> evs, String learner, String course, int weeks) {
        for (int w = 0; w < weeks; w++) {
            evs.add(ev(learner, course, MONDAYS[w] + " 10:00"));
        }
    }

    private static Ev score(String learner, String course, double s) {
        return ev(learner, course, "2026-11-03 10:00").action("scored").object("q-" + course, "quiz").score(s);
    }

    @BeforeAll
    static void build() {
        List<Ev> evs = new ArrayList<>();
        activeWeeks(evs, "a1", "C1", 4);
        activeWeeks(evs, "a2", "C1", 1);
        evs.add(score("a1", "C1", 0.9));
        evs.add(score("a2", "C1", 0.5));
        for (String b : List.of("b1", "b2", "b3")) {
            activeWeeks(evs, b, "C2", 2);
            evs.add(score(b, "C2", 0.6));
        }
        for (String c : List.of("c1", "c2")) {
            activeWeeks(evs, c, "C3", 1);
        }
        for (String e : List.of("e1", "e2")) {
            activeWeeks(evs, e, "C5", 3);
        }
        List<Row> enrolments = new ArrayList<>();
        Map<String, List<String>> members = Map.of("C1", List.of("a1", "a2", "a3"), "C2", List.of("b1", "b2", "b3"),
                "C3", List.of("c1", "c2"), "C4", List.of("d1", "d2", "d3"), "C5", List.of("e1", "e2"));
        List<String> keys = new ArrayList<>();
        members.forEach((c, ls) -> ls.forEach(l -> {
            enrolments.add(enrolment(l, c, null, "2026-11-01 09:00", null, null));
            keys.add(l);
        }));
        List<Row> courseRows = new ArrayList<>();
        List<Row> itemRows = new ArrayList<>();
        for (String c : members.keySet()) {
            courseRows.add(course(c, "2026-11-02", "2026-11-29"));
            itemRows.add(item(c, "q-" + c, "quiz", null));
        }
        MartInputs in = inputs(events(evs), learners(keys.toArray(String[]::new)),
                courses(courseRows.toArray(Row[]::new)), enrollments(enrolments.toArray(Row[]::new)),
                items(itemRows.toArray(Row[]::new)));
        Dataset<Row> ix = new LearningIndexMart().transform(in, CTX).cache();
        requireExpectations(LearningIndexMart.SPEC, ix, in);
        index = byKey(ix, "unit_type", "unit", "period");
        Dataset<Row> s = new LearningIndexSensitivityMart().transform(in, CTX).cache();
        requireExpectations(LearningIndexSensitivityMart.SPEC, s, in);
        sensitivity = byKey(s, "unit_type", "unit", "period");
        Dataset<Row> d = new LearningIndexDiagnosticsMart().transform(in, CTX).cache();
        requireExpectations(LearningIndexDiagnosticsMart.SPEC, d, in);
        diagnostics = byKey(d, "unit_type", "period");
    }

    private static double value(String unit, String column) {
        Row r = index.get("course|" + unit + "|2026-11");
        return ((Number) r.getAs(column)).doubleValue();
    }

    @Test
    void indicatorsPerCourse() {
        assertThat(value("C1", "participation")).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(value("C1", "regularity")).isCloseTo(1.25 / 3, within(1e-9));
        assertThat(value("C1", "achievement")).isCloseTo(0.7, within(1e-9));
        assertThat(value("C2", "participation")).isCloseTo(1, within(1e-9));
        assertThat(value("C2", "regularity")).isCloseTo(0.5, within(1e-9));
        assertThat(value("C4", "participation")).isEqualTo(0);
        assertThat(index.get("course|C4|2026-11").<Object>getAs("achievement")).isNull();
        assertThat(index.get("course|C1|2026-11").<Object>getAs("persistence")).isNull(); // not configured
        assertThat(index.get("course|C1|2026-11").getLong(index.get("course|C1|2026-11").fieldIndex("learners")))
                .isEqualTo(3);
    }

    @Test
    void indexRanksAndIntervals() {
        assertThat(value("C1", "learning_index")).isCloseTo(83.33, within(0.005));
        assertThat(value("C2", "learning_index")).isCloseTo(66.67, within(0.005));
        assertThat(value("C4", "learning_index")).isEqualTo(0);
        assertThat(value("C1", "rank")).isEqualTo(1);
        assertThat(value("C2", "rank")).isEqualTo(2);
        assertThat(value("C4", "rank")).isEqualTo(3);
        assertThat(value("C1", "participation_norm")).isCloseTo(66.67, within(0.005));
        for (String c : List.of("C1", "C2", "C4")) {
            Row s = sensitivity.get("course|" + c + "|2026-11");
            assertThat(s.getList(s.fieldIndex("ranks"))).hasSize(18);
            int p05 = s.getInt(s.fieldIndex("rank_p05"));
            int p95 = s.getInt(s.fieldIndex("rank_p95"));
            assertThat(value(c, "rank")).isBetween((double) p05, (double) p95);
            assertThat(value(c, "rank_low")).isEqualTo(p05);
        }
        assertThat(index.get("course|C1|2026-11").<String>getAs("method")).isEqualTo("min-max/equal/arithmetic");
    }

    @Test
    void unitsBelowKAreSuppressedAndLeftOutOfTheConstruction() {
        for (String c : List.of("C3", "C5")) {
            Row r = index.get("course|" + c + "|2026-11");
            assertThat(r.<Boolean>getAs("suppressed")).isTrue();
            assertThat(r.<String>getAs("suppression_rule")).isEqualTo("min-learners");
            assertThat(r.<Object>getAs("learners")).isNull();
            assertThat(r.<Object>getAs("participation")).isNull();
            assertThat(r.<Object>getAs("learning_index")).isNull();
            assertThat(sensitivity).doesNotContainKey("course|" + c + "|2026-11");
        }
        assertThat(index.get("course|C1|2026-11").<Boolean>getAs("suppressed")).isFalse();
        Row tenant = index.get("tenant|t1|2026-11");
        assertThat(tenant.getLong(tenant.fieldIndex("learners"))).isEqualTo(13);
        assertThat(tenant.<Double>getAs("learning_index")).isEqualTo(50.0); // one unit: no spread
    }

    @Test
    void diagnostics() {
        Row d = diagnostics.get("course|2026-11");
        assertThat(d.<Integer>getAs("units")).isEqualTo(5);
        assertThat(d.<Integer>getAs("units_constructed")).isEqualTo(3);
        assertThat(d.<Integer>getAs("units_indexed")).isEqualTo(3);
        assertThat(d.<Integer>getAs("units_suppressed")).isEqualTo(2);
        // achievement is missing for C4 (indexed: one of three missing): coherence over participation and regularity
        assertThat(d.getList(d.fieldIndex("coherence_indicators"))).containsExactly("participation", "regularity");
        assertThat(d.<Integer>getAs("complete_units")).isEqualTo(3);
        assertThat(d.getList(d.fieldIndex("indicators_used")))
                .containsExactly("participation", "regularity", "achievement");
        assertThat(d.getList(d.fieldIndex("correlations"))).hasSize(3);
        assertThat(d.<String>getAs("disclosure_rules")).isNotBlank();
    }
}
