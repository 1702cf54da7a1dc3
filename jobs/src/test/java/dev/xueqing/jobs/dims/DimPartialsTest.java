package dev.xueqing.jobs.dims;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.schema.Datasets;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dims' per-day partials kept across runs: after new days, a re-delivered day, voiding and a day whose events
 * are gone, the partials a run maintains equal the partials computed from all the events, only the changed days are
 * rewritten, and the dims published equal the dims computed from the events. Dims built without the kept partials
 * (small inputs) leave them as they were, and the partials catch up when next maintained.
 */
class DimPartialsTest extends SparkTestBase {
    static final XueqingConfig CONFIG = ConfigLoader.defaults();
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @Test
    void partialsKeptForTheChangedDaysEqualThePartialsOfAllEventsAndSoDoTheDims(@TempDir Path dir) throws IOException {
        List<String> lines = Files.readAllLines(projectRoot().resolve("data-samples/xapi/hand-course.jsonl"));
        Path in = Files.createDirectories(dir.resolve("in"));
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());

        // (1) the first part of the course: every day computed
        ingest(wh, Files.write(in.resolve("a.jsonl"), lines.subList(0, 20)), "r1");
        new DimsJob(wh).run("r1");
        assertAgree(wh);
        SortedMap<String, Instant> first = wh.partitionsWrittenAt(DimPartials.REF);
        assertThat(first).isNotEmpty();

        // (2) the rest, and the voiding of the learner's first page view: new days and changed days recomputed,
        //     the days no event of this batch falls on kept as written
        String voided = lines.get(4).replaceAll("^\\{\"id\":\"([^\"]+)\".*$", "$1");
        String voiding = "{\"id\":\"b0000000-0000-4000-8000-000000000001\",\"actor\":{\"mbox\":\"mailto:admin@lms.example.edu\"},"
                + "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\",\"display\":{\"en-US\":\"voided\"}},"
                + "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" + voided + "\"},"
                + "\"timestamp\":\"2026-12-30T10:00:00Z\"}";
        List<String> rest = new java.util.ArrayList<>(lines.subList(20, lines.size()));
        rest.add(voiding);
        IngestJob.Result second = ingest(wh, Files.write(in.resolve("b.jsonl"), rest), "r2");
        assertThat(second.voidedRemoved()).isEqualTo(1);
        new DimsJob(wh).run("r2");
        assertAgree(wh);
        SortedMap<String, Instant> after = wh.partitionsWrittenAt(DimPartials.REF);
        first.forEach((day, written) -> {
            if (!second.touchedDates().contains(day)) {
                assertThat(after.get(day)).as("day %s, not touched by the second ingest", day).isEqualTo(written);
            } else if (after.containsKey(day)) {
                assertThat(after.get(day)).as("day %s, touched", day).isAfter(written);
            }
        });

        // (3) a day whose events are gone, dims built as for small inputs: straight from the events, the kept
        //     partials left as they were; the next time they are used, the day's partials go too
        String gone = wh.partitionValues(DatasetRef.EVENTS).get(0);
        wh.dropPartition(DatasetRef.EVENTS, gone);
        SortedMap<String, Instant> kept = wh.partitionsWrittenAt(DimPartials.REF);
        new DimsJob(wh).run("r3", false);
        assertDimsAgree(wh);
        assertThat(wh.partitionsWrittenAt(DimPartials.REF)).isEqualTo(kept).containsKey(gone);
        DimPartials.maintain(wh, events(wh), "r4");
        assertAgree(wh);
        assertThat(wh.partitionValues(DimPartials.REF)).doesNotContain(gone)
                .isEqualTo(wh.partitionValues(DatasetRef.EVENTS));
    }

    private static Dataset<Row> events(Warehouse wh) {
        return wh.read(DatasetRef.EVENTS)
                .select(DimsJob.EVENT_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    }

    /** The kept partials are those of all events, and each published dim is the dim computed from all events. */
    private static void assertAgree(Warehouse wh) {
        assertSame("dim_partials", wh.read(DimPartials.REF), DimPartials.of(events(wh)));
        assertDimsAgree(wh);
    }

    /** Each published dim is the dim computed from all events. */
    private static void assertDimsAgree(Warehouse wh) {
        Dataset<Row> events = events(wh);
        DimsJob.Dims dims = DimsJob.transform(events,
                wh.read(DatasetRef.OBJECT_OBSERVATIONS, Datasets.OBJECT_OBSERVATIONS),
                wh.read(DatasetRef.ENROLMENT_FACTS, Datasets.ENROLMENT_FACTS),
                wh.read(DatasetRef.COURSE_FACTS, Datasets.COURSE_FACTS), List.of());
        Map<DatasetRef, Dataset<Row>> expected = Map.of(DatasetRef.LEARNERS, dims.learners(),
                DatasetRef.COURSES, dims.courses(), DatasetRef.ENROLLMENTS, dims.enrollments(),
                DatasetRef.COURSE_ITEMS, dims.items());
        expected.forEach((ref, rows) -> assertSame(ref.name(), wh.read(ref), rows));
    }

    private static void assertSame(String what, Dataset<Row> actual, Dataset<Row> expected) {
        Dataset<Row> a = actual.select(expected.columns()[0], java.util.Arrays.copyOfRange(expected.columns(), 1,
                expected.columns().length));
        assertThat(a.count()).as(what + " rows").isEqualTo(expected.count()).isPositive();
        assertThat(a.exceptAll(expected).count()).as(what + ": rows not expected").isZero();
        assertThat(expected.exceptAll(a).count()).as(what + ": rows missing").isZero();
    }

    private static IngestJob.Result ingest(Warehouse wh, Path file, String runId) {
        Instant now = Instant.parse("2026-12-31T00:00:00Z");
        XapiAdapter adapter = new XapiAdapter(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDO, CONFIG.timezone(),
                "t", runId, now);
        return new IngestJob(wh).run(adapter, List.of(file.toUri().toString()), "t", runId, now, null);
    }
}
