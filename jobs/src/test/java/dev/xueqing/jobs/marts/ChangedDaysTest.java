package dev.xueqing.jobs.marts;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DayRebuild#changedDays}: which days state derived per day from the events must recompute. */
class ChangedDaysTest {
    private static final Instant COMMITTED = Instant.parse("2026-12-01T02:00:00Z");

    @Test
    void daysWrittenAfterTheCommitAndKeptDaysWithoutEventsAreChanged() {
        Map<String, Instant> partitions = Map.of(
                "2026-11-28", Instant.parse("2026-11-29T02:00:00Z"),   // written before: kept
                "2026-11-29", COMMITTED,                                 // written with the commit: kept
                "2026-11-30", Instant.parse("2026-12-02T02:00:00Z"),   // re-delivered since
                "2026-12-01", Instant.parse("2026-12-02T02:00:00Z"));  // new since
        assertThat(DayRebuild.changedDays(partitions, COMMITTED, List.of("2026-11-27", "2026-11-28", "2026-11-29",
                "2026-11-30"))).containsExactly("2026-11-27", "2026-11-30", "2026-12-01");
    }

    @Test
    void nothingWrittenSinceAndNothingGoneChangesNothing() {
        assertThat(DayRebuild.changedDays(Map.of("2026-11-28", COMMITTED.minusSeconds(1)), COMMITTED,
                List.of("2026-11-28"))).isEmpty();
        assertThat(DayRebuild.changedDays(Map.of(), COMMITTED, List.of())).isEmpty();
    }
}
