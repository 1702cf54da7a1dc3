package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.PseudonymKeys;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.pipeline.Adapters;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads each committed sample folder (data-samples/&lt;format&gt;) through its adapter, configured as
 * conf/samples-all-formats.conf configures it, and checks that no raw learner id of the sample is left in any
 * string of what ingest writes outside quarantine: events, object observations (→ {@code course_items}),
 * enrolment and course facts (→ {@code learners}, {@code enrollments}, {@code courses}), voided ids and the
 * {@code detail} of quarantine rows (their {@code raw} keeps the record by design). Raw ids
 * are read from the inputs' actor fields. Ids with a letter are looked for as substrings; numeric ids (OULAD,
 * Moodle, the campus CSV) as whole tokens when they have five digits or more, and in user positions
 * ({@code moodle-user:5}, {@code /users/5}, {@code view.php?id=5}) whatever their length, since
 * {@code moodle-course:2} names a course, not user 2. (The adapters' rows are what the ingest job writes; reading
 * them without Spark keeps the test at seconds.)
 */
class SampleRawIdsTest extends SparkTestBase {
    private static final Set<String> CHECKED_KINDS = Set.of(ParsedRecords.EVENT, ParsedRecords.OBSERVATION,
            ParsedRecords.ENROLMENT_FACT, ParsedRecords.COURSE_FACT, ParsedRecords.VOIDED, ParsedRecords.QUARANTINE);

    @ParameterizedTest
    @ValueSource(strings = {"xapi", "caliper", "edx", "moodle", "oulad", "csv"})
    void noRawLearnerIdOfTheSampleIsLeftOutsideQuarantine(String format) throws IOException {
        Path folder = projectRoot().resolve("data-samples").resolve(format);
        Assumptions.assumeTrue(Files.isDirectory(folder), "no data-samples/" + format);
        Set<String> rawIds = rawIds(format, folder);
        assertThat(rawIds).as("raw ids read from the sample").hasSizeGreaterThan(5);

        XueqingConfig config = ConfigLoader.load(projectRoot().resolve("conf/samples-all-formats.conf").toFile(),
                List.of(), Map.of("XUEQING_HOME", projectRoot().toString()));
        List<String> uris = files(folder).stream().map(f -> f.toUri().toString()).toList();
        SourceAdapter adapter = Adapters.create(format, config, PseudonymKeys.demo().pseudonymizer(),
                "demo-university", "run-1", Instant.parse("2026-10-05T00:00:00Z"), uris, new Configuration(),
                format.equals("csv") ? "campus-lms" : null);
        List<Row> rows = new ArrayList<>();
        for (Path f : files(folder)) {
            try (InputStream in = open(f)) {
                adapter.read(f.toUri().toString(), rows.size(), in, rows::add);
            }
        }

        Set<String> distinctive = new TreeSet<>();
        Set<String> numeric = new TreeSet<>();
        for (String id : rawIds) {
            (id.chars().allMatch(Character::isDigit) ? numeric : distinctive).add(id);
        }
        Map<String, Long> checked = new TreeMap<>();
        List<String> found = new ArrayList<>();
        for (Row row : rows) {
            String kind = row.getString(0);
            if (!CHECKED_KINDS.contains(kind)) {
                continue;
            }
            int index = ParsedRecords.SCHEMA.fieldIndex(kind);
            Row part = row.getStruct(index);
            StructField[] fields = ((StructType) ParsedRecords.SCHEMA.fields()[index].dataType()).fields();
            checked.merge(kind, 1L, Long::sum);
            for (int i = 0; i < fields.length; i++) {
                StructField field = fields[i];
                if (!field.dataType().equals(DataTypes.StringType) || field.name().equals("raw_ref")
                        || kind.equals(ParsedRecords.QUARANTINE) && !field.name().equals("detail")) {
                    continue;
                }
                String v = part.getString(i);
                String hit = v == null ? null : rawIdIn(v, distinctive, numeric);
                if (hit != null && found.size() < 20) {
                    found.add(kind + "." + field.name() + " = " + v + " (raw id " + hit + ")");
                }
            }
        }
        assertThat(checked.get(ParsedRecords.EVENT)).as(format + " events").isGreaterThan(100);
        assertThat(found).as(format + ": raw learner ids left outside quarantine").isEmpty();
    }

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern USER_POSITION = Pattern.compile(
            "(?i)(?:users?|userid|user_id|students?|learners?|rosters|u)[/:=]([^/?#&=:;,+@!|\\s]+)"
                    + "|(?i)user/(?:view|profile)\\.php\\?id=([^&#]+)");

