package dev.xueqing.jobs.ingest;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/** The ingest engine on real files: layouts, gzip, dedupe, conflicts, voiding, partition replacement, late data. */
class IngestJobTest extends SparkTestBase {
    static final XueqingConfig CONFIG = ConfigLoader.defaults();
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final String COURSE = "https://lms.example.edu/course/T1";

    static String stmt(String id, String learner, String verb, String object, String timestamp) {
        return "{\"id\":\"" + id + "\",\"actor\":{\"account\":{\"homePage\":\"https://lms.example.edu\",\"name\":\""
                + learner + "\"}},\"verb\":{\"id\":\"" + verb + "\"},\"object\":{\"id\":\"" + object
                + "\",\"definition\":{\"type\":\"http://activitystrea.ms/schema/1.0/page\"}},"
                + "\"context\":{\"contextActivities\":{\"grouping\":[{\"id\":\"" + COURSE
                + "\",\"definition\":{\"type\":\"http://adlnet.gov/expapi/activities/course\",\"name\":{\"en-US\":\"Test course\"}}}]}},"
                + "\"timestamp\":\"" + timestamp + "\"}";
    }

    /** A statement by an administrator that voids {@code target} (xAPI's voided verb on a StatementRef). */
    static String voiding(String id, String target) {
        return "{\"id\":\"" + id + "\",\"actor\":{\"mbox\":\"mailto:admin@lms.example.edu\"},"
                + "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\",\"display\":{\"en-US\":\"voided\"}},"
                + "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" + target + "\"},"
                + "\"timestamp\":\"2026-03-03T10:00:00Z\"}";
    }

    static final String VIEWED = "http://id.tincanapi.com/verb/viewed";
    static final String ID1 = "6f1f6a38-2f5b-4f2a-9b7e-000000000001";
    static final String ID2 = "6f1f6a38-2f5b-4f2a-9b7e-000000000002";
    static final String ID3 = "6f1f6a38-2f5b-4f2a-9b7e-000000000003";
    static final String ID4 = "6f1f6a38-2f5b-4f2a-9b7e-000000000004";

    private IngestJob.Result ingest(Warehouse wh, List<Path> files, String runId, LocalDate late) {
        return ingest(wh, files, runId, late, "t");
    }

    private IngestJob.Result ingest(Warehouse wh, List<Path> files, String runId, LocalDate late, String tenant) {
        Instant now = Instant.parse("2026-03-10T00:00:00Z");
        XapiAdapter adapter = new XapiAdapter(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDO, CONFIG.timezone(),
                tenant, runId, now);
        return new IngestJob(wh).run(adapter, files.stream().map(p -> p.toUri().toString()).toList(), tenant, runId,
                now, late);
    }

    @Test
    void statementIdsAreUniquePerTenantNotAcrossTenants(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path a = write(in, "a.jsonl", stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00") + "\n", false);
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        assertThat(ingest(wh, List.of(a), "r1", null, "campus-a").accepted()).isEqualTo(1);
        IngestJob.Result other = ingest(wh, List.of(a), "r2", null, "campus-b");
        assertThat(other.accepted()).isEqualTo(1);
        assertThat(other.duplicates()).isZero();
        assertThat(wh.read(DatasetRef.EVENTS).select("tenant").distinct().count()).isEqualTo(2);
    }

    private static Path write(Path dir, String name, String content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void everyRecordIsAnEventADuplicateOrAQuarantineRow(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path a = write(in, "a.jsonl.gz", String.join("\n",
                stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00"),
                "{not json",
                stmt(ID2, "s1", VIEWED, "urn:p2", "2026-03-01T23:30:00+08:00"),
                stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00"),       // exact duplicate
                stmt(ID2, "s1", VIEWED, "urn:p9", "2026-03-01T23:30:00+08:00")), true); // conflict
        Path b = write(in, "b.json", "[" + stmt(ID3, "s2", VIEWED, "urn:p1", "2026-03-02T01:00:00Z") + ",42]", false);
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());

        IngestJob.Result r = ingest(wh, List.of(a, b), "r1", null);

        assertThat(r.read()).isEqualTo(7);
        assertThat(r.accepted()).isEqualTo(3);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.quarantinedByReason()).isEqualTo(Map.of("malformed_json", 1L, "not_a_statement", 1L,
                "id_conflict", 1L));
        assertThat(r.accepted() + r.duplicates() + r.quarantined()).isEqualTo(r.read());
        assertThat(r.touchedDates()).containsExactly("2026-03-01", "2026-03-02");

        List<Row> events = wh.read(DatasetRef.EVENTS).orderBy("event_time").collectAsList();
        assertThat(events).extracting(e -> e.<String>getAs("object_id")).containsExactly("urn:p1", "urn:p2", "urn:p1");
        assertThat(events.get(0).<String>getAs("raw_ref")).endsWith("a.jsonl.gz:1");
        Row conflict = wh.read(DatasetRef.QUARANTINE).filter(col("reason").equalTo("id_conflict")).first();
        assertThat(conflict.<String>getAs("raw_ref")).endsWith("a.jsonl.gz:5");
        assertThat(conflict.<String>getAs("detail")).contains(ID2).contains("a.jsonl.gz:3");
        Row malformed = wh.read(DatasetRef.QUARANTINE).filter(col("reason").equalTo("malformed_json")).first();
        assertThat(malformed.<String>getAs("raw")).isEqualTo("{not json");
        assertThat(malformed.<String>getAs("raw_ref")).endsWith("a.jsonl.gz:2");
        // observations carry the course title for the courses dim
        assertThat(wh.read(DatasetRef.OBJECT_OBSERVATIONS).filter(col("object_id").equalTo(COURSE))
                .select("title").first().getString(0)).isEqualTo("Test course");
    }

