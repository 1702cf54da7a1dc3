package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RiskSplitTest {
    @Test
    void latestRunIsTestedOnAndNeverTrainedOn() {
        RiskSplit s = RiskSplit.of(List.of("2014J", "2013B", "2014B", "2013J"), 1, List.of(), List.of());
        assertThat(s.train()).containsExactly("2013B", "2013J", "2014B");
        assertThat(s.test()).containsExactly("2014J");
        assertThat(s.validation()).containsExactly("2014B");
        assertThat(s.fit()).containsExactly("2013B", "2013J");
        assertThat(s.train()).doesNotContainAnyElementsOf(s.test());
        assertThat(s.train().stream().allMatch(t -> t.compareTo(s.test().get(0)) < 0)).isTrue();
    }

    @Test
    void explicitListsAreUsedAndOverlapRefused() {
        RiskSplit s = RiskSplit.of(List.of(), 1, List.of("2013B"), List.of("2013J", "2014B"));
        assertThat(s.train()).containsExactly("2013B");
        assertThat(s.validation()).isEmpty();
        assertThat(s.test()).containsExactly("2013J", "2014B");
        assertThatThrownBy(() -> RiskSplit.of(List.of(), 1, List.of("2013B", "2013J"), List.of("2013J")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("2013J");
        assertThatThrownBy(() -> RiskSplit.of(List.of("2013J"), 1, List.of(), List.of()))
                .hasMessageContaining("test run");
    }
}
