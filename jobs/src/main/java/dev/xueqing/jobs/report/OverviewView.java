package dev.xueqing.jobs.report;

import dev.xueqing.jobs.report.ReportModel.Cell;
import dev.xueqing.jobs.report.ReportModel.Column;
import dev.xueqing.jobs.report.ReportModel.CsvFile;
import dev.xueqing.jobs.report.ReportModel.Kpi;
import dev.xueqing.jobs.report.ReportModel.Notice;
import dev.xueqing.jobs.report.ReportModel.Page;
import dev.xueqing.jobs.report.ReportModel.Section;
import dev.xueqing.jobs.report.ReportModel.Table;
import dev.xueqing.jobs.report.Views.KpiDef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The overview page (index.html): data freshness, the institution's KPIs against their thresholds, the courses and
 * classes below standard with the reasons, and every course and class with its KPIs and weekly trend.
 */
final class OverviewView {
    static final String SUMMARY = "course_quality_summary";
    static final String WEEKLY = "course_weekly_quality";

    private OverviewView() {}

    static Page build(ReportData data, ReportText t) {
        List<CsvFile> csv = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        sections.add(freshness(data, t));
        sections.add(kpis(data, t));
        sections.add(below(data, t));
        sections.add(courses(data, t, csv));
        return new Page("index.html", t.t("overview.title"), t.t("report.asof", t.date(data.asOf())), sections,
                csv);
    }

    /** The whole-course rows of the summary (class_id null). */
    static List<Map<String, Object>> courseRows(ReportData data) {
        return data.summary().stream().filter(r -> r.get("class_id") == null).toList();
    }

    private static Section freshness(ReportData data, ReportText t) {
        Section.Builder s = Section.of("freshness", t.t("freshness.title"));
        Map<String, Object> last = data.runs().stream()
                .filter(r -> List.of("nightly", "marts").contains(r.get("job"))).findFirst().orElse(null);
        if (last == null) {
            s.notice(new Notice("missing", t.t("freshness.norun")));
        } else {
            String status = t.code("run.status", (String) last.get("status"));
            s.intro(t.t("freshness.last", t.code("run.job", (String) last.get("job")), last.get("run_id"),
                    t.dateTime((Instant) last.get("started_at")), status));
            if (!"succeeded".equals(last.get("status"))) {
                s.notice(new Notice("failed", t.t("freshness.failed", Objects.toString(last.get("message"),
                        t.none()))));
            }
        }
        // late data: events accepted for days already processed, in the most recent ingest run
        // (data_quality repeats a run × source's counts on each of its reason rows: one per run × source)
        Instant lastIngest = data.dataQuality().stream().map(r -> (Instant) r.get("started_at"))
                .max(Comparator.naturalOrder()).orElse(null);
        long late = data.dataQuality().stream().filter(r -> Objects.equals(r.get("started_at"), lastIngest))
                .collect(java.util.stream.Collectors.toMap(r -> r.get("run_id") + "\u0000" + r.get("source"),
                        r -> MartRows.lng(r, "late_arrivals"), (a, b) -> a))
                .values().stream().mapToLong(Long::longValue).sum();
        Instant oldest = data.marts().values().stream().map(ReportData.MartState::publishedAt)
                .filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
        long missing = data.marts().values().stream().filter(m -> !m.present()).count();
        long failed = data.marts().values().stream().filter(ReportData.MartState::failedSinceLastBuild).count();
        s.kpi(new Kpi("late", t.t("freshness.late"), t.count(late), null, false, null,
                Views.definition("data_quality", "late_arrivals")));
        s.kpi(new Kpi("oldest", t.t("freshness.oldest"), t.dateTime(oldest), null, false, null, null));
        s.kpi(new Kpi("missing", t.t("freshness.missing"), t.count(missing), null, missing > 0, null, null));
        s.kpi(new Kpi("failed", t.t("freshness.failedmarts"), t.count(failed), null, failed > 0, null, null));
        return s.build();
    }

    /**
     * The institution's KPIs: for each, the median over the courses and how many courses are below standard.
     * (The summary holds rates per course, not the counts behind every rate, so an institution-wide rate would be a
     * second computation; the median of the published course values is not.)
     */
    private static Section kpis(ReportData data, ReportText t) {
        Section.Builder s = Section.of("kpis", t.t("kpis.title")).intro(t.t("kpis.intro"));
        if (!Views.require(s, data, t, SUMMARY)) {
            return s.build();
        }
        List<Map<String, Object>> rows = courseRows(data);
        for (KpiDef k : Views.KPIS) {
            List<Double> values = rows.stream().map(r -> MartRows.dbl(r, k.column())).filter(Objects::nonNull)
                    .sorted().toList();
            long below = rows.stream().filter(r -> Boolean.TRUE.equals(r.get(k.flag()))).count();
            Double threshold = rows.stream().map(r -> MartRows.dbl(r, k.threshold())).filter(Objects::nonNull)
                    .findFirst().orElse(null);
            Double median = median(values);
            boolean flagged = median != null && threshold != null
                    && (k.minimum() ? median < threshold : median > threshold);
            s.kpi(new Kpi(k.column(), t.t("col." + k.column()), k.format(t, median),
                    t.t(k.minimum() ? "kpi.threshold.min" : "kpi.threshold.max", k.format(t, threshold)), flagged,
                    t.t("kpis.below", below, values.size()), Views.definition(SUMMARY, k.column())));
        }
        return s.build();
    }

