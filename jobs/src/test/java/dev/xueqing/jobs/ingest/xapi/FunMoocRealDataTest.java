package dev.xueqing.jobs.ingest.xapi;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.dims.DimsJob;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartsJob;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** 22,000 real xAPI statements of a French MOOC (video profile), ingested end to end through every mart. */
@Tag("slow")
class FunMoocRealDataTest extends SparkTestBase {
    @Test
    void funMoocStatementsIngestAndBuildEveryMart(@TempDir Path dir) {
        Path data = sharedData();
        Assumptions.assumeTrue(data != null, "../shared/data is not here");
        Path file = data.resolve("xapi-fun-mooc/statements.json.gz");
        XueqingConfig config = ConfigLoader.load(null, List.of("timezone=Europe/Paris"), Map.of());
        Instant now = Instant.parse("2026-11-28T00:00:00Z");
        XapiAdapter adapter = new XapiAdapter(config.xapi(),
                new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)), config.timezone(),
                "fun", "r1", now);
        Warehouse wh = new Warehouse(spark(), dir.toString());
        IngestJob.Result r = new IngestJob(wh).run(adapter, List.of(file.toUri().toString()), "fun", "r1", now, null);
        System.out.println("fun-mooc ingest: " + r.counts());
        assertThat(r.read()).isEqualTo(22_000);
        assertThat(r.quarantinedByReason()).isEmpty();
        assertThat(r.accepted() + r.duplicates()).isEqualTo(22_000);

        Map<String, Long> byAction = new TreeMap<>();
        for (Row a : wh.read(DatasetRef.EVENTS).groupBy("action").count().collectAsList()) {
            byAction.put(a.getString(0), a.getLong(1));
        }
        System.out.println("fun-mooc events by action: " + byAction);
        assertThat(byAction).containsKeys("video_played", "video_paused", "video_seeked");

        Map<String, Long> dims = new DimsJob(wh).run("r1-dims");
        System.out.println("fun-mooc dims: " + dims);
        assertThat(dims.get("courses")).isEqualTo(2);
        assertThat(dims.get("learners")).isEqualTo(1_452);

        List<MartsJob.MartResult> marts = new MartsJob(wh).run(MartCatalog.all().subList(0, 5),
                new MartContext(LocalDate.of(2021, 12, 1), config), "r1-marts");
        System.out.println("fun-mooc marts: " + marts);
        assertThat(marts).allSatisfy(m -> {
            assertThat(m.ok()).as(m.name() + ": " + m.error()).isTrue();
            assertThat(m.rows()).as(m.name()).isPositive();
        });
    }
}
