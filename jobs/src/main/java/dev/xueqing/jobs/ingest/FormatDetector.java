package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.Formats;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

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
 * first records of each file (at most {@value #SAMPLE_FILES} files, {@value #HEAD_BYTES} bytes each) are read and
 * matched against each format's signature. All sampled files must agree; otherwise the error lists what each looked
 * like, so that mixed inputs are ingested format by format.
 */
public final class FormatDetector {
    static final int SAMPLE_FILES = 5;
    static final int HEAD_BYTES = 256 * 1024;

    /** The outcome: the format and why it was chosen. */
    public record Detection(String format, String reason) {}

    private FormatDetector() {}

    public static Detection detect(List<String> files, Configuration hadoop) {
        Map<String, String> perFile = new LinkedHashMap<>();
        for (String f : files.subList(0, Math.min(SAMPLE_FILES, files.size()))) {
            perFile.put(f, detectOne(head(f, hadoop)));
        }
        Set<String> found = new LinkedHashSet<>(perFile.values());
        if (found.size() == 1 && !found.contains(null)) {
            String format = found.iterator().next();
            if (!Formats.KNOWN.contains(format)) {
                throw new ConfigException("The input looks like " + format + ", which this build cannot ingest yet. "
                        + "Formats it can ingest: " + Formats.KNOWN + ".");
            }
            return new Detection(format, "detected from the content of " + perFile.size() + " file(s)");
        }
        StringBuilder sb = new StringBuilder("Cannot tell the input format from the content; give --format (one of "
                + Formats.KNOWN + "). What the files look like:");
        perFile.forEach((f, fmt) -> sb.append("\n  ").append(f).append(": ")
                .append(fmt == null ? "unknown (not " + String.join(", ", ALL) + ")" : fmt));
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
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (JsonNode n : records) {
            String f = jsonFormat(n);
            if (f != null) {
                votes.merge(f, 1, Integer::sum);
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
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

    private static String head(String file, Configuration hadoop) {
        Path p = new Path(file);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            try (InputStream in = FileRecords.decompress(fs.open(p))) {
                byte[] buf = in.readNBytes(HEAD_BYTES);
                return new String(buf, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new InputFiles.NoInputException("Cannot read " + file + " to detect its format: " + e.getMessage());
        }
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
