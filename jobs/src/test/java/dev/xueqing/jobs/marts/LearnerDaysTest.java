package dev.xueqing.jobs.marts;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.dims.DimsJob;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;
import dev.xueqing.jobs.marts.progress.LearnerCourseProgressMart;
import dev.xueqing.jobs.marts.progress.LearnerDailyActivityMart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-day fact kept for the activity marts: {@code MartsJob} builds it before the marts that read it, it holds
 * what the marts would derive from the events themselves, and when it cannot be built the marts still are, from the
 * events.
 */
class LearnerDaysTest extends SparkTestBase {
    static final XueqingConfig CONFIG = ConfigLoader.defaults();
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final MartContext CTX = new MartContext(LocalDate.of(2026, 12, 31), CONFIG);

    @Test
    void theKeptFactIsWhatTheMartsWouldDeriveFromTheEvents(@TempDir Path dir) throws IOException {
        Warehouse wh = warehouse(dir);
        List<MartsJob.MartResult> results = new MartsJob(wh).run(List.of(new LearnerDailyActivityMart(),
                new LearnerCourseProgressMart()), CTX, "r2");
        assertThat(results).allMatch(MartsJob.MartResult::ok);
        assertThat(results).extracting(MartsJob.MartResult::name)
                .as("the fact is state, not a mart of the run").doesNotContain(LearnerDays.SPEC.name());

        MartInputs fromEvents = new MartInputs(Map.of(DatasetRef.EVENTS, wh.read(DatasetRef.EVENTS),
                DatasetRef.ENROLLMENTS, wh.read(DatasetRef.ENROLLMENTS),
                DatasetRef.COURSE_ITEMS, wh.read(DatasetRef.COURSE_ITEMS)));
        Dataset<Row> derived = LearnerDays.of(fromEvents, CTX);
        assertThat(derived.count()).isPositive();
        assertSame(wh.read(LearnerDays.REF), derived);
        // every learner-initiated event is counted on exactly one day
        long learnerEvents = MartFrames.learnerEvents(fromEvents, CTX).count();
        assertThat(wh.read(LearnerDays.REF).agg(org.apache.spark.sql.functions.sum("events")).first().getLong(0))
                .isEqualTo(learnerEvents);
        assertSame(wh.read(DatasetRef.mart("learner_daily_activity")),
                new LearnerDailyActivityMart().transform(fromEvents, CTX));
        assertSame(wh.read(DatasetRef.mart("learner_course_progress")),
                new LearnerCourseProgressMart().transform(fromEvents, CTX));
    }

    @Test
    void martsAreBuiltFromTheEventsWhenTheFactCannotBe(@TempDir Path dir) throws IOException {
        Warehouse wh = warehouse(dir);
        // something that is not a table where the fact would be written
        Path state = dir.resolve("wh").resolve(LearnerDays.REF.relative());
        Files.createDirectories(state.getParent());
        Files.writeString(state, "not a table");

        List<MartsJob.MartResult> results = new MartsJob(wh).run(List.of(new LearnerDailyActivityMart()), CTX, "r2");
        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).as(String.valueOf(r.error())).isTrue());
        MartInputs fromEvents = new MartInputs(Map.of(DatasetRef.EVENTS, wh.read(DatasetRef.EVENTS),
                DatasetRef.ENROLLMENTS, wh.read(DatasetRef.ENROLLMENTS)));
        assertSame(wh.read(DatasetRef.mart("learner_daily_activity")),
                new LearnerDailyActivityMart().transform(fromEvents, CTX));
    }

    private Warehouse warehouse(Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path file = Files.copy(projectRoot().resolve("data-samples/xapi/hand-course.jsonl"), in.resolve("a.jsonl"));
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        Instant now = Instant.parse("2026-12-31T00:00:00Z");
        XapiAdapter adapter = new XapiAdapter(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDO, CONFIG.timezone(),
                "t", "r1", now);
        new IngestJob(wh).run(adapter, List.of(file.toUri().toString()), "t", "r1", now, null);
        new DimsJob(wh).run("r1");
        return wh;
    }

    private static void assertSame(Dataset<Row> actual, Dataset<Row> expected) {
        Dataset<Row> a = actual.select(expected.columns()[0], java.util.Arrays.copyOfRange(expected.columns(), 1,
                expected.columns().length));
        assertThat(a.count()).isEqualTo(expected.count()).isPositive();
        assertThat(a.exceptAll(expected).count()).as("rows not expected").isZero();
        assertThat(expected.exceptAll(a).count()).as("rows missing").isZero();
    }
}
