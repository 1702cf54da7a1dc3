package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Reads JSON records from one file in any of the layouts platforms export: JSON lines (one value a line), a JSON
 * array of records, an LRS export envelope {@code {"statements":[...]}} (also one envelope a line), or a sequence
 * of pretty-printed values. Parsing is Jackson's; this class only decides the layout and reports each record with
 * its location, so that one bad line never fails the file.
 *
 * <p>Layout rule: when the first non-blank line is a complete JSON value by itself, the file is read line by line
 * (a bad line is one malformed record); otherwise it is read as a stream of values, where a syntax error ends the
 * file (the rest is reported as one malformed record at the error's line).
 */
public final class JsonRecordReader {
    /** Receives each record: its JSON (or null when it could not be parsed), raw text, line, and the error. */
    public interface Sink {
        void record(JsonNode node, String raw, long line, String parseError);
    }

    /** For a whole line: one value and nothing after it. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** For values read one after another from a stream (an array's elements are followed by commas). */
    private static final ObjectMapper STREAM_MAPPER = new ObjectMapper();
    /** How many leading non-blank lines are examined to recognise JSON lines whose first line is broken. */
    private static final int PROBE_LINES = 8;
    private final String envelopeField;

    /** @param envelopeField the array field of an export envelope ("statements" for xAPI), or null for none */
    public JsonRecordReader(String envelopeField) {
        this.envelopeField = envelopeField;
    }

    public void read(InputStream in, Sink sink) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        reader.mark(16 << 20);
        String first = null;
        long firstLineNo = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            firstLineNo++;
            if (!stripBom(line).isBlank()) {
                first = stripBom(line);
                break;
            }
        }
        if (first == null) {
            return;
        }
        boolean lineMode = parsesAlone(first) || (!first.trim().startsWith("[") && mostLinesParseAlone(reader));
        reader.reset();
        if (lineMode) {
            // back to just after the first non-blank line; drop the mark so the buffer stops growing
            for (long i = 0; i < firstLineNo; i++) {
                reader.readLine();
            }
            reader.mark(1);
            emitLine(first, firstLineNo, sink);
            long n = firstLineNo;
            while ((line = reader.readLine()) != null) {
                n++;
                if (!line.isBlank()) {
                    emitLine(line, n, sink);
                }
            }
        } else {
            readStream(reader, sink);
        }
    }

    /** True when the line is one complete JSON object or array with nothing after it. */
    private static boolean parsesAlone(String line) {
        try {
            JsonNode n = MAPPER.readTree(line);
            return n != null && (n.isObject() || n.isArray());
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /**
     * JSON lines whose first line is broken: at least half of the first lines (the broken one included) are
     * complete values. In a pretty-printed document few lines are.
     */
    private static boolean mostLinesParseAlone(BufferedReader reader) throws IOException {
        int seen = 1;
        int complete = 0;
        String line;
        while (seen < PROBE_LINES && (line = reader.readLine()) != null) {
            if (!line.isBlank()) {
                seen++;
                if (parsesAlone(line)) {
                    complete++;
                }
            }
        }
        return complete > 0 && 2 * complete >= seen;
    }

    private void emitLine(String line, long lineNo, Sink sink) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            sink.record(null, line, lineNo, shortMessage(e));
            return;
        }
        emitValue(node, line, lineNo, sink, true);
    }

    private void emitValue(JsonNode node, String raw, long lineNo, Sink sink, boolean rawIsExact) {
        if (envelopeField != null && node.isObject() && node.has(envelopeField) && node.get(envelopeField).isArray()) {
            for (JsonNode element : node.get(envelopeField)) {
                sink.record(element, element.toString(), lineNo, null);
            }
        } else if (node.isArray() && containsAnObject(node)) {
            // a batch of records on one line; an array of scalars is one bad record, not several
            for (JsonNode element : node) {
                sink.record(element, element.toString(), lineNo, null);
            }
        } else {
            sink.record(node, rawIsExact ? raw : node.toString(), lineNo, null);
        }
    }

    private static boolean containsAnObject(JsonNode array) {
        for (JsonNode element : array) {
            if (element.isObject()) {
                return true;
            }
        }
        return false;
    }

    private void readStream(Reader reader, Sink sink) throws IOException {
        PushbackReader pr = new PushbackReader(reader, 1);
        int c = pr.read();
        if (c != 0xFEFF && c != -1) {
            pr.unread(c);
        }
        try (JsonParser p = STREAM_MAPPER.getFactory().createParser(pr)) {
            JsonToken t;
            while ((t = nextOrError(p, sink)) != null) {
                long lineNo = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.START_ARRAY) {
                    // a top-level array: stream its elements one by one
                    JsonToken et;
                    while ((et = nextOrError(p, sink)) != null && et != JsonToken.END_ARRAY) {
                        long elLine = p.currentTokenLocation().getLineNr();
                        JsonNode el = readTreeOrError(p, sink, elLine);
                        if (el == null) {
                            return;
                        }
                        sink.record(el, el.toString(), elLine, null);
                    }
                    if (et == null) {
                        return;
                    }
                } else if (t == JsonToken.START_OBJECT && envelopeField != null) {
                    JsonNode node = readTreeOrError(p, sink, lineNo);
                    if (node == null) {
                        return;
                    }
                    emitValue(node, null, lineNo, sink, false);
                } else {
                    JsonNode node = readTreeOrError(p, sink, lineNo);
                    if (node == null) {
                        return;
                    }
                    sink.record(node, node.toString(), lineNo, null);
                }
            }
        }
    }

    private static JsonToken nextOrError(JsonParser p, Sink sink) throws IOException {
        try {
            return p.nextToken();
        } catch (JsonProcessingException e) {
            sink.record(null, null, e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    "the file is not valid JSON from here on; the rest of the file was not read: " + shortMessage(e));
            return null;
        }
    }

    private static JsonNode readTreeOrError(JsonParser p, Sink sink, long line) throws IOException {
        try {
            return STREAM_MAPPER.readTree(p);
        } catch (JsonProcessingException e) {
            sink.record(null, null, line,
                    "the file is not valid JSON from here on; the rest of the file was not read: " + shortMessage(e));
            return null;
        }
    }

    private static String stripBom(String s) {
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    static String shortMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        return m == null ? e.getClass().getSimpleName() : (m.length() > 300 ? m.substring(0, 300) : m);
    }
}
