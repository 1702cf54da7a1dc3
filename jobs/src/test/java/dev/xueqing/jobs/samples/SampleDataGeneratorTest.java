package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleDataGeneratorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @TempDir
    static Path shared;
    private static SampleDataGenerator.Summary summary;
    private static Path xapi;

    @BeforeAll
    static void generateOnce() {
        summary = SampleDataGenerator.generate(shared, SampleDataGenerator.DEFAULT_SEED);
        xapi = shared.resolve("xapi");
    }

    @Test
    void sameSeedGivesIdenticalBytes(@TempDir Path again) {
        SampleDataGenerator.generate(again, SampleDataGenerator.DEFAULT_SEED);
        assertThat(hashes(again.resolve("xapi"))).isEqualTo(hashes(xapi));
    }

    @Test
    void differentSeedGivesDifferentStatements(@TempDir Path other) {
        SampleDataGenerator.generate(other, SampleDataGenerator.DEFAULT_SEED + 1);
        Map<String, String> a = hashes(xapi);
        Map<String, String> b = hashes(other.resolve("xapi"));
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String f : a.keySet()) {
            if (f.equals(SampleDataGenerator.HAND_FILE)) {
                assertThat(b.get(f)).as("the hand course is fixed").isEqualTo(a.get(f));
            } else {
                assertThat(b.get(f)).as(f).isNotEqualTo(a.get(f));
            }
        }
    }

    @Test
    void goodFilesHoldWellFormedStatementsWithUniqueIds() {
        Set<String> ids = new HashSet<>();
        int total = 0;
        for (Map.Entry<String, List<JsonNode>> file : goodFiles(xapi).entrySet()) {
            for (JsonNode s : file.getValue()) {
                assertThat(s.isObject()).as(file.getKey()).isTrue();
                for (String field : List.of("id", "actor", "verb", "object", "timestamp")) {
                    assertThat(s.has(field)).as(file.getKey() + " " + field + " in " + s).isTrue();
                }
                UUID.fromString(s.get("id").asText());
                OffsetDateTime.parse(s.get("timestamp").asText());
                assertThat(s.at("/verb/id").asText()).startsWith("http");
                assertThat(s.at("/context/extensions/urn:xueqing:extension:role").asText())
                        .isIn("learner", "tutor", "system");
                assertThat(ids.add(s.get("id").asText())).as("unique id " + s.get("id")).isTrue();
                total++;
            }
        }
        assertThat(total).isEqualTo(summary.totalStatements()).isBetween(15_000, 26_000);
    }

    @Test
    void summaryMatchesTheFiles() {
        Map<String, List<JsonNode>> files = goodFiles(xapi);
        Map<String, Integer> counted = new TreeMap<>();
        files.forEach((f, list) -> counted.put(f, list.size()));
        assertThat(summary.statementsPerFile()).isEqualTo(counted);
        assertThat(lines(xapi.resolve(SampleDataGenerator.BAD_FILE))).hasSize(summary.badLines());

        List<JsonNode> world = files.entrySet().stream()
                .filter(e -> !e.getKey().equals(SampleDataGenerator.HAND_FILE))
                .flatMap(e -> e.getValue().stream()).toList();
        List<JsonNode> registered = world.stream()
                .filter(s -> s.at("/verb/id").asText().equals(Xapi.V_REGISTERED)).toList();
        Set<String> learners = new HashSet<>();
        Set<String> courses = new HashSet<>();
        Set<String> classes = new HashSet<>();
        registered.forEach(s -> {
            learners.add(s.get("actor").toString());
            courses.add(s.at("/object/id").asText());
            classes.add(s.at("/context/contextActivities/grouping/0/id").asText());
        });
        Set<String> tutors = new HashSet<>();
        world.stream().filter(s -> s.at("/context/extensions/urn:xueqing:extension:role").asText().equals("tutor"))
                .forEach(s -> tutors.add(s.get("actor").toString()));
        assertThat(registered).hasSize(summary.enrolments());
        assertThat(learners).hasSize(summary.learners());
        assertThat(courses).hasSize(summary.courses());
        assertThat(classes).hasSize(summary.classes());
        assertThat(tutors).hasSize(summary.tutors());
        assertThat(summary.learners()).isBetween(250, 350);
        assertThat(summary.courses()).isBetween(3, 4);
    }

    @Test
    void badLinesHaveOneDefectEachAndPointAtRealStatements() throws IOException {
        List<String> bad = lines(xapi.resolve(SampleDataGenerator.BAD_FILE));
        assertThat(bad).hasSize(17);
        assertThatThrownBy(() -> MAPPER.readTree(bad.get(0))).isInstanceOf(JsonProcessingException.class);
        assertThat(MAPPER.readTree(bad.get(1)).isArray()).isTrue();
        assertThat(MAPPER.readTree(bad.get(2)).get("id").asText()).isEqualTo("stmt-000123");
        assertThat(MAPPER.readTree(bad.get(3)).has("actor")).isFalse();
        assertThat(MAPPER.readTree(bad.get(4)).get("actor").has("mbox")).isTrue();
        assertThat(MAPPER.readTree(bad.get(4)).get("actor").has("account")).isTrue();
        assertThat(MAPPER.readTree(bad.get(5)).at("/actor/mbox").asText()).doesNotStartWith("mailto:");
        assertThat(MAPPER.readTree(bad.get(6)).has("verb")).isFalse();
        assertThat(MAPPER.readTree(bad.get(7)).at("/verb/id").asText()).isEqualTo("viewed");
        assertThat(MAPPER.readTree(bad.get(8)).has("object")).isFalse();
        assertThat(MAPPER.readTree(bad.get(9)).at("/result/score/scaled").asDouble()).isEqualTo(1.5);
        JsonNode rawOverMax = MAPPER.readTree(bad.get(10)).at("/result/score");
        assertThat(rawOverMax.get("raw").asDouble()).isGreaterThan(rawOverMax.get("max").asDouble());
        assertThat(MAPPER.readTree(bad.get(11)).at("/result/duration").asText()).isEqualTo("PT5X");
        assertThat(MAPPER.readTree(bad.get(12)).get("timestamp").asText()).isEqualTo("yesterday");
        assertThat(MAPPER.readTree(bad.get(13)).at("/context").has("contextActivities")).isFalse();

        Map<String, String> ds101 = new TreeMap<>();
        for (String line : gzipLines(xapi.resolve("statements-DS101-2026A.jsonl.gz"))) {
            ds101.put(MAPPER.readTree(line).get("id").asText(), line);
        }
        String duplicate = bad.get(14);
        assertThat(ds101.get(MAPPER.readTree(duplicate).get("id").asText())).isEqualTo(duplicate);
        JsonNode conflict = MAPPER.readTree(bad.get(15));
        String original = ds101.get(conflict.get("id").asText());
        assertThat(original).isNotNull();
        assertThat(MAPPER.readTree(original)).isNotEqualTo(conflict);
        JsonNode voiding = MAPPER.readTree(bad.get(16));
        assertThat(voiding.at("/verb/id").asText()).isEqualTo(Xapi.V_VOIDED);
        assertThat(voiding.at("/object/objectType").asText()).isEqualTo("StatementRef");
        assertThat(ds101).containsKey(voiding.at("/object/id").asText());
        // defect lines 3..14 carry fresh ids: they collide with nothing
        for (int i = 3; i < 14; i++) {
            assertThat(ds101).doesNotContainKey(MAPPER.readTree(bad.get(i)).get("id").asText());
        }
    }

    /** The values docs/hand-course.md states, recomputed here from hand-course.jsonl. */
    @Test
    void handCourseMatchesTheHandComputedValues() {
        List<JsonNode> hand = goodFiles(xapi).get(SampleDataGenerator.HAND_FILE);
        assertThat(hand).hasSize(33);
        Map<String, Map<LocalDate, long[]>> perLearnerDay = new TreeMap<>(); // events, sessions, active seconds
        Map<String, List<Instant>> times = new TreeMap<>();
        for (JsonNode s : hand) {
            String verb = s.at("/verb/id").asText();
            boolean learnerInitiated = s.at("/context/extensions/urn:xueqing:extension:role").asText()
                    .equals("learner") && !verb.endsWith("registered");
            if (learnerInitiated) {
                times.computeIfAbsent(s.at("/actor/account/name").asText(), k -> new ArrayList<>())
                        .add(OffsetDateTime.parse(s.get("timestamp").asText()).toInstant());
            }
        }
        times.forEach((learner, ts) -> {
            ts.sort(null);
            Map<LocalDate, long[]> days = perLearnerDay.computeIfAbsent(learner, k -> new TreeMap<>());
            for (int i = 0; i < ts.size(); i++) {
                LocalDateTime local = LocalDateTime.ofInstant(ts.get(i), SHANGHAI);
                long[] d = days.computeIfAbsent(local.toLocalDate(), k -> new long[3]);
                d[0]++;
                long gap = i == 0 ? Long.MAX_VALUE : Duration.between(ts.get(i - 1), ts.get(i)).toSeconds();
                if (gap >= 30 * 60) {
                    d[1]++;
                } else {
                    // split the gap at local midnight between the two days
                    LocalDateTime prev = LocalDateTime.ofInstant(ts.get(i - 1), SHANGHAI);
                    if (!prev.toLocalDate().equals(local.toLocalDate())) {
                        LocalDateTime midnight = local.toLocalDate().atStartOfDay();
                        days.computeIfAbsent(prev.toLocalDate(), k -> new long[3])[2] +=
                                Duration.between(prev, midnight).toSeconds();
                        d[2] += Duration.between(midnight, local).toSeconds();
                    } else {
                        d[2] += gap;
                    }
                }
            }
        });
        LocalDate mon = LocalDate.of(2026, 9, 7);
        assertThat(perLearnerDay.keySet()).containsExactly("hand-a", "hand-b");
        assertDay(perLearnerDay, "hand-a", mon, 9, 2, 51);
        assertDay(perLearnerDay, "hand-a", mon.plusDays(1), 3, 1, 25);
        assertDay(perLearnerDay, "hand-b", mon, 2, 1, 20);
        assertDay(perLearnerDay, "hand-b", mon.plusDays(1), 9, 1, 50);
        assertDay(perLearnerDay, "hand-b", mon.plusDays(3), 2, 1, 15);
        assertThat(perLearnerDay.get("hand-a")).hasSize(2);
        assertThat(perLearnerDay.get("hand-b")).hasSize(3);

        // first staff response: 3 hours exactly; the earlier peer reply does not count
        Instant question = timeOf(hand, 20);
        assertThat(Duration.between(question, timeOf(hand, 29))).isEqualTo(Duration.ofHours(3));
        assertThat(hand.get(28).at("/context/extensions/urn:xueqing:extension:role").asText()).isEqualTo("tutor");
        assertThat(hand.get(28).at("/context/statement/id").asText()).isEqualTo(HandCourse.id(20));
        assertThat(Duration.between(question, timeOf(hand, 23))).isEqualTo(Duration.ofMinutes(111));
        // one submission late, three on time
        Instant due = OffsetDateTime.parse(HandCourse.DUE).toInstant();
        assertThat(Stream.of(12, 21, 27).map(n -> timeOf(hand, n))).allMatch(t -> !t.isAfter(due));
        assertThat(timeOf(hand, 31)).isAfter(due);
        // mean scaled score of scored statements: hand-a 0.65, hand-b 0.8
        assertThat(meanScaled(hand, "hand-a")).isCloseTo(0.65, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(meanScaled(hand, "hand-b")).isCloseTo(0.80, org.assertj.core.data.Offset.offset(1e-9));
    }

    /**
     * Compares content, gz files decompressed: the statements must be identical, while the deflate bytes may
     * legitimately differ with the zlib a JDK is built against.
     */
    @Test
    void committedSamplesEqualAFreshGeneration() {
        Path root = projectRoot();
        assertThat(root.resolve("pom.xml")).as("project root " + root).exists();
        Path committed = root.resolve("data-samples").resolve("xapi");
        assertThat(committed).isDirectory();
        assertThat(contentHashes(committed))
                .as("data-samples/xapi drifted from the generator: run ./bin/xueqing generate-samples --out data-samples")
                .isEqualTo(contentHashes(xapi));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void assertDay(Map<String, Map<LocalDate, long[]>> m, String learner, LocalDate day, int events,
            int sessions, int activeMinutes) {
        long[] d = m.get(learner).get(day);
        assertThat(d).as(learner + " " + day).isNotNull();
        assertThat(d[0]).as(learner + " " + day + " events").isEqualTo(events);
        assertThat(d[1]).as(learner + " " + day + " sessions").isEqualTo(sessions);
        assertThat(d[2]).as(learner + " " + day + " active seconds").isEqualTo(activeMinutes * 60L);
    }

    private static Instant timeOf(List<JsonNode> hand, int row) {
        JsonNode s = hand.get(row - 1);
        assertThat(s.get("id").asText()).isEqualTo(HandCourse.id(row));
        return OffsetDateTime.parse(s.get("timestamp").asText()).toInstant();
    }

    private static double meanScaled(List<JsonNode> hand, String learner) {
        return hand.stream().filter(s -> s.at("/verb/id").asText().equals(Xapi.V_SCORED))
                .filter(s -> s.at("/actor/account/name").asText().equals(learner))
                .mapToDouble(s -> s.at("/result/score/scaled").asDouble()).average().orElseThrow();
    }

    private static Path projectRoot() {
        String root = System.getProperty("xueqing.project.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    /** Statements of every good file, by file name. */
    private static Map<String, List<JsonNode>> goodFiles(Path dir) {
        Map<String, List<JsonNode>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                List<JsonNode> list = new ArrayList<>();
                if (name.endsWith(".jsonl.gz")) {
                    for (String line : gzipLines(f)) {
                        list.add(MAPPER.readTree(line));
                    }
                } else if (name.equals(SampleDataGenerator.HAND_FILE)) {
                    for (String line : lines(f)) {
                        list.add(MAPPER.readTree(line));
                    }
                } else if (name.equals(SampleDataGenerator.ARRAY_FILE)) {
                    MAPPER.readTree(f.toFile()).forEach(list::add);
                } else if (name.equals(SampleDataGenerator.ENVELOPE_FILE)) {
                    JsonNode env = MAPPER.readTree(f.toFile());
                    assertThat(env.get("more").asText()).isEmpty();
                    env.get("statements").forEach(list::add);
                } else {
                    continue;
                }
                out.put(name, list);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> gzipLines(Path f) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    private static Map<String, String> hashes(Path dir) {
        return hashes(dir, false);
    }

    private static Map<String, String> contentHashes(Path dir) {
        return hashes(dir, true);
    }

    private static Map<String, String> hashes(Path dir, boolean gunzip) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] bytes;
                if (gunzip && f.getFileName().toString().endsWith(".gz")) {
                    try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                        bytes = in.readAllBytes();
                    }
                } else {
                    bytes = Files.readAllBytes(f);
                }
                out.put(f.getFileName().toString(), HexFormat.of().formatHex(md.digest(bytes)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
