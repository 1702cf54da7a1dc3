package dev.xueqing.jobs.ops;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.io.WarehouseLock;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real processes killed at chosen points ({@link dev.xueqing.common.io.FaultPoints}: the JVM halts as under
 * {@code kill -9}). Each case starts from a warehouse that a nightly over input A has published, runs a nightly over
 * A + B in a child JVM that dies at the point, and checks that (1) every mart is still readable and is either the
 * previous version or, for marts published before the kill, the new one, never a mix; (2) the next nightly takes
 * over the dead run's lock, completes or redoes the work, and ends with exactly the events and marts of a run that
 * was never interrupted.
 */
@Tag("faults")
class FaultInjectionTest extends SparkTestBase {
    private static final String DATE = "2026-12-31";
    /**
     * The marts each nightly here builds ({@code nightly --only}): publishing is the same code for every mart, so
     * three carry the test: the day-partitioned daily mart (rebuilt by changed days) and two whole-version marts,
     * the kill points sit in the first two, so the third is one not yet published at every kill. The whole-version
     * marts are cheap ones (each nightly here is run eight times): what is tested is publishing, not the metrics.
     */
    private static final String MARTS = "learner_daily_activity,learner_course_progress,cohort_retention";
    private static final Map<String, String> ENV = Map.of("XUEQING_PSEUDONYM_KEY", "fault-test-key-0123456789abcdef");
    private static Path dir;
    private static Path base;
    private static Path confAB;
    private static Snapshot before;
    private static Snapshot reference;

    /**
     * Events count, every mart's rows (data_quality left out: it describes the runs themselves) and the quarantine
     * rows (file and line, reason).
     */
    record Snapshot(long events, Map<String, List<String>> marts, List<String> quarantine) {}

    @BeforeAll
    static void prepare() throws IOException {
        dir = Files.createTempDirectory("xueqing-faults");
        Path a = projectRoot().resolve("data-samples/xapi/hand-course.jsonl");
        Path b = projectRoot().resolve("data-samples/xapi/statements-ST105-2026A.jsonl.gz");
        // bad lines in B: a run killed after publishing B must not lose (nor double) their quarantine rows
        Path bad = projectRoot().resolve("data-samples/xapi/bad-lines.jsonl");
        Path confA = dir.resolve("a.conf");
        Files.writeString(confA, "xueqing.inputs = [ { format = xapi, paths = [\"" + a + "\"] } ]\n");
        confAB = dir.resolve("ab.conf");
        Files.writeString(confAB, "xueqing.inputs = [ { format = xapi, paths = [\"" + a + "\"] }\n"
                + "  { format = xapi, paths = [\"" + b + "\", \"" + bad + "\"] } ]\n");
        base = dir.resolve("base");
        assertThat(runInProcess(confA, base)).isZero();
        before = snapshot(base);
        Path ref = copy(base, dir.resolve("reference"));
        assertThat(runInProcess(confAB, ref)).isZero();
        reference = snapshot(ref);
        assertThat(reference.marts().keySet()).containsExactlyInAnyOrder(MARTS.split(","));
        assertThat(reference.events()).isGreaterThan(before.events());
        assertThat(reference.quarantine()).hasSizeGreaterThan(before.quarantine().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ingest-before-publish",               // input parsed and checked, nothing published
            "ingest-recorded",                     // events published, files in the ledger, the run not yet in _runs
            "publish-partitions-writing:events",   // inside the Spark task writing the new event partitions
            "publish-partitions-committed",        // the event partitions committed, the ingest not yet recorded
            "publish-writing:learner_course_progress", // inside the Spark task writing a mart version
            "mart-published:learner_daily_activity"})  // between two marts
    void aRunKilledAtThePointLosesNothingAndTheNextRunCompletesIt(String point) throws Exception {
        Path wh = copy(base, dir.resolve("killed-" + point.replaceAll("[^a-z_-]", "_")));
        Child child = runChild(point, wh);
        assertThat(child.exit()).as(child.output()).isEqualTo(137);
        assertThat(child.output()).contains("FAULT INJECTION: halting at " + point);
        // the dead run's lock is still there
        Warehouse w = new Warehouse(spark(), wh.toString());
        assertThat(WarehouseLock.holder(w)).isNotNull();

        // (1) what readers see right after the kill: each mart is intact, the previous or the new version
        Snapshot killed = snapshot(wh);
        for (var e : killed.marts().entrySet()) {
            assertThat(e.getValue()).as(point + ": " + e.getKey())
                    .isIn(before.marts().get(e.getKey()), reference.marts().get(e.getKey()));
        }
        if (point.equals("ingest-before-publish") || point.startsWith("publish-partitions-writing")) {
            assertThat(killed.events()).as("nothing published before the swap").isEqualTo(before.events());
            assertThat(killed.marts()).isEqualTo(before.marts());
        }

        // (2) the next run takes over the lock, completes the committed work, and ends as if never interrupted
        assertThat(runInProcess(confAB, wh)).isZero();
        Snapshot after = snapshot(wh);
        assertThat(after.events()).isEqualTo(reference.events());
        assertThat(after.quarantine()).as(point + ": quarantine rows, each once").isEqualTo(reference.quarantine());
        // every run is recorded: the dead nightly as interrupted (by the run that took over its lock), and the ingest
        // of B, which had published, as succeeded with its counts
        List<Row> runs = new dev.xueqing.jobs.runs.RunLog(w).all().collectAsList();
        assertThat(runs).as(point + ": the killed nightly is recorded")
                .anyMatch(r -> "nightly".equals(r.getAs("job")) && "interrupted".equals(r.getAs("status")));
        List<String> quarantineRuns = w.partitionValues(DatasetRef.QUARANTINE);
        assertThat(quarantineRuns).as(point + ": every quarantine partition belongs to a recorded run")
                .allMatch(q -> runs.stream().anyMatch(r -> q.equals(r.getAs("run_id"))));
        if (point.equals("ingest-recorded")) {
            assertThat(runs).as("B's ingest, recorded by the next run from the ledger")
                    .anyMatch(r -> "ingest".equals(r.getAs("job")) && "succeeded".equals(r.getAs("status"))
                            && String.valueOf(r.<String>getAs("message")).contains("recorded by run")
                            && r.<scala.collection.Map<String, Long>>getAs("counts").get("quarantined").get() > 0);
        }
        assertThat(after.marts().keySet()).isEqualTo(reference.marts().keySet());
        for (String mart : reference.marts().keySet()) {
            List<String> missing = new ArrayList<>(reference.marts().get(mart));
            missing.removeAll(after.marts().get(mart));
            List<String> extra = new ArrayList<>(after.marts().get(mart));
            extra.removeAll(reference.marts().get(mart));
            assertThat(missing).as(point + ": rows of " + mart + " missing (extra: " + extra + ")").isEmpty();
            assertThat(extra).as(point + ": rows of " + mart + " not in the uninterrupted run").isEmpty();
        }
        assertThat(WarehouseLock.holder(w)).isNull();
        assertThat(wh.resolve("_journal")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(p).isEmptyDirectory());
    }