    /** {@link #stmt} on a question whose definition names skills (a JSON value, or null for no extension). */
    static String skilled(String id, String object, String timestamp, String skillsJson) {
        String s = stmt(id, "s1", VIEWED, object, timestamp);
        return skillsJson == null ? s : s.replace("\"definition\":{\"type\":\"http://activitystrea.ms/schema/1.0/page\"}",
                "\"definition\":{\"type\":\"http://adlnet.gov/expapi/activities/cmi.interaction\","
                        + "\"extensions\":{\"urn:xueqing:extension:skills\":" + skillsJson + "}}");
    }

    private static Map<String, List<String>> skillsByObject(Warehouse wh) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Row r : wh.read(DatasetRef.OBJECT_OBSERVATIONS).collectAsList()) {
            int i = r.fieldIndex("skills");
            out.put(r.getAs("object_id"), r.isNullAt(i) ? null : r.getList(i));
        }
        return out;
    }

    @Test
    void observedSkillsFollowTheLatestRecordThatNamesThemAndOldObservationsStillMerge(@TempDir Path dir)
            throws IOException {
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        // observations as a release before skills published them: no skills column
        org.apache.spark.sql.types.StructType current = dev.xueqing.common.schema.Datasets.OBJECT_OBSERVATIONS;
        org.apache.spark.sql.types.StructType old = new org.apache.spark.sql.types.StructType(
                java.util.Arrays.copyOf(current.fields(), current.size() - 1));
        wh.publish(DatasetRef.OBJECT_OBSERVATIONS, spark().createDataFrame(List.of(org.apache.spark.sql.RowFactory
                .create(COURSE, "urn:q0", "question", null, "Q0", 2.0, null, null, "t",
                        java.sql.Timestamp.valueOf("2026-02-01 00:00:00"))), old), "r0");

        Path in = Files.createDirectories(dir.resolve("in"));
        Path a = write(in, "a.jsonl", skilled(ID1, "urn:q1", "2026-03-01T08:00:00Z", "[\"b\", \"a\"]") + "\n"
                + skilled(ID2, "urn:q2", "2026-03-01T08:00:00Z", "\"c\"") + "\n", false);
        ingest(wh, List.of(a), "r1", null);
        // later: q1 says nothing about skills (they stay), q2 names others (they replace, not add)
        Path b = write(in, "b.jsonl", skilled(ID3, "urn:q1", "2026-03-02T08:00:00Z", null) + "\n"
                + skilled(ID4, "urn:q2", "2026-03-02T08:00:00Z", "[\"d\"]") + "\n", false);
        ingest(wh, List.of(b), "r2", null);

        Map<String, List<String>> skills = skillsByObject(wh);
        assertThat(skills.get("urn:q0")).isNull();
        assertThat(skills.get("urn:q1")).containsExactly("b", "a");
        assertThat(skills.get("urn:q2")).containsExactly("d");
        assertThat(skills.get(COURSE)).isNull();
        assertThat(wh.read(DatasetRef.OBJECT_OBSERVATIONS).filter(col("object_id").equalTo("urn:q0"))
                .select("title").first().getString(0)).isEqualTo("Q0");
    }

    @Test
    void rerunAddsNothingAndNewFilesReplaceOnlyTheirPartitions(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path a = write(in, "a.jsonl", stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00") + "\n"
                + stmt(ID2, "s1", VIEWED, "urn:p2", "2026-03-02T08:00:00+08:00") + "\n", false);
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        ingest(wh, List.of(a), "r1", null);
        long mtimeDay2 = Files.getLastModifiedTime(dir.resolve("wh/events/event_date=2026-03-02")).toMillis();

        IngestJob.Result again = ingest(wh, List.of(a), "r2", LocalDate.of(2026, 3, 5));
        assertThat(again.accepted()).isZero();
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(again.touchedDates()).isEmpty();

        Path c = write(in, "c.jsonl", stmt(ID3, "s2", VIEWED, "urn:p3", "2026-03-01T09:00:00+08:00") + "\n", false);
        IngestJob.Result late = ingest(wh, List.of(c), "r3", LocalDate.of(2026, 3, 5));
        assertThat(late.accepted()).isEqualTo(1);
        assertThat(late.late()).isEqualTo(1);
        assertThat(late.touchedDates()).containsExactly("2026-03-01");
        assertThat(wh.read(DatasetRef.EVENTS).count()).isEqualTo(3);
        assertThat(wh.read(DatasetRef.EVENTS).filter(col("event_date").equalTo("2026-03-01")).count()).isEqualTo(2);
        assertThat(Files.getLastModifiedTime(dir.resolve("wh/events/event_date=2026-03-02")).toMillis())
                .isEqualTo(mtimeDay2);
    }

    @Test
    void voidingRemovesTheTargetNowAndWhenItIsDeliveredAgain(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path a = write(in, "a.jsonl", stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00") + "\n"
                + stmt(ID2, "s1", VIEWED, "urn:p2", "2026-03-01T09:00:00+08:00") + "\n", false);
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        ingest(wh, List.of(a), "r1", null);
        String voiding = voiding(ID4, ID1);
        Path v = write(in, "v.jsonl", voiding + "\n", false);
        IngestJob.Result r = ingest(wh, List.of(v), "r2", null);
        assertThat(r.voidingStatements()).isEqualTo(1);
        assertThat(r.voidedRemoved()).isEqualTo(1);
        assertThat(eventIds(wh)).containsExactly(ID2);

        IngestJob.Result again = ingest(wh, List.of(a), "r3", null);
        assertThat(again.accepted()).isZero();
        assertThat(wh.read(DatasetRef.EVENTS).count()).isEqualTo(1);
    }

    @Test
    void aCorruptGzipKeepsWhatWasReadAndSaysWhy(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append(stmt(String.format("6f1f6a38-2f5b-4f2a-9b7e-%012d", i), "s" + (i % 7), VIEWED, "urn:p" + i,
                    "2026-03-01T08:00:00+08:00")).append('\n');
        }
        Path gz = write(in, "big.jsonl.gz", sb.toString(), true);
        byte[] bytes = Files.readAllBytes(gz);
        Files.write(gz, java.util.Arrays.copyOf(bytes, bytes.length / 2));   // truncated in the middle
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        IngestJob.Result r = ingest(wh, List.of(gz), "r1", null);
        assertThat(r.quarantinedByReason()).containsKey("unreadable_input");
        assertThat(r.accepted()).isGreaterThan(100).isLessThan(2000);
        Row q = wh.read(DatasetRef.QUARANTINE).filter(col("reason").equalTo("unreadable_input")).first();
        assertThat(q.<String>getAs("detail")).containsAnyOf("end of", "gzip", "EOF");
    }

    @Test
    void aBatchOfMostlyPublishedDuplicatesPublishesExactlyItsNewEvent(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        String day1 = stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00");
        String day1b = stmt(ID2, "s1", VIEWED, "urn:p2", "2026-03-01T09:00:00+08:00");
        String day2 = stmt(ID3, "s2", VIEWED, "urn:p3", "2026-03-02T08:00:00+08:00");
        Path a = write(in, "a.jsonl", String.join("\n", day1, day1b, day2) + "\n", false);
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        ingest(wh, List.of(a), "r1", null);

        // fewer fresh records than others: the fresh ones are picked by their keys
        String fresh = stmt(ID4, "s2", VIEWED, "urn:p4", "2026-03-02T09:00:00+08:00");
        Path b = write(in, "b.jsonl", String.join("\n", day1, fresh, day1b, day2) + "\n", false);
        IngestJob.Result r = ingest(wh, List.of(b), "r2", null);

        assertThat(r.accepted()).isEqualTo(1);
        assertThat(r.duplicates()).isEqualTo(3);
        assertThat(r.touchedDates()).containsExactly("2026-03-02");
        assertThat(eventIds(wh)).containsExactlyInAnyOrder(ID1, ID2, ID3, ID4);
        Row published = wh.read(DatasetRef.EVENTS).filter(col("event_id").equalTo(ID4)).first();
        assertThat(published.<String>getAs("raw_ref")).endsWith("b.jsonl:2");
        assertThat(published.<String>getAs("object_id")).isEqualTo("urn:p4");
        assertThat(published.<String>getAs("run_id")).isEqualTo("r2");
    }

    @Test
    void narrowingThePublishedKeysToTheBatchsIdsClassifiesEveryRecordAlike(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        String one = stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00");
        String two = stmt(ID2, "s1", VIEWED, "urn:p2", "2026-03-01T09:00:00+08:00");
        String three = stmt(ID3, "s2", VIEWED, "urn:p3", "2026-03-02T08:00:00+08:00");
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        ingest(wh, List.of(write(in, "a.jsonl", String.join("\n", one, two, three) + "\n", false)), "r1", null);
        ingest(wh, List.of(write(in, "u.jsonl", one + "\n", false)), "r2", null, "u");

        // a published duplicate (one), a published conflict (two, other object), a fresh event given twice (four),
        // a batch conflict (four again, other object), a fresh event voided in the batch, and the voiding itself
        String four = stmt(ID4, "s2", VIEWED, "urn:p4", "2026-03-02T09:00:00+08:00");
        String fourChanged = stmt(ID4, "s2", VIEWED, "urn:p5", "2026-03-02T09:00:00+08:00");
        String five = stmt("6f1f6a38-2f5b-4f2a-9b7e-000000000005", "s3", VIEWED, "urn:p6", "2026-03-02T10:00:00+08:00");
        String voids = voiding("6f1f6a38-2f5b-4f2a-9b7e-000000000006", "6f1f6a38-2f5b-4f2a-9b7e-000000000005");
        Path b = write(in, "b.jsonl", String.join("\n", one, stmt(ID2, "s1", VIEWED, "urn:p9",
                "2026-03-01T09:00:00+08:00"), four, four, fourChanged, five, voids) + "\n", false);
        Instant now = Instant.parse("2026-03-10T00:00:00Z");
        XapiAdapter adapter = new XapiAdapter(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDO, CONFIG.timezone(),
                "t", "r3", now);
        org.apache.spark.sql.Dataset<Row> parsed = IngestJob.parse(spark(), adapter, List.of(b.toUri().toString()),
                "t", "r3", now).cache();
        org.apache.spark.sql.Dataset<Row> published = wh.read(DatasetRef.EVENTS,
                dev.xueqing.common.schema.EventSchema.SCHEMA);
        org.apache.spark.sql.Dataset<Row> voided = parsed.filter(col("kind").equalTo(ParsedRecords.VOIDED))
                .select(col("voided.voided_event_id"), col("voided.tenant").as("voided_tenant"));

        List<String> narrowed = IngestJob.classify(parsed, published, voided, true).orderBy("seq")
                .collectAsList().stream().map(Row::toString).toList();
        List<String> whole = IngestJob.classify(parsed, published, voided, false).orderBy("seq")
                .collectAsList().stream().map(Row::toString).toList();
        List<String> fates = IngestJob.classify(parsed, published, voided, true).orderBy("seq").select("_fate")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        parsed.unpersist();
        assertThat(narrowed).isEqualTo(whole).hasSize(6);
        assertThat(fates).containsExactly(
                "published_duplicate", "published_conflict", "fresh", "duplicate", "batch_conflict", "voided");
    }

    @Test
    void aBatchWithNoFreshEventStillQuarantinesItsConflictsAndVoids(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        String first = stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00");
        String second = stmt(ID2, "s1", VIEWED, "urn:p2", "2026-03-01T09:00:00+08:00");
        Path a = write(in, "a.jsonl", first + "\n" + second + "\n", false);
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        ingest(wh, List.of(a), "r1", null);

        String changed = stmt(ID2, "s1", VIEWED, "urn:p9", "2026-03-01T09:00:00+08:00");
        String voiding = voiding(ID4, ID1);
        Path b = write(in, "b.jsonl", String.join("\n", first, changed, voiding) + "\n", false);
        IngestJob.Result r = ingest(wh, List.of(b), "r2", null);

        assertThat(r.accepted()).isZero();
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.voidedRemoved()).isEqualTo(1);
        assertThat(r.quarantinedByReason()).isEqualTo(Map.of("id_conflict", 1L));
        assertThat(r.touchedDates()).containsExactly("2026-03-01");
        Row kept = wh.read(DatasetRef.EVENTS).first();
        assertThat(eventIds(wh)).containsExactly(ID2);
        assertThat(kept.<String>getAs("object_id")).isEqualTo("urn:p2");
        assertThat(kept.<String>getAs("run_id")).isEqualTo("r1");
        Row conflict = wh.read(DatasetRef.QUARANTINE).filter(col("reason").equalTo("id_conflict")).first();
        assertThat(conflict.<String>getAs("raw_ref")).endsWith("b.jsonl:2");
        assertThat(conflict.<String>getAs("detail")).isEqualTo("statement id " + ID2
                + " is already published with other content (from " + a.toUri() + ":2)");
    }

    @Test
    void eventsOfOneRecordArePublishedOrNotEachByItsOwnFate(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        String s1 = stmt(ID1, "s1", VIEWED, "urn:p1", "2026-03-01T08:00:00+08:00");
        String s2 = stmt(ID2, "s1", VIEWED, "urn:p2", "2026-03-01T09:00:00+08:00");
        String s3 = stmt(ID3, "s2", VIEWED, "urn:p3", "2026-03-02T08:00:00+08:00");
        String s4 = stmt(ID4, "s2", VIEWED, "urn:p4", "2026-03-02T09:00:00+08:00");
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        ingestPairs(wh, write(in, "a.jsonl", s1 + "\n", false), "r1");

        // one record (seq) gives a published duplicate and a new event: as many fresh records as others
        IngestJob.Result semi = ingestPairs(wh, write(in, "b.jsonl", s1 + "\n" + s2 + "\n", false), "r2");
        assertThat(semi.accepted()).isEqualTo(1);
        assertThat(eventIds(wh)).containsExactlyInAnyOrder(ID1, ID2);

        // and again, with more fresh records than others
        IngestJob.Result anti = ingestPairs(wh, write(in, "c.jsonl", s2 + "\n" + s3 + "\n" + s4 + "\n", false), "r3");
        assertThat(anti.accepted()).isEqualTo(2);
        assertThat(anti.duplicates()).isEqualTo(1);
        assertThat(eventIds(wh)).containsExactlyInAnyOrder(ID1, ID2, ID3, ID4);
    }

    /** Ingests xAPI lines as records of two events each (like an OULAD registration row): lines 1-2, 3-4, ... */
    private IngestJob.Result ingestPairs(Warehouse wh, Path file, String runId) {
        Instant now = Instant.parse("2026-03-10T00:00:00Z");
        SourceAdapter pairs = new PairedRecords(new XapiAdapter(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDO,
                CONFIG.timezone(), "t", runId,
                now));
        return new IngestJob(wh).run(pairs, List.of(file.toUri().toString()), "t", runId, now, null);
    }

    /** An adapter that gives every two consecutive records of its delegate one seq. */
    private record PairedRecords(SourceAdapter delegate) implements SourceAdapter {
        @Override
        public String format() {
            return delegate.format();
        }

        @Override
        public String accountPseudonym(String rawAccountId) {
            return delegate.accountPseudonym(rawAccountId);
        }

        @Override
        public long read(String fileUri, int fileOrdinal, java.io.InputStream in,
                         java.util.function.Consumer<Row> out) throws IOException {
            return delegate.read(fileUri, fileOrdinal, in, row -> {
                Object[] values = new Object[row.length()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = row.get(i);
                }
                values[1] = row.getLong(1) & ~1L;
                out.accept(org.apache.spark.sql.RowFactory.create(values));
            });
        }
    }

    private static List<String> eventIds(Warehouse wh) {
        return wh.read(DatasetRef.EVENTS).select("event_id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }
}
