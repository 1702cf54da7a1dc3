package dev.xueqing.common.spark;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.ForklessLocalFileSystem;
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
                .containsEntry("spark.sql.session.timeZone", "UTC")
                .containsEntry("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName())
                .containsEntry("spark.hadoop.fs.AbstractFileSystem.file.impl",
                        ForklessLocalFileSystem.Fs.class.getName());
    }

    @Test
    void deltasExtensionJoinsTheOperatorsAndAnotherCatalogIsKept() {
        XueqingConfig.SparkSettings site = new XueqingConfig.SparkSettings("local[*]", "xueqing", 8,
                Map.of("spark.sql.extensions", "com.example.Ext"));
        assertThat(SparkSessions.settings(site, Map.of())).containsEntry("spark.sql.extensions",
                "com.example.Ext," + SparkSessions.DELTA_EXTENSION)
                .containsEntry("spark.sql.catalog.spark_catalog", SparkSessions.DELTA_CATALOG);
        Map<String, String> submitted = Map.of("spark.sql.extensions", SparkSessions.DELTA_EXTENSION + ",x.Y",
                "spark.sql.catalog.spark_catalog", "x.Catalog");
        assertThat(SparkSessions.settings(DEFAULTS, submitted)).doesNotContainKeys("spark.sql.extensions",
                "spark.sql.catalog.spark_catalog");
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
                .doesNotContainKeys("spark.driver.host", "spark.hadoop.fs.file.impl");
    }

    @Test
    void onlySparkSystemPropertiesCountAsSubmitted() {
        Properties p = new Properties();
        p.setProperty("spark.master", "k8s://https://127.0.0.1:6443");
        p.setProperty("spark.app.name", "xueqing");
        p.setProperty("user.timezone", "UTC");
        assertThat(SparkSessions.submitted(p)).containsOnlyKeys("spark.master", "spark.app.name");
    }

    @Test
    void smallInputsRunOnInterpretedExpressionsUnlessTheSiteSaysOtherwise() {
        org.apache.spark.sql.SparkSession spark = dev.xueqing.common.testing.SparkTestBase.spark();
        org.apache.spark.sql.RuntimeConfig conf = spark.conf();
        Map<String, String> was = Map.of(
                "spark.sql.codegen.wholeStage", conf.get("spark.sql.codegen.wholeStage"),
                "spark.sql.codegen.factoryMode", conf.get("spark.sql.codegen.factoryMode"),
                "spark.sql.adaptive.coalescePartitions.parallelismFirst",
                conf.get("spark.sql.adaptive.coalescePartitions.parallelismFirst"),
                "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning",
                conf.get("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning"));
        XueqingConfig.SparkSettings site = new XueqingConfig.SparkSettings("local[*]", "xueqing", 16, Map.of(), 2,
                1_000_000);
        try {
            assertThat(SparkSessions.fitToInput(spark, site, 999_999)).isTrue();
            SparkSessions.SMALL_INPUT.forEach((k, v) -> assertThat(conf.get(k)).as(k).isEqualTo(v));

            // at the size and over it: Spark's own defaults again
            assertThat(SparkSessions.fitToInput(spark, site, 1_000_000)).isFalse();
            assertThat(conf.get("spark.sql.codegen.wholeStage")).isEqualTo("true");
            assertThat(conf.get("spark.sql.codegen.factoryMode")).isEqualTo("FALLBACK");
            assertThat(conf.get("spark.sql.adaptive.coalescePartitions.parallelismFirst")).isEqualTo("true");
            assertThat(conf.get("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning")).isEqualTo("false");

            // an unknown size is not small
            assertThat(SparkSessions.fitToInput(spark, site, -1)).isFalse();

            // a key the site set in xueqing.spark.conf is left as it is
            XueqingConfig.SparkSettings pinned = new XueqingConfig.SparkSettings("local[*]", "xueqing", 16,
                    Map.of("spark.sql.codegen.wholeStage", "true"), 2, 1_000_000);
            assertThat(SparkSessions.fitToInput(spark, pinned, 10)).isTrue();
            assertThat(conf.get("spark.sql.codegen.wholeStage")).isEqualTo("true");
            assertThat(conf.get("spark.sql.codegen.factoryMode")).isEqualTo("NO_CODEGEN");
        } finally {
            was.forEach(conf::set);
        }
    }
}
