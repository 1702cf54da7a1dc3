package dev.xueqing.jobs.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * ECharts options built from mart values, as JSON for the page's script to draw. Options carry no functions; an
 * {@code xq} block tells report.js how to format values (percent: shares 0..1 shown as %). Animation is off so that
 * printed pages and screenshots show the final chart.
 */
final class Charts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Charts() {}

    /** One named series of values (null: no value for that x). */
    record Series(String name, List<? extends Number> values) {}

    static ObjectNode base(boolean percent) {
        ObjectNode o = JSON.createObjectNode();
        o.put("animation", false);
        o.putObject("xq").put("percent", percent);
        o.putObject("tooltip").put("trigger", "axis");
        o.putObject("legend").put("type", "scroll").put("top", 0);
        ObjectNode grid = o.putObject("grid");
        grid.put("left", 8).put("right", 16).put("top", 36).put("bottom", 8).put("containLabel", true);
        return o;
    }

    /** Lines over a category axis (weeks), one per series; gaps where a value is null. */
    static String line(List<String> x, List<Series> series, boolean percent) {
        return xy("line", x, series, percent, false);
    }

    /** Bars over a category axis, stacked or side by side. */
    static String bar(List<String> x, List<Series> series, boolean percent, boolean stacked) {
        return xy("bar", x, series, percent, stacked);
    }

    private static String xy(String type, List<String> x, List<Series> series, boolean percent, boolean stacked) {
        ObjectNode o = base(percent);
        ObjectNode xAxis = o.putObject("xAxis");
        xAxis.put("type", "category");
        x.forEach(xAxis.putArray("data")::add);
        ObjectNode yAxis = o.putObject("yAxis");
        yAxis.put("type", "value");
        if (percent && !stacked) {
            yAxis.put("min", 0).put("max", 1);
        }
        ArrayNode s = o.putArray("series");
        for (Series one : series) {
            ObjectNode n = s.addObject();
            n.put("type", type).put("name", one.name());
            if ("line".equals(type)) {
                n.put("connectNulls", false).put("showSymbol", x.size() <= 30);
            }
            if (stacked) {
                n.put("stack", "total");
            }
            ArrayNode data = n.putArray("data");
            one.values().forEach(v -> {
                if (v == null) {
                    data.addNull();
                } else {
                    data.add(v.doubleValue());
                }
            });
        }
        return o.toString();
    }

    /** Two bar series over one category axis, each on its own value axis (learners left, items right). */
    static String twoAxisBars(List<String> x, Series left, Series right) {
        ObjectNode o = base(false);
        ObjectNode xAxis = o.putObject("xAxis");
        xAxis.put("type", "category");
        x.forEach(xAxis.putArray("data")::add);
        ArrayNode y = o.putArray("yAxis");
        y.addObject().put("type", "value").put("name", left.name());
        y.addObject().put("type", "value").put("name", right.name()).put("position", "right");
        ArrayNode s = o.putArray("series");
        int axis = 0;
        for (Series one : List.of(left, right)) {
            ObjectNode n = s.addObject();
            n.put("type", "bar").put("name", one.name()).put("yAxisIndex", axis++);
            ArrayNode data = n.putArray("data");
            one.values().forEach(v -> data.add(v.doubleValue()));
        }
        return o.toString();
    }

    /** A heatmap of values 0..1: cells {@code [xIndex, yIndex, value]}. */
    static String heatmap(List<String> x, List<String> y, List<double[]> cells, String xName, String yName) {
        ObjectNode o = base(true);
        o.putObject("tooltip").put("position", "top");
        o.remove("legend");
        ObjectNode xAxis = o.putObject("xAxis");
        xAxis.put("type", "category").put("name", xName).put("nameLocation", "middle").put("nameGap", 24);
        x.forEach(xAxis.putArray("data")::add);
        ObjectNode yAxis = o.putObject("yAxis");
        yAxis.put("type", "category").put("name", yName);
        y.forEach(yAxis.putArray("data")::add);
        ObjectNode vm = o.putObject("visualMap");
        vm.put("min", 0).put("max", 1).put("calculable", false).put("orient", "horizontal").put("left", "center")
                .put("bottom", 0);
        o.with("grid").put("bottom", 48).put("top", 28);
        ObjectNode s = o.putArray("series").addObject();
        s.put("type", "heatmap");
        ArrayNode data = s.putArray("data");
        for (double[] c : cells) {
            data.addArray().add((int) c[0]).add((int) c[1]).add(c[2]);
        }
        return o.toString();
    }

    /** Points (x, y) with the diagonal y = x for reference: the calibration chart. */
    static String calibration(List<double[]> points, String pointsName, String diagonalName) {
        ObjectNode o = base(true);
        o.putObject("tooltip").put("trigger", "item");
        o.putObject("xAxis").put("type", "value").put("min", 0).put("max", 1);
        o.putObject("yAxis").put("type", "value").put("min", 0).put("max", 1);
        ArrayNode series = o.putArray("series");
        ObjectNode diag = series.addObject();
        diag.put("type", "line").put("name", diagonalName).put("showSymbol", false);
        diag.putObject("lineStyle").put("type", "dashed").put("color", "#999");
        ArrayNode dd = diag.putArray("data");
        dd.addArray().add(0).add(0);
        dd.addArray().add(1).add(1);
        ObjectNode pts = series.addObject();
        pts.put("type", "line").put("name", pointsName).put("showSymbol", true);
        ArrayNode pd = pts.putArray("data");
        points.forEach(p -> pd.addArray().add(p[0]).add(p[1]));
        return o.toString();
    }

    /** A pie of shares. */
    static String pie(List<String> names, List<Double> values) {
        ObjectNode o = base(true);
        o.putObject("tooltip").put("trigger", "item");
        o.remove("grid");
        ObjectNode s = o.putArray("series").addObject();
        s.put("type", "pie").put("radius", "60%");
        s.putArray("center").add("50%").add("58%");
        ArrayNode data = s.putArray("data");
        for (int i = 0; i < names.size(); i++) {
            data.addObject().put("name", names.get(i)).put("value", values.get(i));
        }
        return o.toString();
    }

    /** A small inline SVG line of values 0..1 (a course's weekly active rate), for tables; no script needed. */
    static String sparkline(List<Double> values, String title) {
        int w = 96;
        int h = 22;
        StringBuilder pts = new StringBuilder();
        int n = values.size();
        for (int i = 0; i < n; i++) {
            Double v = values.get(i);
            if (v == null) {
                continue;
            }
            double x = n == 1 ? w / 2.0 : i * (w - 2) / (double) (n - 1) + 1;
            double y = h - 1 - Math.max(0, Math.min(1, v)) * (h - 2);
            pts.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return "<svg class=\"spark\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h
                + "\" role=\"img\"><title>" + escape(title) + "</title><polyline fill=\"none\" stroke=\"#3b6fb6\" "
                + "stroke-width=\"1.5\" points=\"" + pts.toString().trim() + "\"/></svg>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
