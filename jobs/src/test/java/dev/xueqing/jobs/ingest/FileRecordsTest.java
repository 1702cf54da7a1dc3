package dev.xueqing.jobs.ingest;

import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/** The per-file reader: files that are not text, and a reader stopped when its Spark task is cancelled. */
class FileRecordsTest extends SparkTestBase {
    static final Instant NOW = Instant.parse("2026-03-10T00:00:00Z");

    private static XapiAdapter adapter() {
        return new XapiAdapter(IngestJobTest.CONFIG.xapi(), IngestJobTest.CONFIG.skills().extensions(),
                IngestJobTest.PSEUDO, IngestJobTest.CONFIG.timezone(), "t",
                "r", NOW);
    }

    private static String statement(int i) {
        return IngestJobTest.stmt(String.format("6f1f6a38-2f5b-4f2a-9b7e-%012d", i), "s" + i, IngestJobTest.VIEWED,
                "urn:p1", "2026-03-01T08:00:00Z");
    }

    @Test
    void aFileThatIsNotTextGivesOneQuarantineRowThatSaysWhatItIs(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("good.jsonl"), statement(1) + "\n");
        Path empty = Files.write(dir.resolve("empty.jsonl"), new byte[0]);
        byte[] noise = new byte[2048];
        new java.util.Random(3).nextBytes(noise);
        Path binary = Files.write(dir.resolve("blob.jsonl"), noise);
        Path utf16 = Files.write(dir.resolve("utf16.jsonl"), (statement(2) + "\n").getBytes(StandardCharsets.UTF_16));
        List<String> files = Stream.of(good, empty, binary, utf16).map(p -> p.toUri().toString()).toList();
        List<Row> quarantined = IngestJob.parse(spark(), adapter(), files, "t", "r", NOW)
                .filter(col("kind").equalTo(ParsedRecords.QUARANTINE))
                .select("quarantine.raw_ref", "quarantine.reason", "quarantine.detail").orderBy("raw_ref")
                .collectAsList();
        assertThat(quarantined).hasSize(3);
        assertThat(quarantined).allSatisfy(r -> assertThat(r.getString(1)).isEqualTo("unreadable_input"));
        assertThat(quarantined.get(0).getString(0)).endsWith("blob.jsonl:1");
        assertThat(quarantined.get(0).getString(2)).isEqualTo("binary file (not text); the file was not read");
        assertThat(quarantined.get(1).getString(2)).isEqualTo("empty file (no content); the file was not read");
        assertThat(quarantined.get(2).getString(2)).startsWith("UTF-16 text (with a byte-order mark): convert it to UTF-8");
        assertThat(IngestJob.parse(spark(), adapter(), files, "t", "r", NOW)
                .filter(col("kind").equalTo(ParsedRecords.EVENT)).count()).isEqualTo(1);
    }

    @Test
    void aCancelledJobStopsItsReaderThreadAndClosesTheFile(@TempDir Path dir) throws Exception {
        // 10,000 rows taken at 20 ms each: left to run, the task would read for over 3 minutes
        Path big = dir.resolve("big.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(big)) {
            for (int i = 0; i < 10_000; i++) {
                w.write(statement(i));
                w.newLine();
            }
        }
        SparkContext sc = spark().sparkContext();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread job = new Thread(() -> {
            sc.setJobGroup("cancel-test", "a slow read of a big file", false); // Spark's default: no interrupt
            try {
                IngestJob.parse(spark(), adapter(), List.of(big.toUri().toString()), "t", "r", NOW).javaRDD()
                        .foreach(r -> Thread.sleep(20));
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                sc.clearJobGroup();
            }
        });
        job.start();
        waitFor(() -> readerThreads() > 0 && openHandles(big) > 0);
        sc.cancelJobGroup("cancel-test");
        job.join();
        assertThat(failure.get()).as("the job was cancelled").isNotNull();
        assertThat(String.valueOf(failure.get().getMessage())).contains("cancel");
        waitFor(() -> readerThreads() == 0 && openHandles(big) == 0);
        assertThat(readerThreads()).isZero();
        assertThat(openHandles(big)).isZero();
    }

    /**
     * Waits (at most a minute, polling) until the condition holds; the caller asserts it afterwards. Before the reader
     * was stopped on cancel, the task went on reading to the end of the file, long after this minute.
     */
    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
    }

    private static long readerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(FileRecords.READER_THREAD_PREFIX)).count();
    }

    /** Open file descriptors of this process on the file (Linux /proc). */
    private static long openHandles(Path file) {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "no /proc/self/fd here");
        try (Stream<Path> s = Files.list(fds)) {
            return s.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
