package dev.xueqing.common.spark;

import dev.xueqing.common.config.XueqingConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Spark settings a run gets when started by bin/xueqing and when started by spark-submit. */
class SparkSessionsTest {
    private static final XueqingConfig.SparkSettings DEFAULTS =
            new XueqingConfig.SparkSettings("local[*]", "xueqing", 16, Map.of());

    @Test
    void embeddedRunUsesTheConfiguredMasterBoundToLoopback() {
        Map<String, String> s = SparkSessions.settings(DEFAULTS, Map.of());
        assertThat(s).containsEntry("spark.master", "local[*]")
                .containsEntry("spark.sql.shuffle.partitions", "16")
                .containsEntry("spark.driver.host", "127.0.0.1")
                .containsEntry("spark.driver.bindAddress", "127.0.0.1")
                .containsEntry("spark.ui.enabled", "false")
                .containsEntry("spark.sql.session.timeZone", "UTC");
    }

    @Test
    void sparksCatalogFolderIsNotCreatedInTheWorkingDirectory() {
        String dir = SparkSessions.settings(DEFAULTS, Map.of()).get("spark.sql.warehouse.dir");
        assertThat(dir).startsWith("file:/").contains("xueqing-spark-catalog-")
                .startsWith(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")).toUri().toString());
        XueqingConfig.SparkSettings site = new XueqingConfig.SparkSettings("local[*]", "xueqing", 8,
                Map.of("spark.sql.warehouse.dir", "hdfs:///user/xueqing/catalog"));
        assertThat(SparkSessions.settings(site, Map.of())).containsEntry("spark.sql.warehouse.dir",
                "hdfs:///user/xueqing/catalog");
    }

    @Test
    void sparkSubmitsMasterAndConfWinOverTheConfigFile() {
        Map<String, String> submitted = Map.of("spark.master", "yarn", "spark.sql.shuffle.partitions", "400",
                "spark.executor.memory", "6g");
        XueqingConfig.SparkSettings site = new XueqingConfig.SparkSettings("spark://old-master:7077", "xueqing", 200,
                Map.of("spark.executor.memory", "8g", "spark.executor.cores", "4"));
        Map<String, String> s = SparkSessions.settings(site, submitted);
        // left out: Spark keeps what spark-submit set
        assertThat(s).doesNotContainKeys("spark.master", "spark.sql.shuffle.partitions", "spark.executor.memory");
        // config entries spark-submit did not set still apply
        assertThat(s).containsEntry("spark.executor.cores", "4");
        // a cluster driver is not pinned to loopback and keeps Spark's UI
        assertThat(s).doesNotContainKeys("spark.driver.host", "spark.driver.bindAddress", "spark.ui.enabled");
    }

    @Test
    void settingsTheResultsDependOnCannotBeOverridden() {
        Map<String, String> submitted = Map.of("spark.master", "local[2]", "spark.sql.session.timeZone", "Asia/Shanghai");
        XueqingConfig.SparkSettings site = new XueqingConfig.SparkSettings("local[*]", "xueqing", 8,
                Map.of("spark.sql.sources.partitionOverwriteMode", "static"));
        Map<String, String> s = SparkSessions.settings(site, submitted);
        assertThat(s).containsEntry("spark.sql.session.timeZone", "UTC")
                .containsEntry("spark.sql.sources.partitionOverwriteMode", "dynamic")
                .containsEntry("spark.driver.host", "127.0.0.1");
    }

    @Test
    void configuredClusterMasterWithoutSparkSubmitIsUsedAsIs() {
        XueqingConfig.SparkSettings site = new XueqingConfig.SparkSettings("spark://127.0.0.1:7077", "xueqing", 64,
                Map.of("spark.ui.enabled", "false"));
        Map<String, String> s = SparkSessions.settings(site, Map.of());
        assertThat(s).containsEntry("spark.master", "spark://127.0.0.1:7077")
                .containsEntry("spark.ui.enabled", "false")
                .doesNotContainKey("spark.driver.host");
    }

    @Test
    void onlySparkSystemPropertiesCountAsSubmitted() {
        Properties p = new Properties();
        p.setProperty("spark.master", "k8s://https://127.0.0.1:6443");
        p.setProperty("spark.app.name", "xueqing");
        p.setProperty("user.timezone", "UTC");
        assertThat(SparkSessions.submitted(p)).containsOnlyKeys("spark.master", "spark.app.name");
    }
}
