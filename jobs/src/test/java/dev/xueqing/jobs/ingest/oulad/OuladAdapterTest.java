package dev.xueqing.jobs.ingest.oulad;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** OULAD rows → events, facts, items and quarantine rows, on hand-written tables. */
class OuladAdapterTest {
    static final XueqingConfig CONFIG = ConfigLoader.load(null,
            List.of("oulad.presentation-starts.\"2014B\"=\"2014-02-03\""), Map.of());
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final OuladTables TABLES = new OuladTables(
            Map.of("1752", new OuladTables.Assessment("AAA-2013J", "2013J", "TMA"),
                    "1757", new OuladTables.Assessment("AAA-2013J", "2013J", "Exam")),
            Map.of("546943", "page", "546614", "quiz"));

    private static List<Row> read(String csv) throws IOException {
        OuladAdapter adapter = new OuladAdapter(CONFIG.oulad(), PSEUDO, LONDON, "ou", "r1",
                Instant.parse("2026-01-01T00:00:00Z"), TABLES);
        List<Row> rows = new ArrayList<>();
        adapter.read("file:/x/t.csv", 0, new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), rows::add);
        return rows;
    }

    private static Row event(Row r) {
        return part(r, "event");
    }

    /** The struct of one kind of a ParsedRecords row, with its schema so that fields can be read by name. */
    private static Row part(Row r, String kind) {
        org.apache.spark.sql.types.StructType outer = dev.xueqing.jobs.ingest.ParsedRecords.SCHEMA;
        Row inner = r.getStruct(outer.fieldIndex(kind));
        Object[] values = new Object[inner.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = inner.get(i);
        }
        return new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(values,
                (org.apache.spark.sql.types.StructType) outer.apply(kind).dataType());
    }

    @Test
    void presentationStartsFollowTheBJRuleUnlessConfigured() {
        XueqingConfig.Oulad c = CONFIG.oulad();
        assertThat(c.startOf("2013J")).isEqualTo(LocalDate.of(2013, 10, 1));
        assertThat(c.startOf("2014B")).isEqualTo(LocalDate.of(2014, 2, 3));
        assertThat(c.startOf("2013B")).isEqualTo(LocalDate.of(2013, 2, 1));
        assertThat(c.startOf("2013X")).isNull();
        assertThat(c.bStart()).isEqualTo(MonthDay.of(2, 1));
    }

    @Test
    void registrationsBecomeEnrolAndUnenrolEventsOnLocalNoonOfTheirDay() throws IOException {
        List<Row> rows = read("code_module,code_presentation,id_student,date_registration,date_unregistration\n"
                + "AAA,2013J,11391,-159,\nAAA,2013J,28400,-53,12\nAAA,2013J,30268,,\n");
        assertThat(rows).extracting(r -> r.getString(0)).containsOnly("event");
        assertThat(rows).hasSize(4);
        Row first = event(rows.get(0));
        assertThat(first.<String>getAs("action")).isEqualTo("enrolled");
        assertThat(first.<String>getAs("course_id")).isEqualTo("AAA-2013J");
        assertThat(first.<String>getAs("learner_key")).isEqualTo(PSEUDO.pseudonym("ou", "oulad-student:11391"));
        // 2013-10-01 - 159 days = 2013-04-25, noon in London (BST, UTC+1) = 11:00Z
        assertThat(first.<java.sql.Date>getAs("event_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 4, 25));
        assertThat(first.<java.sql.Timestamp>getAs("event_time").toInstant())
                .isEqualTo(Instant.parse("2013-04-25T11:00:00Z"));
        Row un = event(rows.get(2));
        assertThat(un.<String>getAs("action")).isEqualTo("unenrolled");
        assertThat(un.<java.sql.Date>getAs("event_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 10, 13));
        Row missing = event(rows.get(3));
        assertThat(missing.<String>getAs("source_verb")).contains("date_registration-missing");
        assertThat(missing.<java.sql.Date>getAs("event_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 10, 1));
        assertThat(first.<String>getAs("raw_ref")).isEqualTo("file:/x/t.csv:2");
    }

    @Test
    void submissionsCarryTheScoreTheBankedFlagAndTheAssessmentKind() throws IOException {
        List<Row> rows = read("id_assessment,id_student,date_submitted,is_banked,score\n"
                + "1752,11391,18,0,78\n1752,28400,22,1,\n1757,11391,250,0,85\n");
        assertThat(rows).hasSize(3);
        Row a = event(rows.get(0));
        assertThat(a.<String>getAs("action")).isEqualTo("submitted");
        assertThat(a.<String>getAs("object_id")).isEqualTo("oulad:assessment:1752");
        assertThat(a.<String>getAs("object_type")).isEqualTo("assignment");
        assertThat(a.<Double>getAs("score_scaled")).isEqualTo(0.78);
        assertThat(a.<Double>getAs("score_max")).isEqualTo(100.0);
        assertThat(a.<java.sql.Date>getAs("event_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 10, 19));
        Row banked = event(rows.get(1));
        assertThat(banked.<String>getAs("source_verb")).isEqualTo("studentAssessment:banked");
        assertThat(banked.<Double>getAs("score_raw")).isNull();
        assertThat(event(rows.get(2)).<String>getAs("object_type")).isEqualTo("quiz");
    }

    @Test
    void vleRowsBecomeOneViewPerSiteAndDayCarryingTheirClickCount() throws IOException {
        List<Row> rows = read("code_module,code_presentation,id_student,id_site,date,sum_click\n"
                + "AAA,2013J,11391,546943,-3,7\nAAA,2013J,11391,546614,2,1\n"
                + "AAA,2013J,11391,546943,4,0\nAAA,2013J,11391,546943,4,\nAAA,2013J,11391,546943,4,many\n");
        assertThat(rows).extracting(r -> r.getString(0))
                .containsExactly("event", "event", "quarantine", "quarantine", "quarantine");
        Row page = event(rows.get(0));
        assertThat(page.<String>getAs("action")).isEqualTo("viewed");
        assertThat(page.<String>getAs("object_id")).isEqualTo("oulad:vle:546943");
        assertThat(page.<String>getAs("object_type")).isEqualTo("page");
        assertThat(page.<Integer>getAs("interactions")).isEqualTo(7);
        // 2013-10-01 - 3 days
        assertThat(page.<java.sql.Date>getAs("event_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 9, 28));
        Row quiz = event(rows.get(1));
        assertThat(quiz.<String>getAs("object_type")).isEqualTo("quiz");
        assertThat(quiz.<Integer>getAs("interactions")).isEqualTo(1);
        assertThat(rows.subList(2, 5)).extracting(r -> part(r, "quarantine").<String>getAs("reason"))
                .containsOnly("invalid_result");
        assertThat(part(rows.get(2), "quarantine").<String>getAs("detail")).contains("sum_click 0");
        assertThat(part(rows.get(3), "quarantine").<String>getAs("detail")).contains("sum_click is empty");
        assertThat(part(rows.get(4), "quarantine").<String>getAs("detail")).contains("sum_click 'many'");
    }

    @Test
    void studentInfoGivesDemographicsAndTheFinalResult() throws IOException {
        List<Row> rows = read("code_module,code_presentation,id_student,gender,region,highest_education,imd_band,"
                + "age_band,num_of_prev_attempts,studied_credits,disability,final_result\n"
                + "AAA,2013J,11391,M,East Anglian Region,HE Qualification,90-100%,55<=,0,240,N,Pass\n"
                + "AAA,2013J,28400,F,Scotland,HE Qualification,20-30%,35-55,1,60,N,Distinction\n");
        assertThat(rows).extracting(r -> r.getString(0)).containsOnly("enrolment_fact");
        Row f = part(rows.get(0), "enrolment_fact");
        assertThat(f.<String>getAs("region")).isEqualTo("East Anglian Region");
        assertThat(f.<String>getAs("imd_band")).isEqualTo("90-100%");
        assertThat(f.<String>getAs("outcome")).isEqualTo("pass");
        assertThat(f.<Integer>getAs("studied_credits")).isEqualTo(240);
        Row g = part(rows.get(1), "enrolment_fact");
        assertThat(g.<String>getAs("outcome")).isEqualTo("distinction");
        assertThat(g.<Integer>getAs("prior_attempts")).isEqualTo(1);
    }

    @Test
    void referenceTablesGiveCourseCalendarsAndItemsWithDueTimesAndWeights() throws IOException {
        List<Row> courses = read("code_module,code_presentation,module_presentation_length\nAAA,2013J,268\n");
        Row fact = part(courses.get(0), "course_fact");
        assertThat(fact.<java.sql.Date>getAs("start_date").toLocalDate()).isEqualTo(LocalDate.of(2013, 10, 1));
        assertThat(fact.<java.sql.Date>getAs("end_date").toLocalDate()).isEqualTo(LocalDate.of(2014, 6, 25));
        List<Row> items = read("code_module,code_presentation,id_assessment,assessment_type,date,weight\n"
                + "AAA,2013J,1752,TMA,19,10\nAAA,2013J,1757,Exam,,100\n");
        Row tma = part(items.get(0), "observation");
        assertThat(tma.<String>getAs("object_type")).isEqualTo("assignment");
        assertThat(tma.<Double>getAs("weight")).isEqualTo(10.0);
        // due at the end of local day 2013-10-20 (BST): 22:59:59Z
        assertThat(tma.<java.sql.Timestamp>getAs("due_time").toInstant()).isEqualTo(Instant.parse("2013-10-20T22:59:59Z"));
        Row exam = part(items.get(1), "observation");
        assertThat(exam.<Object>getAs("due_time")).isNull();
        assertThat(exam.<String>getAs("object_type")).isEqualTo("quiz");
    }

    @Test
    void badRowsAreQuarantinedWithTheirReason() throws IOException {
        List<Row> rows = read("id_assessment,id_student,date_submitted,is_banked,score\n"
                + "9999,1,3,0,50\n1752,,3,0,50\n1752,2,soon,0,50\n1752,3,4,0,150\n");
        assertThat(rows).extracting(r -> part(r, "quarantine").<String>getAs("reason"))
                .containsExactly("missing_object", "missing_actor", "invalid_timestamp", "score_out_of_range");
        Row q = part(rows.get(2), "quarantine");
        assertThat(q.<String>getAs("detail")).contains("date_submitted 'soon'");
        assertThat(q.<String>getAs("raw")).isEqualTo("1752,2,soon,0,50");
        List<Row> unknown = read("code_module,code_presentation,when\nAAA,2013J,4\n");
        Row u = part(unknown.get(0), "quarantine");
        assertThat(u.<String>getAs("reason")).isEqualTo("unknown_columns");
        assertThat(u.<String>getAs("detail")).contains("1 data row(s) were not read").contains("missing");
        List<Row> noStart = read("code_module,code_presentation,id_student,date_registration,date_unregistration\n"
                + "AAA,2013X,1,0,\n");
        assertThat(part(noStart.get(0), "quarantine").<String>getAs("detail"))
                .contains("xueqing.oulad.presentation-starts");
    }
}
