package dev.xueqing.jobs.report;

import dev.xueqing.jobs.report.Charts.Series;
import dev.xueqing.jobs.report.ReportModel.Cell;
import dev.xueqing.jobs.report.ReportModel.Chart;
import dev.xueqing.jobs.report.ReportModel.Column;
import dev.xueqing.jobs.report.ReportModel.CsvFile;
import dev.xueqing.jobs.report.ReportModel.Kpi;
import dev.xueqing.jobs.report.ReportModel.Notice;
import dev.xueqing.jobs.report.ReportModel.Page;
import dev.xueqing.jobs.report.ReportModel.Section;
import dev.xueqing.jobs.report.ReportModel.Table;
import dev.xueqing.jobs.report.Views.KpiDef;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One course's page: KPI cards against thresholds, weekly trends with the classes side by side, cohort retention,
 * progress status and segment mix, learners at risk with the model's evaluation, and assessment quality (items,
 * reliability, the item–person map).
 */
final class CourseView {
    static final String SUMMARY = "course_quality_summary";
    static final String WEEKLY = "course_weekly_quality";
    static final String RETENTION = "cohort_retention";
    static final String PROGRESS = "learner_course_progress";
    static final String SCORES = "learner_risk_scores";
    static final String EVALUATION = "risk_model_evaluation";
    static final String ITEMS = "assessment_item_stats";
    static final String DIFFICULTY = "assessment_item_difficulty";
    static final String RELIABILITY = "assessment_reliability";
    static final String ABILITY = "learner_ability";
    static final String QUESTIONS = "learner_questions";
    static final String TUTORS = "tutor_service_quality";
    static final String SKILL_MODEL = "skill_model";
    static final String SKILL_EVALUATION = "skill_model_evaluation";
    static final String MASTERY = "learner_skill_mastery";
    static final String NEXT_STEPS = "learner_next_steps";
    static final List<String> STATUSES = List.of("not_started", "on_track", "behind", "inactive", "completed",
            "withdrawn");

    /** The weekly charts: column and whether it is a share. */
    record Trend(String column, boolean percent) {}

    static final List<Trend> TRENDS = List.of(new Trend("active_rate", true), new Trend("median_active_minutes", false),
            new Trend("submission_rate", true), new Trend("on_time_rate", true), new Trend("pass_rate", true),
            new Trend("newly_inactive", false), new Trend("dropouts", false), new Trend("within_sla_share", true),
            new Trend("unanswered_questions", false));

    private CourseView() {}

    static Page build(ReportData data, ReportText t, String course, int maxRows) {
        String file = Views.courseFile(course);
        String dataDir = "data/" + file.substring("course/".length(), file.length() - ".html".length()) + "/";
        List<CsvFile> csv = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        List<Map<String, Object>> weekly = ReportData.of(data.weekly(), course);
        boolean active = weekly.stream().anyMatch(w -> MartRows.lng(w, "active_learners") != null
                && MartRows.lng(w, "active_learners") > 0);
        sections.add(kpis(data, t, course, dataDir, csv));
        if (!active && data.mart(WEEKLY).present()) {
            sections.add(Section.of("activity", t.t("course.trends.title"))
                    .notice(new Notice("empty", t.t("course.noactivity"))).build());
        } else {
            sections.add(trends(data, t, course, weekly, dataDir, csv));
            sections.add(retention(data, t, course, dataDir, csv));
            sections.add(progress(data, t, course, dataDir, csv));
        }
        sections.add(tutors(data, t, course, dataDir, csv));
        sections.add(risk(data, t, course, maxRows, dataDir));
        sections.add(skills(data, t, course, maxRows, dataDir, csv));
        sections.add(assessment(data, t, course, maxRows, dataDir, csv));
        String subtitle = t.t("course.subtitle", course, t.date(data.asOf()));
        return new Page(file, data.title(course), subtitle, sections, csv);
    }

    /** Where a course's full list of next steps goes (written by the report writer from the whole mart). */
    static String nextStepsCsv(String course) {
        String file = Views.courseFile(course);
        return "data/" + file.substring("course/".length(), file.length() - ".html".length()) + "/"
                + NEXT_STEPS + ".csv";
    }

    /** Where a course's full list of risk scores goes (written by the report writer from the whole mart). */
    static String riskCsv(String course) {
        String file = Views.courseFile(course);
        return "data/" + file.substring("course/".length(), file.length() - ".html".length()) + "/"
                + SCORES + ".csv";
    }

