package dev.xueqing.common.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a build (a mart, the dims) is a function of, named so that a later run can tell whether building again would
 * write the same rows: the state of each dataset read, and settings as a text that is the same in every JVM. A build
 * whose inputs are named as those of the current version is skipped ({@code MartsJob}, {@code DimsJob}).
 */
public final class BuildInputs {
    private BuildInputs() {}

    /**
     * The states of the datasets, in order, as {@code |name=state}: a Delta table's version and commit time
     * ({@link Warehouse#stateOf}), {@code absent} for a dataset not in the warehouse; null when one has no state to
     * name (a dataset of the old layout, which records no versions).
     */
    public static String states(Warehouse warehouse, Collection<DatasetRef> refs) {
        return states(read(warehouse, refs), refs);
    }

    /**
     * The state of each dataset as {@link #states} names it, read once for a build of several parts: null values
     * for datasets of the old layout.
     */
    public static Map<DatasetRef, String> read(Warehouse warehouse, Collection<DatasetRef> refs) {
        Map<DatasetRef, String> out = new java.util.HashMap<>();
        for (DatasetRef ref : refs) {
            String state = warehouse.stateOf(ref);
            out.put(ref, state != null ? state : warehouse.exists(ref) ? null : "absent");
        }
        return out;
    }

    /** {@link #states} of some of the datasets whose states were {@link #read}, sorted by name. */
    public static String states(Map<DatasetRef, String> read, Collection<DatasetRef> refs) {
        StringBuilder s = new StringBuilder();
        for (DatasetRef ref : refs.stream().distinct().sorted(java.util.Comparator.comparing(DatasetRef::name))
                .toList()) {
            if (!read.containsKey(ref)) {
                throw new IllegalArgumentException("state of " + ref.name() + " not read");
            }
            String state = read.get(ref);
            if (state == null) {
                return null;
            }
            s.append('|').append(ref.name()).append('=').append(state);
        }
        return s.toString();
    }

    /**
     * A text of a value that is the same in every JVM for equal values: records by component, maps by sorted key,
     * sets sorted (the iteration order of {@code Set.of}/{@code Map.of} changes from one JVM to the next).
     */
    public static String canonical(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Record r) {
            StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('(');
            for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
                Object value;
                try {
                    java.lang.reflect.Method accessor = c.getAccessor();
                    accessor.setAccessible(true); // a record not public to this package (a caller's own) reads too
                    value = accessor.invoke(r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
                }
                b.append(c.getName()).append('=').append(canonical(value)).append(';');
            }
            return b.append(')').toString();
        }
        if (o instanceof Map<?, ?> m) {
            java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
            m.forEach((k, v) -> sorted.put(canonical(k), canonical(v)));
            return sorted.toString();
        }
        if (o instanceof Set<?> set) {
            return new TreeSet<>(set.stream().map(BuildInputs::canonical).toList()).toString();
        }
        if (o instanceof java.util.Collection<?> c) {
            return c.stream().map(BuildInputs::canonical).toList().toString();
        }
        return o.toString();
    }

    /**
     * The rows of the dataset's current version when its build note ({@link #note}, kept beside the version under
     * the given name) names exactly these inputs, so that building again would write what is there; -1 otherwise
     * (no inputs to name, no note, a note naming other inputs or none, an unreadable note).
     */
    public static long keptRows(Warehouse warehouse, DatasetRef ref, String noteName, String inputs) {
        if (inputs == null) {
            return -1;
        }
        String text = warehouse.readVersionNote(ref, noteName);
        if (text == null) {
            return -1;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode note = JSON.readTree(text);
            return inputs.equals(note.path("inputs").asText()) && note.path("rows").canConvertToLong()
                    ? note.path("rows").asLong() : -1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return -1;
        }
    }

    /** A build note: the inputs a version was built from ({@link #sha256} of their text) and its rows. */
    public static String note(String inputs, long rows) {
        return JSON.createObjectNode().put("inputs", inputs).put("rows", rows).toString();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
