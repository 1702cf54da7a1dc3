package dev.xueqing.jobs.report;

import dev.xueqing.jobs.report.ReportModel.Cell;
import dev.xueqing.jobs.report.ReportModel.Kpi;
import dev.xueqing.jobs.report.ReportModel.Page;
import dev.xueqing.jobs.report.ReportModel.Section;
import dev.xueqing.jobs.report.ReportModel.Table;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The page views on hand-made mart rows: the numbers a page shows are the mart values, formatted. */
class ReportViewsTest {
    static final Instant PUBLISHED = Instant.parse("2026-09-13T18:00:00Z");
    static final ReportText EN = new ReportText("en", ZoneId.of("UTC"));

    static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, Object> summary(String course, String cls, Double active, Boolean activeFlag,
                                       Double dropout, Boolean dropoutFlag) {
        Map<String, Object> r = row("course_id", course, "class_id", cls, "enrolled", 40L, "active_rate", active,
                "active_rate_threshold", 0.5, "active_rate_flag", activeFlag, "submission_rate", 0.8,
                "submission_rate_threshold", 0.6, "submission_rate_flag", false, "dropout_rate", dropout,
                "dropout_rate_threshold", 0.2, "dropout_rate_flag", dropoutFlag);
        long flags = (Boolean.TRUE.equals(activeFlag) ? 1 : 0) + (Boolean.TRUE.equals(dropoutFlag) ? 1 : 0);
        r.put("flag_count", flags);
        r.put("segment_mix", flags > 0 ? Map.of("disengaged", 0.75, "steady and strong", 0.25) : null);
        return r;
    }

