package dev.xueqing.jobs.marts;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.BuildInputs;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The text an input fingerprint hashes: the same in every JVM for the same config, different for another. */
class BuildFingerprintTest {
    @Test
    void setsAndMapsAreSortedWhateverTheirIterationOrder() {
        assertThat(BuildInputs.canonical(Set.of("b", "c", "a"))).isEqualTo("[a, b, c]");
        assertThat(BuildInputs.canonical(Map.of("z", 1, "a", List.of(2, 1)))).isEqualTo("{a=[2, 1], z=1}");
        record R(String name, Set<Integer> days) {}
        assertThat(BuildInputs.canonical(new R("x", Set.of(3, 1, 2)))).isEqualTo("R(name=x;days=[1, 2, 3];)");
    }

    @Test
    void theConfigTextNamesEveryValueAndNoObjectIdentity() {
        XueqingConfig config = ConfigLoader.load(null, List.of(), Map.of());
        String text = BuildInputs.canonical(config);
        // an object without a value-based text would print its identity hash, which differs in every JVM
        assertThat(text).doesNotContainPattern("@[0-9a-f]{5,}");
        assertThat(text).contains("idleCutoffMinutes=30", "inactiveDays=14");
        XueqingConfig other = ConfigLoader.load(null, List.of("activity.inactive-days=9"), Map.of());
        assertThat(BuildInputs.canonical(other)).isNotEqualTo(text);
        assertThat(BuildInputs.canonical(ConfigLoader.load(null, List.of(), Map.of()))).isEqualTo(text);
        // the mart's definition fingerprint alone does not see that setting
        Mart daily = MartCatalog.all().get(0);
        assertThat(DayRebuild.fingerprint(daily, new MartContext(LocalDate.of(2026, 3, 1), other)))
                .isEqualTo(DayRebuild.fingerprint(daily, new MartContext(LocalDate.of(2026, 3, 1), config)));
    }
}
