package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.MartTestData.Ev;
import dev.xueqing.jobs.marts.quality.CourseQualitySummaryMart;
import dev.xueqing.jobs.ml.SegmentLabels;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.xueqing.jobs.marts.MartTestData.byKey;
import static dev.xueqing.jobs.marts.MartTestData.context;
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
 * Three clearly separated groups of 8 learners in course C (2026-09-01 .. 12-31), as of 2026-11-30 (window
 * 09-01 .. 11-30 = 91 days for everyone, all enrolled 09-01). Content p1..p6; assignments a1, a2, a3 due 09-15,
 * 10-15, 11-15 at 23:59.
 * <ul>
 *   <li>s0..s7 "steady and strong": active every 3rd day from 09-01 to 11-27 (30 days), two views 20 + i minutes
 *       apart each day, every page, each assignment 5 days early with score 0.85 + i/100;</li>
 *   <li>d0..d7 "disengaged": one view of p1 on 09-02, nothing else;</li>
 *   <li>m0..m7 "last-minute": one view on 09-03, then active only 2 days before, 1 day before and on each due day,
 *       submitting on the due day at 20:00 with score 0.55 + i/100.</li>
 * </ul>
 * Hand-computed for d0: active_days_share 1/91, start_delay 1, days_since_last_activity 11-30 − 09-02 = 89,
 * last_minute_share 0, on_time_share 0/3, mean_score 0. For m0: 10 active days, 9 of them at most 2 days before a
 * due day → last_minute_share 0.9; on_time_share 3/3; start_delay 2; days_since_last_activity 11-30 − 11-15 = 15.
 * The window has 9 last-minute days (3 due days and the 2 days before each) of 91, and 13 weeks (7-day blocks from
 * 09-01): m0's active days fall in blocks 0, 1, 2, 6 and 10 (5/13), 7 of them in the first half of the window
 * (offsets below 45.5) and 3 in the second; d0's one day is in block 0, first half. Timing is shrunk by evidence
 * n / (n + 3): m0 has n = 10 (trend (3 − 7) / 13), d0 n = 1 (trend −1 / 4). Thirds of the window: offsets 0..30
 * (offset · 3 &lt; 91) and 61..90 (offset · 3 ≥ 182); m0's offsets are 2, 12–14, 42–44 and 73–75, so 4 days in the
 * first third and 3 in the last (early 4 / 13, late 3 / 13); d0's offset 1 is in the first (early 1 / 4).
 */
