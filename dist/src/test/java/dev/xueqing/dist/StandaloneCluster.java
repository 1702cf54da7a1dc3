package dev.xueqing.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and N single-core workers, each its own JVM, run from a
 * Spark "distribution" assembled from the Maven classpath (a {@code SPARK_HOME} whose {@code jars/} links to
 * Spark's jars, as an unpacked Spark download has them). Every port is ephemeral: the master's URL is read from its
 * log. {@link #close()} stops workers (and their executors) and the master; if the test JVM is ended first,
 * {@link ChildJvm}'s shutdown hook does.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern REGISTERED = Pattern.compile("Successfully registered with master");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    final Path sparkHome;
    final String masterUrl;
    final List<Path> workDirs = new ArrayList<>();
    private final List<ChildJvm> processes = Collections.synchronizedList(new ArrayList<>());

    private StandaloneCluster(Path sparkHome, Path dir, int workers, String workerMemory) throws Exception {
        this.sparkHome = sparkHome;
        try {
            Files.createDirectories(dir);
            Map<String, String> env = env(sparkHome, Files.createDirectories(dir.resolve("local")));
            ChildJvm master = started(ChildJvm.start("master", dir, DAEMON_JVM, classpath(sparkHome),
                    "org.apache.spark.deploy.master.Master",
                    List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"), env));
            this.masterUrl = master.awaitLog(MASTER_URL, START_TIMEOUT);
            List<ChildJvm> started = new ArrayList<>();
            for (int i = 1; i <= workers; i++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + i));
                workDirs.add(work);
                started.add(started(ChildJvm.start("worker-" + i, dir, DAEMON_JVM, classpath(sparkHome),
                        "org.apache.spark.deploy.worker.Worker",
                        List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1",
                                "--memory", workerMemory, "--work-dir", work.toString(), masterUrl), env)));
            }
            for (ChildJvm w : started) {
                w.awaitLog(REGISTERED, START_TIMEOUT);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The master's and the workers' JVM: small, and the C1 JIT alone as for every JVM of the cluster test. */
    private static final List<String> DAEMON_JVM = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            "-Xmx256m"), dev.xueqing.common.testing.ChildJvms.QUICK_JIT.stream()).toList();

    /** Starts a master and {@code workers} workers with one core and {@code workerMemory} each. */
    static StandaloneCluster start(Path sparkHome, Path dir, int workers, String workerMemory) throws Exception {
        return new StandaloneCluster(sparkHome, dir, workers, workerMemory);
    }

    /**
     * Lays out a Spark distribution under {@code home}: {@code jars/} with a link to every jar of Spark's runtime
     * classpath (the list Maven wrote), which is what {@code spark-class} and the workers put on their classpath.
     */
    static Path distribution(Path home, Path classpathFile) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String entry : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            Path link = jars.resolve(jar.getFileName());
            if (Files.exists(link)) {
                link = jars.resolve(jar.getParent().getFileName() + "-" + jar.getFileName());
            }
            Files.createSymbolicLink(link, jar);
        }
        return home;
    }

    /** Removes the links of {@link #distribution} (not what they point to). */
    static void removeDistribution(Path home) throws IOException {
        Path jars = home.resolve("jars");
        if (Files.isDirectory(jars)) {
            try (Stream<Path> links = Files.list(jars)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
        }
    }

    /**
     * The environment a Spark launcher script sets up: where Spark is, its Scala version, loopback only, and the
     * scratch folder for shuffle and spill files (executors inherit it from their worker).
     */
    static Map<String, String> env(Path sparkHome, Path localDirs) {
        return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
                "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_LOCAL_DIRS", localDirs.toString(),
                "JAVA_HOME", System.getProperty("java.home"));
    }

    /** {@code $SPARK_HOME/jars/*}, as the launcher scripts build it. */
    static String classpath(Path sparkHome) {
        return sparkHome.resolve("jars").toString() + "/*";
    }

    /** Executor logs (stderr) of every application the workers ran, per worker. */
    List<String> executorLogs() throws IOException {
        List<String> logs = new ArrayList<>();
        for (Path work : workDirs) {
            StringBuilder sb = new StringBuilder();
            try (Stream<Path> files = Files.walk(work)) {
                for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList()) {
                    sb.append(ChildJvm.read(f));
                }
            }
            logs.add(sb.toString());
        }
        return logs;
    }

    /** The end of every cluster process's log, for failure messages. */
    String tails() {
        StringBuilder sb = new StringBuilder();
        synchronized (processes) {
            processes.forEach(p -> sb.append(p.tails()).append('\n'));
        }
        return sb.toString();
    }

    private ChildJvm started(ChildJvm p) {
        processes.add(p);
        return p;
    }

    @Override
    public void close() {
        List<ChildJvm> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
            processes.clear();
        }
        Collections.reverse(all);   // workers (with their executors) first, then the master
        all.forEach(ChildJvm::close);
    }
}
