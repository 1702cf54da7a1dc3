package dev.xueqing.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the spark-submit jar holds: Xueqing's classes and resources and the libraries a Spark distribution lacks,
 * nothing that Spark, Scala or Hadoop already put on the cluster's classpath, and a manifest that names the CLI.
 */
class SparkSubmitJarIT {
    static final Path JAR = Path.of(System.getProperty("xueqing.spark.jar"));

    @Test
    void carriesTheApplicationAndTheLibrariesSparkLacks() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (String entry : List.of("dev/xueqing/jobs/cli/XueqingCli.class",
                    "dev/xueqing/common/config/ConfigLoader.class", "picocli/CommandLine.class",
                    "com/typesafe/config/ConfigFactory.class", "de/ailis/pherialize/Pherialize.class",
                    "xueqing/caliper-spec.conf", "log4j2.properties", "freemarker/template/Configuration.class",
                    "report/templates/page.ftlh", "report/messages_zh_CN.properties", "report/assets/report.js")) {
                assertThat(jar.getEntry(entry)).as(entry).isNotNull();
            }
            Manifest mf = jar.getManifest();
            assertThat(mf.getMainAttributes().getValue("Main-Class")).isEqualTo("dev.xueqing.jobs.cli.XueqingCli");
            assertThat(jar.getEntry("META-INF/resources/webjars/echarts/5.5.0/echarts.min.js")).as("the report's "
                    + "charting library").isNotNull();
            assertThat(jar.getEntry("META-INF/resources/webjars/echarts/5.5.0/echarts.js")).isNull();
            ZipEntry reference = jar.getEntry("reference.conf");
            try (InputStream in = jar.getInputStream(reference)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("xueqing {", "spark {", "edx {", "moodle {");
            }
        }
    }

    @Test
    void leavesSparkScalaAndHadoopToTheCluster() throws Exception {
        List<String> provided = List.of("org/apache/spark/", "scala/", "org/apache/hadoop/", "org/apache/parquet/",
                "com/fasterxml/jackson/", "com/univocity/", "org/apache/commons/math3/", "org/slf4j/", "org/apache/logging/", "io/netty/");
        // Delta Lake's own classes live partly in Spark's packages (org/apache/spark/sql/delta/, shims): they are
        // Delta's, which a Spark distribution does not have; so is Jackson's Optional module that Delta Kernel uses
        java.util.Set<String> delta = new java.util.HashSet<>();
        for (Class<?> c : List.of(io.delta.tables.DeltaTable.class, io.delta.kernel.Table.class,
                io.delta.kernel.defaults.engine.DefaultEngine.class, io.delta.storage.LogStore.class)) {
            try (JarFile j = new JarFile(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toFile())) {
                j.stream().map(ZipEntry::getName).forEach(delta::add);
            }
        }
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> leaked = jar.stream().map(ZipEntry::getName)
                    .filter(n -> provided.stream().anyMatch(n::startsWith))
                    .filter(n -> !n.endsWith("/") && !delta.contains(n)
                            && !n.startsWith("com/fasterxml/jackson/datatype/jdk8/"))
                    .limit(10).toList();
            assertThat(leaked).as("classes a Spark distribution already has").isEmpty();
            assertThat(jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith("module-info.class")
                    || n.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"))).isEmpty();
        }
        // the application, picocli, Typesafe Config, pherialize, FreeMarker and the minified ECharts the report
        // copies (not the rest of its webjar): a few MB; Delta Lake (delta-spark, its storage layer and Kernel, the
        // Unity Catalog client they link against) about 13 MB more
        assertThat(Files.size(JAR)).isBetween(200_000L, 20_000_000L);
    }
}
