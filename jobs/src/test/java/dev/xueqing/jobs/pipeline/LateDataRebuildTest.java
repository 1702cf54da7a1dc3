package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.DayRebuild;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.MartsJob;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.xueqing.jobs.pipeline.IncrementalIngestTest.stmt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Late and replaced events make learner_daily_activity, and the per-day fact it is built from
 * ({@code _state/learner_days}), recompute only the days they touch and their neighbours (sessions and active time
 * cross midnight); the result always equals a full rebuild.
 */
class LateDataRebuildTest extends SparkTestBase {
    private static final String DAILY = "learner_daily_activity";
    private static final LocalDate AS_OF = LocalDate.of(2026, 3, 31);
    private static final String ID = "21111111-2222-4333-8444-5555555555";

    private static String lines(String... statements) {
        return String.join("", statements);
    }

    /** The mart's rows, doubles to 9 decimals (sums over other file layouts may differ in the last bits). */
    private static List<String> daily(Warehouse wh) {
        return rows(wh, DatasetRef.mart(DAILY));
    }

    /** The per-day fact the mart is built from ({@link LearnerDays}), kept by the same rule. */
    private static List<String> learnerDays(Warehouse wh) {
        return rows(wh, LearnerDays.REF);
    }

    private static List<String> rows(Warehouse wh, DatasetRef ref) {
        List<String> out = new ArrayList<>();
        for (Row r : wh.read(ref).collectAsList()) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                s.append(v instanceof Double d ? String.format(Locale.ROOT, "%.9f", d) : String.valueOf(v)).append('|');
            }
            out.add(s.toString());
        }
        out.sort(null);
        return out;
    }

    private static String rebuildOf(Pipeline.Summary s) {
        assertThat(s.failed()).as("run failed: %s", s.marts()).isFalse();
        return s.marts().stream().filter(m -> m.name().equals(DAILY)).map(MartsJob.MartResult::rebuild)
                .findFirst().orElseThrow();
    }

    /** Builds learner_daily_activity alone (the other marts take no part in the rule). */
    private static Pipeline.Summary daily(Pipeline p, LocalDate asOf) {
        return p.marts(asOf, List.of(DAILY));
    }

    private static List<String> fullRebuild(XueqingConfig config, Warehouse wh) {
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(rebuildOf(p.marts(AS_OF, List.of(DAILY), DayRebuild.Request.FULL)))
                    .isEqualTo("full rebuild (asked for)");
        }
        return daily(wh);
    }

    @Test
    void lateAndReplacedEventsRecomputeOnlyTheirDaysAndMatchAFullRebuild(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.jsonl"), lines(
                stmt(ID + "01", "alice", "2026-03-02T10:00:00Z"),
                stmt(ID + "02", "alice", "2026-03-04T00:10:00Z"),
                stmt(ID + "03", "alice", "2026-03-04T00:20:00Z"),
                stmt(ID + "04", "bob", "2026-03-05T09:00:00Z"),
                stmt(ID + "05", "bob", "2026-03-05T09:05:00Z")));
        Files.writeString(in.resolve("d.jsonl"), stmt(ID + "06", "dave", "2026-03-20T08:00:00Z"));
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh"), "timezone=UTC",
                "inputs=[{format=xapi,paths=[\"" + in + "\"]}]"), Map.of());
        Warehouse wh = new Warehouse(spark(), dir.resolve("wh").toString());

        try (Pipeline p = new Pipeline(config, Map.of())) {
            p.ingest("xapi", List.of(in.toString()), null, null);
            assertThat(rebuildOf(daily(p, AS_OF))).isEqualTo("full rebuild (no earlier build to start from)");
            // the same inputs, config and date: the version stays, nothing is written
            String state = wh.stateOf(DatasetRef.mart(DAILY));
            Pipeline.Summary again = daily(p, AS_OF);
            assertThat(rebuildOf(again)).isEqualTo(MartsJob.UNCHANGED);
            assertThat(again.marts().get(0).rows()).isEqualTo(4);
            assertThat(wh.stateOf(DatasetRef.mart(DAILY))).isEqualTo(state);
        }
        // a setting the rows depend on that the definition fingerprint does not name (inactive days): built again,
        // by the day rule since nothing it reads changed
        XueqingConfig otherSettings = ConfigLoader.load(null, List.of("warehouse=" + dir.resolve("wh"),
                "timezone=UTC", "activity.inactive-days=9", "inputs=[{format=xapi,paths=[\"" + in + "\"]}]"), Map.of());
        try (Pipeline p = new Pipeline(otherSettings, Map.of())) {
            assertThat(rebuildOf(daily(p, AS_OF))).isEqualTo("no day changed, rows kept");
        }
        List<String> before = daily(wh);
        assertThat(before).hasSize(4);

        // Late: alice at 23:50 the day before her 00:10 events (one session across midnight now), and a new day.
        // Replaced: dave's file now says 03-21, so the 03-20 partition goes away.
        Files.writeString(in.resolve("late.jsonl"), lines(
                stmt(ID + "07", "alice", "2026-03-03T23:50:00Z"),
                stmt(ID + "08", "carol", "2026-03-10T12:00:00Z")));
        Files.writeString(in.resolve("d.jsonl"), stmt(ID + "09", "dave", "2026-03-21T08:00:00Z"));
        try (Pipeline p = new Pipeline(config, Map.of())) {
            p.ingest("xapi", List.of(in.resolve("late.jsonl").toString(), in.resolve("d.jsonl").toString()), null, null);
            assertThat(rebuildOf(daily(p, AS_OF)))
                    .isEqualTo("10 day(s) recomputed (2026-03-02 .. 2026-03-22)");
        }
        List<String> partial = daily(wh);
        assertThat(partial).anyMatch(r -> r.contains("|2026-03-04|") && r.contains("|20.000000000|"))
                .as("03-04 carries 10 minutes from before midnight plus 10 after")
                .noneMatch(r -> r.contains("|2026-03-20|"));
        assertThat(partial).hasSize(6);
        List<String> partialDays = learnerDays(wh);
        assertThat(partialDays).hasSize(6);
        assertThat(fullRebuild(config, wh)).isEqualTo(partial);
        assertThat(learnerDays(wh)).as("the per-day fact kept by the day rule equals a full build").isEqualTo(partialDays);

        // Ingested without marts (a run that stopped after ingest): the next marts build still sees the day.
        Files.writeString(in.resolve("later.jsonl"), stmt(ID + "10", "bob", "2026-03-05T09:20:00Z"));
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(p.ingest("xapi", List.of(in.resolve("later.jsonl").toString()), null, null).failed()).isFalse();
        }
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(rebuildOf(daily(p, AS_OF))).isEqualTo("3 day(s) recomputed (2026-03-04 .. 2026-03-06)");
        }
        List<String> caughtUp = daily(wh);
        assertThat(caughtUp).anyMatch(r -> r.contains("bob") || r.contains("|2026-03-05|"));
        List<String> caughtUpDays = learnerDays(wh);
        assertThat(fullRebuild(config, wh)).isEqualTo(caughtUp);
        assertThat(learnerDays(wh)).isEqualTo(caughtUpDays);

        // Backfill a range: those days and the day after are recomputed, the rows do not change.
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(rebuildOf(p.marts(AS_OF, List.of(DAILY),
                    DayRebuild.Request.backfill(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2)))))
                    .isEqualTo("4 day(s) recomputed (2026-02-28 .. 2026-03-03)");
        }
        assertThat(daily(wh)).isEqualTo(caughtUp);

        // A past night: an earlier as-of date rebuilds whole and holds nothing after it.
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(rebuildOf(daily(p, LocalDate.of(2026, 3, 6))))
                    .isEqualTo("full rebuild (as-of date before the last build's 2026-03-31)");
        }
        assertThat(daily(wh)).hasSize(4).noneMatch(r -> r.contains("|2026-03-10|"));
        // and the next night as of the end of the month brings the later days back
        try (Pipeline p = new Pipeline(config, Map.of())) {
            assertThat(rebuildOf(daily(p, AS_OF))).isEqualTo("6 day(s) recomputed (2026-03-09 .. 2026-03-22)");
        }
        assertThat(daily(wh)).isEqualTo(caughtUp);
    }

    @Test
    void changedDaysAreRecomputedWithTheirNeighboursAndReadWithOneMoreDay() {
        LocalDate d = LocalDate.of(2026, 3, 3);
        var plan = DayRebuild.days(java.util.Set.of(d, d.plusDays(7)), d.plusDays(7));
        assertThat(plan.recompute()).containsExactly(d.minusDays(1), d, d.plusDays(1), d.plusDays(6), d.plusDays(7));
        assertThat(plan.read()).containsExactly(d.minusDays(2), d.minusDays(1), d, d.plusDays(1), d.plusDays(2),
                d.plusDays(5), d.plusDays(6), d.plusDays(7));
    }
}
