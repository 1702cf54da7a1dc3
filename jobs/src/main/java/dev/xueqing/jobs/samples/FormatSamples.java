package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static dev.xueqing.jobs.samples.Xapi.F;

/**
 * Small deterministic samples of the event formats the scale generator writes, {@code caliper/}, {@code edx/} and
 * {@code moodle/}: one run of {@link ScaleGenerator} per format with the same small world ({@link #LEARNERS}
 * learners, {@link #COURSES} courses, {@link #WEEKS} weeks, the run's seed, a few exact duplicates and late lines,
 * no malformed ones, no behaviour profiles and none of the richer forum threads: the samples predate them and stay
 * byte for byte what they were), so the three folders hold the same simulated activity in three vocabularies (each format
 * leaves out what it cannot say). Next to it, a bad-lines file per format with one defect a line, each a distinct
 * quarantine reason of that format's adapter ({@link #CALIPER_BAD}, {@link #EDX_BAD}, {@link #MOODLE_BAD}), made
 * by editing good lines of the generated file with Jackson or univocity. Same seed, same content (the gzip headers
 * carry no time).
 */
public final class FormatSamples {
    /** Counts of what was written, by {@code folder/file}. */
    public record Summary(Map<String, ScaleGenerator.Summary> generated, Map<String, Integer> badLines) {}

    static final int LEARNERS = 36;
    static final int COURSES = 2;
    static final int WEEKS = 4;
    static final int EVENTS_PER_LEARNER_WEEK = 10;
    static final double DUPLICATES = 0.01;
    static final double LATE = 0.01;

    public static final List<String> FORMATS = List.of("caliper", "edx", "moodle");
    /** Good file name per format. */
    public static final Map<String, String> GOOD_FILE = Map.of("caliper", "events.jsonl.gz", "edx", "tracking.log.gz",
            "moodle", "logstore_standard_log.csv.gz");
    /** Bad-lines file name per format. */
    public static final Map<String, String> BAD_FILE = Map.of("caliper", "bad-lines.jsonl", "edx", "bad-lines.log",
            "moodle", "bad-rows.csv");

    /** The reason the caliper adapter gives each line of {@code caliper/bad-lines.jsonl}, in line order. */
    public static final List<String> CALIPER_BAD = List.of("malformed_json", "not_an_event", "invalid_context",
            "unknown_event_type", "invalid_id", "invalid_action", "invalid_profile", "missing_actor",
            "invalid_actor", "missing_object", "missing_timestamp", "invalid_timestamp", "invalid_entity",
            "invalid_extension", "bad_duration", "unknown_value");
    /** The reason the edx adapter gives each line of {@code edx/bad-lines.log}, in line order. */
    public static final List<String> EDX_BAD = List.of("malformed_json", "not_an_event", "missing_actor",
            "missing_timestamp", "invalid_timestamp", "missing_course", "score_out_of_range");
    /** The reason the moodle adapter gives each data row of {@code moodle/bad-rows.csv}, in row order. */
    public static final List<String> MOODLE_BAD = List.of("malformed_csv", "missing_verb", "invalid_actor",
            "missing_actor", "missing_course", "missing_timestamp", "invalid_timestamp");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FormatSamples() {}

