package dev.xueqing.jobs.ml;

import dev.xueqing.common.testing.SparkJobCounter;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The model search of learner_segments on given rows: 90 learner × course rows in three separated groups of 30
 * (three features, noise 0.3 around (0, 0, 0), (3, 0, 1), (0, 3, −1)), from a seeded generator.
 */
class KMeansSegmentationTest extends SparkTestBase {
    private static final List<String> KEYS = List.of("learner_key", "course_id");
    private static final List<String> FEATURES = List.of("f1", "f2", "f3");
    private static final long SEED = 20261129L;
    private static List<Row> rows;

    @BeforeAll
    static void rows() {
        Random r = new Random(7);
        double[][] centres = {{0, 0, 0}, {3, 0, 1}, {0, 3, -1}};
        rows = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            double[] c = centres[i % 3];
            rows.add(RowFactory.create(String.format("l%03d", i), i % 2 == 0 ? "C1" : "C2",
                    c[0] + 0.3 * r.nextGaussian(), c[1] + 0.3 * r.nextGaussian(), c[2] + 0.3 * r.nextGaussian()));
        }
    }

    private static Dataset<Row> frame(List<Row> in) {
        StructType schema = new StructType().add("learner_key", DataTypes.StringType)
                .add("course_id", DataTypes.StringType).add("f1", DataTypes.DoubleType)
                .add("f2", DataTypes.DoubleType).add("f3", DataTypes.DoubleType);
        return spark().createDataFrame(in, schema);
    }

    private static Map<String, Integer> segments(KMeansSegmentation.Result fit) {
        Map<String, Integer> out = new TreeMap<>();
        for (Row r : fit.assignments().collectAsList()) {
            out.put(r.<String>getAs("learner_key") + "|" + r.getAs("course_id"), r.<Integer>getAs("segment_id"));
        }
        return out;
    }

    @Test
    void theSameRowsInAnotherPartitioningGiveTheSameSegments() {
        List<Row> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(3));
        Dataset<Row> onePartition = frame(rows).repartition(1);
        Dataset<Row> sevenPartitions = frame(shuffled).repartition(7, col("f1"));
        assertThat(sevenPartitions.rdd().getNumPartitions()).isEqualTo(7);

        KMeansSegmentation.Result a = KMeansSegmentation.fit(onePartition, KEYS, FEATURES, 2, 6, SEED, 200_000);
        KMeansSegmentation.Result b = KMeansSegmentation.fit(sevenPartitions, KEYS, FEATURES, 2, 6, SEED, 200_000);

        assertThat(a.k()).isEqualTo(3);
        assertThat(b.k()).isEqualTo(3);
        assertThat(segments(b)).isEqualTo(segments(a));
        assertThat(b.centroids()).isDeepEqualTo(a.centroids());
        assertThat(b.gapByK()).isEqualTo(a.gapByK());
        // and the three planted groups are the three segments
        int[] planted = new int[90];
        int[] found = new int[90];
        Map<String, Integer> s = segments(a);
        for (int i = 0; i < 90; i++) {
            planted[i] = i % 3;
            found[i] = s.get(String.format("l%03d", i) + "|" + (i % 2 == 0 ? "C1" : "C2"));
        }
        assertThat(AdjustedRandIndex.of(planted, found)).isEqualTo(1.0);
    }

    @Test
    void aSmallTableIsSearchedInTheDriverWithAFewSparkJobs() {
        Dataset<Row> input = frame(rows).cache();
        input.count();
        KMeansSegmentation.Result fit;
        int jobs;
        try (SparkJobCounter counter = SparkJobCounter.start(spark())) {
            // five candidate k, each with five reference data sets: 30 KMeans fits and 5 silhouettes
            fit = KMeansSegmentation.fit(input, KEYS, FEATURES, 2, 6, SEED, 200_000);
            jobs = counter.count();
        }
        // counting the rows (one or two jobs, as adaptive execution plans it) and collecting them; the assignments
        // are a local Dataset. The MLlib path needs about a hundred jobs for a single k (the test below).
        assertThat(jobs).isLessThanOrEqualTo(3);
        assertThat(fit.gapByK()).containsOnlyKeys(2, 3, 4, 5, 6);
        input.unpersist();
    }

    @Test
    void theDriverSilhouetteIsSparksSilhouette() {
        KMeansSegmentation.Result fit = KMeansSegmentation.fit(frame(rows), KEYS, FEATURES, 3, 3, SEED, 200_000);
        Dataset<Row> z = fit.assignments().selectExpr("segment_id", "z[0] AS z1", "z[1] AS z2", "z[2] AS z3");
        Dataset<Row> vectors = new VectorAssembler().setInputCols(new String[] {"z1", "z2", "z3"})
                .setOutputCol("features").transform(z)
                .withColumn("prediction", col("segment_id").cast("double"));
        double spark = new ClusteringEvaluator().setFeaturesCol("features").setPredictionCol("prediction")
                .setMetricName("silhouette").setDistanceMeasure("squaredEuclidean").evaluate(vectors);
        assertThat(fit.silhouette()).isCloseTo(spark, within(1e-9));
    }

    /** Slow (about a hundred small Spark jobs), so left out of the quick loop. */
    @Test
    @Tag("slow")
    void aLargerTableIsFittedWithMllibAndFindsTheSameGroups() {
        Dataset<Row> input = frame(rows);
        KMeansSegmentation.Result driver = KMeansSegmentation.fit(input, KEYS, FEATURES, 3, 3, SEED, 200_000);
        KMeansSegmentation.Result mllib;
        int jobs;
        try (SparkJobCounter counter = SparkJobCounter.start(spark())) {
            // driver-max-rows 0: the MLlib path, as for a table above the threshold
            mllib = KMeansSegmentation.fit(input, KEYS, FEATURES, 3, 3, SEED, 0);
            jobs = counter.count();
        }
        System.out.printf("MLlib path: %d Spark jobs for k = 3%n", jobs);
        assertThat(jobs).isGreaterThan(20);
        assertThat(mllib.k()).isEqualTo(driver.k()).isEqualTo(3);
        List<Integer> a = new ArrayList<>(segments(driver).values());
        List<Integer> b = new ArrayList<>(segments(mllib).values());
        assertThat(AdjustedRandIndex.of(a, b)).isEqualTo(1.0);
    }
}
