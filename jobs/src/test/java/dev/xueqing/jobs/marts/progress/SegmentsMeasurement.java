package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ml.KMeansSegmentation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a check: the learner_segments of an existing warehouse (-Dxueqing.measure.warehouse=DIR),
 * its mix, the means of the features per label, the outcomes per label, and the bootstrap stability of its k
 * (5 resamples). Skipped without the property. The figures in docs/segments.md come from it.
 */
@Tag("slow")
class SegmentsMeasurement extends SparkTestBase {
    @Test
    void measure() {
        String dir = System.getProperty("xueqing.measure.warehouse");
        Assumptions.assumeTrue(dir != null && !dir.isBlank(), "no -Dxueqing.measure.warehouse");
        Warehouse wh = new Warehouse(spark(), dir);
        Dataset<Row> s = wh.read(DatasetRef.mart("learner_segments")).cache();
        long n = s.count();
        assertThat(n).isPositive();
        Row first = s.first();
        int k = first.getAs("k");
        System.out.printf("MEASURE %d rows, k = %d, gap %.3f, silhouette %.3f%n", n, k, first.<Double>getAs("gap"),
                first.<Double>getAs("silhouette"));
        List<org.apache.spark.sql.Column> means = new ArrayList<>(List.of(count(lit(1)).as("rows")));
        for (String f : LearnerSegments.RAW_COLUMNS) {
            means.add(avg(col(f)).as(f));
        }
        means.add(avg(col("active_minutes").equalTo(0).cast("double")).as("zero_minutes"));
        for (Row r : s.groupBy("segment_label").agg(means.get(0), means.subList(1, means.size())
                .toArray(org.apache.spark.sql.Column[]::new)).orderBy(col("rows").desc()).collectAsList()) {
            System.out.println("MEASURE label " + r);
        }
        for (Row r : s.join(wh.read(DatasetRef.ENROLLMENTS).select("learner_key", "course_id", "outcome"),
new String[] {"learner_key", "course_id"}, "left")
                .groupBy("segment_label", "outcome").count().orderBy("segment_label", "outcome").collectAsList()) {
            System.out.println("MEASURE outcome " + r);
        }
        for (Row r : s.groupBy("course_id").pivot("segment_label").count().orderBy("course_id").collectAsList()) {
            System.out.println("MEASURE course " + r);
        }
        KMeansSegmentation.Stability st = KMeansSegmentation.bootstrap(s, List.of("learner_key", "course_id"),
                LearnerSegments.FEATURES, k, 20261129L, 5);
        System.out.println("MEASURE bootstrap " + st);
    }
}
