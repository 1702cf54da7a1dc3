package dev.xueqing.jobs.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code xueqing} CLI in a child JVM (same classpath and Spark flags as the tests), as a scheduler
 * would, and captures its exit code and output.
 */
final class CliProcess {
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private CliProcess() {}

    /**
     * JVM options that keep Spark's generated code on whatever the input's size (settings given to spark-submit win
     * over {@code xueqing.spark.small-input}): the path a nightly over a large warehouse takes.
     */
    static final List<String> COMPILED = List.of("-Dspark.sql.codegen.wholeStage=true",
            "-Dspark.sql.codegen.factoryMode=FALLBACK");

    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(List.of(), workDir, env, args);
    }

    /** As {@link #run(Path, Map, String...)}, with extra JVM options for the child. */
    static Result run(List<String> jvmOptions, Path workDir, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Dio.netty") || a.startsWith("-Duser.timezone")
                    || a.startsWith("-Dfile.encoding")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx2g");
        cmd.addAll(dev.xueqing.common.testing.ChildJvms.QUICK_JIT);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(XueqingCli.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().remove("XUEQING_PSEUDONYM_KEY");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("xueqing-cli", ".out");
        Path err = Files.createTempFile("xueqing-cli", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("xueqing " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }
}
