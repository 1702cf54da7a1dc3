package dev.xueqing.jobs.report;

import dev.xueqing.jobs.report.Charts.Series;
import dev.xueqing.jobs.report.ReportModel.Cell;
import dev.xueqing.jobs.report.ReportModel.Chart;
import dev.xueqing.jobs.report.ReportModel.Column;
import dev.xueqing.jobs.report.ReportModel.CsvFile;
import dev.xueqing.jobs.report.ReportModel.Notice;
import dev.xueqing.jobs.report.ReportModel.Page;
import dev.xueqing.jobs.report.ReportModel.Section;
import dev.xueqing.jobs.report.ReportModel.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The data-quality page: the runs over time with their outcome, what each ingest run read, accepted, quarantined by
 * reason, dropped as duplicates and received late, and every mart's freshness with its last failure.
 */
final class QualityView {
    static final String DQ = "data_quality";

    private QualityView() {}

    static Page build(ReportData data, ReportText t) {
        List<CsvFile> csv = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        sections.add(runs(data, t, csv));
        sections.add(ingest(data, t, csv));
        sections.add(marts(data, t));
        return new Page("data-quality.html", t.t("quality.title"), t.t("report.asof", t.date(data.asOf())),
                sections, csv);
    }

    private static Section runs(ReportData data, ReportText t, List<CsvFile> csv) {
        Section.Builder s = Section.of("runs", t.t("quality.runs.title")).intro(t.t("quality.runs.intro",
                ReportData.RUNS_SHOWN));
        if (data.runs().isEmpty()) {
            s.notice(new Notice("missing", t.t("freshness.norun")));
            return s.build();
        }
        List<List<Cell>> rows = new ArrayList<>();
        List<Map<String, Object>> csvRows = new ArrayList<>();
        for (Map<String, Object> r : data.runs()) {
            Instant start = (Instant) r.get("started_at");
            Instant end = (Instant) r.get("ended_at");
            long seconds = Duration.between(start, end).toSeconds();
            String status = (String) r.get("status");
            rows.add(List.of(Cell.number(t.dateTime(start), start.toEpochMilli()),
                    Cell.plain(t.code("run.job", (String) r.get("job"))), Cell.plain((String) r.get("run_id")),
                    new Cell(t.code("run.status", status), status, !"succeeded".equals(status), null, null, null),
                    Cell.number(t.count(seconds), seconds),
                    Cell.plain(Objects.toString(r.get("message"), ""))));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", r.get("run_id"));
            m.put("job", r.get("job"));
            m.put("status", status);
            m.put("started_at", start);
            m.put("ended_at", end);
            m.put("seconds", seconds);
            m.put("message", r.get("message"));
            csvRows.add(m);
        }
        String file = "data/runs.csv";
        csv.add(OverviewView.csvOf(file, csvRows));
        // the chart: duration of the top-level runs, oldest first, one series per status
        List<Map<String, Object>> top = new ArrayList<>(data.runs().stream()
                .filter(r -> List.of("nightly", "marts", "ingest", "train-risk", "score-risk", "train-skills").contains(r.get("job")))
                .filter(r -> !((String) r.get("run_id")).matches(".*-[a-z]+-[0-9]+$")).toList());
        java.util.Collections.reverse(top);
        List<String> x = top.stream().map(r -> t.dateTime((Instant) r.get("started_at"))).toList();
        List<Series> series = new ArrayList<>();
        for (String status : List.of("succeeded", "failed", "interrupted")) {
            series.add(new Series(t.code("run.status", status), top.stream().map(r -> status.equals(r.get("status"))
                    ? (Number) Duration.between((Instant) r.get("started_at"), (Instant) r.get("ended_at"))
                    .toSeconds() : null).toList()));
        }
        List<Column> cols = List.of(Views.plain(t, "col.started_at", false), Views.plain(t, "col.job", false),
                Views.plain(t, "col.run_id", false), Views.plain(t, "col.status", false),
                Views.plain(t, "col.seconds", true), Views.plain(t, "col.message", false));
        List<List<Cell>> chartRows = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            Map<String, Object> r = top.get(i);
            long sec = Duration.between((Instant) r.get("started_at"), (Instant) r.get("ended_at")).toSeconds();
            chartRows.add(List.of(Cell.plain(x.get(i)), Cell.plain(t.code("run.job", (String) r.get("job"))),
                    Cell.plain(t.code("run.status", (String) r.get("status"))), Cell.number(t.count(sec), sec)));
        }
        s.chart(new Chart("runs-chart", t.t("quality.runs.chart"), Charts.bar(x, series, false, true),
                new Table("runs-chart-data", t.t("quality.runs.chart"), List.of(Views.plain(t, "col.started_at",
                        false), Views.plain(t, "col.job", false), Views.plain(t, "col.status", false),
                        Views.plain(t, "col.seconds", true)), chartRows, false, null, null), file, 260));
        s.table(new Table("runs-table", t.t("quality.runs.caption"), cols, rows, true, file, null));
        return s.build();
    }

    private static Section ingest(ReportData data, ReportText t, List<CsvFile> csv) {
        Section.Builder s = Section.of("ingest", t.t("quality.ingest.title")).intro(t.t("quality.ingest.intro",
                ReportData.RUNS_SHOWN));
        if (!Views.require(s, data, t, DQ)) {
            return s.build();
        }
        // one row per run × source (the mart repeats its counts on each reason row)
        Map<String, Map<String, Object>> perRun = new LinkedHashMap<>();
        data.dataQuality().forEach(r -> perRun.putIfAbsent(r.get("run_id") + "|" + r.get("source"), r));
        // the most recent ingest runs only (a year of nightlies would crowd the chart); the CSV has them all
        List<Map<String, Object>> all = List.copyOf(perRun.values());
        List<Map<String, Object>> runs = all.subList(Math.max(0, all.size() - ReportData.RUNS_SHOWN), all.size());
        List<String> x = runs.stream().map(r -> t.dateTime((Instant) r.get("started_at")) + " " + r.get("source"))
                .toList();
        List<Series> series = new ArrayList<>();
        for (String c : List.of("accepted", "duplicates", "quarantined_total", "late_arrivals")) {
            series.add(new Series(t.t("col." + c), runs.stream().map(r -> (Number) MartRows.lng(r, c)).toList()));
        }
        List<Column> cols = List.of(Views.column(t, DQ, "started_at", false), Views.column(t, DQ, "source", false),
                Views.column(t, DQ, "records_read", true), Views.column(t, DQ, "accepted", true),
                Views.column(t, DQ, "duplicates", true), Views.column(t, DQ, "quarantined_total", true),
                Views.column(t, DQ, "late_arrivals", true), Views.column(t, DQ, "quarantine_share", true));
        List<List<Cell>> rows = new ArrayList<>();
        for (Map<String, Object> r : runs) {
            Instant at = (Instant) r.get("started_at");
            rows.add(List.of(Cell.number(t.dateTime(at), at.toEpochMilli()), Cell.plain((String) r.get("source")),
                    num(t, r, "records_read"), num(t, r, "accepted"), num(t, r, "duplicates"),
                    num(t, r, "quarantined_total"), num(t, r, "late_arrivals"),
                    Cell.number(t.percent(MartRows.dbl(r, "quarantine_share")), MartRows.dbl(r, "quarantine_share"))));
        }
        String file = "data/data_quality.csv";
        csv.add(OverviewView.csvOf(file, data.dataQuality()));
        s.chart(new Chart("ingest-chart", t.t("quality.ingest.chart"), Charts.bar(x, series, false, false),
                new Table("ingest-data", t.t("quality.ingest.chart"), cols, rows, true, null, null), file, 280));
        List<List<Cell>> reasons = new ArrayList<>();
        java.util.Set<String> shown = new java.util.HashSet<>();
        runs.forEach(r -> shown.add((String) r.get("run_id")));
        for (Map<String, Object> r : data.dataQuality()) {
            if (!shown.contains((String) r.get("run_id"))) {
                continue;
            }
            if ("none".equals(r.get("reason"))) {
                continue;
            }
            Instant at = (Instant) r.get("started_at");
            reasons.add(List.of(Cell.number(t.dateTime(at), at.toEpochMilli()), Cell.plain((String) r.get("source")),
                    Cell.plain(t.code("reason", (String) r.get("reason"))), num(t, r, "quarantined")));
        }
        if (reasons.isEmpty()) {
            s.notice(new Notice("info", t.t("quality.noquarantine")));
        } else {
            s.table(new Table("reasons-table", t.t("quality.reasons.caption"), List.of(
                    Views.column(t, DQ, "started_at", false), Views.column(t, DQ, "source", false),
                    Views.column(t, DQ, "reason", false), Views.column(t, DQ, "quarantined", true)), reasons, true,
                    file, null));
        }
        return s.build();
    }

    private static Cell num(ReportText t, Map<String, Object> r, String c) {
        return Cell.number(t.count(MartRows.lng(r, c)), MartRows.lng(r, c));
    }

    private static Section marts(ReportData data, ReportText t) {
        Section.Builder s = Section.of("marts", t.t("quality.marts.title")).intro(t.t("quality.marts.intro"));
        List<List<Cell>> rows = new ArrayList<>();
        for (ReportData.MartState m : data.marts().values()) {
            String state = m.unreadable() != null ? "unreadable" : !m.present() ? "missing"
                    : m.failedSinceLastBuild() ? "failed" : "ok";
            rows.add(List.of(Cell.plain(m.name()), new Cell(t.t("mart.state." + state), state, !"ok".equals(state),
                            null, null, null),
                    Cell.number(t.dateTime(m.publishedAt()), m.publishedAt() == null ? null
                            : m.publishedAt().toEpochMilli()),
                    Cell.number(t.dateTime(m.failedAt()), m.failedAt() == null ? null : m.failedAt().toEpochMilli()),
                    Cell.plain(m.unreadable() != null ? m.unreadable()
                            : m.failure() == null ? "" : m.failure() + " (" + m.failedRun() + ")")));
        }
        s.table(new Table("marts-table", t.t("quality.marts.caption"), List.of(Views.plain(t, "col.mart", false),
                Views.plain(t, "col.state", false), Views.plain(t, "col.published_at", false),
                Views.plain(t, "col.failed_at", false), Views.plain(t, "col.failure", false)), rows, false, null,
                null));
        return s.build();
    }
}
