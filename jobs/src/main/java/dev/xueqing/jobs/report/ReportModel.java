package dev.xueqing.jobs.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's view models: what a page shows, already in words and formatted numbers, so that the templates only
 * lay it out. Built by the page views from {@link ReportData}; unit tests check these against the mart values.
 */
public final class ReportModel {
    private ReportModel() {}

    /**
     * One HTML page: its file (relative to the report folder), title, sections, and the CSV files its charts and
     * tables link to.
     */
    public record Page(String file, String title, String subtitle, List<Section> sections, List<CsvFile> csvFiles) {}

    /** A CSV download: its path relative to the report folder, header and rows of raw (unformatted) mart values. */
    public record CsvFile(String path, List<String> header, List<List<Object>> rows) {}

    /**
     * A part of a page about one question ("Which courses are below standard?"). {@code notices} say why something
     * is not shown (a missing or failed mart, no activity yet).
     */
    public record Section(String id, String title, String intro, List<Notice> notices, List<Kpi> kpis,
                          List<Chart> charts, List<Table> tables) {
        public static Builder of(String id, String title) {
            return new Builder(id, title);
        }

        /** Collects a section's parts in the order they are added. */
        public static final class Builder {
            private final String id;
            private final String title;
            private String intro;
            private final List<Notice> notices = new ArrayList<>();
            private final List<Kpi> kpis = new ArrayList<>();
            private final List<Chart> charts = new ArrayList<>();
            private final List<Table> tables = new ArrayList<>();

            Builder(String id, String title) {
                this.id = id;
                this.title = title;
            }

            public Builder intro(String text) {
                this.intro = text;
                return this;
            }

            public Builder notice(Notice n) {
                notices.add(n);
                return this;
            }

            public Builder kpi(Kpi k) {
                kpis.add(k);
                return this;
            }

            public Builder chart(Chart c) {
                charts.add(c);
                return this;
            }

            public Builder table(Table t) {
                tables.add(t);
                return this;
            }

            public Section build() {
                return new Section(id, title, intro, List.copyOf(notices), List.copyOf(kpis), List.copyOf(charts),
                        List.copyOf(tables));
            }
        }
    }

    /** A message in place of content: kind is missing, failed, empty or info. */
    public record Notice(String kind, String text) {}

    /**
     * One KPI card: its label, the value, the threshold in words, whether it is below standard (flagged) and why,
     * and its definition from the mart spec.
     */
    public record Kpi(String name, String label, String value, String threshold, boolean flagged, String reason,
                      String definition) {}

    /**
     * A chart: the ECharts option as JSON (data straight from the mart rows), its data as a table beside it, and the
     * CSV file with the same rows.
     */
    public record Chart(String id, String title, String optionJson, Table data, String csv, int height) {}

    /** A table: columns with their definitions, rows of cells; sortable and, when {@code filter}, filterable. */
    public record Table(String id, String caption, List<Column> columns, List<List<Cell>> rows, boolean filter,
                        String csv, String note) {}

    /** A column header with the definition shown on hover. */
    public record Column(String label, String definition, boolean numeric) {}

    /**
     * A table cell: the text shown, the value to sort by (the raw number, so "9.5%" sorts below "10.0%"), whether it
     * is flagged below standard, a tooltip, a link, and an inline SVG sparkline.
     */
    public record Cell(String text, String sort, boolean flagged, String title, String href, String svg) {
        public static Cell plain(String t) {
            return new Cell(t, t, false, null, null, null);
        }

        public static Cell number(String t, Number raw) {
            return new Cell(t, raw == null ? "" : raw.toString(), false, null, null, null);
        }
    }
}