    static Double median(List<Double> sorted) {
        if (sorted.isEmpty()) {
            return null;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Section below(ReportData data, ReportText t) {
        Section.Builder s = Section.of("below", t.t("below.title"));
        if (!Views.require(s, data, t, SUMMARY)) {
            return s.build();
        }
        List<Map<String, Object>> flagged = data.summary().stream()
                .filter(r -> MartRows.lng(r, "flag_count") != null && MartRows.lng(r, "flag_count") > 0)
                .sorted(Comparator.comparing((Map<String, Object> r) -> -MartRows.lng(r, "flag_count"))
                        .thenComparing(r -> (String) r.get("course_id"))
                        .thenComparing(r -> Objects.toString(r.get("class_id"), "")))
                .toList();
        if (flagged.isEmpty()) {
            s.notice(new Notice("info", t.t("below.none")));
            return s.build();
        }
        List<Column> cols = List.of(Views.plain(t, "col.course", false), Views.column(t, SUMMARY, "class_id", false),
                Views.column(t, SUMMARY, "flag_count", true), Views.plain(t, "col.reasons", false));
        List<List<Cell>> rows = new ArrayList<>();
        for (Map<String, Object> r : flagged) {
            String course = (String) r.get("course_id");
            List<String> reasons = Views.KPIS.stream().map(k -> Views.reason(t, k, r)).filter(Objects::nonNull)
                    .toList();
            rows.add(List.of(new Cell(data.title(course), course, false, course, Views.courseFile(course), null),
                    Cell.plain(Views.classLabel(t, r.get("class_id"), course)),
                    Cell.number(t.count(MartRows.lng(r, "flag_count")), MartRows.lng(r, "flag_count")),
                    Cell.plain(String.join(t.t("list.separator"), reasons))));
        }
        s.table(new Table("below-table", t.t("below.caption", flagged.size()), cols, rows, true, null, null));
        return s.build();
    }

    private static Section courses(ReportData data, ReportText t, List<CsvFile> csv) {
        Section.Builder s = Section.of("courses", t.t("courses.title")).intro(t.t("courses.intro"));
        if (!Views.require(s, data, t, SUMMARY, WEEKLY)) {
            if (!data.mart(SUMMARY).present()) {
                return s.build();
            }
        }
        List<Column> cols = new ArrayList<>(List.of(Views.plain(t, "col.course", false),
                Views.column(t, SUMMARY, "class_id", false), Views.column(t, SUMMARY, "enrolled", true)));
        Views.KPIS.forEach(k -> cols.add(Views.column(t, SUMMARY, k.column(), true)));
        cols.add(Views.plain(t, "col.trend", false));
        cols.add(Views.plain(t, "col.reasons", false));
        List<List<Cell>> rows = new ArrayList<>();
        for (Map<String, Object> r : data.summary()) {
            String course = (String) r.get("course_id");
            List<Cell> row = new ArrayList<>();
            row.add(new Cell(data.title(course), course, false, course, Views.courseFile(course), null));
            row.add(Cell.plain(Views.classLabel(t, r.get("class_id"), course)));
            row.add(Cell.number(t.count(MartRows.lng(r, "enrolled")), MartRows.lng(r, "enrolled")));
            for (KpiDef k : Views.KPIS) {
                row.add(Views.kpiCell(t, r, k));
            }
            List<Double> trend = data.weekly().stream().filter(w -> course.equals(w.get("course_id"))
                            && Objects.equals(w.get("class_id"), r.get("class_id")))
                    .map(w -> MartRows.dbl(w, "active_rate")).toList();
            row.add(trend.isEmpty() ? Cell.plain(t.none()) : new Cell("", "", false, null, null,
                    Charts.sparkline(trend, t.t("courses.trend.title", trend.stream().map(t::percent).toList()
                            .toString()))));
            List<String> reasons = Views.KPIS.stream().map(k -> Views.reason(t, k, r)).filter(Objects::nonNull)
                    .toList();
            row.add(Cell.plain(reasons.isEmpty() ? "" : String.join(t.t("list.separator"), reasons)));
            rows.add(row);
        }
        String file = "data/course_quality_summary.csv";
        csv.add(csvOf(file, data.summary()));
        s.table(new Table("courses-table", t.t("courses.caption", data.summary().size()), cols, rows, true, file,
                null));
        return s.build();
    }

    /** A CSV of whole mart rows (every column as published). */
    static CsvFile csvOf(String path, List<Map<String, Object>> rows) {
        List<String> header = rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet());
        List<List<Object>> body = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            body.add(new ArrayList<>(r.values()));
        }
        return new CsvFile(path, header, body);
    }
}
