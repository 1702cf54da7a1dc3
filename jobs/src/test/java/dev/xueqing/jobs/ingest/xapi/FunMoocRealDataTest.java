package dev.xueqing.jobs.ingest.xapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.dims.DimsJob;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.testing.RealDataMarts;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 22,000 real xAPI statements of a French MOOC (video profile), ingested end to end, then the dims and the learner
 * and course marts of {@link RealDataMarts} (not the assessment marts: the statements carry no assessments).
 */
@Tag("slow")
class FunMoocRealDataTest extends SparkTestBase {
    @Test
    void funMoocStatementsIngestAndBuildTheLearnerAndCourseMarts(@TempDir Path dir) throws IOException {
        Path data = sharedData();
        Assumptions.assumeTrue(data != null, "../shared/data is not here");
        Path file = data.resolve("xapi-fun-mooc/statements.json.gz");
        XueqingConfig config = ConfigLoader.load(null, List.of("timezone=Europe/Paris"), Map.of());
        Instant now = Instant.parse("2026-11-28T00:00:00Z");
        XapiAdapter adapter = new XapiAdapter(config.xapi(), config.skills().extensions(),
                new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)), config.timezone(),
                "fun", "r1", now);
        Warehouse wh = new Warehouse(spark(), dir.toString());
        IngestJob.Result r = new IngestJob(wh).run(adapter, List.of(file.toUri().toString()), "fun", "r1", now, null);
        System.out.println("fun-mooc ingest: " + r.counts());
        // independent: the statements, actors and course parents counted in the file itself, with Jackson
        Raw raw = Raw.of(file);
        assertThat(raw.statements()).isEqualTo(22_000);
        assertThat(r.read()).isEqualTo(raw.statements());
        assertThat(r.quarantinedByReason()).isEmpty();
        assertThat(r.accepted() + r.duplicates()).isEqualTo(raw.statements());

        Map<String, Long> byAction = new TreeMap<>();
        for (Row a : wh.read(DatasetRef.EVENTS).groupBy("action").count().collectAsList()) {
            byAction.put(a.getString(0), a.getLong(1));
        }
        System.out.println("fun-mooc events by action: " + byAction);
        assertThat(byAction).containsKeys("video_played", "video_paused", "video_seeked");

        Map<String, Long> dims = new DimsJob(wh).run("r1-dims");
        System.out.println("fun-mooc dims: " + dims);
        assertThat(dims.get("courses")).isEqualTo(raw.courses()).isEqualTo(2);
        assertThat(dims.get("learners")).isEqualTo(raw.actors()).isEqualTo(1_452);

        LocalDate asOf = LocalDate.of(2021, 12, 1);
        List<MartsJob.MartResult> marts = new MartsJob(wh).run(RealDataMarts.marts(), new MartContext(asOf, config),
                "r1-marts");
        System.out.println("fun-mooc marts: " + marts);
        RealDataMarts.assertBuiltAndConsistent(marts, wh, asOf);
    }

    /** What the raw file holds: non-blank lines, distinct actors and distinct course parents. */
    record Raw(long statements, long actors, long courses) {
        static Raw of(Path gz) throws IOException {
            ObjectMapper json = new ObjectMapper();
            Set<String> actors = new HashSet<>();
            Set<String> courses = new HashSet<>();
            long n = 0;
            try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    n++;
                    JsonNode s = json.readTree(line);
                    actors.add(s.get("actor").toString());
                    for (JsonNode p : s.path("context").path("contextActivities").path("parent")) {
                        if (p.path("definition").path("type").asText().endsWith("/activities/course")) {
                            courses.add(p.path("id").asText());
                        }
                    }
                }
            }
            return new Raw(n, actors.size(), courses.size());
        }
    }
}