    /**
     * The quarantine reason of each line of a format's bad-lines file, by line number in the file (the moodle
     * file's line 1 is its header).
     */
    public static Map<Integer, String> badLineReasons(String format) {
        List<String> reasons = switch (format) {
            case "caliper" -> CALIPER_BAD;
            case "edx" -> EDX_BAD;
            case "moodle" -> MOODLE_BAD;
            default -> throw new IllegalArgumentException("no event-format sample for " + format);
        };
        int first = format.equals("moodle") ? 2 : 1;
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int i = 0; i < reasons.size(); i++) {
            out.put(first + i, reasons.get(i));
        }
        return out;
    }

    /** Writes {@code outDir/caliper/}, {@code outDir/edx/} and {@code outDir/moodle/}. */
    public static Summary generate(Path outDir, long seed) {
        Map<String, ScaleGenerator.Summary> generated = new LinkedHashMap<>();
        Map<String, Integer> bad = new LinkedHashMap<>();
        try {
            for (String format : FORMATS) {
                Path dir = Files.createDirectories(outDir.resolve(format));
                Path good = dir.resolve(GOOD_FILE.get(format));
                generated.put(format + "/" + good.getFileName(), generateInto(format, seed, good));
                List<String> lines = switch (format) {
                    case "caliper" -> caliperBad(gzipLines(good));
                    case "edx" -> edxBad(gzipLines(good));
                    default -> moodleBad(gzipLines(good));
                };
                Path badFile = dir.resolve(BAD_FILE.get(format));
                writeLines(badFile, lines);
                bad.put(format + "/" + badFile.getFileName(), format.equals("moodle") ? lines.size() - 1 : lines.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Summary(generated, bad);
    }

    /** One small run of the scale generator in a scratch folder; its single part file becomes {@code target}. */
    private static ScaleGenerator.Summary generateInto(String format, long seed, Path target) throws IOException {
        Path scratch = Files.createTempDirectory("xueqing-samples-" + format);
        try {
            ScaleGenerator.Summary s = ScaleGenerator.generate(new ScaleGenerator.Options(LEARNERS, COURSES, WEEKS,
                    scratch, format, seed, EVENTS_PER_LEARNER_WEEK, DUPLICATES, LATE, 0.0, Long.MAX_VALUE, false));
            if (s.files() != 1) {
                throw new IllegalStateException("expected one part file for the " + format + " sample, got "
                        + s.files());
            }
            Files.move(scratch.resolve("part-00000" + EventFormat.of(format).suffix()), target,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return s;
        } finally {
            try (Stream<Path> all = Files.walk(scratch)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ caliper

    /** One defect per line, in the order of {@link #CALIPER_BAD}; every line but the first two has a fresh id. */
    private static List<String> caliperBad(List<String> good) throws IOException {
        List<ObjectNode> events = new ArrayList<>();
        for (String line : good) {
            events.add((ObjectNode) MAPPER.readTree(line));
        }
        ObjectNode view = first(events, e -> e.path("type").asText().equals("ViewEvent"));
        ObjectNode media = first(events, e -> e.path("type").asText().equals("MediaEvent")
                && e.path("action").asText().equals("Paused"));
        int[] n = {0};
        java.util.function.Function<ObjectNode, ObjectNode> fresh = e -> {
            ObjectNode c = e.deepCopy();
            c.put("id", "urn:uuid:" + badId("caliper", ++n[0]));
            return c;
        };
        // a fresh copy of the base event with one edit, as a line
        java.util.function.BiFunction<ObjectNode, java.util.function.Consumer<ObjectNode>, String> edited =
                (base, edit) -> {
                    ObjectNode c = fresh.apply(base);
                    edit.accept(c);
                    return json(c);
                };
        List<String> lines = new ArrayList<>();
        // malformed_json: an event cut off mid-way
        lines.add(EventFormat.cutJson(json(fresh.apply(view))));
        // not_an_event: a valid Person entity on its own (a fact about a user, not an activity)
        ObjectNode person = F.objectNode();
        person.put("@context", view.get("@context").asText());
        person.setAll((ObjectNode) view.get("actor").deepCopy());
        person.put("dateCreated", "2026-08-24T02:00:00.000Z");
        lines.add(json(person));
        // invalid_context: an @context that is no Caliper context
        lines.add(edited.apply(view, e -> e.put("@context", "http://schema.org/")));
        // unknown_event_type
        lines.add(edited.apply(view, e -> e.put("type", "ReadEvent")));
        // invalid_id: not a urn:uuid
        lines.add(edited.apply(view, e -> e.put("id", "event-000123")));
        // invalid_action: a known action that ViewEvent does not allow
        lines.add(edited.apply(view, e -> e.put("action", "Submitted")));
        // invalid_profile
        lines.add(edited.apply(view, e -> e.put("profile", "PageProfile")));
        // missing_actor
        lines.add(edited.apply(view, e -> e.remove("actor")));
        // invalid_actor: the actor a bare user name, neither an IRI nor an entity
        lines.add(edited.apply(view, e -> e.put("actor", e.at("/actor/id").asText().replaceAll(".*/", ""))));
        // missing_object
        lines.add(edited.apply(view, e -> e.remove("object")));
        // missing_timestamp: no eventTime
        lines.add(edited.apply(view, e -> e.remove("eventTime")));
        // invalid_timestamp
        lines.add(edited.apply(view, e -> e.put("eventTime", "yesterday")));
        // invalid_entity: edApp a bare name, neither an IRI nor an entity
        lines.add(edited.apply(view, e -> e.put("edApp", "lms")));
        // invalid_extension: extensions a list, not an object
        lines.add(edited.apply(view, e -> e.putArray("extensions").add("urn:xueqing:extension:role")));
        // bad_duration: the media location's currentTime not an ISO 8601 duration
        lines.add(edited.apply(media, e -> ((ObjectNode) e.get("target")).put("currentTime", "PT5X")));
        // unknown_value: a membership status Caliper does not enumerate
        lines.add(edited.apply(view, e -> ((ObjectNode) e.get("membership")).put("status", "Sleeping")));
        return lines;
    }

    // ------------------------------------------------------------------------------------------------ edx

    /** One defect per line, in the order of {@link #EDX_BAD}. */
    private static List<String> edxBad(List<String> good) throws IOException {
        List<ObjectNode> events = new ArrayList<>();
        for (String line : good) {
            events.add((ObjectNode) MAPPER.readTree(line));
        }
        ObjectNode click = first(events, e -> e.path("event_type").asText().equals("edx.ui.lms.link_clicked"));
        ObjectNode check = first(events, e -> e.path("event_type").asText().equals("problem_check"));
        // a copy of the base event with one edit, as a line
        java.util.function.BiFunction<ObjectNode, java.util.function.Consumer<ObjectNode>, String> edited =
                (base, edit) -> {
                    ObjectNode c = base.deepCopy();
                    edit.accept(c);
                    return json(c);
                };
        List<String> lines = new ArrayList<>();
        // malformed_json: a line cut off mid-way
        lines.add(EventFormat.cutJson(json(click)));
        // not_an_event: valid JSON without event_type
        lines.add(edited.apply(click, e -> e.remove("event_type")));
        // missing_actor: anonymous (empty username) and no user id anywhere
        lines.add(edited.apply(click, e -> {
            e.put("username", "");
            ((ObjectNode) e.get("context")).remove("user_id");
        }));
        // missing_timestamp
        lines.add(edited.apply(click, e -> e.remove("time")));
        // invalid_timestamp
        lines.add(edited.apply(click, e -> e.put("time", "yesterday")));
        // missing_course: an event outside any course (no context.course_id, none in the payload)
        lines.add(edited.apply(click, e -> ((ObjectNode) e.get("context")).remove("course_id")));
        // score_out_of_range: a problem_check with grade above max_grade
        lines.add(edited.apply(check, e -> ((ObjectNode) e.get("event")).put("grade",
                e.at("/event/max_grade").asInt() + 2)));
        return lines;
    }

    // ------------------------------------------------------------------------------------------------ moodle

    /** The header, then one defective row per reason of {@link #MOODLE_BAD}, each with a fresh log id. */
    private static List<String> moodleBad(List<String> good) {
        CsvParserSettings ps = new CsvParserSettings();
        ps.getFormat().setLineSeparator("\n");
        CsvParser parser = new CsvParser(ps);
        List<String[]> rows = new ArrayList<>();
        for (String line : good) {
            rows.add(parser.parseLine(line));
        }
        String[] header = rows.get(0);
        List<String> cols = Arrays.asList(header);
        int id = cols.indexOf("id");
        int eventName = cols.indexOf("eventname");
        int user = cols.indexOf("userid");
        int course = cols.indexOf("courseid");
        int time = cols.indexOf("timecreated");
        String[] view = rows.stream().skip(1).filter(r -> r[eventName].endsWith("course_module_viewed")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no course_module_viewed row in the moodle sample"));
        String[] login = rows.stream().skip(1).filter(r -> r[eventName].endsWith("course_viewed")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no course_viewed row in the moodle sample"));
        CsvWriterSettings ws = new CsvWriterSettings();
        CsvWriter w = new CsvWriter(new java.io.StringWriter(), ws);
        List<String> lines = new ArrayList<>();
        lines.add(w.writeRowToString((Object[]) header));
        // a copy of the base row with a fresh log id and one edit, as a line
        long[] nextId = {900_000_001L};
        java.util.function.BiFunction<String[], java.util.function.Consumer<String[]>, String> edited =
                (base, edit) -> {
                    String[] r = base.clone();
                    r[id] = String.valueOf(nextId[0]++);
                    edit.accept(r);
                    return w.writeRowToString((Object[]) r);
                };
        // malformed_csv: a row cut short (the last three cells missing)
        String[] cut = view.clone();
        cut[id] = String.valueOf(nextId[0]++);
        lines.add(w.writeRowToString((Object[]) Arrays.copyOf(cut, cut.length - 3)));
        // missing_verb: eventname empty
        lines.add(edited.apply(view, r -> r[eventName] = null));
        // invalid_actor: userid a user name, not a number
        lines.add(edited.apply(view, r -> r[user] = "g" + String.format(java.util.Locale.ROOT, "%08d",
                Long.parseLong(view[user]))));
        // missing_actor: userid empty
        lines.add(edited.apply(view, r -> r[user] = null));
        // missing_course: a site-level event (courseid 0), as Moodle logs a login
        lines.add(edited.apply(login, r -> {
            r[eventName] = "\\core\\event\\user_loggedin";
            r[cols.indexOf("component")] = "core";
            r[cols.indexOf("action")] = "loggedin";
            r[cols.indexOf("target")] = "user";
            r[cols.indexOf("contextid")] = "1";
            r[cols.indexOf("contextlevel")] = "10";
            r[cols.indexOf("contextinstanceid")] = "0";
            r[course] = "0";
        }));
        // missing_timestamp: timecreated empty
        lines.add(edited.apply(view, r -> r[time] = null));
        // invalid_timestamp: a formatted date instead of Unix seconds
        lines.add(edited.apply(view, r -> r[time] = "2026-09-08 10:00:00"));
        return lines;
    }

    // ------------------------------------------------------------------------------------------------ io

    /** A fixed UUID for the {@code n}th bad line of a format: never one of the generator's ids. */
    private static String badId(String format, int n) {
        return UUID.nameUUIDFromBytes(("xueqing-sample-bad-line:" + format + ":" + n)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static ObjectNode first(List<ObjectNode> events, Predicate<ObjectNode> p) {
        return events.stream().filter(p).findFirst()
                .orElseThrow(() -> new IllegalStateException("no event to build a bad line from"));
    }

    private static String json(JsonNode n) {
        return SampleDataGenerator.json(n);
    }

    static List<String> gzipLines(Path f) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }
}
