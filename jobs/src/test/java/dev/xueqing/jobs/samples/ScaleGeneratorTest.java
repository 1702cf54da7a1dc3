package dev.xueqing.jobs.samples;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.InputFiles;
import dev.xueqing.jobs.pipeline.Pipeline;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xueqing generate}: same seed same bytes; every line accounted for by the real ingest, in every format; the
 * truth (ability, item difficulty) shows in the ingested scores.
 */
class ScaleGeneratorTest extends SparkTestBase {
    private static ScaleGenerator.Options small(Path out, String format, long seed) {
        // more malformed lines than the default so a small world has several
        return new ScaleGenerator.Options(60, 2, 4, out, format, seed, 25, 0.005, 0.01, 0.003, 2_000);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOtherBytes(@TempDir Path dir) throws IOException {
        for (String format : ScaleGenerator.FORMATS) {
            ScaleGenerator.Summary a = ScaleGenerator.generate(small(dir.resolve(format + "-a"), format, 7));
            ScaleGenerator.Summary b = ScaleGenerator.generate(small(dir.resolve(format + "-b"), format, 7));
            ScaleGenerator.generate(small(dir.resolve(format + "-c"), format, 8));
            assertThat(a.files()).as("several files of bounded size").isGreaterThan(1);
            assertThat(b.lines()).isEqualTo(a.lines());
            Map<String, byte[]> first = contents(dir.resolve(format + "-a"));
            Map<String, byte[]> second = contents(dir.resolve(format + "-b"));
            Map<String, byte[]> other = contents(dir.resolve(format + "-c"));
            assertThat(second.keySet()).isEqualTo(first.keySet());
            // moodle-roles.conf and skills.conf name their own folder (absolute paths): the files that differ
            first.forEach((f, bytes) -> assertThat(namesItsFolder(f) ? 0 : second.get(f))
                    .as(format + " " + f).isEqualTo(namesItsFolder(f) ? 0 : bytes));
            assertThat(first).containsKeys("_truth/skills.csv", "_truth/skill-mapping.csv",
                    "_truth/skill-prerequisites.csv", "_truth/skills.conf");
            assertThat(other.get("part-00000" + EventFormat.of(format).suffix()))
                    .isNotEqualTo(first.get("part-00000" + EventFormat.of(format).suffix()));
            assertThat(other.get("_truth/learners.csv")).isNotEqualTo(first.get("_truth/learners.csv"));
        }
    }

    @Test
    void aLearnersEventsDoNotDependOnHowManyLearnersComeAfter(@TempDir Path dir) throws IOException {
        for (int n : new int[] {10, 20}) {
            ScaleGenerator.generate(new ScaleGenerator.Options(n, 2, 4, dir.resolve(n == 10 ? "ten" : "twenty"), "xapi",
                    3, 25, 0, 0, 0, 100_000));
        }
        List<String> ten = Files.readAllLines(dir.resolve("ten/_truth/enrolments.csv"));
        List<String> twenty = Files.readAllLines(dir.resolve("twenty/_truth/enrolments.csv"));
        assertThat(twenty.subList(0, ten.size())).isEqualTo(ten);
    }

    @Test
    void theCliWritesTheFilesAndTheTruthAndRejectsAnUnknownFormat(@TempDir Path dir) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(new String[] {"generate", "--learners", "5", "--courses", "1", "--weeks", "2",
            "--out", dir.resolve("gen").toString(), "--format", "moodle", "--seed", "1"}, Map.of(),
                new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("1 moodle files", "5 learners, 1 courses");
        assertThat(dir.resolve("gen/part-00000.csv.gz")).exists();
        assertThat(Files.readAllLines(dir.resolve("gen/_truth/learners.csv"))).hasSize(6);
        // an ingest of the folder reads the data files, not the truth files
        assertThat(InputFiles.expand(List.of(dir.resolve("gen").toString()), new Configuration()))
                .singleElement().asString().endsWith("part-00000.csv.gz");

        code = XueqingCli.execute(new String[] {"generate", "--learners", "5", "--courses", "1", "--weeks", "2",
            "--out", dir.resolve("bad").toString(), "--format", "oulad"}, Map.of(), new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).isEqualTo(XueqingCli.USAGE);
        assertThat(err.toString()).contains("Unknown --format 'oulad'");
    }

    @Test
    void xapiOutputIsIngestedLineForLineAndAbilityDrivesScores(@TempDir Path dir) throws IOException {
        ScaleGenerator.Summary g = ScaleGenerator.generate(small(dir.resolve("in"), "xapi", 11));
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh")), Map.of());
        Pipeline.Summary s;
        Pseudonymizer pseudonyms;
        try (Pipeline p = new Pipeline(config, Map.of())) {
            s = p.ingest("xapi", List.of(dir.resolve("in").toString()), "gen", null);
            pseudonyms = p.key().pseudonymizer();
        }
        assertAccountedFor(g, s.ingests().get(0).result(), "malformed_json");
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        assertThat(wh.read(DatasetRef.LEARNERS).count()).isEqualTo(60);
        assertThat(wh.read(DatasetRef.COURSES).count()).isEqualTo(2);

        // signal: the learners' mean quiz score follows their latent ability
        Map<String, Double> meanScore = new HashMap<>();
        for (Row r : wh.read(DatasetRef.EVENTS)
                .filter(col("action").equalTo("scored").and(col("object_type").equalTo("quiz")))
                .groupBy("learner_key").agg(avg("score_scaled")).collectAsList()) {
            meanScore.put(r.getString(0), r.getDouble(1));
        }
        List<double[]> pairs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("in/_truth/learners.csv")).subList(1, 61)) {
            String[] f = line.split(",");
            Double m = meanScore.get(pseudonyms.pseudonym("gen", "account:" + Xapi.HOME + "|" + f[0]));
            if (m != null) {
                pairs.add(new double[] {Double.parseDouble(f[1]), m});
            }
        }
        assertThat(pairs.size()).as("learners with a quiz score").isGreaterThan(40);
        assertThat(spearman(pairs)).as("Spearman(ability, mean quiz score)").isGreaterThan(0.5);

