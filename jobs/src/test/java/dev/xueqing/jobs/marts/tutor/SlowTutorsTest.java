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
 * The generator's truth file is the oracle: over generated xAPI (600 learners, one course, 10 tutors, every fifth
 * slow), the tutors that tutor_service_quality flags for answering outside the SLA are exactly the slow ones.
 * A tutor is flagged when most of their weeks with at least 3 first answers carry within_sla_share_flag; their share
 * over the whole run, from the same rows, is below the threshold exactly for the slow ones too.
 */
class SlowTutorsTest extends SparkTestBase {
    private static final String HOME = "https://lms.example.edu";

    @Test
    void theMartFlagsExactlyTheSlowTutorsOfTheTruthFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("gen");
        ScaleGenerator.generate(new ScaleGenerator.Options(600, 1, 10, out, "xapi", 5, 20, 0, 0, 0, 1_000_000));
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
        double threshold = ConfigLoader.defaults().tutor().withinSlaShareMin();
        Map<String, int[]> weeks = new TreeMap<>(); // flagged, counted
        Map<String, double[]> pooled = new TreeMap<>(); // within, answered
        for (Row r : rows) {
            String staff = r.getAs("staff_key");
            assertThat(slowByKey).as("every staff member of the mart is a generated tutor").containsKey(staff);
            String account = accountByKey.get(staff);
            long answered = r.<Long>getAs("questions_answered");
            if (answered == 0) {
                continue;
            }
            double share = r.<Double>getAs("within_sla_share");
            pooled.computeIfAbsent(account, k -> new double[2])[0] += share * answered;
            pooled.get(account)[1] += answered;
            if (answered >= 3) {
                int[] w = weeks.computeIfAbsent(account, k -> new int[2]);
                w[1]++;
                if (Boolean.TRUE.equals(r.getAs("within_sla_share_flag"))) {
                    w[0]++;
                }
            }
        }
        Set<String> flaggedWeeks = new TreeSet<>();
        weeks.forEach((a, w) -> {
            if (2 * w[0] > w[1]) {
                flaggedWeeks.add(a);
            }
        });
        Set<String> flaggedRun = new TreeSet<>();
        pooled.forEach((a, x) -> {
            if (x[0] / x[1] < threshold) {
                flaggedRun.add(a);
            }
        });
        Map<String, String> report = new TreeMap<>();
        pooled.forEach((a, x) -> report.put(a, String.format(java.util.Locale.ROOT, "%.2f of %.0f, weeks %d/%d",
                x[0] / x[1], x[1], weeks.getOrDefault(a, new int[2])[0], weeks.getOrDefault(a, new int[2])[1])));
        System.out.println("within-SLA share per tutor: " + report);
        assertThat(pooled).as("every tutor answered").hasSize(10);
        assertThat(flaggedWeeks).as(report.toString()).isEqualTo(slow);
        assertThat(flaggedRun).as(report.toString()).isEqualTo(slow);
    }
}
