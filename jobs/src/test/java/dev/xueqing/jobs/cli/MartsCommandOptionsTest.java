package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.marts.DayRebuild;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code marts --from/--to/--full}: what each combination asks for, and the refused ones. */
class MartsCommandOptionsTest {
    private static final LocalDate AS_OF = LocalDate.of(2026, 11, 28);

    @Test
    void optionsBecomeRequests() {
        assertThat(MartsCommand.requestFrom(false, null, null, AS_OF)).isEqualTo(DayRebuild.Request.AUTO);
        assertThat(MartsCommand.requestFrom(true, null, null, AS_OF)).isEqualTo(DayRebuild.Request.FULL);
        assertThat(MartsCommand.requestFrom(false, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 3), AS_OF)
                .days()).containsExactlyInAnyOrder(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 2),
                LocalDate.of(2026, 11, 3));
        assertThat(MartsCommand.requestFrom(false, AS_OF, null, AS_OF).days()).containsExactly(AS_OF);
    }

    @Test
    void contradictoryRangesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> MartsCommand.requestFrom(false, null, AS_OF, AS_OF)).hasMessage("--to needs --from");
        assertThatThrownBy(() -> MartsCommand.requestFrom(true, AS_OF, AS_OF, AS_OF)).hasMessageContaining("--full");
        assertThatThrownBy(() -> MartsCommand.requestFrom(false, AS_OF, AS_OF.plusDays(1), AS_OF))
                .hasMessageContaining("after the as-of date");
        assertThatThrownBy(() -> MartsCommand.requestFrom(false, AS_OF, AS_OF.minusDays(1), AS_OF))
                .hasMessageContaining("before --from");
    }

    @Test
    void onlyPicksMartsInTheCatalogueOrderAndNamesTheKnownOnes() {
        var all = dev.xueqing.jobs.marts.MartCatalog.all();
        assertThat(dev.xueqing.jobs.marts.MartsJob.select(all, java.util.List.of("course_weekly_quality",
                " learner_daily_activity")).stream().map(m -> m.spec().name()).toList())
                .containsExactly("learner_daily_activity", "course_weekly_quality");
        assertThat(dev.xueqing.jobs.marts.MartsJob.select(all, java.util.List.of())).isEqualTo(all);
        assertThatThrownBy(() -> dev.xueqing.jobs.marts.MartsJob.select(all, java.util.List.of("learner_daly")))
                .isInstanceOf(dev.xueqing.common.config.UsageException.class)
                .hasMessageContaining("Unknown mart 'learner_daly'").hasMessageContaining("learner_daily_activity");
    }
}
