package dev.xueqing.jobs.marts.tutor;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.PseudonymKeys;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.samples.ScaleGenerator;
import dev.xueqing.jobs.testing.TestInputs;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator's truth file is the oracle: over generated xAPI (600 learners, one 20-week course, 10 tutors, every
 * fifth slow: 3 times the reply delay), the tutors whose median first response over the run (learner_questions,
 * as the report's tutor table computes it) is above xueqing.tutor.thresholds.median-response-hours-max are exactly
 * the slow ones. Week by week (tutor_service_quality), a few answers give a noisy median: a slow tutor's weeks are
 * flagged more often than not, a normal tutor's less often than a slow tutor's, summed over the tutors of each kind.
 */
class SlowTutorsTest extends SparkTestBase {
    private static final String HOME = "https://lms.example.edu";

    @Test
    void theMartFlagsExactlyTheSlowTutorsOfTheTruthFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("gen");
        ScaleGenerator.generate(new ScaleGenerator.Options(600, 1, 20, out, "xapi", 5, 8, 0, 0, 0, 1_000_000));
        Path wh = dir.resolve("wh");
        Map<String, String> env = new HashMap<>();
        assertThat(TestInputs.cli(env, "ingest", "--format", "xapi", "--input", out.toString(), "--warehouse",
                wh.toString()).code()).isZero();
        var marts = TestInputs.cli(env, "marts", "--only", "learner_questions,tutor_service_quality",
                "--warehouse", wh.toString(), "--date", "2026-12-31");
        assertThat(marts.code()).as(marts.err()).isZero();

        // truth: account -> slow, pseudonymised as the xAPI adapter does (account IFI, default tenant, demo key)
        Pseudonymizer p = PseudonymKeys.demo().pseudonymizer();
        String tenant = ConfigLoader.defaults().tenant();
        Map<String, Boolean> slowByKey = new TreeMap<>();
        Map<String, String> accountByKey = new HashMap<>();
        List<String> lines = Files.readAllLines(out.resolve("_truth/tutors.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            String key = p.pseudonym(tenant, "account:" + HOME + "|" + c[5]);
            slowByKey.put(key, Boolean.parseBoolean(c[4]));
            accountByKey.put(key, c[0]);
        }
        Set<String> slow = new TreeSet<>();
        slowByKey.forEach((k, s) -> {
            if (s) {
                slow.add(accountByKey.get(k));
            }
        });
        assertThat(slow).hasSize(2);

        List<Row> rows = new Warehouse(spark(), wh.toUri().toString()).read(DatasetRef.mart("tutor_service_quality"))
                .collectAsList();
        double threshold = ConfigLoader.defaults().tutor().medianResponseHoursMax();
        Map<String, int[]> weeks = new TreeMap<>(); // flagged, counted
        for (Row r : rows) {
            String staff = r.getAs("staff_key");
            assertThat(slowByKey).as("every staff member of the mart is a generated tutor").containsKey(staff);
            String account = accountByKey.get(staff);
            long answered = r.<Long>getAs("questions_answered");
            if (answered >= 3) {
                int[] w = weeks.computeIfAbsent(account, k -> new int[2]);
                w[1]++;
                if (Boolean.TRUE.equals(r.getAs("median_response_flag"))) {
                    w[0]++;
                }
            }
        }
        Map<String, Double> runMedian = new TreeMap<>();
        for (Row r : new Warehouse(spark(), wh.toUri().toString()).read(DatasetRef.mart("learner_questions"))
                .filter("answered").groupBy("responder_key")
                .agg(org.apache.spark.sql.functions.median(org.apache.spark.sql.functions.col("response_hours")))
                .collectAsList()) {
            runMedian.put(accountByKey.get(r.getString(0)), r.getDouble(1));
        }
        Set<String> flaggedRun = new TreeSet<>();
        runMedian.forEach((a, m) -> {
            if (m > threshold) {
                flaggedRun.add(a);
            }
        });
        Map<String, String> report = new TreeMap<>();
        runMedian.forEach((a, m) -> report.put(a, String.format(java.util.Locale.ROOT, "median %.1f h, weeks %d/%d",
                m, weeks.getOrDefault(a, new int[2])[0], weeks.getOrDefault(a, new int[2])[1])));
        System.out.println("first responses per tutor: " + report);
        assertThat(runMedian).as("every tutor answered").hasSize(10);
        assertThat(flaggedRun).as(report.toString()).isEqualTo(slow);
        int[] slowWeeks = new int[2];
        int[] otherWeeks = new int[2];
        weeks.forEach((a, w) -> {
            int[] into = slow.contains(a) ? slowWeeks : otherWeeks;
            into[0] += w[0];
            into[1] += w[1];
        });
        assertThat(2 * slowWeeks[0]).as(report.toString()).isGreaterThan(slowWeeks[1]);
        assertThat((double) otherWeeks[0] / otherWeeks[1]).as(report.toString())
                .isLessThan((double) slowWeeks[0] / slowWeeks[1]).isLessThan(0.25);
    }
}
