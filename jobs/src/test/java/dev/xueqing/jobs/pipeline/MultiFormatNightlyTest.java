package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.marts.MartsJob;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/** One nightly over inputs of three formats: the dims and marts combine them. */
class MultiFormatNightlyTest extends SparkTestBase {
    @Test
    void aNightlyWithXapiCsvAndOuladInputsBuildsMartsOverAllOfThem(@TempDir Path dir) throws IOException {
        Path csv = Files.createDirectories(dir.resolve("csv"));
        Files.writeString(csv.resolve("lms.csv"), """
                student,when,what,resource,course
                s1,2026-09-07 09:00:00,view,page-1,LMS-101
                s1,2026-09-07 09:10:00,view,page-2,LMS-101
                s2,2026-09-08 10:00:00,submit,hw-1,LMS-101
                """);
        Path oulad = Files.createDirectories(dir.resolve("oulad"));
        Files.writeString(oulad.resolve("courses.csv"), "code_module,code_presentation,module_presentation_length\n"
                + "ZZZ,2026J,60\n");
        Files.writeString(oulad.resolve("studentRegistration.csv"),
                "code_module,code_presentation,id_student,date_registration,date_unregistration\n"
                        + "ZZZ,2026J,1,-10,\nZZZ,2026J,2,-5,20\n");
        Files.writeString(oulad.resolve("studentInfo.csv"), "code_module,code_presentation,id_student,gender,region,"
                + "highest_education,imd_band,age_band,num_of_prev_attempts,studied_credits,disability,final_result\n"
                + "ZZZ,2026J,1,F,Wales,A Level or Equivalent,30-40%,0-35,0,60,N,Pass\n"
                + "ZZZ,2026J,2,M,Scotland,HE Qualification,50-60%,35-55,0,60,N,Withdrawn\n");
        Path hand = projectRoot().resolve("data-samples/xapi/hand-course.jsonl");
        Path conf = dir.resolve("site.conf");
        Files.writeString(conf, """
                xueqing {
                  inputs = [
                    { format = xapi, paths = ["%s"], tenant = demo }
                    { format = csv, mapping = lms, paths = ["%s"], tenant = demo }
                    { format = oulad, paths = ["%s"], tenant = demo }
                  ]
                  csv.mappings.lms {
                    columns { learner = student, time = when, action = what, object = resource, course = course }
                    timestamp-format = "yyyy-MM-dd HH:mm:ss"
                    timestamp-zone = "Asia/Shanghai"
                    actions { view = viewed, submit = submitted }
                  }
                  oulad.presentation-starts { "2026J" = "2026-09-07" }
                }
                """.formatted(hand, csv, oulad));
        XueqingConfig config = ConfigLoader.load(conf.toFile(), List.of("warehouse=" + dir.resolve("wh")), Map.of());

        Pipeline.Summary s;
        try (Pipeline p = new Pipeline(config, Map.of())) {
            s = p.nightly(LocalDate.of(2026, 9, 30));
        }
        assertThat(s.ingests()).extracting(o -> o.result().source()).containsExactly("xapi", "csv", "oulad");
        assertThat(s.ingests()).extracting(o -> o.result().accepted()).containsExactly(33L, 3L, 3L);
        assertThat(s.marts()).allSatisfy(m -> assertThat(m.ok()).as(m.name() + ": " + m.error()).isTrue());

        var wh = new dev.xueqing.common.io.Warehouse(spark(), dir.resolve("wh").toString());
        Map<String, Long> enrolmentsByCourse = new TreeMap<>();
        for (Row r : wh.read(DatasetRef.ENROLLMENTS).groupBy("course_id").count().collectAsList()) {
            enrolmentsByCourse.put(r.getString(0), r.getLong(1));
        }
        assertThat(enrolmentsByCourse).isEqualTo(Map.of("https://lms.example.edu/course/HAND-001", 3L,
                "LMS-101", 2L, "ZZZ-2026J", 2L));
        Row withdrawn = wh.read(DatasetRef.mart("learner_course_progress"))
                .filter(col("course_id").equalTo("ZZZ-2026J").and(col("outcome").equalTo("withdrawn"))).first();
        assertThat(withdrawn.<String>getAs("status")).isEqualTo("withdrawn");
        assertThat(wh.read(DatasetRef.mart("course_quality_summary")).select("course_id").distinct().count())
                .isEqualTo(3);
        assertThat(wh.read(DatasetRef.mart("data_quality")).select("source").distinct().count()).isEqualTo(3);
        assertThat(s.marts()).extracting(MartsJob.MartResult::name).contains("course_weekly_quality");
    }
}
