package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.samples.FormatSamples;
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

/**
 * One nightly over inputs of all six formats (small fixtures for xAPI, CSV and OULAD, the committed samples of
 * Caliper, Open edX and Moodle with their bad lines): every sample line is accounted for, every bad line is
 * quarantined with its reason, and the dims and marts combine the formats.
 */
class MultiFormatNightlyTest extends SparkTestBase {
    @Test
    void aNightlyWithInputsOfEveryFormatBuildsMartsOverAllOfThem(@TempDir Path dir) throws IOException {
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
        Path samples = projectRoot().resolve("data-samples");
        Path hand = samples.resolve("xapi/hand-course.jsonl");
        // Moodle's log has no roles: the role assignments export names the sample courses' tutors (t001nnn, t002nnn)
        StringBuilder roles = new StringBuilder("userid,courseid,roleshortname\n");
        for (int course = 1; course <= 2; course++) {
            for (int tutor = 1; tutor <= 10; tutor++) {
                roles.append(9_000_000 + course * 1000 + tutor).append(',').append(course + 1).append(",teacher\n");
            }
        }
        Path moodleRoles = dir.resolve("moodle-roles.csv");
        Files.writeString(moodleRoles, roles);
        Path conf = dir.resolve("site.conf");
        Files.writeString(conf, """
                xueqing {
                  inputs = [
                    { format = xapi, paths = ["%s"], tenant = demo }
                    { format = csv, mapping = lms, paths = ["%s"], tenant = demo }
                    { format = oulad, paths = ["%s"], tenant = demo }
                    { format = caliper, paths = ["%s"], tenant = demo }
                    { format = edx, paths = ["%s"], tenant = demo }
                    { format = moodle, paths = ["%s"], tenant = demo }
                  ]
                  csv.mappings.lms {
                    columns { learner = student, time = when, action = what, object = resource, course = course }
                    timestamp-format = "yyyy-MM-dd HH:mm:ss"
                    timestamp-zone = "Asia/Shanghai"
                    actions { view = viewed, submit = submitted }
                  }
                  oulad.presentation-starts { "2026J" = "2026-09-07" }
                  moodle.role-assignments-file = "%s"
                }
                """.formatted(hand, csv, oulad, samples.resolve("caliper"), samples.resolve("edx"),
                samples.resolve("moodle"), moodleRoles));
        XueqingConfig config = ConfigLoader.load(conf.toFile(), List.of("warehouse=" + dir.resolve("wh")), Map.of());

        Pipeline.Summary s;
        try (Pipeline p = new Pipeline(config, Map.of())) {
            s = p.nightly(LocalDate.of(2026, 9, 30));
        }
        assertThat(s.ingests()).extracting(o -> o.result().source())
                .containsExactly("xapi", "csv", "oulad", "caliper", "edx", "moodle");
        assertThat(s.ingests().subList(0, 3)).extracting(o -> o.result().accepted()).containsExactly(33L, 3L, 3L);
        assertThat(s.marts()).allSatisfy(m -> assertThat(m.ok()).as(m.name() + ": " + m.error()).isTrue());

        var wh = new dev.xueqing.common.io.Warehouse(spark(), dir.resolve("wh").toString());
        // the event-format samples: every line is an event, a duplicate or quarantined; each bad line has its reason
        Map<String, String> reasonByRef = new TreeMap<>();
        for (Row r : wh.read(DatasetRef.QUARANTINE).select("raw_ref", "reason").collectAsList()) {
            reasonByRef.put(r.getString(0), r.getString(1));
        }
        for (Pipeline.IngestOutcome o : s.ingests().subList(3, 6)) {
            IngestJob.Result r = o.result();
            String format = r.source();
            assertThat(r.files()).as(format).isEqualTo(2);
            assertThat(r.accepted()).as(format + " events").isGreaterThan(1000);
            assertThat(r.duplicates()).as(format + " duplicates (the generator's exact copies)").isPositive();
            assertThat(r.read()).as(format + ": lines = events + duplicates + quarantined")
                    .isEqualTo(r.accepted() + r.duplicates() + r.quarantined());
            Map<Integer, String> expected = FormatSamples.badLineReasons(format);
            assertThat(r.quarantined()).as(format + ": only the bad lines are quarantined").isEqualTo(expected.size());
            String badFile = format + "/" + FormatSamples.BAD_FILE.get(format);
            Map<Integer, String> actual = new TreeMap<>();
            reasonByRef.forEach((ref, reason) -> {
                int colon = ref.lastIndexOf(':');
                if (ref.substring(0, colon).endsWith(badFile)) {
                    actual.put(Integer.parseInt(ref.substring(colon + 1)), reason);
                }
            });
            assertThat(actual).as(format + ": reason per line of " + badFile).isEqualTo(expected);
        }

        Map<String, Long> enrolmentsByCourse = new TreeMap<>();
        for (Row r : wh.read(DatasetRef.ENROLLMENTS).groupBy("course_id").count().collectAsList()) {
            enrolmentsByCourse.put(r.getString(0), r.getLong(1));
        }
        assertThat(enrolmentsByCourse).containsAllEntriesOf(Map.of("https://lms.example.edu/course/HAND-001", 3L,
                "LMS-101", 2L, "ZZZ-2026J", 2L));
        // one course per format at least in the marts: the same two generated courses in each event format
        List<String> everyFormat = List.of("https://lms.example.edu/course/HAND-001", "LMS-101", "ZZZ-2026J",
                "https://lms.example.edu/course/GEN001-2026A", "https://lms.example.edu/course/GEN002-2026A",
                "course-v1:Xueqing+GEN001+2026A", "course-v1:Xueqing+GEN002+2026A", "moodle-course:2",
                "moodle-course:3");
        assertThat(enrolmentsByCourse.keySet()).as("enrolments from xapi, csv, oulad, edx and moodle")
                .containsAll(everyFormat.stream().filter(c -> !c.startsWith("https://lms.example.edu/course/GEN"))
                        .toList());
        List<String> summaryCourses = wh.read(DatasetRef.mart("course_quality_summary")).select("course_id")
                .distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertThat(summaryCourses).containsExactlyInAnyOrderElementsOf(everyFormat);
        Row withdrawn = wh.read(DatasetRef.mart("learner_course_progress"))
                .filter(col("course_id").equalTo("ZZZ-2026J").and(col("outcome").equalTo("withdrawn"))).first();
        assertThat(withdrawn.<String>getAs("status")).isEqualTo("withdrawn");
        assertThat(wh.read(DatasetRef.mart("data_quality")).select("source").distinct().as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactlyInAnyOrder("xapi", "csv", "oulad", "caliper", "edx", "moodle");
        assertThat(s.marts()).extracting(MartsJob.MartResult::name).contains("course_weekly_quality");

        // the tutor marts over every format that carries discussions: questions, and staff answers to them
        Map<String, long[]> questions = new TreeMap<>();
        for (Row r : wh.read(DatasetRef.mart("learner_questions"))
                .join(wh.read(DatasetRef.EVENTS).select("course_id", "source").distinct(), "course_id")
                .groupBy("source").agg(org.apache.spark.sql.functions.count("question_id"),
                        org.apache.spark.sql.functions.sum(col("answered").cast("long")))
                .collectAsList()) {
            questions.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
        }
        System.out.println("questions, answered per source: " + questions.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1]).toList());
        assertThat(questions).containsOnlyKeys("xapi", "caliper", "edx", "moodle");
        assertThat(questions.get("xapi")).containsExactly(1L, 1L);
        for (String format : List.of("caliper", "edx", "moodle")) {
            assertThat(questions.get(format)[0]).as(format + " questions").isGreaterThan(10);
            assertThat(questions.get(format)[1]).as(format + " answered by staff")
                    .isGreaterThan(questions.get(format)[0] / 2);
        }
        assertThat(wh.read(DatasetRef.mart("tutor_service_quality")).join(wh.read(DatasetRef.EVENTS)
                        .select("course_id", "source").distinct(), "course_id").select("source").distinct()
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactlyInAnyOrder("xapi", "caliper", "edx", "moodle");
    }
}
