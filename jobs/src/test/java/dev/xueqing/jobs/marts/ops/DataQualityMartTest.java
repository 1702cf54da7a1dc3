package dev.xueqing.jobs.marts.ops;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DataQualityMartTest extends SparkTestBase {
    private static Row run(String id, String job, String source, Map<String, Long> counts) {
        return RowFactory.create(id, job, source == null ? "{}" : "{\"source\":\"" + source + "\",\"tenant\":\"t1\"}",
                null, Timestamp.valueOf("2026-03-01 01:00:00"), Timestamp.valueOf("2026-03-01 01:05:00"), "succeeded",
                scala.jdk.javaapi.CollectionConverters.asScala(new TreeMap<>(counts)), null);
    }

    @Test
    void oneRowPerRunSourceAndReasonWithTheRunTotals() {
        Dataset<Row> runs = spark().createDataFrame(List.of(
                run("r1", "ingest", "xapi", Map.of("read", 100L, "accepted", 90L, "duplicates", 4L, "late", 3L,
                        "voiding_statements", 1L, "quarantined", 5L, "quarantined.malformed_json", 2L,
                        "quarantined.invalid_actor", 3L)),
                run("r2", "ingest", "xapi", Map.of("read", 10L, "accepted", 0L, "duplicates", 10L, "quarantined", 0L)),
                run("n1", "nightly", null, Map.of("read", 110L))), RunLog.SCHEMA);
        // run r1 brought a thread opener, a reply to it and a reply to a post never seen
        Dataset<Row> events = dev.xueqing.jobs.marts.MartTestData.events(List.of(
                        dev.xueqing.jobs.marts.MartTestData.ev("a", "C", "2026-02-27 10:00").action("posted")
                                .object("post-1", "forum_post"),
                        dev.xueqing.jobs.marts.MartTestData.ev("b", "C", "2026-02-27 11:00").action("replied")
                                .object("post-2", "forum_post").parent("post-1").replyTo("post-1"),
                        dev.xueqing.jobs.marts.MartTestData.ev("b", "C", "2026-02-27 12:00").action("replied")
                                .object("post-3", "forum_post").parent("thread-9").replyTo("post-0")))
                .withColumn("run_id", org.apache.spark.sql.functions.lit("r1"));
        MartInputs in = new MartInputs(Map.of(DatasetRef.RUNS, runs, DatasetRef.EVENTS, events.drop("run_id"),
                DatasetRef.EVENT_LINEAGE, events));
        DataQualityMart mart = new DataQualityMart();
        Dataset<Row> out = mart.transform(in, new MartContext(LocalDate.of(2026, 3, 1), ConfigLoader.defaults()));
        ExpectationChecker.require(DataQualityMart.SPEC, out, in::get);

        List<Row> rows = out.orderBy("run_id", "reason").collectAsList();
        assertThat(rows).extracting(r -> r.getString(0) + "/" + r.getString(3))
                .containsExactly("r1/invalid_actor", "r1/malformed_json", "r2/none");
        Row actor = rows.get(0);
        assertThat(actor.<String>getAs("source")).isEqualTo("xapi");
        assertThat(actor.<String>getAs("tenant")).isEqualTo("t1");
        assertThat(actor.<Long>getAs("records_read")).isEqualTo(100);
        assertThat(actor.<Long>getAs("late_arrivals")).isEqualTo(3);
        assertThat(actor.<Long>getAs("quarantined")).isEqualTo(3);
        assertThat(actor.<Long>getAs("quarantined_total")).isEqualTo(5);
        assertThat(actor.<Double>getAs("quarantine_share")).isCloseTo(0.05, within(1e-12));
        assertThat(actor.<Long>getAs("replies_to_unseen_posts")).isEqualTo(1);
        Row none = rows.get(2);
        assertThat(none.<Long>getAs("quarantined")).isZero();
        assertThat(none.<Long>getAs("duplicates")).isEqualTo(10);
        assertThat(none.<Double>getAs("quarantine_share")).isZero();
        assertThat(none.<Long>getAs("replies_to_unseen_posts")).isZero();
    }
}
