package dev.xueqing.jobs.ingest.moodle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.ailis.pherialize.Mixed;
import de.ailis.pherialize.MixedArray;
import de.ailis.pherialize.Pherialize;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code other} column of Moodle's standard log: the event's extra data as a flat map of scalar values (key →
 * String, Long, Double or Boolean; nested arrays are left out). Moodle wrote it with PHP's {@code serialize()}
 * (e.g. {@code a:1:{s:9:"attemptid";i:1;}}) and, on sites with the log store's JSON format on, as JSON; both are
 * read, with their libraries (Pherialize, Jackson). {@code other} is supplementary: an empty, {@code N;} or
 * unreadable value gives an empty map and the event is still mapped from its columns.
 */
public final class MoodleOther {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> values;
    private final boolean readable;

    private MoodleOther(Map<String, Object> values, boolean readable) {
        this.values = values;
        this.readable = readable;
    }

    /** Parses the column's text (null or blank → empty). */
    public static MoodleOther parse(String text) {
        if (text == null || text.isBlank() || text.trim().equals("N;") || text.trim().equals("null")) {
            return new MoodleOther(Map.of(), true);
        }
        String t = text.trim();
        try {
            Map<String, Object> out = new LinkedHashMap<>();
            if (t.startsWith("{")) {
                JsonNode node = JSON.readTree(t);
                node.fields().forEachRemaining(f -> {
                    JsonNode v = f.getValue();
                    if (v.isIntegralNumber()) {
                        out.put(f.getKey(), v.asLong());
                    } else if (v.isNumber()) {
                        out.put(f.getKey(), v.asDouble());
                    } else if (v.isBoolean()) {
                        out.put(f.getKey(), v.asBoolean());
                    } else if (v.isTextual()) {
                        out.put(f.getKey(), v.asText());
                    }
                });
                return new MoodleOther(Collections.unmodifiableMap(out), true);
            }
            if (t.startsWith("a:")) {
                // lengths in PHP's format count bytes: Moodle writes UTF-8
                MixedArray array = Pherialize.unserialize(t, StandardCharsets.UTF_8).toArray();
                for (Map.Entry<Object, Object> e : array.entrySet()) {
                    Object v = e.getValue() instanceof Mixed m ? m.getValue() : e.getValue();
                    String key = String.valueOf(e.getKey() instanceof Mixed m ? m.getValue() : e.getKey());
                    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                        out.put(key, ((Number) v).longValue());
                    } else if (v instanceof Number n) {
                        out.put(key, n.doubleValue());
                    } else if (v instanceof Boolean || v instanceof String) {
                        out.put(key, v);
                    }
                }
                return new MoodleOther(Collections.unmodifiableMap(out), true);
            }
        } catch (Exception e) {
            return new MoodleOther(Map.of(), false);
        }
        return new MoodleOther(Map.of(), false);
    }

    /** False when the text was neither empty, JSON nor PHP-serialised (or broken). */
    public boolean readable() {
        return readable;
    }

    public Map<String, Object> values() {
        return values;
    }

    /** A numeric value; numeric strings (Moodle often serialises ids and grades as strings) are read too. */
    public Double number(String key) {
        Object v = values.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                double d = Double.parseDouble(s.trim());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A whole-number id as text ("1" for 1, "1" or 1.0), or null. */
    public String id(String key) {
        Double d = number(key);
        if (d == null || d != Math.rint(d)) {
            return null;
        }
        return Long.toString(d.longValue());
    }
}
