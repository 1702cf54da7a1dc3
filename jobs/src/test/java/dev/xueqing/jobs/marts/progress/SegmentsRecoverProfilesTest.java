package dev.xueqing.jobs.marts.progress;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkJobCounter;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ml.AdjustedRandIndex;
import dev.xueqing.jobs.ml.KMeansSegmentation;
import dev.xueqing.jobs.pipeline.Pipeline;
import dev.xueqing.jobs.samples.ScaleGenerator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated data with planted behaviour profiles (300 learners, 2 courses, 10 weeks): the segmentation finds at
 * least as many segments as there are profiles, they agree with the planted profiles (adjusted Rand index ≥ 0.6,
 * issue 17's target), and they come back under bootstrap resampling.
 * Prints the figures docs/segments.md quotes (the confusion table of profile × segment label among them).
 */
class SegmentsRecoverProfilesTest extends SparkTestBase {
    private static final LocalDate AS_OF = LocalDate.of(2026, 12, 1);

    @Test
    void segmentsRecoverThePlantedProfiles(@TempDir Path dir) throws IOException {
        ScaleGenerator.generate(new ScaleGenerator.Options(300, 2, 10, dir.resolve("in"), "xapi", 17, 8, 0, 0, 0,
                1_000_000));
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh")), Map.of());
        Pseudonymizer pseudonyms;
        int jobs;
        spark();   // the pipeline uses this JVM's session (and leaves it running), so the job counter sees its jobs
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(p.ingest("xapi", List.of(dir.resolve("in").toString()), "gen", null).failed()).isFalse();
            pseudonyms = p.key().pseudonymizer();
            try (SparkJobCounter counter = SparkJobCounter.start(spark())) {
                Pipeline.Summary marts = p.marts(AS_OF, List.of("learner_segments"));
                assertThat(marts.failed()).as("%s", marts).isFalse();
                jobs = counter.count();
            }
        }
        Map<String, String> profileByKey = new HashMap<>();
        List<String> truth = Files.readAllLines(dir.resolve("in/_truth/learners.csv"));
        assertThat(truth.get(0)).endsWith(",profile");
        for (String line : truth.subList(1, truth.size())) {
            String[] f = line.split(",");
            profileByKey.put(pseudonyms.pseudonym("gen", "account:https://lms.example.edu|" + f[0]), f[4]);
        }
        Dataset<Row> segments = new Warehouse(spark(), dir.resolve("wh").toString())
                .read(DatasetRef.mart("learner_segments")).cache();
        List<Object> planted = new ArrayList<>();
        List<Object> found = new ArrayList<>();
        Map<String, Map<String, Integer>> table = new TreeMap<>();
        for (Row r : segments.orderBy("learner_key", "course_id").collectAsList()) {
            String profile = profileByKey.get(r.<String>getAs("learner_key"));
            assertThat(profile).as("every segmented learner has a planted profile").isNotNull();
            planted.add(profile);
            found.add(r.<String>getAs("segment_label"));
            table.computeIfAbsent(profile, x -> new TreeMap<>()).merge(r.getAs("segment_label"), 1, Integer::sum);
        }
        int k = segments.first().getAs("k");
        double ari = AdjustedRandIndex.of(planted, found);
        KMeansSegmentation.Stability stability = KMeansSegmentation.bootstrap(segments, List.of("learner_key",
                "course_id"), LearnerSegments.FEATURES, k, 20261129L, 4);
        System.out.printf("generated: %d rows, k = %d, gap %.3f, silhouette %.3f, ARI %.3f, bootstrap %s, "
                        + "%d Spark jobs for the learner_segments build%n", planted.size(), k,
                segments.first().<Double>getAs("gap"), segments.first().<Double>getAs("silhouette"), ari, stability,
                jobs);
        table.forEach((profile, labels) -> System.out.printf("planted %-13s -> %s%n", profile, labels));

        assertThat(planted).hasSizeGreaterThan(350);
        assertThat(k).as("at least as many segments as planted profiles").isGreaterThanOrEqualTo(5);
        assertThat(ari).as("adjusted Rand index against the planted profiles").isGreaterThanOrEqualTo(0.6);
        assertThat(stability.meanAri()).as("mean ARI between bootstrap fits").isGreaterThanOrEqualTo(0.7);
        // each profile's largest segment carries the profile's label
        Map<String, String> expected = Map.of("steady", "steady and strong", "late_starter", "late starter",
                "last_minute", "last-minute", "fading", "fading", "disengaged", "disengaged");
        table.forEach((profile, labels) -> assertThat(labels.entrySet().stream()
                .max(Map.Entry.comparingByValue()).orElseThrow().getKey()).as(profile).isEqualTo(expected.get(profile)));
    }
}
