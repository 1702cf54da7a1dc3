package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.DayRebuild;
import dev.xueqing.jobs.marts.MartsJob;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Marts built at the same time ({@code xueqing.spark.concurrent-marts}) publish the same rows as marts built one
 * after another, in the order asked for: here marts that share derived values (the segmentation of
 * learner_segments and course_quality_summary, the sessions and progress facts), so that the threads wait on each
 * other's derivations, on a sample course of some hundred learners.
 */
class ConcurrentMartsTest extends SparkTestBase {
    private static final java.time.LocalDate AS_OF = java.time.LocalDate.of(2026, 12, 31);
    private static final List<String> MARTS = List.of("learner_course_progress", "learner_segments",
            "course_quality_summary", "tutor_service_quality");

    /** Each mart's rows as sorted text, doubles to 9 decimals (sums may differ in the last bits across layouts). */
    private static Map<String, List<String>> snapshot(Warehouse wh) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String mart : MARTS) {
            List<String> rows = new ArrayList<>();
            for (Row r : wh.read(DatasetRef.mart(mart)).collectAsList()) {
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < r.size(); i++) {
                    Object v = r.get(i);
                    s.append(v instanceof Double d ? String.format(Locale.ROOT, "%.9f", d) : String.valueOf(v))
                            .append('|');
                }
                rows.add(s.toString());
            }
            rows.sort(null);
            out.put(mart, rows);
        }
        return out;
    }

    private static List<String> names(Pipeline.Summary s) {
        assertThat(s.failed()).as("run failed: %s", s.marts()).isFalse();
        return s.marts().stream().map(MartsJob.MartResult::name).toList();
    }

    @Test
    void martsBuiltAtTheSameTimeEqualMartsBuiltOneByOne(@TempDir Path dir) {
        Path in = projectRoot().resolve("data-samples/xapi/statements-ST105-2026A.jsonl.gz");
        Path wh = dir.resolve("wh");
        Map<String, List<String>> oneByOne;
        try (Pipeline p = new Pipeline(config(wh, 1), Map.of())) {
            p.ingest("xapi", List.of(in.toString()), null, null);
            assertThat(names(p.marts(AS_OF, MARTS, DayRebuild.Request.FULL))).isEqualTo(MARTS);
            oneByOne = snapshot(p.warehouse());
        }
        assertThat(oneByOne.values()).allSatisfy(rows -> assertThat(rows).isNotEmpty());
        try (Pipeline p = new Pipeline(config(wh, 4), Map.of())) {
            assertThat(names(p.marts(AS_OF, MARTS, DayRebuild.Request.FULL))).isEqualTo(MARTS);
            assertThat(snapshot(p.warehouse())).isEqualTo(oneByOne);
        }
    }

    private static XueqingConfig config(Path wh, int concurrent) {
        return ConfigLoader.load(null, List.of("warehouse=" + wh, "spark.concurrent-marts=" + concurrent),
                Map.of());
    }
}
