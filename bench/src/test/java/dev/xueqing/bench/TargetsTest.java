package dev.xueqing.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The targets table's verdicts, from result maps as the bench writes them (no Spark here). */
class TargetsTest {
    private static Map<String, Object> day(long history, double first, double day) {
        return Map.of("history_statements", history, "first_nightly_seconds", first, "incremental_day_seconds", day,
                "incremental_to_first_ratio", Math.round(day / first * 100) / 100.0);
    }

    private static Map<String, String> verdicts(Map<String, Object> result) {
        Map<String, String> v = new LinkedHashMap<>();
        Targets.judge(result).forEach(t -> v.put(t.name(), t.verdict()));
        return v;
    }

    @Test
    void aRunAtTenMillionIsJudgedOnEveryTarget() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("small_nightly", Map.of("time_taken_seconds", 18.5, "command_seconds", 41.0));
        r.put("statements_read", 12_800_000L);
        r.put("max_heap_bytes", 4L << 30);
        r.put("ingest_statements_per_second", 104_000.0);
        r.put("nightly_seconds", 310.0);
        r.put("spark_to_duckdb_time_ratio", 2.9);
        // given out of order: judged on the largest history, growth from the smallest to the largest
        r.put("incremental_growth", List.of(day(14_800_000L, 600, 80), day(1_480_000L, 270, 60),
                day(4_450_000L, 400, 70)));

        Map<String, String> v = verdicts(r);
        assertThat(v).containsExactly(
                Map.entry("small: nightly over data-samples/", "met"),
                Map.entry("small: the command, once built", "NOT MET"),
                Map.entry("incremental day", "met"),
                Map.entry("full: the nightly", "NOT MET"),
                Map.entry("full: ingest (incl. dims)", "met"),
                Map.entry("full: ingest + learner_daily_activity", "met"),
                Map.entry("growth: the incremental day", "met"));
        List<Targets.Target> ts = Targets.judge(r);
        assertThat(ts.get(2).figure()).isEqualTo("0.13 (80.0 s) over 14.8M of history");
        assertThat(ts.get(6).figure()).isEqualTo("1.5M: 60.0 s, 4.5M: 70.0 s, 14.8M: 80.0 s (1.3×)");
        assertThat(Targets.table(ts)).contains("Targets (issue 15)", "NOT MET", "14.8M: 80.0 s");
    }

    @Test
    void aSmallerRunSaysItsVerdictsAreNotAtTheTargetsSize() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("statements_read", 1_280_000L);
        r.put("max_heap_bytes", 4L << 30);
        r.put("ingest_statements_per_second", 40_000.0);
        r.put("nightly_failed", "[course_weekly_quality: boom]");
        r.put("spark_to_duckdb_time_ratio", 14.5);
        r.put("incremental_growth", List.of(day(1_480_000L, 273.9, 131.1)));

        Map<String, String> v = verdicts(r);
        assertThat(v.get("small: nightly over data-samples/")).isEqualTo("not measured in this run");
        assertThat(v.get("incremental day")).isEqualTo("NOT MET at this size (the target is at 10M)");
        assertThat(v.get("full: the nightly")).isEqualTo("NOT MET");
        assertThat(v.get("full: ingest (incl. dims)")).isEqualTo("NOT MET at this size (the target is at 10M)");
        // one size gives no growth
        assertThat(v.get("growth: the incremental day")).isEqualTo("not measured in this run");
        assertThat(Targets.judge(r).get(3).figure()).contains("course_weekly_quality: boom");
    }

    @Test
    void theIncrementalRatioIsJudgedUnrounded() {
        // 154 / 1000 prints as 0.15 but is over the target
        Map<String, Object> r = Map.of("incremental_growth", List.of(day(14_800_000L, 1000, 154)));
        assertThat(verdicts(r).get("incremental day")).isEqualTo("NOT MET");
        assertThat(Targets.judge(r).get(2).figure()).startsWith("0.15 (154.0 s)");
    }

    @Test
    void timeTakenIsReadFromTheSummaryLine() {
        String out = "Marts: 30 built\nWarehouse: /tmp/w\nTime taken: 72.1 s\nTry: xueqing sql ...\n";
        assertThat(SmallNightly.timeTaken(out)).isEqualTo(72.1);
        assertThat(SmallNightly.timeTaken("no summary\nTime taken: soon\n")).isNull();
    }
}
