package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collection;
import java.util.Locale;

/**
 * Keeps raw learner ids out of a quarantine row's {@code detail}: a rejected actor value is described by its shape
 * (kind and length), never quoted. The row's {@code raw} column keeps the record itself, by design.
 */
public final class QuarantineDetails {
    private QuarantineDetails() {}

    /** "a string of 12 characters", "a number", "an object", …: what a value is, without its content. */
    public static String shape(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "absent";
        }
        if (v.isTextual()) {
            return shape(v.asText());
        }
        String kind = v.getNodeType().name().toLowerCase(Locale.ROOT);
        return (kind.startsWith("o") || kind.startsWith("a") ? "an " : "a ") + kind;
    }

    /** "a string of 12 characters" (the empty string: "an empty string"). */
    public static String shape(String s) {
        if (s == null) {
            return "absent";
        }
        return s.isEmpty() ? "an empty string" : "a string of " + s.length() + " character(s)";
    }

    /** {@code detail} with each of {@code rawIds} (of three characters or more) replaced by its shape in angle brackets. */
    public static String redact(String detail, Collection<String> rawIds) {
        if (detail == null) {
            return null;
        }
        String out = detail;
        for (String id : rawIds) {
            if (id != null && id.length() >= 3 && out.contains(id)) {
                out = out.replace(id, "<" + shape(id) + ">");
            }
        }
        return out;
    }
}