    private static Section kpis(ReportData data, ReportText t, String course, String dataDir, List<CsvFile> csv) {
        Section.Builder s = Section.of("kpis", t.t("course.kpis.title"));
        if (!Views.require(s, data, t, SUMMARY)) {
            return s.build();
        }
        List<Map<String, Object>> rows = ReportData.of(data.summary(), course);
        Map<String, Object> whole = rows.stream().filter(r -> r.get("class_id") == null).findFirst().orElse(null);
        if (whole == null) {
            s.notice(new Notice("empty", t.t("course.nosummary")));
            return s.build();
        }
        s.kpi(new Kpi("enrolled", t.t("col.enrolled"), t.count(MartRows.lng(whole, "enrolled")), null, false, null,
                Views.definition(SUMMARY, "enrolled")));
        for (KpiDef k : Views.KPIS) {
            Double threshold = MartRows.dbl(whole, k.threshold());
            s.kpi(new Kpi(k.column(), t.t("col." + k.column()), k.format(t, MartRows.dbl(whole, k.column())),
                    t.t(k.minimum() ? "kpi.threshold.min" : "kpi.threshold.max", k.format(t, threshold)),
                    Boolean.TRUE.equals(whole.get(k.flag())), Views.reason(t, k, whole),
                    Views.definition(SUMMARY, k.column())));
        }
        List<Column> cols = new ArrayList<>(List.of(Views.column(t, SUMMARY, "class_id", false),
                Views.column(t, SUMMARY, "enrolled", true)));
        Views.KPIS.forEach(k -> cols.add(Views.column(t, SUMMARY, k.column(), true)));
        List<List<Cell>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.plain(Views.classLabel(t, r.get("class_id"), course)));
            row.add(Cell.number(t.count(MartRows.lng(r, "enrolled")), MartRows.lng(r, "enrolled")));
            for (KpiDef k : Views.KPIS) {
                row.add(Views.kpiCell(t, r, k));
            }
            table.add(row);
        }
        String file = dataDir + SUMMARY + ".csv";
        csv.add(OverviewView.csvOf(file, rows));
        s.table(new Table("classes-table", t.t("course.classes.caption"), cols, table, rows.size() > 10,
                "../" + file, null));
        return s.build();
    }

    private static Section trends(ReportData data, ReportText t, String course, List<Map<String, Object>> weekly,
                                  String dataDir, List<CsvFile> csv) {
        Section.Builder s = Section.of("trends", t.t("course.trends.title")).intro(t.t("course.trends.intro"));
        if (!Views.require(s, data, t, WEEKLY)) {
            return s.build();
        }
        List<LocalDate> weeks = List.copyOf(new TreeSet<>(weekly.stream().map(w -> (LocalDate) w.get("week_start"))
                .toList()));
        List<Object> classes = new ArrayList<>(new LinkedHashSet<>(weekly.stream().map(w -> w.get("class_id"))
                .toList()));
        Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
        weekly.forEach(w -> byKey.put(w.get("week_start") + "|" + w.get("class_id"), w));
        String file = dataDir + WEEKLY + ".csv";
        csv.add(OverviewView.csvOf(file, weekly));
        List<String> x = weeks.stream().map(t::shortDate).toList();
        for (Trend tr : TRENDS) {
            List<Series> series = new ArrayList<>();
            List<Column> cols = new ArrayList<>(List.of(Views.column(t, WEEKLY, "week_start", false)));
            for (Object c : classes) {
                List<Double> values = new ArrayList<>();
                for (LocalDate wk : weeks) {
                    Map<String, Object> row = byKey.get(wk + "|" + c);
                    values.add(row == null ? null : MartRows.dbl(row, tr.column()));
                }
                series.add(new Series(Views.classLabel(t, c, course), values));
                cols.add(new Column(Views.classLabel(t, c, course), Views.definition(WEEKLY, tr.column()), true));
            }
            List<List<Cell>> rows = new ArrayList<>();
            for (int i = 0; i < weeks.size(); i++) {
                List<Cell> row = new ArrayList<>();
                row.add(Cell.number(x.get(i), null));
                for (Series se : series) {
                    Double v = (Double) se.values().get(i);
                    row.add(Cell.number(tr.percent() ? t.percent(v) : format(t, tr.column(), v), v));
                }
                rows.add(row);
            }
            String title = t.t("col." + tr.column());
            s.chart(new Chart("trend-" + tr.column(), title, Charts.line(x, series, tr.percent()),
                    new Table("trend-" + tr.column() + "-data", title, cols, rows, false, null, null),
                    "../" + file, 260));
        }
        return s.build();
    }

    static String format(ReportText t, String column, Double v) {
        return column.contains("minutes") ? t.decimal(v, 1) : t.count(v == null ? null : Math.round(v));
    }

    private static Section retention(ReportData data, ReportText t, String course, String dataDir,
                                     List<CsvFile> csv) {
        Section.Builder s = Section.of("retention", t.t("course.retention.title")).intro(t.t("course.retention.intro"));
        if (!Views.require(s, data, t, RETENTION)) {
            return s.build();
        }
        List<Map<String, Object>> rows = ReportData.of(data.retention(), course);
        if (rows.isEmpty()) {
            s.notice(new Notice("empty", t.t("course.noactivity")));
            return s.build();
        }
        List<LocalDate> cohorts = List.copyOf(new TreeSet<>(rows.stream()
                .map(r -> (LocalDate) r.get("enrolment_week")).toList()));
        int maxK = rows.stream().mapToInt(r -> ((Number) r.get("weeks_since_enrolment")).intValue()).max().orElse(0);
        List<String> x = new ArrayList<>();
        for (int k = 0; k <= maxK; k++) {
            x.add(String.valueOf(k));
        }
        List<String> y = cohorts.stream().map(t::shortDate).toList();
        List<double[]> cells = new ArrayList<>();
        List<List<Cell>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            int k = ((Number) r.get("weeks_since_enrolment")).intValue();
            int c = cohorts.indexOf((LocalDate) r.get("enrolment_week"));
            Double rate = MartRows.dbl(r, "retention_rate");
            if (rate != null) {
                cells.add(new double[] {k, c, rate});
            }
            table.add(List.of(Cell.number(t.shortDate((LocalDate) r.get("enrolment_week")), null),
                    Cell.number(String.valueOf(k), k),
                    Cell.number(t.count(MartRows.lng(r, "cohort_size")), MartRows.lng(r, "cohort_size")),
                    Cell.number(t.count(MartRows.lng(r, "retained")), MartRows.lng(r, "retained")),
                    Cell.number(t.percent(rate), rate)));
        }
        List<Column> cols = List.of(Views.column(t, RETENTION, "enrolment_week", false),
                Views.column(t, RETENTION, "weeks_since_enrolment", true),
                Views.column(t, RETENTION, "cohort_size", true), Views.column(t, RETENTION, "retained", true),
                Views.column(t, RETENTION, "retention_rate", true));
        String file = dataDir + RETENTION + ".csv";
        csv.add(OverviewView.csvOf(file, rows));
        s.chart(new Chart("retention", t.t("course.retention.title"),
                Charts.heatmap(x, y, cells, t.t("col.weeks_since_enrolment"), t.t("col.enrolment_week")),
                new Table("retention-data", t.t("course.retention.title"), cols, table, false, null, null),
                "../" + file, Math.max(220, 60 + 22 * cohorts.size())));
        return s.build();
    }

    private static Section progress(ReportData data, ReportText t, String course, String dataDir,
                                    List<CsvFile> csv) {
        Section.Builder s = Section.of("progress", t.t("course.progress.title")).intro(t.t("course.progress.intro"));
        if (Views.require(s, data, t, PROGRESS)) {
            List<Map<String, Object>> rows = ReportData.of(data.statusCounts(), course);
            List<Object> classes = new ArrayList<>(new LinkedHashSet<>(rows.stream().map(r -> r.get("class_id"))
                    .toList()));
            List<String> x = classes.stream().map(c -> Views.classLabel(t, c, course)).toList();
            List<Series> series = new ArrayList<>();
            List<Column> cols = new ArrayList<>(List.of(Views.column(t, PROGRESS, "class_id", false)));
            for (String status : STATUSES) {
                List<Long> values = new ArrayList<>();
                for (Object c : classes) {
                    values.add(rows.stream().filter(r -> Objects.equals(r.get("class_id"), c)
                                    && status.equals(r.get("status"))).map(r -> MartRows.lng(r, "learners"))
                            .findFirst().orElse(0L));
                }
                series.add(new Series(t.code("status", status), values));
                cols.add(new Column(t.code("status", status), Views.definition(PROGRESS, "status"), true));
            }
            List<List<Cell>> table = new ArrayList<>();
            for (int i = 0; i < classes.size(); i++) {
                List<Cell> row = new ArrayList<>(List.of(Cell.plain(x.get(i))));
                for (Series se : series) {
                    Long v = (Long) se.values().get(i);
                    row.add(Cell.number(t.count(v), v));
                }
                table.add(row);
            }
            String file = dataDir + "status_counts.csv";
            csv.add(OverviewView.csvOf(file, rows));
            s.chart(new Chart("status", t.t("course.progress.chart"), Charts.bar(x, series, false, true),
                    new Table("status-data", t.t("course.progress.chart"), cols, table, false, null, null),
                    "../" + file, 260));
        }
        // segment mix: as course_quality_summary publishes it per course and class
        if (data.mart(SUMMARY).present()) {
            List<Map<String, Object>> rows = ReportData.of(data.summary(), course).stream()
                    .filter(r -> r.get("segment_mix") != null).toList();
            if (rows.isEmpty()) {
                s.notice(new Notice("empty", t.t("course.segments.none")));
            } else {
                List<String> labels = new ArrayList<>(new TreeSet<String>(rows.stream()
                        .flatMap(r -> ((Map<?, ?>) r.get("segment_mix")).keySet().stream().map(Object::toString))
                        .toList()));
                List<String> x = rows.stream().map(r -> Views.classLabel(t, r.get("class_id"), course)).toList();
                List<Series> series = new ArrayList<>();
                List<Column> cols = new ArrayList<>(List.of(Views.column(t, SUMMARY, "class_id", false)));
                for (String label : labels) {
                    List<Double> values = rows.stream().map(r -> {
                        Object v = ((Map<?, ?>) r.get("segment_mix")).get(label);
                        return v == null ? 0.0 : ((Number) v).doubleValue();
                    }).toList();
                    series.add(new Series(t.code("segment", label), values));
                    cols.add(new Column(t.code("segment", label), Views.definition(SUMMARY, "segment_mix"), true));
                }
                List<List<Cell>> table = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    List<Cell> row = new ArrayList<>(List.of(Cell.plain(x.get(i))));
                    for (Series se : series) {
                        Double v = (Double) se.values().get(i);
                        row.add(Cell.number(t.percent(v), v));
                    }
                    table.add(row);
                }
                List<Map<String, Object>> csvRows = new ArrayList<>();
                for (Map<String, Object> r : rows) {
                    ((Map<?, ?>) r.get("segment_mix")).forEach((k, v) -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("course_id", course);
                        m.put("class_id", r.get("class_id"));
                        m.put("segment_label", k);
                        m.put("share", v);
                        csvRows.add(m);
                    });
                }
                String file = dataDir + "segment_mix.csv";
                csv.add(OverviewView.csvOf(file, csvRows));
                s.chart(new Chart("segments", t.t("course.segments.chart"), Charts.bar(x, series, true, true),
                        new Table("segments-data", t.t("course.segments.chart"), cols, table, false, null, null),
                        "../" + file, 260));
            }
        }
        return s.build();
    }

    /**
     * Each staff member's service over the course run: questions answered first, median and 90th-percentile
     * response hours, share within the SLA, questions attributed to them still open and the oldest; flagged against
     * the course's thresholds in course_quality_summary.
     */
    private static Section tutors(ReportData data, ReportText t, String course, String dataDir, List<CsvFile> csv) {
        Section.Builder s = Section.of("tutors", t.t("course.tutors.title")).intro(t.t("course.tutors.intro"));
        if (!Views.require(s, data, t, QUESTIONS)) {
            return s.build();
        }
        List<Map<String, Object>> rows = ReportData.of(data.tutors(), course);
        if (rows.isEmpty()) {
            s.notice(new Notice("empty", t.t("course.tutors.none")));
            return s.build();
        }
        Map<String, Object> whole = ReportData.of(data.summary(), course).stream()
                .filter(r -> r.get("class_id") == null).findFirst().orElse(Map.of());
        Double slaMin = MartRows.dbl(whole, "within_sla_share_threshold");
        Double oldestMax = MartRows.dbl(whole, "oldest_unanswered_hours_threshold");
        Views.KpiDef hours = new Views.KpiDef("median_response_hours", false, Views.Kind.HOURS);
        List<Column> cols = List.of(Views.column(t, TUTORS, "staff_key", false),
                Views.column(t, TUTORS, "questions_answered", true),
                Views.column(t, TUTORS, "median_response_hours", true),
                Views.column(t, TUTORS, "p90_response_hours", true),
                Views.column(t, TUTORS, "median_response_business_hours", true),
                Views.column(t, TUTORS, "within_sla_share", true),
                new Column(t.t("col.unanswered_questions"), t.t("course.tutors.unanswered"), true),
                Views.column(t, TUTORS, "oldest_unanswered_hours", true));
        List<List<Cell>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Double share = MartRows.dbl(r, "within_sla_share");
            Double oldest = MartRows.dbl(r, "oldest_unanswered_hours");
            Double median = MartRows.dbl(r, "median_response_hours");
            Double medianMax = MartRows.dbl(r, "median_response_hours_threshold");
            boolean late = median != null && medianMax != null && median > medianMax;
            boolean slow = share != null && slaMin != null && share < slaMin;
            boolean stale = oldest != null && oldestMax != null && oldest > oldestMax;
            table.add(List.of(Cell.plain((String) r.get("staff_key")),
                    Cell.number(t.count(MartRows.lng(r, "questions_answered")), MartRows.lng(r, "questions_answered")),
                    new Cell(hours.format(t, median), median == null ? "" : median.toString(), late,
                            late ? t.t("kpi.reason.max", t.t("col.median_response_hours"), hours.format(t, median),
                                    hours.format(t, medianMax)) : null, null, null),
                    Cell.number(hours.format(t, MartRows.dbl(r, "p90_response_hours")),
                            MartRows.dbl(r, "p90_response_hours")),
                    Cell.number(hours.format(t, MartRows.dbl(r, "median_response_business_hours")),
                            MartRows.dbl(r, "median_response_business_hours")),
                    new Cell(t.percent(share), share == null ? "" : share.toString(), slow,
                            slow ? t.t("kpi.reason.min", t.t("col.within_sla_share"), t.percent(share),
                                    t.percent(slaMin)) : null, null, null),
                    Cell.number(t.count(MartRows.lng(r, "unanswered_questions")),
                            MartRows.lng(r, "unanswered_questions")),
                    new Cell(hours.format(t, oldest), oldest == null ? "" : oldest.toString(), stale,
                            stale ? t.t("kpi.reason.max", t.t("col.oldest_unanswered_hours"),
                                    hours.format(t, oldest), hours.format(t, oldestMax)) : null, null, null)));
        }
        String file = dataDir + "tutors.csv";
        csv.add(OverviewView.csvOf(file, rows));
        s.table(new Table("tutors-table", t.t("course.tutors.caption"), cols, table, rows.size() > 10, "../" + file,
                null));
        return s.build();
    }

    private static Section risk(ReportData data, ReportText t, String course, int maxRows, String dataDir) {
        Section.Builder s = Section.of("risk", t.t("course.risk.title")).intro(t.t("course.risk.intro"));
        if (!data.mart(SCORES).present() && !data.mart(EVALUATION).present()) {
            s.notice(new Notice("missing", t.t("course.risk.nomodel")));
            return s.build();
        }
        Views.require(s, data, t, SCORES, EVALUATION);
        List<Map<String, Object>> scores = ReportData.of(data.topRisk(), course);
        if (data.mart(SCORES).present()) {
            if (scores.isEmpty()) {
                s.notice(new Notice("empty", t.t("course.risk.none")));
            } else {
                List<Column> cols = List.of(Views.column(t, SCORES, "learner_key", false),
                        Views.column(t, SCORES, "band", false), Views.column(t, SCORES, "probability", true),
                        Views.column(t, SCORES, "explanations", false));
                List<List<Cell>> rows = new ArrayList<>();
                for (Map<String, Object> r : scores) {
                    Double p = MartRows.dbl(r, "probability");
                    String band = (String) r.get("band");
                    rows.add(List.of(Cell.plain((String) r.get("learner_key")),
                            new Cell(t.code("band", band), band, "high".equals(band), null, null, null),
                            Cell.number(t.percent(p), p),
                            Cell.plain(String.join(t.t("list.separator"), strings(r.get("explanations"))))));
                }
                s.table(new Table("risk-table", t.t("course.risk.caption", scores.size(), maxRows), cols, rows, true,
                        "../" + riskCsv(course), t.t("course.risk.full")));
            }
        }
        Map<String, Object> model = model(data, scores);
        if (model != null) {
            List<Column> cols = List.of(Views.column(t, EVALUATION, "model_type", false),
                    Views.column(t, EVALUATION, "weeks", true), Views.column(t, EVALUATION, "test_runs", false),
                    Views.column(t, EVALUATION, "auc", true), Views.column(t, EVALUATION, "alert_threshold", true),
                    Views.column(t, EVALUATION, "precision", true), Views.column(t, EVALUATION, "recall", true),
                    Views.column(t, EVALUATION, "brier", true));
            s.table(new Table("model-table", t.t("course.risk.model"), cols, List.of(List.of(
                    Cell.plain((String) model.get("model_type")),
                    Cell.number(t.count(MartRows.lng(model, "weeks")), MartRows.lng(model, "weeks")),
                    Cell.plain(String.join(t.t("list.separator"), strings(model.get("test_runs")))),
                    Cell.number(t.decimal(MartRows.dbl(model, "auc"), 3), MartRows.dbl(model, "auc")),
                    Cell.number(t.percent(MartRows.dbl(model, "alert_threshold")),
                            MartRows.dbl(model, "alert_threshold")),
                    Cell.number(t.percent(MartRows.dbl(model, "precision")), MartRows.dbl(model, "precision")),
                    Cell.number(t.percent(MartRows.dbl(model, "recall")), MartRows.dbl(model, "recall")),
                    Cell.number(t.decimal(MartRows.dbl(model, "brier"), 3), MartRows.dbl(model, "brier")))),
                    false, null, null));
            List<double[]> points = new ArrayList<>();
            List<List<Cell>> rows = new ArrayList<>();
            for (Object o : (List<?>) model.get("calibration")) {
                Map<?, ?> bin = (Map<?, ?>) o;
                Double predicted = bin.get("mean_predicted") == null ? null
                        : ((Number) bin.get("mean_predicted")).doubleValue();
                Double observed = bin.get("observed_rate") == null ? null
                        : ((Number) bin.get("observed_rate")).doubleValue();
                if (predicted != null && observed != null) {
                    points.add(new double[] {predicted, observed});
                }
                rows.add(List.of(Cell.number(String.valueOf(bin.get("decile")), (Number) bin.get("decile")),
                        Cell.number(t.count((Number) bin.get("rows")), (Number) bin.get("rows")),
                        Cell.number(t.percent(predicted), predicted), Cell.number(t.percent(observed), observed)));
            }
            List<Column> calCols = List.of(Views.plain(t, "col.decile", true), Views.plain(t, "col.rows", true),
                    Views.plain(t, "col.mean_predicted", true), Views.plain(t, "col.observed_rate", true));
            s.chart(new Chart("calibration", t.t("course.risk.calibration"),
                    Charts.calibration(points, t.t("course.risk.observed"), t.t("course.risk.perfect")),
                    new Table("calibration-data", t.t("course.risk.calibration"), calCols, rows, false, null, null),
                    null, 300));
        }
        return s.build();
    }

    /**
     * Knowledge mastery: each skill of the current model with its learners, how many have mastered it, and the
     * cross-validated AUC of BKT beside PFA's (flagged where PFA predicts at least as well: the skill's mastery figures
     * then say little); then the learners' next steps, those waiting on a prerequisite first.
     */
    private static Section skills(ReportData data, ReportText t, String course, int maxRows, String dataDir,
                                  List<CsvFile> csv) {
        Section.Builder s = Section.of("skills", t.t("course.skills.title")).intro(t.t("course.skills.intro"));
        if (!data.mart(SKILL_MODEL).present() && data.mart(SKILL_MODEL).failedAt() == null) {
            s.notice(new Notice("missing", t.t("course.skills.nomodel")));
            return s.build();
        }
        Views.require(s, data, t, SKILL_MODEL, MASTERY, NEXT_STEPS);
        List<Map<String, Object>> skills = ReportData.of(data.skills(), course);
        if (data.mart(SKILL_MODEL).present() && skills.isEmpty()) {
            s.notice(new Notice("empty", t.t("course.skills.none")));
            return s.build();
        }
        if (!skills.isEmpty()) {
            List<Column> cols = List.of(Views.column(t, SKILL_MODEL, "skill_id", false),
                    Views.column(t, SKILL_MODEL, "status", false), Views.column(t, SKILL_MODEL, "learners", true),
                    Views.column(t, SKILL_MODEL, "mean_opportunities", true),
                    Views.column(t, SKILL_MODEL, "correct_rate", true),
                    Views.plain(t, "col.mastered_learners", true), Views.plain(t, "col.bkt_auc", true),
                    Views.plain(t, "col.pfa_auc", true));
            List<List<Cell>> rows = new ArrayList<>();
            for (Map<String, Object> r : skills) {
                Long mastered = MartRows.lng(r, "mastered_learners");
                Long practised = MartRows.lng(r, "practised_learners");
                Double share = mastered == null || practised == null || practised == 0 ? null
                        : mastered / (double) practised;
                Double bkt = MartRows.dbl(r, "bkt_auc");
                Double pfa = MartRows.dbl(r, "pfa_auc");
                boolean weak = bkt != null && pfa != null && bkt <= pfa;
                String status = (String) r.get("status");
                String skill = (String) r.get("skill_id");
                rows.add(List.of(new Cell(skillLabel(course, skill), skill, false, skill, null, null),
                        new Cell(t.code("skill.status", status), status, !"fitted".equals(status), null, null, null),
                        Cell.number(t.count(MartRows.lng(r, "learners")), MartRows.lng(r, "learners")),
                        Cell.number(t.decimal(MartRows.dbl(r, "mean_opportunities"), 1),
                                MartRows.dbl(r, "mean_opportunities")),
                        Cell.number(t.percent(MartRows.dbl(r, "correct_rate")), MartRows.dbl(r, "correct_rate")),
                        Cell.number(mastered == null ? t.none() : t.t("course.skills.mastered", t.count(mastered),
                                t.percent(share)), share),
                        new Cell(t.decimal(bkt, 3), bkt == null ? "" : bkt.toString(), weak,
                                weak ? t.t("course.skills.weak") : null, null, null),
                        Cell.number(t.decimal(pfa, 3), pfa)));
            }
            String file = dataDir + SKILL_MODEL + ".csv";
            csv.add(OverviewView.csvOf(file, skills));
            s.table(new Table("skills-table", t.t("course.skills.caption", skills.size()), cols, rows,
                    skills.size() > 10, "../" + file, t.t("course.skills.note")));
        }
        List<Map<String, Object>> steps = ReportData.of(data.nextSteps(), course);
        if (data.mart(NEXT_STEPS).present() && !steps.isEmpty()) {
            List<Column> cols = List.of(Views.column(t, NEXT_STEPS, "learner_key", false),
                    Views.column(t, NEXT_STEPS, "class_id", false), Views.column(t, NEXT_STEPS, "status", false),
                    Views.plain(t, "col.next_skills", false), Views.column(t, NEXT_STEPS, "summary", false));
            List<List<Cell>> rows = new ArrayList<>();
            for (Map<String, Object> r : steps) {
                String status = (String) r.get("status");
                List<String> next = new ArrayList<>();
                for (Object o : (List<?>) r.get("steps")) {
                    next.add(skillLabel(course, String.valueOf(((Map<?, ?>) o).get("skill_id"))));
                }
                rows.add(List.of(Cell.plain((String) r.get("learner_key")),
                        Cell.plain(Views.classLabel(t, r.get("class_id"), course)),
                        new Cell(t.code("steps.status", status), status, "blocked".equals(status), null, null, null),
                        Cell.plain(String.join(t.t("list.separator"), next)),
                        Cell.plain((String) r.get("summary"))));
            }
            s.table(new Table("steps-table", t.t("course.steps.caption", steps.size(), maxRows), cols, rows, true,
                    "../" + nextStepsCsv(course), t.t("course.steps.full")));
        }
        return s.build();
    }

    /** A skill id for the page: without the course id where it starts with it (ids such as {@code <course>/skill/x}). */
    static String skillLabel(String course, String skill) {
        return skill.startsWith(course + "/") && skill.length() > course.length() + 1
                ? skill.substring(course.length() + 1) : skill;
    }

    /** The evaluation of the model the course's scores came from; else the newest chosen model. */
    static Map<String, Object> model(ReportData data, List<Map<String, Object>> scores) {
        String version = scores.isEmpty() ? null : (String) scores.get(0).get("model_version");
        List<Map<String, Object>> chosen = data.riskEvaluation().stream()
                .filter(r -> Boolean.TRUE.equals(r.get("chosen"))).toList();
        if (version != null) {
            Object weeks = scores.get(0).get("weeks");
            for (Map<String, Object> r : chosen) {
                if (version.equals(r.get("model_run_id")) && Objects.equals(r.get("weeks"), weeks)) {
                    return r;
                }
            }
        }
        return chosen.isEmpty() ? null : chosen.get(0);
    }

    static List<String> strings(Object list) {
        return list == null ? List.of() : ((List<?>) list).stream().map(Object::toString).toList();
    }

    private static Section assessment(ReportData data, ReportText t, String course, int maxRows, String dataDir,
                                      List<CsvFile> csv) {
        Section.Builder s = Section.of("assessment", t.t("course.assessment.title"))
                .intro(t.t("course.assessment.intro"));
        boolean items = Views.require(s, data, t, ITEMS, DIFFICULTY);
        List<Map<String, Object>> stats = ReportData.of(data.items(), course);
        Map<String, Map<String, Object>> rasch = new LinkedHashMap<>();
        ReportData.of(data.difficulty(), course).forEach(r -> rasch.put((String) r.get("item_id"), r));
        if (data.mart(ITEMS).present()) {
            if (stats.isEmpty()) {
                s.notice(new Notice("empty", t.t("course.assessment.none")));
            } else {
                List<Column> cols = List.of(Views.column(t, ITEMS, "item_id", false),
                        Views.column(t, ITEMS, "assessment_id", false), Views.column(t, ITEMS, "responses", true),
                        Views.column(t, ITEMS, "facility", true), Views.column(t, ITEMS, "discrimination", true),
                        Views.column(t, DIFFICULTY, "difficulty", true), Views.column(t, DIFFICULTY, "misfit", false),
                        Views.column(t, ITEMS, "flags", false));
                List<List<Cell>> rows = new ArrayList<>();
                for (Map<String, Object> r : stats.subList(0, Math.min(maxRows, stats.size()))) {
                    Map<String, Object> d = rasch.get((String) r.get("item_id"));
                    Double difficulty = d == null ? null : MartRows.dbl(d, "difficulty");
                    Boolean misfit = d == null ? null : (Boolean) d.get("misfit");
                    List<String> flags = strings(r.get("flags"));
                    rows.add(List.of(Cell.plain((String) r.get("item_id")),
                            Cell.plain(Objects.toString(r.get("assessment_id"), t.none())),
                            Cell.number(t.count(MartRows.lng(r, "responses")), MartRows.lng(r, "responses")),
                            Cell.number(t.decimal(MartRows.dbl(r, "facility"), 2), MartRows.dbl(r, "facility")),
                            Cell.number(t.decimal(MartRows.dbl(r, "discrimination"), 2),
                                    MartRows.dbl(r, "discrimination")),
                            Cell.number(t.decimal(difficulty, 2), difficulty),
                            new Cell(misfit == null ? t.none() : t.t(misfit ? "value.yes" : "value.no"),
                                    String.valueOf(misfit), Boolean.TRUE.equals(misfit), null, null, null),
                            new Cell(String.join(t.t("list.separator"), flags.stream().map(f -> t.code("flag", f))
                                    .toList()), String.valueOf(flags.size()), !flags.isEmpty(), null, null, null)));
                }
                String file = dataDir + ITEMS + ".csv";
                csv.add(OverviewView.csvOf(file, stats));
                s.table(new Table("items-table", t.t("course.items.caption", Math.min(maxRows, stats.size()),
                        stats.size()), cols, rows, true, "../" + file, stats.size() > maxRows
                        ? t.t("table.capped", maxRows, stats.size()) : null));
                // option shares of the flagged items (distractor analysis)
                List<List<Cell>> options = new ArrayList<>();
                for (Map<String, Object> r : stats) {
                    if (strings(r.get("flags")).isEmpty() || r.get("option_shares") == null) {
                        continue;
                    }
                    ((Map<?, ?>) r.get("option_shares")).forEach((option, share) -> options.add(List.of(
                            Cell.plain((String) r.get("item_id")), Cell.plain(option.toString()),
                            Cell.number(t.percent(((Number) share).doubleValue()), (Number) share))));
                }
                if (!options.isEmpty()) {
                    s.table(new Table("options-table", t.t("course.options.caption"), List.of(
                            Views.column(t, ITEMS, "item_id", false), Views.plain(t, "col.option", false),
                            Views.column(t, ITEMS, "option_shares", true)),
                            options.subList(0, Math.min(maxRows, options.size())), options.size() > 10,
                            "../" + file, null));
                }
            }
        }
        if (Views.require(s, data, t, RELIABILITY)) {
            List<Map<String, Object>> rel = ReportData.of(data.reliability(), course);
            if (!rel.isEmpty()) {
                List<Column> cols = List.of(Views.column(t, RELIABILITY, "assessment_id", false),
                        Views.column(t, RELIABILITY, "items", true), Views.column(t, RELIABILITY, "learners", true),
                        Views.column(t, RELIABILITY, "alpha", true), Views.column(t, RELIABILITY, "sem", true),
                        Views.column(t, RELIABILITY, "flags", false));
                List<List<Cell>> rows = new ArrayList<>();
                for (Map<String, Object> r : rel) {
                    List<String> flags = strings(r.get("flags"));
                    rows.add(List.of(Cell.plain((String) r.get("assessment_id")),
                            Cell.number(t.count(MartRows.lng(r, "items")), MartRows.lng(r, "items")),
                            Cell.number(t.count(MartRows.lng(r, "learners")), MartRows.lng(r, "learners")),
                            Cell.number(t.decimal(MartRows.dbl(r, "alpha"), 2), MartRows.dbl(r, "alpha")),
                            Cell.number(t.decimal(MartRows.dbl(r, "sem"), 2), MartRows.dbl(r, "sem")),
                            new Cell(String.join(t.t("list.separator"), flags.stream().map(f -> t.code("flag", f))
                                    .toList()), String.valueOf(flags.size()), !flags.isEmpty(), null, null, null)));
                }
                String file = dataDir + RELIABILITY + ".csv";
                csv.add(OverviewView.csvOf(file, rel));
                s.table(new Table("reliability-table", t.t("course.reliability.caption"), cols, rows, false,
                        "../" + file, null));
            }
        }
        if (items && Views.require(s, data, t, ABILITY) && !rasch.isEmpty()) {
            s.chart(itemPersonMap(t, rasch.values(), ReportData.of(data.abilityBins(), course), dataDir, csv));
        }
        return s.build();
    }

    /** Learners per ability bin beside items per difficulty bin, on one logit scale. */
    private static Chart itemPersonMap(ReportText t, java.util.Collection<Map<String, Object>> items,
                                       List<Map<String, Object>> abilityBins, String dataDir, List<CsvFile> csv) {
        double w = ReportData.ABILITY_BIN;
        Map<Double, Long> learners = new java.util.TreeMap<>();
        abilityBins.forEach(b -> learners.put(MartRows.dbl(b, "bin"), MartRows.lng(b, "learners")));
        Map<Double, Long> itemCounts = new java.util.TreeMap<>();
        items.forEach(i -> itemCounts.merge(Math.floor(MartRows.dbl(i, "difficulty") / w) * w, 1L, Long::sum));
        TreeSet<Double> bins = new TreeSet<>(learners.keySet());
        bins.addAll(itemCounts.keySet());
        List<Double> all = new ArrayList<>();
        if (!bins.isEmpty()) {
            for (double b = bins.first(); b <= bins.last() + 1e-9; b += w) {
                all.add(Math.round(b / w) * w);
            }
        }
        List<String> x = all.stream().map(b -> t.decimal(b, 1) + "…" + t.decimal(b + w, 1)).toList();
        List<Long> l = all.stream().map(b -> learners.getOrDefault(b, 0L)).toList();
        List<Long> it = all.stream().map(b -> itemCounts.getOrDefault(b, 0L)).toList();
        List<List<Cell>> rows = new ArrayList<>();
        List<Map<String, Object>> csvRows = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            rows.add(List.of(Cell.number(x.get(i), all.get(i)), Cell.number(t.count(l.get(i)), l.get(i)),
                    Cell.number(t.count(it.get(i)), it.get(i))));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("logit_from", all.get(i));
            m.put("logit_to", all.get(i) + w);
            m.put("learners", l.get(i));
            m.put("items", it.get(i));
            csvRows.add(m);
        }
        String file = dataDir + "item_person_map.csv";
        csv.add(OverviewView.csvOf(file, csvRows));
        List<Column> cols = List.of(Views.plain(t, "col.logits", false),
                new Column(t.t("course.map.learners"), Views.definition(ABILITY, "ability"), true),
                new Column(t.t("course.map.items"), Views.definition(DIFFICULTY, "difficulty"), true));
        return new Chart("item-person-map", t.t("course.map.title"),
                Charts.twoAxisBars(x, new Series(t.t("course.map.learners"), l),
                        new Series(t.t("course.map.items"), it)),
                new Table("item-person-map-data", t.t("course.map.title"), cols, rows, false, null, null),
                "../" + file, 280);
    }
}
