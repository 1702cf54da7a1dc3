package dev.xueqing.jobs.ingest.oulad;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.dims.DimsJob;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.InputFiles;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.pipeline.Adapters;
import dev.xueqing.jobs.testing.RealDataMarts;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The six OULAD tables in ../shared/data/oulad, end to end: ingest, dims, and the learner and course marts of
 * {@link RealDataMarts} (the assessment marts are left out: this test already takes minutes). The counts are
 * checked against the same counts taken from the CSV files themselves.
 */
@Tag("slow")
class OuladRealDataTest extends SparkTestBase {
    @Test
    void ouladTablesIngestEndToEndAndBuildTheLearnerAndCourseMarts(@TempDir Path dir) {
        Path data = sharedData();
        Assumptions.assumeTrue(data != null, "../shared/data is not here");
        XueqingConfig config = ConfigLoader.load(null, List.of("timezone=Europe/London"), Map.of());
        List<String> files = InputFiles.expand(List.of(data.resolve("oulad").toString()),
                spark().sparkContext().hadoopConfiguration());
        Instant now = Instant.parse("2026-11-28T00:00:00Z");
        Pseudonymizer p = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        var adapter = Adapters.create("oulad", config, p, "ou", "r1", now, files,
                spark().sparkContext().hadoopConfiguration(), null);
        Warehouse wh = new Warehouse(spark(), dir.toString());
        IngestJob.Result r = new IngestJob(wh).run(adapter, files, "ou", "r1", now, null);
        System.out.println("OULAD ingest: " + r.counts());

        // independent: the rows of the tables and their final results, counted with a CSV parser
        Path oulad = data.resolve("oulad");
        List<String[]> registrations = csv(oulad.resolve("studentRegistration.csv"));
        List<String[]> info = csv(oulad.resolve("studentInfo.csv"));
        long submissions = csv(oulad.resolve("studentAssessment.csv")).size();
        long courses = csv(oulad.resolve("courses.csv")).size();
        int idStudent = column(oulad.resolve("studentInfo.csv"), "id_student");
        int finalResult = column(oulad.resolve("studentInfo.csv"), "final_result");
        long students = info.stream().map(row -> row[idStudent]).distinct().count();
        Map<String, Long> finalResults = new HashMap<>();
        info.forEach(row -> finalResults.merge(row[finalResult].toLowerCase(java.util.Locale.ROOT), 1L, Long::sum));
        // the same figures as published with the dataset (Kuzilek et al. 2017)
        assertThat(registrations).hasSize(32_593);
        assertThat(submissions).isEqualTo(173_912);

        assertThat(r.quarantinedByReason()).isEmpty();
        Map<String, Long> byAction = new HashMap<>();
        for (Row a : wh.read(DatasetRef.EVENTS).groupBy("action").count().collectAsList()) {
            byAction.put(a.getString(0), a.getLong(1));
        }
        System.out.println("OULAD events by action: " + byAction);
        assertThat(byAction).containsEntry("enrolled", (long) registrations.size())
                .containsEntry("submitted", submissions);
        assertThat(r.accepted()).isEqualTo(byAction.values().stream().mapToLong(Long::longValue).sum());

        Map<String, Long> dims = new DimsJob(wh).run("r1-dims");
        System.out.println("OULAD dims: " + dims);
        assertThat(dims).containsEntry("courses", courses).containsEntry("enrollments", (long) registrations.size())
                .containsEntry("learners", students);
        Map<String, Long> outcomes = new HashMap<>();
        for (Row o : wh.read(DatasetRef.ENROLLMENTS).groupBy("outcome").count().collectAsList()) {
            outcomes.put(o.getString(0), o.getLong(1));
        }
        assertThat(outcomes).isEqualTo(finalResults);
        assertThat(wh.read(DatasetRef.LEARNERS).filter(col("region").isNull()).count()).isZero();
        // courses.csv: AAA 2013J starts in October 2013 (its dates are days after the presentation start)
        Row aaa = wh.read(DatasetRef.COURSES).filter(col("course_id").equalTo("AAA-2013J")).first();
        assertThat(aaa.<java.sql.Date>getAs("start_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 10, 1));

        LocalDate asOf = LocalDate.of(2015, 6, 30);
        List<MartsJob.MartResult> marts = new MartsJob(wh).run(RealDataMarts.marts(), new MartContext(asOf, config),
                "r1-marts");
        System.out.println("OULAD marts: " + marts);
        RealDataMarts.assertBuiltAndConsistent(marts, wh, asOf);
    }

    /** The data rows of an OULAD table (unquoted CSV with a header). */
    private static List<String[]> csv(Path file) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setHeaderExtractionEnabled(true);
        settings.setMaxCharsPerColumn(-1);
        return new CsvParser(settings).parseAll(file.toFile(), StandardCharsets.UTF_8);
    }

    private static int column(Path file, String name) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setNumberOfRecordsToRead(1);
        String[] header = new CsvParser(settings).parseAll(file.toFile(), StandardCharsets.UTF_8).get(0);
        int i = java.util.Arrays.asList(header).indexOf(name);
        assertThat(i).as(name + " in " + file).isNotNegative();
        return i;
    }
}
