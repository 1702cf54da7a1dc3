package dev.xueqing.jobs.ingest.edx;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.IngestJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.assertj.core.api.Assertions.assertThat;

/** The edX adapter through the real ingest engine over the Open edX acceptance-test tracking logs. */
class EdxRealDataTest extends SparkTestBase {
    static final XueqingConfig CONFIG = ConfigLoader.defaults();
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @Test
    void ingestsTheSharedTrackingLogsWithFullAccounting(@TempDir Path dir) throws IOException {
        Path shared = sharedData();
        Assumptions.assumeTrue(shared != null && Files.isDirectory(shared.resolve("edx-tracking-logs")),
                "no ../shared/data/edx-tracking-logs here: skipped");
        List<String> files;
        try (Stream<Path> s = Files.list(shared.resolve("edx-tracking-logs"))) {
            files = s.filter(p -> p.toString().endsWith(".log")).sorted().map(p -> p.toUri().toString()).toList();
        }
        Instant now = Instant.parse("2026-11-28T00:00:00Z");
        EdxAdapter adapter = new EdxAdapter(ConfigLoader.defaults().edx(), PSEUDO, CONFIG.timezone(), "t", "r1", now);
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        IngestJob.Result r = new IngestJob(wh).run(adapter, files, "t", "r1", now, null);

        Dataset<Row> events = wh.read(DatasetRef.EVENTS);
        Dataset<Row> quarantine = wh.read(DatasetRef.QUARANTINE);
        System.out.println("edx real data: " + r.counts());
        System.out.println("file | events | quarantined");
        Dataset<Row> ev = events.withColumn("file", regexp_extract(col("raw_ref"), "([^/]+):\\d+$", 1))
                .groupBy("file").count().withColumnRenamed("count", "events");
        Dataset<Row> q = quarantine.withColumn("file", regexp_extract(col("raw_ref"), "([^/]+):\\d+$", 1))
                .groupBy("file").count().withColumnRenamed("count", "quarantined");
        for (Row row : ev.join(q, "file", "full_outer").orderBy("file").collectAsList()) {
            System.out.println(row.get(0) + " | " + row.get(1) + " | " + row.get(2));
        }
        System.out.println("file | reason | n");
        for (Row row : quarantine.withColumn("file", regexp_extract(col("raw_ref"), "([^/]+):\\d+$", 1))
                .groupBy("file", "reason").count().orderBy("file", "reason").collectAsList()) {
            System.out.println(row.get(0) + " | " + row.get(1) + " | " + row.get(2));
        }
        System.out.println("answered with a score: "
                + events.filter(col("action").equalTo("answered").and(col("score_scaled").isNotNull())).count()
                + ", correct: " + events.filter(col("success").equalTo(true)).count()
                + ", learners: " + events.select("learner_key").distinct().count()
                + ", courses: " + events.select("course_id").distinct().count());
        System.out.println("action | n");
        for (Row row : events.groupBy("action").count().orderBy(col("count").desc()).collectAsList()) {
            System.out.println(row.get(0) + " | " + row.get(1));
        }

        // measured on edx-tracking-logs @ openedx/edx-analytics-pipeline dda3931f (18 files, 2,530 non-blank lines);
        // one of them is empty (module_engagement_acceptance_empty.log): one unreadable_input row says so
        assertThat(r.files()).isEqualTo(18);
        assertThat(r.read()).isEqualTo(2531);
        assertThat(r.accepted()).isEqualTo(1396);
        assertThat(r.duplicates()).isEqualTo(145);
        assertThat(r.quarantinedByReason()).containsOnly(
                java.util.Map.entry("malformed_json", 40L), java.util.Map.entry("missing_actor", 166L),
                java.util.Map.entry("missing_course", 748L), java.util.Map.entry("not_an_event", 35L),
                java.util.Map.entry("unreadable_input", 1L));
        assertThat(events.filter(col("action").equalTo("answered")).count()).isEqualTo(211);
        assertThat(events.filter(col("action").equalTo("enrolled")).count()).isEqualTo(51);
        assertThat(events.filter(col("action").equalTo("answered").and(col("score_scaled").isNotNull())).count())
                .isEqualTo(211);
        assertThat(events.filter(col("success").equalTo(true)).count()).isEqualTo(87);
        assertThat(events.select("learner_key").distinct().count()).isEqualTo(27);
        assertThat(events.select("course_id").distinct().count()).isEqualTo(23);
        assertThat(r.read()).isEqualTo(r.accepted() + r.duplicates() + r.quarantined() + r.voidedRemoved());
        assertThat(events.count()).isEqualTo(r.accepted());
        assertThat(quarantine.count()).isEqualTo(r.quarantined());
        assertThat(events.filter(col("learner_key").isNull().or(col("course_id").isNull())).count()).isZero();
        assertThat(events.select("source").distinct().collectAsList()).extracting(x -> x.getString(0))
                .containsExactly("edx");
    }
}