        // items: the share answered correctly falls with the true Rasch difficulty
        Map<String, Double> facility = new HashMap<>();
        for (Row r : wh.read(DatasetRef.EVENTS).filter(col("action").equalTo("answered"))
                .groupBy("object_id").agg(avg("score_scaled")).collectAsList()) {
            facility.put(r.getString(0), r.getDouble(1));
        }
        List<double[]> items = new ArrayList<>();
        List<String> itemLines = Files.readAllLines(dir.resolve("in/_truth/items.csv"));
        for (String line : itemLines.subList(1, itemLines.size())) {
            String[] f = line.split(",");
            if (facility.containsKey(f[0])) {
                items.add(new double[] {Double.parseDouble(f[3]), facility.get(f[0])});
            }
        }
        assertThat(items).hasSizeGreaterThan(30);
        assertThat(spearman(items)).as("Spearman(difficulty, facility)").isLessThan(-0.6);

        // every reply is linked to its question
        Dataset<Row> events = wh.read(DatasetRef.EVENTS);
        assertThat(events.filter(col("action").equalTo("replied")).count()).isPositive();
        assertThat(events.filter(col("action").equalTo("replied").and(col("in_reply_to").isNull())).count()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"csv", "edx", "moodle", "caliper"})
    void otherFormatsAreIngestedLineForLine(String format, @TempDir Path dir) throws IOException {
        ScaleGenerator.Summary g = ScaleGenerator.generate(small(dir.resolve("in"), format, 12));
        XueqingConfig config = ConfigLoader.load(format.equals("csv")
                ? dir.resolve("in/_truth/csv-mapping.conf").toFile() : null,
                List.of("warehouse=" + dir.resolve("wh")), Map.of());
        Pipeline.Summary s;
        try (Pipeline p = new Pipeline(config, Map.of())) {
            s = p.ingest(format, List.of(dir.resolve("in").toString()), "gen",
                    format.equals("csv") ? "generated" : null);
        }
        assertAccountedFor(g, s.ingests().get(0).result(), g.malformedReason());
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());
        Dataset<Row> events = wh.read(DatasetRef.EVENTS);
        if (format.equals("caliper")) {
            // Caliper has no enrolment event: learners who never start have no events at all
            assertThat(events.filter(col("actor_role").equalTo("learner")).select("learner_key").distinct().count())
                    .as("active learners").isBetween(50L, 60L);
        } else {
            assertThat(events.filter(col("action").equalTo("enrolled")).select("learner_key").distinct().count())
                    .as("enrolled learners").isEqualTo(60);
        }
        assertThat(events.select("course_id").distinct().count()).isEqualTo(2);
        assertThat(wh.read(DatasetRef.COURSES).count()).isEqualTo(2);
        assertThat(events.filter(col("action").equalTo("other")).count())
                .as("every generated event has a canonical action").isZero();
        assertThat(events.filter(col("action").equalTo("replied").and(col("in_reply_to").isNotNull())).count())
                .as("replies linked to their question (csv through its reply-to column)")
                .isEqualTo(events.filter(col("action").equalTo("replied")).count());
        // Moodle's log names a reply's discussion, not the post it answers: its replies are posted in the discussion
        assertThat(events.filter(col("action").isin("posted", "replied").and(col("in_reply_to").isNotNull())).count())
                .as("posts that answer another post or a discussion").isPositive();
    }

    private static void assertAccountedFor(ScaleGenerator.Summary g, IngestJob.Result r, String malformedReason) {
        assertThat(g.malformed()).isPositive();
        assertThat(g.duplicates()).isPositive();
        assertThat(r.files()).isEqualTo(g.files());
        assertThat(r.read()).as("records read = lines written").isEqualTo(g.lines());
        assertThat(r.accepted()).isEqualTo(g.events());
        assertThat(r.duplicates()).isEqualTo(g.duplicates());
        assertThat(r.quarantinedByReason()).isEqualTo(Map.of(malformedReason, g.malformed()));
        assertThat(r.accepted() + r.quarantined() + r.duplicates()).isEqualTo(r.read());
    }

    private static double spearman(List<double[]> pairs) {
        double[] rx = ranks(pairs, 0);
        double[] ry = ranks(pairs, 1);
        int n = pairs.size();
        double mx = (n + 1) / 2.0;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (rx[i] - mx) * (ry[i] - mx);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - mx) * (ry[i] - mx);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Ranks 1..n, ties get their mean rank. */
    private static double[] ranks(List<double[]> pairs, int k) {
        Integer[] idx = new Integer[pairs.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, Comparator.comparingDouble(i -> pairs.get(i)[k]));
        double[] ranks = new double[idx.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && pairs.get(idx[j + 1])[k] == pairs.get(idx[i])[k]) {
                j++;
            }
            for (int m = i; m <= j; m++) {
                ranks[idx[m]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static boolean namesItsFolder(String file) {
        return file.endsWith("moodle-roles.conf") || file.endsWith("skills.conf");
    }

    private static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return m;
    }
}
