package dev.xueqing.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        XueqingConfig c = ConfigLoader.defaults();
        assertThat(c.timezone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(c.mode()).isEqualTo(XueqingConfig.Mode.DEVELOPMENT);
        assertThat(c.warehouse()).isEqualTo("./warehouse");
        assertThat(c.activity().idleCutoffMinutes()).isEqualTo(30);
        assertThat(c.activity().inactiveDays()).isEqualTo(14);
        assertThat(c.inputs()).hasSize(1);
        assertThat(c.inputs().get(0).format()).isEqualTo("xapi");
        assertThat(c.inputs().get(0).paths().get(0)).endsWith("data-samples/xapi");
        assertThat(c.xapi().verbs()).containsEntry("http://adlnet.gov/expapi/verbs/registered", "enrolled");
        assertThat(c.quality().activeRateMin()).isEqualTo(0.5);
        assertThat(c.segments().driverMaxRows()).isEqualTo(200_000);
    }

    @Test
    void layersApplyInOrderFileThenEnvironmentThenSet(@TempDir Path dir) throws Exception {
        File conf = dir.resolve("site.conf").toFile();
        Files.writeString(conf.toPath(), "xueqing { timezone = \"Europe/London\", tenant = site, activity.inactive-days = 7 }");
        XueqingConfig c = ConfigLoader.load(conf, List.of("xueqing.tenant=cli", "activity.idle-cutoff-minutes=20"),
                Map.of("XUEQING_TIMEZONE", "UTC", "XUEQING_TENANT", "env"));
        assertThat(c.timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(c.tenant()).isEqualTo("cli");
        assertThat(c.activity().inactiveDays()).isEqualTo(7);
        assertThat(c.activity().idleCutoffMinutes()).isEqualTo(20);
    }

    @Test
    void defaultInputsFollowXueqingHomeOfTheGivenEnvironment() {
        XueqingConfig c = ConfigLoader.load(null, List.of(), Map.of("XUEQING_HOME", "/opt/xueqing"));
        assertThat(c.inputs()).hasSize(1);
        assertThat(c.inputs().get(0).paths()).containsExactly("/opt/xueqing/data-samples/xapi");
        assertThat(c.inputs().get(0).tenant()).isEqualTo("demo-university");
    }

    @Test
    void sparkBuildsTwoMartsAtATimeAndTakesTheSmallInputSizeWithAUnit() {
        XueqingConfig.SparkSettings d = ConfigLoader.defaults().spark();
        assertThat(d.concurrentMarts()).isEqualTo(2);
        assertThat(d.smallInputBytes()).isEqualTo(256L * 1024 * 1024);
        XueqingConfig.SparkSettings s = ConfigLoader.load(null,
                List.of("xueqing.spark.small-input=1G", "xueqing.spark.concurrent-marts=3"), Map.of()).spark();
        assertThat(s.smallInputBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(s.concurrentMarts()).isEqualTo(3);
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.spark.small-input=lots"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("xueqing.spark.small-input");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.spark.concurrent-marts=0"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("xueqing.spark.concurrent-marts");
    }

    @Test
    void unknownKeyIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.timezon=UTC"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("xueqing.timezon");
    }

    @Test
    void badValuesNameTheKeyAndTheAllowedValues() {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("timezone=Mars/Olympus"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("xueqing.timezone");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("mode=staging"), Map.of()))
                .hasMessageContaining("development or production");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("activity.idle-cutoff-minutes=0"), Map.of()))
                .hasMessageContaining("xueqing.activity.idle-cutoff-minutes").hasMessageContaining("1..1440");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("quality.thresholds.active-rate-min=1.5"), Map.of()))
                .hasMessageContaining("active-rate-min").hasMessageContaining("0..1");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("segments.driver-max-rows=-1"), Map.of()))
                .hasMessageContaining("xueqing.segments.driver-max-rows").hasMessageContaining("0..5000000");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("oops"), Map.of()))
                .hasMessageContaining("key=value");
    }

    @Test
    void inputsAreChecked(@TempDir Path dir) throws Exception {
        File conf = dir.resolve("in.conf").toFile();
        Files.writeString(conf.toPath(), "xueqing.inputs = [ { format = scorm, paths = [x] } ]");
        assertThatThrownBy(() -> ConfigLoader.load(conf, List.of(), Map.of()))
                .hasMessageContaining("xueqing.inputs[0].format").hasMessageContaining("scorm");
        Files.writeString(conf.toPath(), "xueqing.inputs = [ { format = xapi, paths = [] } ]");
        assertThatThrownBy(() -> ConfigLoader.load(conf, List.of(), Map.of()))
                .hasMessageContaining("xueqing.inputs[0].paths");
    }

    @Test
    void verbMappingMustUseCanonicalActions() {
        assertThatThrownBy(() -> ConfigLoader.load(null,
                List.of("xueqing.xapi.verbs.\"http://example.com/verbs/x\"=watched"), Map.of()))
                .hasMessageContaining("not a canonical action");
    }

    @Test
    void missingConfFileIsAClearError() {
        assertThatThrownBy(() -> ConfigLoader.load(new File("/nonexistent/x.conf"), List.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/x.conf");
    }

    @Test
    void riskDefaultsAndSplitRules() {
        XueqingConfig.Risk r = ConfigLoader.defaults().risk();
        assertThat(r.weeks()).containsExactly(2, 4, 8);
        assertThat(r.testRuns()).isEqualTo(1);
        assertThat(r.runPattern()).isEqualTo("^.*-(\\d{4}[A-Z])$");
        assertThat(r.mediumMin()).isLessThan(r.highMin());
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("risk.split.train=[2013B, 2013J]",
                "risk.split.test=[2013J]"), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("2013J").hasMessageContaining("both train and test");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("risk.split.train=[2013B]"), Map.of()))
                .hasMessageContaining("xueqing.risk.split.test");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("risk.weeks=[0]"), Map.of()))
                .hasMessageContaining("xueqing.risk.weeks");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("risk.bands.medium-min=0.7"), Map.of()))
                .hasMessageContaining("xueqing.risk.bands.medium-min");
    }

    @Test
    void learningIndexSettingsAreChecked() {
        XueqingConfig.Index ix = ConfigLoader.defaults().index();
        assertThat(ix.indicators()).hasSize(7);
        assertThat(ix.termPattern()).isEqualTo(ConfigLoader.defaults().risk().runPattern());
        assertThat(ConfigLoader.defaults().disclosure()).isEqualTo(new XueqingConfig.Disclosure(10, 5, 23));
        XueqingConfig weighted = ConfigLoader.load(null, List.of("xueqing.index.indicators=[participation, achievement]",
                "xueqing.index.weighting=config", "xueqing.index.weights.participation=0.25",
                "xueqing.index.weights.achievement=0.75"), Map.of());
        assertThat(weighted.index().weights()).containsEntry("achievement", 0.75);
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.index.indicators=[participation, happiness]"),
                Map.of())).hasMessageContaining("xueqing.index.indicators").hasMessageContaining("happiness");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.index.indicators=[participation, achievement]",
                "xueqing.index.weighting=config", "xueqing.index.weights.participation=0.5",
                "xueqing.index.weights.achievement=0.4"), Map.of())).hasMessageContaining("add up to 0.9");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.index.weighting=config",
                "xueqing.index.weights.participation=1"), Map.of())).hasMessageContaining("exactly the indicators");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.index.weights.joy=1"), Map.of()))
                .hasMessageContaining("unknown indicator 'joy'");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.index.normalisation=log"), Map.of()))
                .hasMessageContaining("min-max");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.disclosure.min-learners=1"), Map.of()))
                .hasMessageContaining("xueqing.disclosure.min-learners");
    }
}
