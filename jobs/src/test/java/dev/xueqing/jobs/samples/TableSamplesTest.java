package dev.xueqing.jobs.samples;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.SourceAdapter;
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

import static org.assertj.core.api.Assertions.assertThat;

/** The OULAD and CSV samples: deterministic, committed as generated, and read as intended by their adapters. */
class TableSamplesTest {
    static final String[] FOLDERS = {"oulad", "csv"};

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        for (String folder : FOLDERS) {
            try (Stream<Path> s = Files.list(root.resolve(folder))) {
                for (Path f : s.toList()) {
                    out.put(folder + "/" + f.getFileName(), Files.readAllBytes(f));
                }
            }
        }
        return out;
    }

    @Test
    void sameSeedSameBytesAndTheCommittedSamplesAreCurrent(@TempDir Path a, @TempDir Path b) throws IOException {
        TableSamples.generate(a, SampleDataGenerator.DEFAULT_SEED);
        TableSamples.generate(b, SampleDataGenerator.DEFAULT_SEED);
        Map<String, byte[]> first = files(a);
        assertThat(first).hasSize(8);
        Map<String, byte[]> second = files(b);
        first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
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
}
