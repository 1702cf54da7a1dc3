package dev.xueqing.dist;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.testing.ChildJvms;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xueqing nightly} on a real Spark standalone cluster gives the same warehouse as on Spark local mode.
 *
 * <p>A master and two single-core workers run as separate JVMs on 127.0.0.1 from a Spark distribution assembled
 * from the Maven classpath. The spark-submit jar that {@code package} built ({@code target/xueqing-spark.jar}) is
 * submitted with {@code org.apache.spark.deploy.SparkSubmit} in client mode, exactly as {@code bin/spark-submit}
 * does: the driver's classpath is Spark's jars only, the application classes and their libraries come from the jar,
 * and the executors fetch the jar from the driver. So the test proves that the jar is complete, that the master
 * comes from spark-submit (the config file names none), and that ingest and marts run on executors in other JVMs:
 * the pseudonym key travels from the driver's environment (executors do not have it) and the executors run in
 * another time zone than the driver. The same jar then runs the same night on local mode with plain {@code java}
 * (as {@code bin/xueqing} would), and every mart, dim, event and quarantine row of the two warehouses must be equal
 * (order-insensitive; doubles to 1e-9).
 *
 * <p>The input is a subset of data-samples/xapi (the hand-checked course, the bad lines, one generated course and
 * the LRS envelope), enough for every mart to have rows; the whole samples would only make the test slower.
 */
