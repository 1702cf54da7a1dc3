package dev.xueqing.jobs.ops;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.cli.XueqingCli;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A warehouse on a file system that fills up part-way through an ingest: the run fails saying so, what was
 * published stays readable and unchanged, the half-written staging is removed, and once there is room the same
 * ingest succeeds. The small file system is a real tmpfs mounted for the test (skipped where mounting is not
 * allowed).
 */
@Tag("faults")
class FullDiskTest extends SparkTestBase {
    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok) {
            System.err.println(String.join(" ", command) + ": " + out);
        }
        return ok;
    }

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(args, Map.of(), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aDiskThatFillsUpFailsTheRunAndKeepsWhatWasPublished(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString()),
                "mounting a small tmpfs is not allowed here");
        try {
            String wh = mount.resolve("wh").toString();
            Path samples = projectRoot().resolve("data-samples/xapi");
            Run first = cli("ingest", "--format", "xapi", "--input", samples.resolve("hand-course.jsonl").toString(),
                    "--warehouse", wh, "--quiet");
            assertThat(first.code()).as(first.err()).isZero();
            Warehouse w = new Warehouse(spark(), wh);
            List<String> eventsBefore = w.read(DatasetRef.EVENTS).select("event_id")
                    .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().sorted().toList();
            long learnersBefore = w.read(DatasetRef.LEARNERS).count();
            assertThat(eventsBefore).hasSize(33);

            // 24,000 statements (about 3.3 MB with dims) do not fit in what is left of 2 MB
            Run full = cli("ingest", "--format", "xapi", "--input", samples.toString(), "--warehouse", wh, "--quiet");
            assertThat(full.code()).isNotZero();
            assertThat(full.err()).contains("No space left on device").doesNotContain("\tat ");
            assertThat(w.read(DatasetRef.EVENTS).select("event_id").as(org.apache.spark.sql.Encoders.STRING())
                    .collectAsList().stream().sorted().toList()).isEqualTo(eventsBefore);
            assertThat(w.read(DatasetRef.LEARNERS).count()).isEqualTo(learnersBefore);

            // room again: the same ingest goes through
            assertThat(run("mount", "-o", "remount,size=256m", mount.toString())).isTrue();
            Run again = cli("ingest", "--format", "xapi", "--input", samples.toString(), "--warehouse", wh, "--quiet");
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(w.read(DatasetRef.EVENTS).count()).isEqualTo(24_274); // 24,275 good statements, one of them voided
            // what the failed run wrote (killed tasks can still write after the abort) is gone: its staging, and the
            // data files no version of the events names, deleted when the next ingest committed
            if (Files.exists(mount.resolve("wh/_staging"))) {
                try (var left = Files.list(mount.resolve("wh/_staging"))) {
                    assertThat(left.toList()).isEmpty();
                }
            }
            assertThat(new dev.xueqing.common.io.DeltaTables(spark(), w.fs()).prune(w.path(DatasetRef.EVENTS),
                    dev.xueqing.common.io.Warehouse.DEFAULT_KEEP_VERSIONS)).isZero();
        } finally {
            run("umount", "-l", mount.toString());
        }
    }
}