    static ReportData data() {
        Map<String, ReportData.MartState> marts = new LinkedHashMap<>();
        for (var spec : ReportData.specs()) {
            marts.put(spec.name(), new ReportData.MartState(spec.name(), null, null, null, null));
        }
        for (String m : List.of("course_quality_summary", "course_weekly_quality", "data_quality",
                "learner_course_progress")) {
            marts.put(m, new ReportData.MartState(m, PUBLISHED, null, null, null));
        }
        marts.put("cohort_retention", new ReportData.MartState("cohort_retention", null,
                Instant.parse("2026-09-13T17:00:00Z"), "division by zero in week 3", "run-7"));
        List<Map<String, Object>> summary = List.of(
                summary("C1", null, 0.30, true, 0.10, false),
                summary("C1", "A", 0.20, true, 0.25, true),
                summary("C1", "B", 0.55, false, 0.05, false),
                summary("C2", null, null, null, null, null),
                summary("C3", null, 0.70, false, 0.30, true));
        List<Map<String, Object>> weekly = new ArrayList<>();
        weekly.add(row("course_id", "C1", "class_id", null, "week_start", LocalDate.of(2026, 9, 7),
                "active_learners", 12L, "active_rate", 0.40, "median_active_minutes", 31.5));
        weekly.add(row("course_id", "C1", "class_id", null, "week_start", LocalDate.of(2026, 9, 14),
                "active_learners", 9L, "active_rate", 0.30, "median_active_minutes", 20.0));
        weekly.add(row("course_id", "C1", "class_id", "A", "week_start", LocalDate.of(2026, 9, 14),
                "active_learners", 2L, "active_rate", 0.20, "median_active_minutes", 12.25));
        weekly.add(row("course_id", "C2", "class_id", null, "week_start", LocalDate.of(2026, 9, 14),
                "active_learners", 0L, "active_rate", 0.0, "median_active_minutes", null));
        List<Map<String, Object>> status = List.of(
                row("course_id", "C1", "class_id", null, "status", "behind", "learners", 7L),
                row("course_id", "C1", "class_id", null, "status", "on_track", "learners", 33L));
        List<Map<String, Object>> runs = List.of(row("run_id", "run-7", "job", "nightly", "status", "failed",
                "started_at", Instant.parse("2026-09-13T16:00:00Z"), "ended_at", Instant.parse("2026-09-13T17:00:00Z"),
                "message", "cohort_retention: division by zero in week 3", "as_of", LocalDate.of(2026, 9, 13)));
        return new ReportData(LocalDate.of(2026, 9, 13), marts,
                List.of(row("course_id", "C1", "title", "Algebra"), row("course_id", "C2", "title", null)),
                summary, weekly, List.of(), status, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), runs, List.of());
    }

    static Section section(Page p, String id) {
        return p.sections().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    static Kpi kpi(Section s, String name) {
        return s.kpis().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void overviewKpisAreTheMediansOfTheCourseValuesWithTheCountBelowStandard() {
        Page p = OverviewView.build(data(), EN);
        Section kpis = section(p, "kpis");
        // whole-course rows: C1 0.30, C3 0.70 (C2 has no value): median 0.50; C1 flagged
        Kpi active = kpi(kpis, "active_rate");
        assertThat(active.value()).isEqualTo("50.0%");
        assertThat(active.threshold()).isEqualTo("minimum 50.0%");
        assertThat(active.flagged()).isFalse();
        assertThat(active.reason()).isEqualTo("1 of 2 courses below standard");
        assertThat(active.definition()).isEqualTo(Views.definition("course_quality_summary", "active_rate"));
        Kpi dropout = kpi(kpis, "dropout_rate");
        assertThat(dropout.value()).isEqualTo("20.0%");
        assertThat(dropout.threshold()).isEqualTo("maximum 20.0%");
    }

    @Test
    void belowStandardListsTheFlaggedRowsMostFlagsFirstWithReasonsInWords() {
        Table t = section(OverviewView.build(data(), EN), "below").tables().get(0);
        List<List<Cell>> rows = t.rows();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get(0).text()).isEqualTo("Algebra");
        assertThat(rows.get(0).get(1).text()).isEqualTo("A");
        assertThat(rows.get(0).get(3).text()).isEqualTo("Active rate 20.0% is below the minimum 50.0%; "
                + "Dropout rate 25.0% is above the maximum 20.0%");
        assertThat(rows.get(1).get(1).text()).isEqualTo("Whole course");
        assertThat(rows.get(2).get(0).text()).as("no title: the id").isEqualTo("C3");
    }

    @Test
    void everyCourseRowShowsItsPublishedValuesAndFlags() {
        Page p = OverviewView.build(data(), EN);
        Table t = section(p, "courses").tables().get(0);
        assertThat(t.rows()).hasSize(5);
        List<Cell> c1 = t.rows().get(0);
        assertThat(c1.get(0).href()).isEqualTo(Views.courseFile("C1"));
        Cell active = c1.get(3);
        assertThat(active.text()).isEqualTo("30.0%");
        assertThat(active.sort()).isEqualTo("0.3");
        assertThat(active.flagged()).isTrue();
        assertThat(c1.get(t.columns().size() - 2).svg()).contains("<svg", "40.0%, 30.0%");
        assertThat(t.rows().get(3).get(3).text()).as("C2 has no active rate").isEqualTo("–");
        assertThat(p.csvFiles()).singleElement().satisfies(f -> assertThat(f.rows()).hasSize(5));
    }

    @Test
    void aCourseWithoutActivitySaysSoInsteadOfEmptyCharts() {
        Page p = CourseView.build(data(), EN, "C2", 100);
        assertThat(p.sections().stream().flatMap(s -> s.notices().stream()).map(ReportModel.Notice::text))
                .contains("No activity yet.");
        assertThat(p.sections().stream().flatMap(s -> s.charts().stream())).isEmpty();
    }

    @Test
    void aCoursePageDrawsTheWeeklyValuesAndNamesAMissingMartWithItsFailure() {
        Page p = CourseView.build(data(), EN, "C1", 100);
        Section trends = section(p, "trends");
        ReportModel.Chart active = trends.charts().stream().filter(c -> c.id().equals("trend-active_rate"))
                .findFirst().orElseThrow();
        assertThat(active.optionJson()).contains("\"name\":\"Whole course\"", "[0.4,0.3]", "[null,0.2]");
        // the chart's table: week, whole course, class A
        assertThat(active.data().rows().get(1).stream().map(Cell::text).toList())
                .containsExactly(EN.shortDate(LocalDate.of(2026, 9, 14)), "30.0%", "20.0%");
        ReportModel.Chart minutes = trends.charts().stream().filter(c -> c.id().equals("trend-median_active_minutes"))
                .findFirst().orElseThrow();
        assertThat(minutes.data().rows().get(1).get(2).text()).isEqualTo("12.3");
        assertThat(section(p, "retention").notices()).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo("missing");
            assertThat(n.text()).contains("cohort_retention", "division by zero in week 3");
        });
        Section progress = section(p, "progress");
        assertThat(progress.charts().get(0).data().rows().get(0).stream().map(Cell::text).toList())
                .containsExactly("Whole course", "0", "33", "7", "0", "0", "0");
        assertThat(section(p, "risk").notices()).singleElement()
                .satisfies(n -> assertThat(n.text()).contains("xueqing train-risk"));
        Section kpis = section(p, "kpis");
        assertThat(kpi(kpis, "active_rate").reason()).isEqualTo("Active rate 30.0% is below the minimum 50.0%");
        assertThat(kpi(kpis, "active_rate").flagged()).isTrue();
    }

    @Test
    void theDataQualityPageNamesTheFailedRunAndEveryMartsState() {
        Page p = QualityView.build(data(), EN);
        Table marts = section(p, "marts").tables().get(0);
        Map<String, List<Cell>> byMart = new HashMap<>();
        marts.rows().forEach(r -> byMart.put(r.get(0).text(), r));
        assertThat(byMart.get("cohort_retention").get(1).text()).isEqualTo("missing");
        assertThat(byMart.get("cohort_retention").get(4).text()).isEqualTo("division by zero in week 3 (run-7)");
        assertThat(byMart.get("course_quality_summary").get(1).text()).isEqualTo("ok");
        Table runs = section(p, "runs").tables().get(0);
        assertThat(runs.rows().get(0).get(3).text()).isEqualTo("failed");
        assertThat(runs.rows().get(0).get(3).flagged()).isTrue();
    }

    @Test
    void aFailureIsFoundInARunMessageThatNamesSeveralMarts() {
        List<String> names = ReportData.specs().stream().map(s -> s.name()).toList();
        String msg = "learner_segments: KMeans failed; oops: x; course_quality_summary: schema mismatch; a; b";
        assertThat(ReportData.failureOf("learner_segments", msg, names)).isEqualTo("KMeans failed; oops: x");
        assertThat(ReportData.failureOf("course_quality_summary", msg, names)).isEqualTo("schema mismatch; a; b");
        assertThat(ReportData.failureOf("data_quality", msg, names)).isNull();
    }

    @Test
    void courseFilesAreSafeAndDistinct() {
        assertThat(Views.courseFile("course-v1:edX+DemoX+Demo_Course")).matches("course/course-v1-edX-DemoX-Demo_Course"
                + "-[0-9a-f]{8}\\.html");
        assertThat(Views.courseFile("https://lms.example.edu/course/HAND-001")).matches("course/course-HAND-001-[0-9a-f]{8}"
                + "\\.html");
        assertThat(Views.courseFile("a/b")).isNotEqualTo(Views.courseFile("a-b"));
    }

    /** C1 with risk scores, a model evaluation, items, reliability and abilities. */
    static ReportData withRiskAndItems() {
        ReportData d = data();
        Map<String, ReportData.MartState> marts = new LinkedHashMap<>(d.marts());
        for (String m : List.of("learner_risk_scores", "risk_model_evaluation", "assessment_item_stats",
                "assessment_item_difficulty", "assessment_reliability", "learner_ability")) {
            marts.put(m, new ReportData.MartState(m, PUBLISHED, null, null, null));
        }
        List<Map<String, Object>> scores = List.of(
                row("learner_key", "k-9f1", "course_id", "C1", "probability", 0.83, "band", "high", "weeks", 4,
                        "model_version", "m2", "explanations", List.of("no activity for 12 days", "2 of 3 missed")),
                row("learner_key", "k-07a", "course_id", "C1", "probability", 0.41, "band", "medium", "weeks", 4,
                        "model_version", "m2", "explanations", List.of()));
        List<Map<String, Object>> evaluation = List.of(
                row("model_run_id", "m2", "weeks", 4, "chosen", true, "model_type", "logistic", "auc", 0.7934,
                        "alert_threshold", 0.5, "precision", 0.62, "recall", 0.71, "brier", 0.171,
                        "test_runs", List.of("2014J"), "calibration", List.of(
                                row("decile", 1, "rows", 100L, "mean_predicted", 0.05, "observed_rate", 0.07),
                                row("decile", 10, "rows", 100L, "mean_predicted", 0.9, "observed_rate", 0.86))),
                row("model_run_id", "m1", "weeks", 4, "chosen", true, "model_type", "gbt", "auc", 0.7,
                        "calibration", List.of()));
        List<Map<String, Object>> items = List.of(
                row("course_id", "C1", "item_id", "q2", "assessment_id", "quiz1", "responses", 40L, "facility", 0.95,
                        "discrimination", 0.05, "flags", List.of("too_easy", "low_discrimination"), "option_shares",
                        Map.of("a", 0.95, "b", 0.05)),
                row("course_id", "C1", "item_id", "q1", "assessment_id", "quiz1", "responses", 40L, "facility", 0.55,
                        "discrimination", 0.41, "flags", List.of(), "option_shares", Map.of("a", 0.55)));
        List<Map<String, Object>> difficulty = List.of(
                row("course_id", "C1", "item_id", "q1", "difficulty", 0.2, "misfit", false),
                row("course_id", "C1", "item_id", "q2", "difficulty", -2.9, "misfit", true));
        List<Map<String, Object>> reliability = List.of(row("course_id", "C1", "assessment_id", "quiz1", "items", 2L,
                "learners", 40L, "alpha", 0.41, "sem", 0.6, "flags", List.of("low_reliability")));
        List<Map<String, Object>> ability = List.of(row("course_id", "C1", "bin", -0.5, "learners", 12L),
                row("course_id", "C1", "bin", 1.0, "learners", 28L));
        return new ReportData(d.asOf(), marts, d.courses(), d.summary(), d.weekly(), d.retention(),
                d.statusCounts(), scores, evaluation, items, difficulty, reliability, ability, d.dataQuality(),
                d.runs(), d.tutors());
    }

    static Table table(Section s, String id) {
        return s.tables().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void learnersAtRiskShowTheirPublishedScoresAndTheModelTheyCameFrom() {
        Page p = CourseView.build(withRiskAndItems(), EN, "C1", 100);
        Section risk = section(p, "risk");
        assertThat(risk.notices()).isEmpty();
        Table t = table(risk, "risk-table");
        assertThat(t.rows().get(0).stream().map(Cell::text).toList())
                .containsExactly("k-9f1", "High", "83.0%", "no activity for 12 days; 2 of 3 missed");
        assertThat(t.rows().get(0).get(1).flagged()).isTrue();
        assertThat(t.csv()).isEqualTo("../" + CourseView.riskCsv("C1"));
        // the evaluation of the scores' model (m2), not the other chosen one
        assertThat(table(risk, "model-table").rows().get(0).stream().map(Cell::text).toList())
                .containsExactly("logistic", "4", "2014J", "0.793", "50.0%", "62.0%", "71.0%", "0.171");
        ReportModel.Chart cal = risk.charts().get(0);
        assertThat(cal.optionJson()).contains("[0.05,0.07]", "[0.9,0.86]");
        assertThat(cal.data().rows().get(1).stream().map(Cell::text).toList())
                .containsExactly("10", "100", "90.0%", "86.0%");
    }

    @Test
    void assessmentQualityJoinsItemStatisticsWithRaschAndShowsTheFlaggedItemsOptions() {
        Section a = section(CourseView.build(withRiskAndItems(), EN, "C1", 100), "assessment");
        Table items = table(a, "items-table");
        assertThat(items.rows().get(0).stream().map(Cell::text).toList())
                .containsExactly("q2", "quiz1", "40", "0.95", "0.05", "-2.90", "yes", "too easy; low discrimination");
        assertThat(items.rows().get(1).get(7).flagged()).isFalse();
        assertThat(table(a, "options-table").rows()).hasSize(2)
                .allSatisfy(r -> assertThat(r.get(0).text()).isEqualTo("q2"));
        assertThat(table(a, "reliability-table").rows().get(0).stream().map(Cell::text).toList())
                .containsExactly("quiz1", "2", "40", "0.41", "0.60", "low reliability");
        ReportModel.Chart map = a.charts().get(0);
        // bins from -3.0 (item q2 at -2.9) to 1.0 (28 learners) in half logits
        assertThat(map.data().rows()).hasSize(9);
        assertThat(map.data().rows().get(0).stream().map(Cell::text).toList()).containsExactly("-3.0…-2.5", "0", "1");
        assertThat(map.data().rows().get(8).stream().map(Cell::text).toList()).containsExactly("1.0…1.5", "28", "0");
    }
    @Test
    void knowledgeMasteryShowsEachSkillBesidePfaAndTheLearnersNextSteps() {
        ReportData d = data();
        // no skill marts: the section says how to get them
        Section none = section(CourseView.build(d, EN, "C1", 100), "skills");
        assertThat(none.notices()).extracting(ReportModel.Notice::kind).containsExactly("missing");
        assertThat(none.tables()).isEmpty();

        Map<String, ReportData.MartState> marts = new LinkedHashMap<>(d.marts());
        for (String m : List.of("skill_model", "skill_model_evaluation", "learner_skill_mastery",
                "learner_next_steps")) {
            marts.put(m, new ReportData.MartState(m, PUBLISHED, null, null, null));
        }
        List<Map<String, Object>> skills = List.of(
                row("course_id", "C1", "skill_id", "fractions", "status", "fitted", "learners", 120L,
                        "mean_opportunities", 6.25, "correct_rate", 0.7, "mastered_learners", 30L,
                        "practised_learners", 120L, "bkt_auc", 0.78, "pfa_auc", 0.74),
                row("course_id", "C1", "skill_id", "ratio", "status", "fitted", "learners", 90L,
                        "mean_opportunities", 5.0, "correct_rate", 0.6, "mastered_learners", 9L,
                        "practised_learners", 90L, "bkt_auc", 0.6, "pfa_auc", 0.63),
                row("course_id", "C1", "skill_id", "proof", "status", "insufficient_data", "learners", 12L,
                        "mean_opportunities", 2.0, "correct_rate", 0.5, "mastered_learners", 0L,
                        "practised_learners", 12L, "bkt_auc", null, "pfa_auc", null),
                row("course_id", "C2", "skill_id", "other", "status", "fitted"));
        List<Map<String, Object>> steps = List.of(
                row("course_id", "C1", "learner_key", "k-1", "class_id", "A", "status", "blocked",
                        "steps", List.of(), "summary", "waiting for prerequisites: fractions"),
                row("course_id", "C1", "learner_key", "k-2", "class_id", "A", "status", "has_steps",
                        "steps", List.of(row("rank", 1, "skill_id", "ratio", "items", List.of("q7")),
                                row("rank", 2, "skill_id", "fractions", "items", List.of())),
                        "summary", "2 of 5 answers right on ratio (P(mastery) 0.41)"));
        ReportData k = new ReportData(d.asOf(), marts, d.courses(), d.summary(), d.weekly(), d.retention(),
                d.statusCounts(), d.topRisk(), d.riskEvaluation(), d.items(), d.difficulty(), d.reliability(),
                d.abilityBins(), d.dataQuality(), d.runs(), d.tutors(), skills, steps);
        Section s = section(CourseView.build(k, EN, "C1", 100), "skills");
        assertThat(s.notices()).isEmpty();
        Table t = table(s, "skills-table");
        assertThat(t.rows()).hasSize(3);
        assertThat(t.rows().get(0).stream().map(Cell::text).toList())
                .containsExactly("fractions", "fitted", "120", "6.3", "70.0%", "30 (25.0%)", "0.780", "0.740");
        assertThat(t.rows().get(0).get(6).flagged()).isFalse();
        // PFA predicts better on ratio: its BKT AUC is flagged with the reason
        assertThat(t.rows().get(1).get(6).flagged()).isTrue();
        assertThat(t.rows().get(1).get(6).title()).contains("PFA predicts at least as well");
        assertThat(t.rows().get(2).get(1).text()).isEqualTo("too little data");
        assertThat(t.rows().get(2).get(1).flagged()).isTrue();
        Table n = table(s, "steps-table");
        assertThat(n.rows().get(1).stream().map(Cell::text).toList()).containsExactly("k-2", "A", "has next steps",
                "ratio; fractions", "2 of 5 answers right on ratio (P(mastery) 0.41)");
        assertThat(n.rows().get(0).get(2).flagged()).isTrue();
        assertThat(n.csv()).isEqualTo("../" + CourseView.nextStepsCsv("C1"));
        // the Chinese page words the same rows in Chinese
        Section zh = section(CourseView.build(k, new ReportText("zh-CN", java.time.ZoneId.of("UTC")), "C1", 100), "skills");
        assertThat(zh.title()).isEqualTo("知识掌握");
        assertThat(CourseView.skillLabel("https://x.edu/c/1", "https://x.edu/c/1/skill/ratio")).isEqualTo("skill/ratio");
        assertThat(CourseView.skillLabel("https://x.edu/c/1", "https://x.edu/c/10/skill/ratio"))
                .isEqualTo("https://x.edu/c/10/skill/ratio");
        assertThat(table(zh, "steps-table").rows().get(0).get(2).text()).isEqualTo("等待先修技能");
    }
}
