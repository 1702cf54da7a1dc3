package dev.xueqing.bench;

import dev.xueqing.jobs.cli.XueqingCli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 15's small case: the README's {@code xueqing nightly} over {@code data-samples/}, as a newcomer runs it, in a
 * fresh JVM (a nightly in the bench's own JVM would find Spark started and its code compiled) into an empty
 * warehouse. The JVM gets what {@code bin/xueqing} gives it: the heap of {@code XUEQING_DRIVER_MEMORY} (4g by
 * default), Spark's flags, {@code XUEQING_HOME} set to the project. Measured: the "Time taken" the command prints,
 * and the command's wall time from the JVM's start to its exit (a built project; no build is timed).
 */
final class SmallNightly {
    private static final Pattern TIME_TAKEN = Pattern.compile("(?m)^Time taken: ([0-9]+(?:\\.[0-9]+)?) s$");

    private SmallNightly() {}

    /** What one small nightly gave: the seconds it printed, the command's seconds, its log. */
    record Result(double timeTakenSeconds, double commandSeconds, Path log) {}

    /** The folder {@code data-samples/} of the project at {@code home}, or null when there is none. */
    static Path samples(Path home) {
        if (home == null) {
            return null;
        }
        Path dir = home.resolve("data-samples");
        return Files.isDirectory(dir) ? dir : null;
    }

    /**
     * Runs {@code nightly} with {@code XUEQING_HOME=home} into {@code warehouse} (which should be empty), its output
     * to {@code log}. Fails with the log's end when the command does not exit 0 or prints no "Time taken".
     */
    static Result run(Path home, Path warehouse, Path log, Map<String, String> env) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String heap = env.getOrDefault("XUEQING_DRIVER_MEMORY", "4g");
        cmd.add("-Xmx" + (heap.isBlank() ? "4g" : heap));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Dio.netty")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), XueqingCli.class.getName(), "nightly",
                "--warehouse", warehouse.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> childEnv = new HashMap<>(env);
        childEnv.put("XUEQING_HOME", home.toAbsolutePath().toString());
        childEnv.putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(childEnv);
        Instant start = Instant.now();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the small nightly did not end in 30 minutes; its log: " + log);
        }
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        String output = Files.readString(log);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the small nightly exited " + p.exitValue() + "; its log (" + log
                    + ") ends:\n" + tail(output));
        }
        Double taken = timeTaken(output);
        if (taken == null) {
            throw new IllegalStateException("the small nightly printed no \"Time taken\"; its log (" + log
                    + ") ends:\n" + tail(output));
        }
        return new Result(taken, seconds, log);
    }

    /** The seconds of the summary's "Time taken: N s" line, or null when the output has none. */
    static Double timeTaken(String output) {
        Matcher m = TIME_TAKEN.matcher(output);
        Double last = null;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        return last;
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
