package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.Formats;
import org.apache.hadoop.conf.Configuration;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Tells the input format from the content, for {@code ingest} and {@code validate} without {@code --format}: the
 * first records of each file (at most {@value #SAMPLE_FILES} files) are read and matched against each format's
 * signature. All sampled files must agree; otherwise the error lists what each looked like, so that mixed inputs
 * are ingested format by format.
 *
 * <p>A file that is not text (empty, binary, UTF-16) has no vote: the others decide, and the reason names the
 * files that are not read (each gives an {@code unreadable_input} row); when no sampled file is text, the error says
 * what each one is. JSON is read with Jackson's streaming parser, record by record, so that a first record of any
 * length (a 5 MB statement on one line) is seen whole, and of an export envelope only its first elements are read.
 * Other text is judged on its first {@value #HEAD_BYTES} bytes.
 */
public final class FormatDetector {
    static final int SAMPLE_FILES = 5;
    static final int HEAD_BYTES = 256 * 1024;
    /** Records read from a JSON file at most (and elements of an envelope's array). */
    static final int SAMPLE_RECORDS = 20;
    /** A JSON file is read at most this far to find its first records. */
    static final long MAX_JSON_BYTES = 64L << 20;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(MAX_JSON_BYTES).build())
            .build().setCodec(new ObjectMapper());

    /**
     * The outcome: the format, the files whose content decided it, and the sampled files that are not text (each
     * with why; each gives an unreadable_input row when ingested).
     */
    public record Detection(String format, List<String> decidedBy, Map<String, InputContent.Problem> notRead) {
        public Detection {
            decidedBy = List.copyOf(decidedBy);
            notRead = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notRead));
        }

        /** Why the format was chosen, in words (printed by ingest and validate). */
        public String reason() {
            StringBuilder reason = new StringBuilder("detected from the content of " + decidedBy.size() + " file(s)");
            if (!notRead.isEmpty()) {
                reason.append("; ").append(notRead.size()).append(" file(s) not read, each an unreadable_input row (");
                notRead.forEach((f, p) -> reason.append(f).append(": ").append(p.message()).append("; "));
                reason.setLength(reason.length() - 2);
                reason.append(")");
            }
            return reason.toString();
        }
    }

    /** What one file looks like: a format, or null with what is wrong with it (or null when it matches none). */
    record Look(String format, InputContent.Problem problem) {
        String describe() {
            return format != null ? format : problem != null ? problem.message()
                    : "unknown (not " + String.join(", ", ALL) + ")";
        }
    }

    private FormatDetector() {}

    public static Detection detect(List<String> files, Configuration hadoop) {
        Map<String, Look> perFile = new LinkedHashMap<>();
        for (String f : files.subList(0, Math.min(SAMPLE_FILES, files.size()))) {
            perFile.put(f, look(f, hadoop));
        }
        Map<String, Look> voting = new LinkedHashMap<>();
        Map<String, Look> notText = new LinkedHashMap<>();
        perFile.forEach((f, l) -> (l.problem() == null ? voting : notText).put(f, l));
        Set<String> found = new LinkedHashSet<>();
        voting.values().forEach(l -> found.add(l.format()));
        if (found.size() == 1 && !found.contains(null)) {
            String format = found.iterator().next();
            if (!Formats.KNOWN.contains(format)) {
                throw new ConfigException("The input looks like " + format + ", which this build cannot ingest yet. "
                        + "Formats it can ingest: " + Formats.KNOWN + ".");
            }
            Map<String, InputContent.Problem> notRead = new LinkedHashMap<>();
            notText.forEach((f, l) -> notRead.put(f, l.problem()));
            return new Detection(format, List.copyOf(voting.keySet()), notRead);
        }
        StringBuilder sb = new StringBuilder("Cannot tell the input format from the content; give --format (one of "
                + Formats.KNOWN + "). What the files look like:");
        perFile.forEach((f, l) -> sb.append("\n  ").append(f).append(": ").append(l.describe()));
        if (found.size() > 1) {
            sb.append("\nThe inputs mix formats: ingest each format with its own command.");
        }
        throw new ConfigException(sb.toString());
    }

    /** Every format the detector recognises, whether or not this build has its adapter. */
    static final List<String> ALL = List.of("xapi", "caliper", "edx", "moodle", "oulad", "csv");

    /** The format of one file's head, or null when it matches none. */
    static String detectOne(String head) {
        String text = head.startsWith("\uFEFF") ? head.substring(1) : head;
        String firstLine = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").trim();
        if (firstLine.startsWith("{") || firstLine.startsWith("[")) {
            return detectJson(text);
        }
        String header = firstLine.toLowerCase(Locale.ROOT);
        if (header.contains("eventname") && header.contains("timecreated")) {
            return "moodle";
        }
        if (header.contains("event name") && header.contains("user full name")) {
            return "moodle";
        }
        if (header.contains("code_module") || header.contains("id_student") || header.contains("id_assessment")) {
            return "oulad";
        }
        if (header.contains(",") || header.contains("\t") || header.contains(";")) {
            return "csv";
        }
        return null;
    }

    private static String detectJson(String text) {
        List<JsonNode> records = new ArrayList<>();
        try {
            new JsonRecordReaderForDetection().read(text, records);
        } catch (IOException e) {
            return null;
        }
        return vote(records);
    }

    static String jsonFormat(JsonNode n) {
        if (!n.isObject()) {
            return null;
        }
        if (n.has("sensor") && n.has("data") || String.valueOf(n.path("@context")).contains("caliper")
                || n.has("action") && n.has("eventTime") && n.has("actor")) {
            return "caliper";
        }
        if (n.has("actor") && n.has("verb") && n.has("object") || n.has("statements") && n.get("statements").isArray()) {
            return "xapi";
        }
        if (n.has("event_type") && (n.has("time") || n.has("context"))) {
            return "edx";
        }
        return null;
    }

    /** What one file looks like: its content checked, then its first records or its head matched. */
    static Look look(String file, Configuration hadoop) {
        try (BufferedInputStream in = new BufferedInputStream(FileRecords.decompress(InputFiles.open(file, hadoop)),
                1 << 16)) {
            InputContent.Problem problem = InputContent.problem(in);
            if (problem != null) {
                return new Look(null, problem);
            }
            in.mark(HEAD_BYTES);
            String head = new String(in.readNBytes(HEAD_BYTES), StandardCharsets.UTF_8);
            in.reset();
            String text = head.startsWith("\uFEFF") ? head.substring(1) : head;
            String start = text.stripLeading();
            if (start.startsWith("{") || start.startsWith("[")) {
                String format = vote(firstRecords(in));
                if (format != null) {
                    return new Look(format, null);
                }
            }
            return new Look(detectOne(head), null);
        } catch (IOException e) {
            throw new InputFiles.NoInputException("Cannot read " + file + " to detect its format: " + e.getMessage());
        }
    }

    /**
     * The first records of a JSON stream (up to {@value #SAMPLE_RECORDS}, and past {@value #HEAD_BYTES} bytes only
     * until one is found): top-level values, the elements of a top-level array, and of a top-level object also the
     * first elements of its array fields (an envelope's statements or data), of which the object keeps only those.
     * A syntax error or the end of what is read ends the list; the records before it are kept.
     */
    static List<JsonNode> firstRecords(InputStream in) {
        List<JsonNode> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(in)) {
            JsonToken t;
            while (!enough(p, out) && (t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    while (!enough(p, out) && p.nextToken() != JsonToken.END_ARRAY) {
                        out.add(p.readValueAsTree());
                    }
                } else if (t == JsonToken.START_OBJECT) {
                    ObjectNode shallow = JsonNodeFactory.instance.objectNode();
                    List<JsonNode> elements = new ArrayList<>();
                    boolean cut = false;
                    while (!cut && p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        if (p.nextToken() == JsonToken.START_ARRAY) {
                            ArrayNode a = shallow.putArray(name);
                            while (!(cut = a.size() >= SAMPLE_RECORDS) && p.nextToken() != JsonToken.END_ARRAY) {
                                JsonNode el = p.readValueAsTree();
                                a.add(el);
                                if (el.isObject()) {
                                    elements.add(el);
                                }
                            }
                        } else {
                            shallow.set(name, p.readValueAsTree());
                        }
                    }
                    out.add(shallow);
                    out.addAll(elements);
                    if (cut) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            // a broken or cut-off value: what came before it is the sample
        }
        return out;
    }

    private static boolean enough(JsonParser p, List<JsonNode> records) {
        return records.size() >= SAMPLE_RECORDS
                || !records.isEmpty() && p.currentLocation().getByteOffset() > HEAD_BYTES;
    }

    /** The format most of the records have, or null when none has one. */
    private static String vote(List<JsonNode> records) {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (JsonNode n : records) {
            String f = jsonFormat(n);
            if (f != null) {
                votes.merge(f, 1, Integer::sum);
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** Reads the records of a file head with the normal reader; a value cut off at the end is ignored. */
    private static final class JsonRecordReaderForDetection {
        void read(String text, List<JsonNode> out) throws IOException {
            // a cut-off head is fine: the reader reports the broken tail as an error record, which is skipped
            JsonRecordReader reader = new JsonRecordReader(null);
            reader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), (node, raw, line, error) -> {
                if (node != null && out.size() < 50) {
                    out.add(node);
                }
            });
        }
    }
}
