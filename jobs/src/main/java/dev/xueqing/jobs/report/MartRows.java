package dev.xueqing.jobs.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mart rows as plain Java maps (column name → value) for the report's views: dates become {@link java.time.LocalDate},
 * timestamps {@link java.time.Instant}, Spark's arrays lists, its maps {@link LinkedHashMap}s, its structs maps.
 * The values are the published values; nothing is recomputed here.
 */
public final class MartRows {
    private MartRows() {}

    /** Collects a (small, already filtered or aggregated) Dataset to the driver. */
    public static List<Map<String, Object>> collect(Dataset<Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows.collectAsList()) {
            out.add(toMap(r));
        }
        return out;
    }

    /** One row as a map in column order. */
    public static Map<String, Object> toMap(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        StructField[] fields = r.schema().fields();
        for (int i = 0; i < fields.length; i++) {
            m.put(fields[i].name(), r.isNullAt(i) ? null : java(r.get(i)));
        }
        return m;
    }

    static Object java(Object v) {
        if (v instanceof Date d) {
            return d.toLocalDate();
        }
        if (v instanceof Timestamp t) {
            return t.toInstant();
        }
        if (v instanceof Row struct) {
            return toMap(struct);
        }
        if (v instanceof scala.collection.Map<?, ?> map) {
            Map<Object, Object> m = new LinkedHashMap<>();
            scala.jdk.javaapi.CollectionConverters.asJava(map).forEach((k, x) -> m.put(java(k), java(x)));
            return m;
        }
        if (v instanceof scala.collection.Iterable<?> it) {
            List<Object> l = new ArrayList<>();
            scala.jdk.javaapi.CollectionConverters.asJava(it.toList()).forEach(x -> l.add(java(x)));
            return l;
        }
        return v;
    }

    /** A numeric value as a Double (null stays null). */
    public static Double dbl(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? null : ((Number) v).doubleValue();
    }

    /** A whole number as a Long (null stays null). */
    public static Long lng(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? null : ((Number) v).longValue();
    }

    public static String str(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? null : v.toString();
    }
}