class LearnerSegmentsMartTest extends SparkTestBase {
    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 30);
    private static final String[] DUE = {"2026-09-15", "2026-10-15", "2026-11-15"};
    private static MartInputs in;
    private static Dataset<Row> out;

    static MartInputs buildInputs() {
        List<Ev> evs = new ArrayList<>();
        List<Row> enrols = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String s = "s" + i;
            String d = "d" + i;
            String m = "m" + i;
            for (String l : List.of(s, d, m)) {
                keys.add(l);
                enrols.add(enrolment(l, "C", i < 4 ? "K1" : "K2", "2026-09-01 08:00", null, null));
            }
            LocalDate day = LocalDate.of(2026, 9, 1);
            int n = 0;
            while (!day.isAfter(LocalDate.of(2026, 11, 28))) {
                String page = "p" + (n % 6 + 1);
                evs.add(ev(s, "C", day + " 19:00").object(page, "page"));
                evs.add(ev(s, "C", day + " 19:" + (20 + i)).object(page, "page"));
                day = day.plusDays(3);
                n++;
            }
            for (int a = 0; a < 3; a++) {
                String early = LocalDate.parse(DUE[a]).minusDays(5) + " 10:00";
                evs.add(ev(s, "C", early).action("submitted").object("a" + (a + 1), "assignment").score(0.85 + i / 100.0));
            }
            evs.add(ev(d, "C", "2026-09-02 10:" + (10 + i)).object("p1", "page"));
            evs.add(ev(m, "C", "2026-09-03 10:00").object("p1", "page"));
            for (int a = 0; a < 3; a++) {
                LocalDate due = LocalDate.parse(DUE[a]);
                evs.add(ev(m, "C", due.minusDays(2) + " 21:00").object("p" + (2 * a + 1), "page"));
                evs.add(ev(m, "C", due.minusDays(1) + " 21:00").object("p" + (2 * a + 2), "page"));
                evs.add(ev(m, "C", due + " 20:00").action("submitted").object("a" + (a + 1), "assignment")
                        .score(0.55 + i / 100.0));
            }
        }
        List<Row> itemRows = new ArrayList<>();
        for (int p = 1; p <= 6; p++) {
            itemRows.add(item("C", "p" + p, "page", null));
        }
        for (int a = 0; a < 3; a++) {
            itemRows.add(item("C", "a" + (a + 1), "assignment", DUE[a] + " 23:59"));
        }
        return inputs(events(evs), learners(keys.toArray(String[]::new)),
                courses(course("C", "2026-09-01", "2026-12-31")), enrollments(enrols.toArray(Row[]::new)),
                items(itemRows.toArray(Row[]::new)));
    }

    @BeforeAll
    static void build() {
        in = buildInputs();
        out = new LearnerSegmentsMart().transform(in, context(AS_OF)).cache();
    }

    @Test
    void findsTheThreeGroupsWithTheirLabels() {
        requireExpectations(LearnerSegmentsMart.SPEC, out, in);
        List<Row> rows = out.collectAsList();
        assertThat(rows).hasSize(24);
        assertThat(rows).allSatisfy(r -> assertThat(r.<Integer>getAs("k")).isEqualTo(3));
        assertThat(rows.get(0).<Double>getAs("silhouette")).isGreaterThan(0.7);
        Map<String, String> expected = Map.of("s", SegmentLabels.STEADY, "d", SegmentLabels.DISENGAGED,
                "m", SegmentLabels.LAST_MINUTE);
        Map<String, Set<Integer>> idsByGroup = new TreeMap<>();
        for (Row r : rows) {
            String group = r.<String>getAs("learner_key").substring(0, 1);
            idsByGroup.computeIfAbsent(group, g -> new HashSet<>()).add(r.getAs("segment_id"));
            assertThat(r.<String>getAs("segment_label")).as(r.<String>getAs("learner_key")).isEqualTo(expected.get(group));
        }
        assertThat(idsByGroup.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        assertThat(new HashSet<>(idsByGroup.values())).hasSize(3);
    }

    @Test
    void featuresMatchTheHandComputedValues() {
        Map<String, Row> byLearner = byKey(out, "learner_key");
        Row d0 = byLearner.get("d0");
        assertThat(d0.<Integer>getAs("days_in_window")).isEqualTo(91);
        assertThat(d0.<Double>getAs("active_days_share")).isCloseTo(1 / 91.0, within(1e-12));
        assertThat(d0.<Integer>getAs("start_delay_days")).isEqualTo(1);
        assertThat(d0.<Integer>getAs("days_since_last_activity")).isEqualTo(89);
        assertThat(d0.<Double>getAs("last_minute_share")).isEqualTo(0.0);
        assertThat(d0.<Double>getAs("on_time_share")).isEqualTo(0.0);
        assertThat(d0.<Double>getAs("mean_score")).isEqualTo(0.0);
        Row m0 = byLearner.get("m0");
        assertThat(m0.<Double>getAs("active_days_share")).isCloseTo(10 / 91.0, within(1e-12));
        assertThat(m0.<Double>getAs("last_minute_share")).isCloseTo(0.9, within(1e-12));
        assertThat(m0.<Double>getAs("on_time_share")).isEqualTo(1.0);
        assertThat(m0.<Integer>getAs("start_delay_days")).isEqualTo(2);
        assertThat(m0.<Integer>getAs("days_since_last_activity")).isEqualTo(15);
        assertThat(m0.<Double>getAs("mean_score")).isCloseTo(0.55, within(1e-12));
        // the scale-free shape features the model sees
        assertThat(m0.<Double>getAs("active_weeks_share")).isCloseTo(5 / 13.0, within(1e-12));
        assertThat(m0.<Double>getAs("activity_trend")).isCloseTo(-4 / 13.0, within(1e-12));
        assertThat(m0.<Double>getAs("start_delay_share")).isCloseTo(2 / 91.0 * 10 / 13 + 3 / 13.0, within(1e-12));
        assertThat(m0.<Double>getAs("inactive_tail_share")).isCloseTo(15 / 91.0 * 10 / 13 + 3 / 13.0, within(1e-12));
        assertThat(m0.<Double>getAs("last_minute_excess")).isCloseTo((0.9 - 9 / 91.0) * 10 / 13, within(1e-12));
        assertThat(d0.<Double>getAs("active_weeks_share")).isCloseTo(1 / 13.0, within(1e-12));
        assertThat(d0.<Double>getAs("activity_trend")).isCloseTo(-0.25, within(1e-12));
        assertThat(d0.<Double>getAs("inactive_tail_share")).isCloseTo(89 / 91.0 / 4 + 0.75, within(1e-12));
        assertThat(d0.<Double>getAs("last_minute_excess")).isCloseTo(-9 / 91.0 / 4, within(1e-12));
        assertThat(m0.<Double>getAs("early_activity_share")).isCloseTo(4 / 13.0, within(1e-12));
        assertThat(m0.<Double>getAs("late_activity_share")).isCloseTo(3 / 13.0, within(1e-12));
        assertThat(d0.<Double>getAs("early_activity_share")).isCloseTo(0.25, within(1e-12));
        assertThat(d0.<Double>getAs("late_activity_share")).isEqualTo(0.0);
        // d and m have no active minutes (single events a day), the course median is 0: ln(1 + minutes) for s1
        assertThat(d0.<Double>getAs("relative_activity")).isEqualTo(0.0);
        assertThat(byLearner.get("s1").<Double>getAs("relative_activity")).isCloseTo(Math.log1p(30 * 21.0),
                within(1e-9));
        Row s1 = byLearner.get("s1");
        assertThat(s1.<Integer>getAs("start_delay_days")).isEqualTo(0);
        assertThat(s1.<Double>getAs("content_coverage")).isEqualTo(1.0);
        // 30 viewing days plus the submission day 11-10 (09-10 and 10-10 are viewing days too)
        assertThat(s1.<Double>getAs("active_days_share")).isCloseTo(31 / 91.0, within(1e-12));
        assertThat(s1.<Double>getAs("active_minutes")).isCloseTo(30 * 21.0, within(1e-9));
        assertThat(s1.<Integer>getAs("days_since_last_activity")).isEqualTo(3);
        // standardized: the z values of each feature have mean 0 over the rows
        double sum = out.collectAsList().stream().mapToDouble(r -> r.<Double>getAs("z_mean_score")).sum();
        assertThat(sum).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void aNeverActiveLearnerHasTheWholeWindowAsDelayAndInactivity() {
        // course E 2026-10-01 .. 11-20 (ended before asOf 11-30): window 10-05 (enrolment) .. 11-20 = 47 days
        MartInputs tiny = inputs(events(List.of(ev("x1", "E", "2026-10-07 10:00").object("p1", "page"))),
                learners("x1", "x2"), courses(course("E", "2026-10-01", "2026-11-20")),
                enrollments(enrolment("x1", "E", null, "2026-10-05 08:00", null, null),
                        enrolment("x2", "E", null, "2026-10-05 08:00", null, null)),
                items(item("E", "p1", "page", null), item("E", "p2", "page", null)));
        Map<String, Row> f = byKey(LearnerSegments.features(tiny, context(AS_OF)), "learner_key");
        Row never = f.get("x2");
        assertThat(never.<Integer>getAs("days_in_window")).isEqualTo(47);
        assertThat(never.<Integer>getAs("start_delay_days")).isEqualTo(47);
        assertThat(never.<Integer>getAs("days_since_last_activity")).isEqualTo(47);
        assertThat(never.<Double>getAs("active_days_share")).isEqualTo(0.0);
        assertThat(never.<Double>getAs("last_minute_share")).isEqualTo(0.0);
        assertThat(never.<Double>getAs("start_delay_share")).isEqualTo(1.0);
        assertThat(never.<Double>getAs("inactive_tail_share")).isEqualTo(1.0);
        assertThat(never.<Double>getAs("active_weeks_share")).isEqualTo(0.0);
        assertThat(never.<Double>getAs("activity_trend")).isEqualTo(0.0);
        assertThat(never.<Double>getAs("last_minute_excess")).isEqualTo(0.0);
        assertThat(never.<Double>getAs("early_activity_share")).isEqualTo(0.0);
        assertThat(never.<Double>getAs("late_activity_share")).isEqualTo(0.0);
        // nothing due in course E: no on-time share (described, not a model feature)
        assertThat(never.isNullAt(never.fieldIndex("on_time_share"))).isTrue();
        Row once = f.get("x1");
        assertThat(once.<Integer>getAs("start_delay_days")).isEqualTo(2);
        assertThat(once.<Integer>getAs("days_since_last_activity")).isEqualTo(44);   // 11-20 − 10-07
        assertThat(once.<Double>getAs("content_coverage")).isEqualTo(0.5);
    }

    @Test
    void rerunsGiveIdenticalAssignments() {
        Dataset<Row> again = new LearnerSegmentsMart().transform(buildInputs(), context(AS_OF));
        assertThat(assignments(again)).isEqualTo(assignments(out));
    }

    @Test
    void courseQualitySummaryShowsTheMixFromTheSameSegmentation() {
        Dataset<Row> q = new CourseQualitySummaryMart().transform(in, context(AS_OF));
        requireExpectations(CourseQualitySummaryMart.SPEC, q, in);
        Map<String, Row> rows = byKey(q, "course_id", "class_id");
        Map<String, Double> whole = rows.get("C|null").getJavaMap(rows.get("C|null").fieldIndex("segment_mix"));
        assertThat(whole).containsOnlyKeys(SegmentLabels.STEADY, SegmentLabels.DISENGAGED, SegmentLabels.LAST_MINUTE);
        assertThat(whole.values()).allSatisfy(v -> assertThat(v).isCloseTo(1 / 3.0, within(1e-12)));
        Map<String, Double> k1 = rows.get("C|K1").getJavaMap(rows.get("C|K1").fieldIndex("segment_mix"));
        assertThat(k1.get(SegmentLabels.STEADY)).isCloseTo(1 / 3.0, within(1e-12));
        // one segmentation per build: both marts see the same (already computed) result
        assertThat(in.derivedResults().keySet().stream().filter(k -> k.startsWith("learner-segments")))
                .containsExactly("learner-segments:" + AS_OF);
    }

    @Test
    void tooFewLearnersGiveAnEmptyMartAndNoMix() {
        MartContext ctx = new MartContext(AS_OF, dev.xueqing.common.config.ConfigLoader.load(null,
                List.of("segments.min-learners=25"), Map.of()));
        MartInputs fresh = buildInputs();
        assertThat(new LearnerSegmentsMart().transform(fresh, ctx).count()).isZero();
        Row whole = byKey(new CourseQualitySummaryMart().transform(fresh, ctx), "course_id", "class_id").get("C|null");
        assertThat(whole.isNullAt(whole.fieldIndex("segment_mix"))).isTrue();
        assertThat(whole.<Long>getAs("enrolled")).isEqualTo(24L);
    }

    private static List<String> assignments(Dataset<Row> d) {
        return d.orderBy("learner_key").collectAsList().stream()
                .map(r -> r.getAs("learner_key") + "=" + r.getAs("segment_id") + ":" + r.getAs("segment_label")
                        + ":" + r.getAs("distance_to_centroid"))
                .toList();
    }
}
