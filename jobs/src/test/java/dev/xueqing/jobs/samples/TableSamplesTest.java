package dev.xueqing.jobs.samples;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.SourceAdapter;
import dev.xueqing.jobs.ingest.caliper.CaliperAdapter;
import dev.xueqing.jobs.ingest.edx.EdxAdapter;
import dev.xueqing.jobs.ingest.moodle.MoodleAdapter;
import dev.xueqing.jobs.ingest.csv.CsvAdapter;
import dev.xueqing.jobs.ingest.oulad.OuladAdapter;
import dev.xueqing.jobs.ingest.oulad.OuladTables;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table samples (OULAD, CSV) and the event-format samples (Caliper, Open edX, Moodle): deterministic, committed
 * as generated, and read as intended by their adapters.
 */
class TableSamplesTest {
    static final String[] FOLDERS = {"oulad", "csv", "caliper", "edx", "moodle"};

    /**
     * The files of every folder by {@code folder/name}; gz files decompressed: their content must be identical,
     * while the deflate bytes may legitimately differ with the zlib a JDK is built against.
     */
    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        for (String folder : FOLDERS) {
            try (Stream<Path> s = Files.list(root.resolve(folder))) {
                for (Path f : s.toList()) {
                    byte[] bytes;
                    if (f.getFileName().toString().endsWith(".gz")) {
                        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                            bytes = in.readAllBytes();
                        }
                    } else {
                        bytes = Files.readAllBytes(f);
                    }
                    out.put(folder + "/" + f.getFileName(), bytes);
                }
            }
        }
        return out;
    }

    private static byte[] raw(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (Path f : s.sorted().toList()) {
                all.write(Files.readAllBytes(f));
            }
            return all.toByteArray();
        }
    }

    @Test
    void sameSeedSameBytesAndTheCommittedSamplesAreCurrent(@TempDir Path a, @TempDir Path b) throws IOException {
        TableSamples.generate(a, SampleDataGenerator.DEFAULT_SEED);
        TableSamples.generate(b, SampleDataGenerator.DEFAULT_SEED);
        FormatSamples.generate(a, SampleDataGenerator.DEFAULT_SEED);
        FormatSamples.generate(b, SampleDataGenerator.DEFAULT_SEED);
        Map<String, byte[]> first = files(a);
        assertThat(first).hasSize(14);
        Map<String, byte[]> second = files(b);
        first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
        for (String format : FormatSamples.FORMATS) {
            // same JVM, same zlib: the gzip files are byte-identical too (no time in the header)
            assertThat(raw(b.resolve(format))).as(format + " bytes").isEqualTo(raw(a.resolve(format)));
            assertThat(a.resolve(format).resolve(FormatSamples.GOOD_FILE.get(format))).as("kept small")
                    .satisfies(f -> assertThat(Files.size(f)).isLessThan(200_000));
        }
        Map<String, byte[]> committed = files(SparkTestBase.projectRoot().resolve("data-samples"));
        first.forEach((name, bytes) -> assertThat(committed.get(name))
                .as("data-samples/%s is stale: run bin/xueqing generate-samples --out data-samples", name)
                .isEqualTo(bytes));
    }

    private static List<Row> read(SourceAdapter adapter, List<Path> inputs) throws IOException {
        List<Row> rows = new ArrayList<>();
        int ordinal = 0;
        for (Path p : inputs) {
            try (InputStream in = Files.newInputStream(p)) {
                adapter.read(p.toUri().toString(), ordinal++, in, rows::add);
            }
        }
        return rows;
    }

    @Test
    void theSamplesIngestAsDesigned() throws IOException {
        Path root = SparkTestBase.projectRoot();
        XueqingConfig config = ConfigLoader.load(new File(root.resolve("conf/samples-all-formats.conf").toString()),
                List.of(), Map.of("XUEQING_HOME", root.toString()));
        Pseudonymizer p = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        Instant now = Instant.parse("2026-10-04T00:00:00Z");

        List<Path> oulad;
        try (Stream<Path> s = Files.list(root.resolve("data-samples/oulad"))) {
            oulad = s.sorted().toList();
        }
        OuladTables tables = OuladTables.load(oulad.stream().map(x -> x.toUri().toString()).toList(),
                new Configuration());
        assertThat(tables.assessmentCount()).isEqualTo(5);
        List<Row> ouladRows = read(new OuladAdapter(config.oulad(), p, config.timezone(), "demo", "r", now, tables),
                oulad);
        Map<String, Integer> kinds = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (Row r : ouladRows) {
            kinds.merge(r.getString(0), 1, Integer::sum);
            if (r.getString(0).equals("event")) {
                ids.add(r.getStruct(2).getString(0));
            }
        }
        assertThat(kinds).doesNotContainKey("quarantine");
        assertThat(kinds.get("enrolment_fact")).isEqualTo(TableSamples.STUDENTS);
        assertThat(ids).as("every OULAD sample event is distinct").hasSize(kinds.get("event"));

        List<Row> csvRows = read(new CsvAdapter(config.csvMapping("campus-lms"), p, config.timezone(), "demo", "r",
                now), List.of(root.resolve("data-samples/csv/campus-lms-export.csv")));
        List<Row> quarantined = csvRows.stream().filter(r -> r.getString(0).equals("quarantine")).toList();
        assertThat(quarantined).hasSize(1);
        assertThat(quarantined.get(0).getStruct(3).getString(3)).isEqualTo("invalid_timestamp");
        assertThat(csvRows.stream().filter(r -> r.getString(0).equals("event")).count()).isGreaterThan(500);
    }

    /**
     * Each event-format sample: the good file has no quarantined record, and line {@code i} of the bad-lines file
     * is quarantined with reason {@code i} of the generator's list (for moodle, data row {@code i}, after the
     * header).
     */
    @Test
    void theEventFormatSamplesGiveTheirReasonPerBadLine() throws IOException {
        Path root = SparkTestBase.projectRoot().resolve("data-samples");
        XueqingConfig config = ConfigLoader.defaults();
        Pseudonymizer p = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        Instant now = Instant.parse("2026-10-04T00:00:00Z");
        Map<String, SourceAdapter> adapters = Map.of(
                "caliper", new CaliperAdapter(config.caliper(), p, config.timezone(), "demo", "r", now),
                "edx", new EdxAdapter(config.edx(), p, config.timezone(), "demo", "r", now),
                "moodle", new MoodleAdapter(config.moodle(), p, config.timezone(), "demo", "r", now));
        Map<String, List<String>> expected = Map.of("caliper", FormatSamples.CALIPER_BAD, "edx", FormatSamples.EDX_BAD,
                "moodle", FormatSamples.MOODLE_BAD);
        for (String format : FormatSamples.FORMATS) {
            Path good = root.resolve(format).resolve(FormatSamples.GOOD_FILE.get(format));
            List<Row> goodRows;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(good))) {
                goodRows = new ArrayList<>();
                adapters.get(format).read(good.toUri().toString(), 0, in, goodRows::add);
            }
            assertThat(goodRows).as(format).noneMatch(r -> r.getString(0).equals("quarantine"));
            assertThat(goodRows.stream().filter(r -> r.getString(0).equals("event")).count()).as(format)
                    .isGreaterThan(1000);

            Path bad = root.resolve(format).resolve(FormatSamples.BAD_FILE.get(format));
            List<String> reasons = read(adapters.get(format), List.of(bad)).stream()
                    .filter(r -> !r.getString(0).equals("observation"))
                    .map(r -> r.getString(0).equals("quarantine") ? r.getStruct(3).getString(3) : "event")
                    .toList();
            assertThat(reasons).as(format + " reasons, line by line").isEqualTo(expected.get(format));
            assertThat(Set.copyOf(reasons)).as(format + ": each line a distinct reason").hasSize(reasons.size());
        }
    }
}