@Tag("cluster")
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class SparkStandaloneClusterIT extends SparkTestBase {
    static final String DATE = "2026-09-13";
    static final List<String> INPUT = List.of("hand-course.jsonl", "bad-lines.jsonl", "statements-EC110-2026A.jsonl.gz",
            "lrs-export-envelope.json");
    static final String KEY = "cluster-test-pseudonym-key-0123456789";
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    @TempDir
    static Path tmp;
    static Path localWarehouse;
    static Path clusterWarehouse;
    static ChildJvm localRun;
    static ChildJvm clusterRun;
    static int localExit;
    static int clusterExit;
    static List<String> executorLogs;
    static String clusterLogs;
    static String masterUrl;

    @BeforeAll
    static void runTheSameNightLocallyAndOnTheCluster() throws Exception {
        Path jar = Path.of(System.getProperty("xueqing.spark.jar"));
        assertThat(jar).as("run `mvn package` first: the spark-submit jar").exists();
        Path sparkHome = StandaloneCluster.distribution(tmp.resolve("spark-home"),
                Path.of(System.getProperty("xueqing.spark.classpath")));
        Path input = Files.createDirectories(tmp.resolve("input"));
        for (String f : INPUT) {
            Files.copy(projectRoot().resolve("data-samples/xapi").resolve(f), input.resolve(f));
        }
        // the site configuration both runs share: inputs and partitions, no master
        Path conf = tmp.resolve("site.conf");
        Files.writeString(conf, """
                xueqing {
                  inputs = [ { format = xapi, paths = ["%s"], tenant = "demo-university" } ]
                  spark.shuffle-partitions = 4
                }
                """.formatted(input));
        localWarehouse = tmp.resolve("warehouse-local");
        clusterWarehouse = tmp.resolve("warehouse-cluster");
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Map<String, String> env = new java.util.HashMap<>(StandaloneCluster.env(sparkHome,
                Files.createDirectories(tmp.resolve("local-dirs"))));
        env.put("XUEQING_PSEUDONYM_KEY", KEY);

        // 1. the same jar on local mode with plain java, like bin/xueqing; it runs while the cluster starts and works
        // every JVM here (the two drivers, the master, the workers, the executors) runs with the C1 JIT alone
        // (ChildJvms.QUICK_JIT): six JVMs share two cores for two nightlies over 5,000 statements, where the default
        // JIT spends more CPU compiling than the runs spend running
        localRun = ChildJvm.start("local", logs, jvm("-Xmx1g", "-Duser.timezone=UTC"),
                StandaloneCluster.classpath(sparkHome) + java.io.File.pathSeparator + jar,
                "dev.xueqing.jobs.cli.XueqingCli",
                List.of("nightly", "--date", DATE, "--warehouse", localWarehouse.toString(), "--conf", conf.toString(),
                        "--set", "xueqing.spark.master=local[2]"), env);
        // 2. spark-submit to the standalone master; no --class: the jar's manifest names the main class
        try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, tmp.resolve("cluster"), 2, "1g")) {
            masterUrl = cluster.masterUrl;
            clusterRun = ChildJvm.start("spark-submit", logs, jvm("-Xmx768m", "-Duser.timezone=Asia/Shanghai",
                            "-Dlog4j2.configurationFile=jar:" + jar.toUri() + "!/log4j2.properties"),
                    StandaloneCluster.classpath(sparkHome), "org.apache.spark.deploy.SparkSubmit",
                    List.of("--master", cluster.masterUrl, "--deploy-mode", "client",
                            "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                            "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=640m",
                            "--conf", "spark.executor.extraJavaOptions=-Duser.timezone=America/Los_Angeles "
                                    + String.join(" ", ChildJvms.QUICK_JIT),
                            jar.toString(),
                            "nightly", "--date", DATE, "--warehouse", clusterWarehouse.toString(),
                            "--conf", conf.toString()), env);
            try {
                clusterExit = clusterRun.await(RUN_TIMEOUT);
            } finally {
                clusterLogs = cluster.tails();
                executorLogs = cluster.executorLogs();
            }
        }
        localExit = localRun.await(RUN_TIMEOUT);
    }

    /** {@code options} and {@link ChildJvms#QUICK_JIT}. */
    static List<String> jvm(String... options) {
        List<String> all = new java.util.ArrayList<>(List.of(options));
        all.addAll(ChildJvms.QUICK_JIT);
        return all;
    }

    @AfterAll
    static void stopRunsAndRemoveTheDistribution() throws Exception {
        for (ChildJvm p : new ChildJvm[] {clusterRun, localRun}) {
            if (p != null) {
                p.close();
            }
        }
        StandaloneCluster.removeDistribution(tmp.resolve("spark-home"));
    }

    @Test
    void bothRunsSucceedAndTheClusterRunUsedTheStandaloneMaster() {
        assertThat(clusterExit).as(clusterRun.tails() + "\n" + clusterLogs).isZero();
        assertThat(localExit).as(localRun.tails()).isZero();
        assertThat(masterUrl).startsWith("spark://127.0.0.1:");
        assertThat(clusterRun.stderr()).contains("Spark master " + masterUrl + " (given to spark-submit)");
        assertThat(localRun.stderr()).contains("Spark master local[2] (xueqing.spark.master)");
        for (ChildJvm run : List.of(clusterRun, localRun)) {
            assertThat(run.stdout()).contains("Xueqing nightly", "as of " + DATE, "Pseudonym key:")
                    .doesNotContain("DEMO key");
        }
    }

    @Test
    void bothWorkersRanTasksInAnotherTimeZoneThanTheDriver() {
        assertThat(executorLogs).hasSize(2).allSatisfy(log -> assertThat(log)
                .as("an executor of each worker finished tasks").contains("Finished task")
                .contains("-Duser.timezone=America/Los_Angeles"));
    }

    @Test
    void everyMartEqualsTheLocalRun() {
        Warehouse local = new Warehouse(spark(), localWarehouse.toString());
        Warehouse cluster = new Warehouse(spark(), clusterWarehouse.toString());
        List<String> diffs = new ArrayList<>();
        long rows = 0;
        for (Mart m : MartCatalog.all()) {
            MartSpec spec = m.spec();
            List<Row> expected = local.read(m.ref()).collectAsList();
            List<Row> actual = cluster.read(m.ref()).collectAsList();
            assertThat(expected).as(spec.name() + " has rows").isNotEmpty();
            assertThat(actual).as(spec.name()).hasSameSizeAs(expected);
            diffs.addAll(DatasetComparison.differences(spec.name(), spec.grain(), expected, actual, 20));
            rows += expected.size();
        }
        assertThat(diffs).as("differences between the local and the cluster marts").isEmpty();
        assertThat(rows).isGreaterThan(100);
    }

    @Test
    void eventsDimsAndQuarantineEqualTheLocalRun() {
        Warehouse local = new Warehouse(spark(), localWarehouse.toString());
        Warehouse cluster = new Warehouse(spark(), clusterWarehouse.toString());
        List<String> diffs = new ArrayList<>();
        for (MartSpec spec : DimSpecs.ALL) {
            DatasetRef ref = DatasetRef.dim(spec.name());
            List<Row> expected = local.read(ref).collectAsList();
            assertThat(expected).as(spec.name()).isNotEmpty();
            diffs.addAll(DatasetComparison.differences(spec.name(), spec.grain(), expected,
                    cluster.read(ref).collectAsList(), 20));
        }
        List<Row> events = local.read(DatasetRef.EVENTS).collectAsList();
        assertThat(events).hasSizeGreaterThan(4000);
        diffs.addAll(DatasetComparison.differences("events", List.of("event_id"), events,
                cluster.read(DatasetRef.EVENTS).collectAsList(), 20));
        // quarantine rows have no id: raw_ref (file:line) and reason identify them within one run
        List<Row> quarantined = local.read(DatasetRef.QUARANTINE).collectAsList();
        assertThat(quarantined).hasSizeGreaterThan(10);
        diffs.addAll(DatasetComparison.differences("quarantine", List.of("raw_ref", "reason", "detail"), quarantined,
                cluster.read(DatasetRef.QUARANTINE).collectAsList(), 20));
        assertThat(diffs).as("differences between the local and the cluster warehouse").isEmpty();
        assertThat(cluster.read(DatasetRef.EVENTS).filter(col("learner_key").isNull()).count()).isZero();
    }
}
