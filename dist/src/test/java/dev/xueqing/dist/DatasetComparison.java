package dev.xueqing.dist;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Compares two collected versions of one dataset row by row, order-insensitively: rows are paired by their key
 * columns, then every other column must be equal, floating-point values to a relative 1e-9 (sums over shuffled
 * partitions may add in another order on a cluster). Columns that name or time the run that wrote a row are left
 * out: two runs never share them.
 */
final class DatasetComparison {
    /** Columns that differ between any two runs by design. */
    static final Set<String> RUN_COLUMNS = Set.of("run_id", "started_at", "ended_at", "quarantined_at");
    static final double TOLERANCE = 1e-9;

    private DatasetComparison() {}

    /**
     * The differences between {@code expected} and {@code actual} (empty when equal), at most {@code limit}.
     *
     * @param key the columns that identify a row (the dataset's grain); run columns among them are ignored
     */
    static List<String> differences(String dataset, List<String> key, List<Row> expected, List<Row> actual,
                                    int limit) {
        List<String> diffs = new ArrayList<>();
        Map<String, Row> exp = byKey(key, expected);
        Map<String, Row> act = byKey(key, actual);
        if (exp.size() != expected.size() || act.size() != actual.size()) {
            diffs.add(dataset + ": key " + key + " is not unique (" + expected.size() + " rows, " + exp.size()
                    + " keys; " + actual.size() + " rows, " + act.size() + " keys)");
        }
        for (String k : exp.keySet()) {
            if (!act.containsKey(k)) {
                diffs.add(dataset + " " + k + ": missing from the cluster run");
            }
        }
        for (String k : act.keySet()) {
            if (!exp.containsKey(k)) {
                diffs.add(dataset + " " + k + ": only in the cluster run");
            }
        }
        for (Map.Entry<String, Row> e : exp.entrySet()) {
            Row a = act.get(e.getKey());
            if (a == null) {
                continue;
            }
            for (StructField f : e.getValue().schema().fields()) {
                if (RUN_COLUMNS.contains(f.name())) {
                    continue;
                }
                Object x = e.getValue().getAs(f.name());
                Object y = a.getAs(f.name());
                if (!same(x, y)) {
                    diffs.add(dataset + " " + e.getKey() + "." + f.name() + ": local " + x + ", cluster " + y);
                }
            }
        }
        return diffs.subList(0, Math.min(limit, diffs.size()));
    }

    private static Map<String, Row> byKey(List<String> key, List<Row> rows) {
        List<String> cols = key.stream().filter(c -> !RUN_COLUMNS.contains(c)).toList();
        Map<String, Row> out = new TreeMap<>();
        for (Row r : rows) {
            out.put(cols.stream().map(c -> c + "=" + r.getAs(c)).collect(Collectors.joining(", ", "[", "]")), r);
        }
        return out;
    }

    /** Equality of Spark values, recursing into structs, arrays and maps; doubles and floats to the tolerance. */
    static boolean same(Object x, Object y) {
        if (x == null || y == null) {
            return x == y;
        }
        if ((x instanceof Double || x instanceof Float) && (y instanceof Double || y instanceof Float)) {
            double a = ((Number) x).doubleValue();
            double b = ((Number) y).doubleValue();
            return a == b || (Double.isNaN(a) && Double.isNaN(b))
                    || Math.abs(a - b) <= TOLERANCE * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
        }
        if (x instanceof Row rx && y instanceof Row ry) {
            if (rx.size() != ry.size()) {
                return false;
            }
            for (int i = 0; i < rx.size(); i++) {
                if (!same(rx.get(i), ry.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (x instanceof scala.collection.Seq<?> sx && y instanceof scala.collection.Seq<?> sy) {
            return sameList(toList(sx), toList(sy));
        }
        if (x instanceof scala.collection.Map<?, ?> mx && y instanceof scala.collection.Map<?, ?> my) {
            Map<Object, Object> jx = scala.jdk.javaapi.CollectionConverters.asJava(mx).entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey(), e -> e.getValue()));
            Map<Object, Object> jy = scala.jdk.javaapi.CollectionConverters.asJava(my).entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey(), e -> e.getValue()));
            return jx.keySet().equals(jy.keySet()) && jx.keySet().stream().allMatch(k -> same(jx.get(k), jy.get(k)));
        }
        if (x instanceof byte[] bx && y instanceof byte[] by) {
            return Arrays.equals(bx, by);
        }
        return Objects.equals(x, y);
    }

    private static List<Object> toList(scala.collection.Seq<?> s) {
        return new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(s));
    }

    private static boolean sameList(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!same(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
