package dev.xueqing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark command end to end on a tiny generated input: every phase is measured and written to the JSON
 * result, and Spark and DuckDB agree on the events they kept. Only that it runs and reports is checked here; how
 * fast is for docs/performance.md, never for a test.
 */
class BenchTest extends SparkTestBase {
    @Test
    void measuresEveryPhaseAndWritesTheResult(@TempDir Path work) throws Exception {
        // the whole-nightly phase repeats the ingest and marts phases (Pipeline.nightly has tests of its own)
        // the small nightly (a fresh JVM over data-samples/) is a sample nightly of its own: its parts are tested in
        // TargetsTest, and it runs in bin/bench
        int code = new CommandLine(new Bench()).execute("--events", "4000", "--work", work.toString(),
                "--no-nightly", "--no-small");
        assertThat(code).isZero();

        JsonNode r = new ObjectMapper().readTree(work.resolve("result.json").toFile());
        long read = r.get("statements_read").asLong();
        long accepted = r.get("events_accepted").asLong();
        // the generated input has duplicates and malformed lines, and no voiding statements
        assertThat(r.get("duplicates").asLong()).isPositive();
        assertThat(r.get("quarantined").asLong()).isPositive();
        assertThat(accepted + r.get("duplicates").asLong() + r.get("quarantined").asLong()).isEqualTo(read);
        assertThat(r.get("duckdb_events").asLong()).isEqualTo(accepted);
        assertThat(r.get("spark_to_duckdb_time_ratio").asDouble()).isPositive();

        Map<String, JsonNode> phases = new HashMap<>();
        r.get("phases").forEach(p -> phases.put(p.get("name").asText(), p));
        JsonNode ingest = phases.get("ingest (incl. dims)");
        assertThat(ingest.get("records").asLong()).isEqualTo(read);
        assertThat(ingest.get("files").asInt()).isPositive();
        assertThat(ingest.get("bytes").asLong()).isPositive();
        assertThat(ingest.get("heapPeakBytes").asLong()).isPositive();
        // the CPU time of a phase is the process's, all threads: positive, and at most cores × wall time
        assertThat(ingest.get("cpuSeconds").asDouble()).isPositive()
                .isLessThanOrEqualTo(ingest.get("seconds").asDouble() * r.get("cores").asInt() + 1.0);
        for (String mart : new String[] {"learner_daily_activity", "learner_course_progress", "course_weekly_quality",
                "assessment_item_difficulty", "data_quality"}) {
            assertThat(phases).containsKey("mart " + mart);
            // one file per mart (a mart with no rows has none: a Delta table's empty version names no file)
            JsonNode phase = phases.get("mart " + mart);
            assertThat(phase.get("files").asInt()).as(mart).isEqualTo(phase.get("records").asLong() > 0 ? 1 : 0);
        }
        // the per-day fact the daily mart reads is timed too, and counted in the time compared with DuckDB
        JsonNode fact = phases.get("mart learner_days (the per-day fact, built first)");
        assertThat(fact.get("seconds").asDouble()).isPositive();
        assertThat(fact.get("files").asInt()).isPositive();
        assertThat(r.get("spark_ingest_plus_daily_seconds").asDouble()).isCloseTo(ingest.get("seconds").asDouble()
                + fact.get("seconds").asDouble() + phases.get("mart learner_daily_activity").get("seconds").asDouble(),
                org.assertj.core.data.Offset.offset(0.05));
        assertThat(phases.keySet()).noneMatch(n -> n.startsWith("nightly"));
        assertThat(phases.get("duckdb ingest").get("records").asLong()).isEqualTo(accepted);
        assertThat(phases.get("all marts").get("cpuSeconds").asDouble()).isPositive();
        // the targets, judged on what this run measured: a 4,000-statement run is not the 10M of the targets
        Map<String, String> verdicts = new HashMap<>();
        r.get("targets").forEach(t -> verdicts.put(t.get("name").asText(), t.get("verdict").asText()));
        assertThat(verdicts).hasSize(7);
        assertThat(verdicts.get("small: nightly over data-samples/")).isEqualTo("not measured in this run");
        assertThat(verdicts.get("full: ingest + learner_daily_activity")).endsWith("(the target is at 10M)");
        assertThat(r.get("ingest_statements_per_second").asDouble()).isPositive();
    }

    @Test
    void measuresKnowledgeTracingAloneOnSimulatedAnswers(@TempDir Path work) throws Exception {
        int code = new CommandLine(new Bench()).execute("--only-skills", "--skills-answers", "20000", "--skills", "4",
                "--work", work.toString());
        assertThat(code).isZero();
        JsonNode r = new ObjectMapper().readTree(work.resolve("result.json").toFile());
        long answers = r.get("skills_answers").asLong();
        assertThat(answers).isBetween(15_000L, 25_000L);
        assertThat(r.get("skills").asInt()).isEqualTo(4);
        Map<String, JsonNode> phases = new HashMap<>();
        r.get("phases").forEach(p -> phases.put(p.get("name").asText(), p));
        assertThat(phases).containsOnlyKeys("knowledge tracing: BKT fit with 5-fold predictions (4 skills)",
                "knowledge tracing: fit + evaluation with PFA (4 skills)");
        phases.values().forEach(p -> {
            assertThat(p.get("records").asLong()).isEqualTo(answers);
            assertThat(p.get("heapPeakBytes").asLong()).isPositive();
        });
        for (String p : new String[] {"prior", "learn", "guess", "slip"}) {
            assertThat(r.get("skills_mean_abs_error").get(p).asDouble()).isBetween(0.0, 1.0);
        }
        JsonNode auc = r.get("skills_auc");
        assertThat(auc.get("bkt").asDouble()).isGreaterThan(auc.get("majority").asDouble());
        assertThat(auc.has("pfa")).isTrue();
    }
}
