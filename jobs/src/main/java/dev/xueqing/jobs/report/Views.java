package dev.xueqing.jobs.report;

import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.jobs.report.ReportModel.Cell;
import dev.xueqing.jobs.report.ReportModel.Column;
import dev.xueqing.jobs.report.ReportModel.Notice;
import dev.xueqing.jobs.report.ReportModel.Section;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** What the page views share: the KPIs of course_quality_summary, notices for missing marts, file names. */
final class Views {
    private Views() {}

    /** How a KPI's value reads: a share, a count, or hours. */
    enum Kind { PERCENT, COUNT, HOURS }

    /**
     * A KPI of course_quality_summary: its column, whether its threshold is a minimum or a maximum, and how its
     * value reads.
     */
    record KpiDef(String column, boolean minimum, Kind kind) {
        KpiDef(String column, boolean minimum) {
            this(column, minimum, Kind.PERCENT);
        }

        /** The value in words of its kind. */
        String format(ReportText t, Double v) {
            return switch (kind) {
                case PERCENT -> t.percent(v);
                case COUNT -> t.count(v == null ? null : Math.round(v));
                case HOURS -> v == null ? t.none() : t.t("unit.hours", t.decimal(v, 1));
            };
        }

        String threshold() {
            return column + "_threshold";
        }

        String flag() {
            return column + "_flag";
        }
    }

    /** The summary's KPIs, in the mart's order (the order of its {@code flags} column). */
    static final List<KpiDef> KPIS = List.of(new KpiDef("active_rate", true), new KpiDef("submission_rate", true),
            new KpiDef("on_time_rate", true), new KpiDef("mean_score", true), new KpiDef("pass_rate", true),
            new KpiDef("inactive_share", false), new KpiDef("dropout_rate", false),
            new KpiDef("questions_asked", true, Kind.COUNT), new KpiDef("within_sla_share", true),
            new KpiDef("unanswered_questions", false, Kind.COUNT),
            new KpiDef("oldest_unanswered_hours", false, Kind.HOURS));

    /** The definition of a mart's column, in the words of its spec (as docs/marts.md prints it). */
    static String definition(String mart, String column) {
        return ReportData.spec(mart).columns().stream().filter(c -> c.name().equals(column))
                .map(ColumnSpec::description).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(mart + " has no column " + column));
    }

    /** A column header labelled from the bundle ("col.<column>") with the spec's definition on hover. */
    static Column column(ReportText t, String mart, String column, boolean numeric) {
        return new Column(t.t("col." + column), definition(mart, column), numeric);
    }

    /** A header with no mart column behind it. */
    static Column plain(ReportText t, String key, boolean numeric) {
        return new Column(t.t(key), null, numeric);
    }

    /**
     * Adds a notice for each of the marts that is missing or whose last build failed; true when all are published
     * (a failed rebuild still leaves the previous version to show).
     */
    static boolean require(Section.Builder section, ReportData data, ReportText t, String... marts) {
        boolean all = true;
        for (String m : marts) {
            ReportData.MartState s = data.mart(m);
            if (s.unreadable() != null) {
                all = false;
                section.notice(new Notice("failed", t.t("notice.mart.unreadable", m, s.unreadable())));
            } else if (!s.present()) {
                all = false;
                section.notice(new Notice("missing", s.failedAt() == null ? t.t("notice.mart.never", m)
                        : t.t("notice.mart.never.failed", m, t.dateTime(s.failedAt()), s.failure())));
            } else if (s.failedSinceLastBuild()) {
                section.notice(new Notice("failed", t.t("notice.mart.failed", m, t.dateTime(s.failedAt()),
                        s.failure(), t.dateTime(s.publishedAt()))));
            }
        }
        return all;
    }

    /** The label of a class: its id, or "whole course" for the course row (class_id null). */
    static String classLabel(ReportText t, Object classId) {
        return classId == null ? t.t("class.all") : classId.toString();
    }

    /**
     * The label of a class on its course's rows: the part of the id after the course's id when the class id starts
     * with it (".../course/DS101/class/A" shows as "class/A"), else the whole id.
     */
    static String classLabel(ReportText t, Object classId, String courseId) {
        String label = classLabel(t, classId);
        return classId != null && courseId != null && label.startsWith(courseId + "/")
                && label.length() > courseId.length() + 1 ? label.substring(courseId.length() + 1) : label;
    }

    /** A file name for a course page: readable, safe on any file system, unique by a hash of the id. */
    static String courseFile(String courseId) {
        String readable = courseId.replaceAll("^[a-z]+://[^/]+/", "").replaceAll("[^A-Za-z0-9_-]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (readable.length() > 48) {
            readable = readable.substring(readable.length() - 48);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(courseId.getBytes(StandardCharsets.UTF_8));
            return "course/" + (readable.isEmpty() ? "course" : readable) + "-" + HexFormat.of().formatHex(h, 0, 4)
                    + ".html";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A KPI's cell, in the words of its kind, flagged when the flag column says so. */
    static Cell kpiCell(ReportText t, Map<String, Object> row, KpiDef k) {
        Double v = MartRows.dbl(row, k.column());
        return new Cell(k.format(t, v), v == null ? "" : v.toString(), Boolean.TRUE.equals(row.get(k.flag())),
                reason(t, k, row), null, null);
    }

    /** The reason a KPI is below standard, in words; null when it is not flagged. */
    static String reason(ReportText t, KpiDef k, Map<String, Object> row) {
        if (!Boolean.TRUE.equals(row.get(k.flag()))) {
            return null;
        }
        return t.t(k.minimum() ? "kpi.reason.min" : "kpi.reason.max", t.t("col." + k.column()),
                k.format(t, MartRows.dbl(row, k.column())), k.format(t, MartRows.dbl(row, k.threshold())));
    }
}
