package dev.xueqing.jobs.ingest.oulad;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.dims.DimsJob;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.InputFiles;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.pipeline.Adapters;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/** The six OULAD tables in ../shared/data/oulad, end to end: ingest, dims and every mart. */
@Tag("slow")
class OuladRealDataTest extends SparkTestBase {
    @Test
    void ouladTablesIngestEndToEndAndBuildEveryMart(@TempDir Path dir) {
        Path data = sharedData();
        Assumptions.assumeTrue(data != null, "../shared/data is not here");
        XueqingConfig config = ConfigLoader.load(null, List.of("timezone=Europe/London"), Map.of());
        List<String> files = InputFiles.expand(List.of(data.resolve("oulad").toString()),
                spark().sparkContext().hadoopConfiguration());
        Instant now = Instant.parse("2026-11-28T00:00:00Z");
        Pseudonymizer p = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        var adapter = Adapters.create("oulad", config, p, "ou", "r1", now, files,
                spark().sparkContext().hadoopConfiguration(), null);
        Warehouse wh = new Warehouse(spark(), dir.toString());
        IngestJob.Result r = new IngestJob(wh).run(adapter, files, "ou", "r1", now, null);
        System.out.println("OULAD ingest: " + r.counts());

        // 32,593 registrations (+ 10,072 unregistrations) and 173,912 assessment submissions; nothing quarantined
        assertThat(r.quarantinedByReason()).isEmpty();
        Map<String, Long> byAction = new HashMap<>();
        for (Row a : wh.read(DatasetRef.EVENTS).groupBy("action").count().collectAsList()) {
            byAction.put(a.getString(0), a.getLong(1));
        }
        System.out.println("OULAD events by action: " + byAction);
        assertThat(byAction).containsEntry("enrolled", 32_593L).containsEntry("submitted", 173_912L);
        assertThat(r.accepted()).isEqualTo(byAction.values().stream().mapToLong(Long::longValue).sum());

        Map<String, Long> dims = new DimsJob(wh).run("r1-dims");
        System.out.println("OULAD dims: " + dims);
        assertThat(dims).containsEntry("courses", 22L).containsEntry("enrollments", 32_593L)
                .containsEntry("learners", 28_785L);
        Map<String, Long> outcomes = new HashMap<>();
        for (Row o : wh.read(DatasetRef.ENROLLMENTS).groupBy("outcome").count().collectAsList()) {
            outcomes.put(o.getString(0), o.getLong(1));
        }
        assertThat(outcomes).isEqualTo(Map.of("pass", 12_361L, "withdrawn", 10_156L, "fail", 7_052L,
                "distinction", 3_024L));
        assertThat(wh.read(DatasetRef.LEARNERS).filter(col("region").isNull()).count()).isZero();
        Row aaa = wh.read(DatasetRef.COURSES).filter(col("course_id").equalTo("AAA-2013J")).first();
        assertThat(aaa.<java.sql.Date>getAs("start_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 10, 1));

        List<MartsJob.MartResult> marts = new MartsJob(wh).run(MartCatalog.all().subList(0, 5),
                new MartContext(LocalDate.of(2015, 6, 30), config), "r1-marts");
        System.out.println("OULAD marts: " + marts);
        assertThat(marts).allSatisfy(m -> {
            assertThat(m.ok()).as(m.name() + ": " + m.error()).isTrue();
            assertThat(m.rows()).as(m.name()).isPositive();
        });
    }
}