    private static int runInProcess(Path conf, Path warehouse) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(new String[] {"nightly", "--conf", conf.toString(), "--warehouse",
                warehouse.toString(), "--date", DATE, "--only", MARTS}, ENV, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(out + "\n" + err).isZero();
        return code;
    }

    record Child(int exit, String output) {}

    /** The CLI in a fresh JVM with this JVM's classpath and Spark flags, set to halt at the point. */
    private static Child runChild(String point, Path warehouse) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Dio.netty") || arg.startsWith("-Duser.timezone")
                    || arg.startsWith("-Dfile.encoding")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(dev.xueqing.common.testing.ChildJvms.QUICK_JIT);
        cmd.addAll(List.of("-Xmx1g", "-D" + dev.xueqing.common.io.FaultPoints.PROPERTY + "=" + point, "-cp",
                System.getProperty("java.class.path"), XueqingCli.class.getName(),
                "nightly", "--conf", confAB.toString(), "--warehouse", warehouse.toString(), "--date", DATE,
                "--only", MARTS));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(ENV);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        Path log = dir.resolve("child-" + point.replaceAll("[^a-z_-]", "_") + ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the child run did not end in 5 minutes: " + Files.readString(log));
        }
        return new Child(p.exitValue(), Files.readString(log));
    }

    private static Snapshot snapshot(Path warehouse) {
        Warehouse w = new Warehouse(spark(), warehouse.toString());
        Map<String, List<String>> marts = new TreeMap<>();
        for (Mart m : MartCatalog.all()) {
            String name = m.spec().name();
            if (name.equals("data_quality") || !w.exists(DatasetRef.mart(name))) {
                continue;
            }
            Dataset<Row> d = w.read(DatasetRef.mart(name));
            marts.put(name, d.collectAsList().stream().map(FaultInjectionTest::text).sorted().toList());
        }
        List<String> quarantine = w.exists(DatasetRef.QUARANTINE)
                ? w.read(DatasetRef.QUARANTINE).selectExpr("concat(raw_ref, ' ', reason)").as(Encoders.STRING())
                        .collectAsList().stream().sorted().toList()
                : List.of();
        return new Snapshot(w.read(DatasetRef.EVENTS).count(), marts, quarantine);
    }

    /**
     * A row as text, doubles to 12 significant digits: sums over differently laid out files may differ in the last
     * bits (floating-point addition is not associative), which is not a difference in what the mart says.
     */
    private static String text(Row r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            Object v = r.get(i);
            sb.append(i == 0 ? "" : "|").append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.12g", d)
                    : String.valueOf(v));
        }
        return sb.toString();
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