    static String rawIdIn(String value, Set<String> distinctive, Set<String> numeric) {
        for (String id : distinctive) {
            if (value.contains(id)) {
                return id;
            }
        }
        Matcher t = TOKEN.matcher(value);
        while (t.find()) {
            if (t.group().length() >= 5 && numeric.contains(t.group())) {
                return t.group();
            }
        }
        Matcher u = USER_POSITION.matcher(value);
        while (u.find()) {
            String id = u.group(1) != null ? u.group(1) : u.group(2);
            if (numeric.contains(id) || distinctive.contains(id)) {
                return id;
            }
        }
        return null;
    }

    // ---- raw ids of each sample, from its actor fields ----

    private static Set<String> rawIds(String format, Path folder) throws IOException {
        Set<String> ids = new TreeSet<>();
        for (Path f : files(folder)) {
            switch (format) {
                case "xapi" -> json(f, "statements", n -> agentIds(n.path("actor"), ids));
                case "caliper" -> json(f, "data", n -> {
                    String actor = n.path("actor").isObject() ? n.path("actor").path("id").asText(null)
                            : n.path("actor").asText(null);
                    if (actor != null && actor.contains("/")) {
                        ids.add(actor.substring(actor.lastIndexOf('/') + 1));
                    }
                });
                case "edx" -> lines(f, line -> {
                    if (line.startsWith("{")) {
                        JsonNode n = readTree(line);
                        if (n != null) {
                            add(ids, n.path("username").asText(null));
                            add(ids, n.path("context").path("user_id").asText(null));
                        }
                    }
                });
                case "moodle" -> csvColumn(f, List.of("userid", "relateduserid"), ids);
                case "oulad" -> csvColumn(f, List.of("id_student"), ids);
                case "csv" -> csvColumn(f, List.of("学号"), ids);
                default -> throw new IllegalArgumentException(format);
            }
        }
        ids.removeIf(id -> id.isBlank() || id.equals("0") || id.equals("null"));
        return ids;
    }

    private static void agentIds(JsonNode agent, Set<String> ids) {
        add(ids, agent.path("account").path("name").asText(null));
        String mbox = agent.path("mbox").asText(null);
        if (mbox != null) {
            ids.add(mbox.substring("mailto:".length()));
            ids.add(mbox.substring("mailto:".length(), mbox.indexOf('@')));
        }
        agent.path("member").forEach(m -> agentIds(m, ids));
    }

    private static void add(Set<String> ids, String id) {
        if (id != null && !id.isBlank()) {
            ids.add(id.trim());
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static InputStream open(Path f) throws IOException {
        InputStream in = Files.newInputStream(f);
        return f.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    interface NodeSink {
        void accept(JsonNode n);
    }

    interface LineSink {
        void accept(String line) throws IOException;
    }

    private static void json(Path f, String envelope, NodeSink sink) throws IOException {
        try (InputStream in = open(f)) {
            new JsonRecordReader(envelope).read(in, (node, raw, line, error) -> {
                if (node != null && node.isObject()) {
                    sink.accept(node);
                }
            });
        }
    }

    private static void lines(Path f, LineSink sink) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(f), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                sink.accept(line.trim());
            }
        }
    }

    private static JsonNode readTree(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static void csvColumn(Path f, List<String> columns, Set<String> ids) throws IOException {
        try (InputStream in = open(f)) {
            var parser = CsvFiles.parser(',');
            parser.beginParsing(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] header = parser.parseNext();
            if (header == null) {
                return;
            }
            List<String> names = CsvFiles.header(header);
            String[] row;
            while ((row = parser.parseNext()) != null) {
                for (String c : columns) {
                    int i = names.indexOf(c);
                    if (i >= 0 && i < row.length) {
                        add(ids, row[i]);
                    }
                }
            }
            parser.stopParsing();
        }
    }
}
