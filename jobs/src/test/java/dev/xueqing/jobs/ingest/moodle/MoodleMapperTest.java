package dev.xueqing.jobs.ingest.moodle;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.Pseudonymizer;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins every Moodle standard-log → canonical event rule and quarantine reason on hand-written rows. */
class MoodleMapperTest {
    private static final Pseudonymizer PSEUDO =
            new Pseudonymizer("0123456789abcdef0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII));
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private final MoodleMapper mapper = new MoodleMapper(MoodleMapping.of(ConfigLoader.defaults().moodle()), PSEUDO, SHANGHAI, "uni-a", "run-1");

    static Map<String, String> row(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] base = {"id", "7", "eventname", "\\mod_quiz\\event\\attempt_started", "component", "mod_quiz",
                "action", "started", "target", "attempt", "objecttable", "quiz_attempts", "objectid", "11",
                "crud", "c", "edulevel", "2", "contextid", "55", "contextlevel", "70", "contextinstanceid", "9",
                "userid", "42", "courseid", "3", "relateduserid", "42", "anonymous", "0", "other",
                "a:1:{s:6:\"quizid\";i:4;}", "timecreated", "1700000000", "origin", "web", "ip", "10.1.2.3",
                "realuserid", ""};
        for (int i = 0; i < base.length; i += 2) {
            m.put(base[i], base[i + 1]);
        }
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private CanonicalEvent event(Map<String, String> row) {
        MoodleMapper.Mapped m = mapper.map(row, "f.csv:2");
        assertThat(m).isInstanceOf(MoodleMapper.Event.class);
        return ((MoodleMapper.Event) m).event();
    }

    private MoodleMapper.Rejected rejected(Map<String, String> row) {
        MoodleMapper.Mapped m = mapper.map(row, "f.csv:2");
        assertThat(m).isInstanceOf(MoodleMapper.Rejected.class);
        return (MoodleMapper.Rejected) m;
    }

    @Test
    void aQuizAttemptStartedIsAnAttemptOnTheCourseModule() {
        CanonicalEvent e = event(row());
        assertThat(e.eventId()).isEqualTo("moodle-log:7");
        assertThat(e.source()).isEqualTo("moodle");
        assertThat(e.tenant()).isEqualTo("uni-a");
        assertThat(e.learnerKey()).isEqualTo(PSEUDO.pseudonym("uni-a", "moodle-user:42"));
        assertThat(e.actorRole()).isEqualTo("learner");
        assertThat(e.courseId()).isEqualTo("moodle-course:3");
        assertThat(e.action()).isEqualTo("attempted");
        assertThat(e.sourceVerb()).isEqualTo("\\mod_quiz\\event\\attempt_started");
        assertThat(e.objectId()).isEqualTo("moodle-cm:9");
        assertThat(e.objectType()).isEqualTo("quiz");
        assertThat(e.parentId()).isNull();
        assertThat(e.eventTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        // 2023-11-14T22:13:20Z is 2023-11-15 in Shanghai
        assertThat(e.eventDate()).isEqualTo(LocalDate.of(2023, 11, 15));
        assertThat(e.rawRef()).isEqualTo("f.csv:2");
        assertThat(e.runId()).isEqualTo("run-1");
    }

    @Test
    void noRawIdOrIpReachesAnyColumn() {
        CanonicalEvent e = event(row("userid", "98765", "ip", "203.0.113.77"));
        assertThat(e.toRow().toString()).doesNotContain("98765").doesNotContain("203.0.113.77");
        assertThat(MoodleMapper.rawJson(row("ip", "203.0.113.77"))).doesNotContain("203.0.113.77");
    }

    @Test
    void eventNamesMapToActions() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("\\core\\event\\course_viewed", "viewed");
        expected.put("\\mod_page\\event\\course_module_viewed", "viewed");
        expected.put("\\mod_quiz\\event\\attempt_submitted", "submitted");
        expected.put("\\mod_quiz\\event\\attempt_reviewed", "viewed");
        expected.put("\\mod_assign\\event\\assessable_submitted", "submitted");
        expected.put("\\mod_forum\\event\\discussion_created", "posted");
        expected.put("\\mod_forum\\event\\post_created", "posted");
        expected.put("\\core\\event\\user_loggedin", "logged_in");
        expected.put("\\mod_forum\\event\\subscription_created", "other");
        expected.forEach((name, action) -> assertThat(event(row("eventname", name, "component", "x",
                        "relateduserid", "43")).action())
                .as(name).isEqualTo(action));
        // the leading backslash is optional
        assertThat(event(row("eventname", "mod_quiz\\event\\attempt_started")).action()).isEqualTo("attempted");
    }

    @Test
    void gradingAndEnrolmentAreAboutTheRelatedUser() {
        CanonicalEvent graded = event(row("eventname", "\\mod_assign\\event\\submission_graded",
                "component", "mod_assign", "edulevel", "1", "userid", "5", "relateduserid", "42"));
        assertThat(graded.action()).isEqualTo("scored");
        assertThat(graded.learnerKey()).isEqualTo(PSEUDO.pseudonym("uni-a", "moodle-user:42"));
        assertThat(graded.actorRole()).isEqualTo("instructor");
        assertThat(graded.objectType()).isEqualTo("assignment");

        CanonicalEvent enrolled = event(row("eventname", "\\core\\event\\user_enrolment_created",
                "component", "core", "edulevel", "0", "userid", "2", "relateduserid", "42"));
        assertThat(enrolled.action()).isEqualTo("enrolled");
        assertThat(enrolled.learnerKey()).isEqualTo(PSEUDO.pseudonym("uni-a", "moodle-user:42"));
        assertThat(enrolled.actorRole()).as("a manager enrolled the learner").isEqualTo("system");
        assertThat(enrolled.objectId()).isEqualTo("moodle-course:3");
        assertThat(enrolled.objectType()).isEqualTo("course");
        assertThat(event(row("eventname", "\\core\\event\\user_enrolment_deleted", "component", "core",
                "relateduserid", "42")).action()).isEqualTo("unenrolled");

        MoodleMapper.Rejected r = rejected(row("eventname", "\\mod_assign\\event\\submission_graded",
                "relateduserid", ""));
        assertThat(r.reason()).isEqualTo(QuarantineReason.MISSING_ACTOR);
        assertThat(r.detail()).contains("relateduserid");
    }

    @Test
    void aQuizAttemptBelongsToItsOwnerWhoeverStartedIt() {
        CanonicalEvent own = event(row("userid", "42", "relateduserid", "42"));
        assertThat(own.actorRole()).isEqualTo("learner");
        CanonicalEvent byCron = event(row("eventname", "\\mod_quiz\\event\\attempt_submitted", "userid", "",
                "relateduserid", "42"));
        assertThat(byCron.action()).isEqualTo("submitted");
        assertThat(byCron.learnerKey()).isEqualTo(PSEUDO.pseudonym("uni-a", "moodle-user:42"));
        assertThat(byCron.actorRole()).isEqualTo("system");
        assertThat(event(row("userid", "5", "relateduserid", "42")).actorRole()).isEqualTo("system");
    }

    @Test
    void rolesComeFromUseridAndEdulevel() {
        assertThat(event(row("userid", "0")).actorRole()).isEqualTo("system");
        assertThat(event(row("userid", "-1")).actorRole()).isEqualTo("system");
        assertThat(event(row("edulevel", "1")).actorRole()).isEqualTo("instructor");
        assertThat(event(row("edulevel", "0")).actorRole()).isEqualTo("learner");
    }

    @Test
    void forumPostsAreTheirOwnObjectUnderTheForum() {
        CanonicalEvent e = event(row("eventname", "\\mod_forum\\event\\post_created", "component", "mod_forum",
                "objecttable", "forum_posts", "objectid", "77", "contextinstanceid", "12"));
        assertThat(e.objectId()).isEqualTo("moodle-forum_posts:77");
        assertThat(e.objectType()).isEqualTo("forum_post");
        assertThat(e.parentId()).isEqualTo("moodle-cm:12");
    }

    @Test
    void aForumReplyAnswersItsDiscussionNamedInOther() {
        CanonicalEvent e = event(row("eventname", "\\mod_forum\\event\\post_created", "component", "mod_forum",
                "objecttable", "forum_posts", "objectid", "78", "contextinstanceid", "12", "other",
                "a:3:{s:12:\"discussionid\";i:5;s:7:\"forumid\";i:2;s:9:\"forumtype\";s:7:\"general\";}"));
        assertThat(e.action()).isEqualTo("posted");
        assertThat(e.inReplyTo()).isEqualTo("moodle-forum_discussions:5");
        assertThat(e.parentId()).isEqualTo("moodle-forum_discussions:5");
    }

    @Test
    void gradesAndScormScoresComeFromOtherInEitherEncoding() {
        // PHP serialize(): a double; JSON (newer sites): a number; the log has no maximum, so nothing is scaled
        CanonicalEvent php = event(row("eventname", "\\core\\event\\user_graded", "component", "core",
                "objecttable", "grade_grades", "objectid", "31", "edulevel", "1", "userid", "2", "relateduserid", "42",
                "other", "a:3:{s:6:\"itemid\";i:3;s:10:\"overridden\";b:0;s:10:\"finalgrade\";d:85.5;}"));
        assertThat(php.action()).isEqualTo("scored");
        assertThat(php.learnerKey()).isEqualTo(PSEUDO.pseudonym("uni-a", "moodle-user:42"));
        assertThat(php.actorRole()).isEqualTo("instructor");
        assertThat(php.scoreRaw()).isEqualTo(85.5);
        assertThat(php.scoreScaled()).isNull();
        CanonicalEvent json = event(row("eventname", "\\core\\event\\user_graded", "component", "core",
                "userid", "2", "relateduserid", "42",
                "other", "{\"itemid\":3,\"overridden\":false,\"finalgrade\":\"72.25000\"}"));
        assertThat(json.scoreRaw()).isEqualTo(72.25);
        CanonicalEvent scorm = event(row("eventname", "\\mod_scorm\\event\\scoreraw_submitted",
                "component", "mod_scorm", "other", "a:2:{s:8:\"cmivalue\";i:100;s:9:\"attemptid\";i:1;}"));
        assertThat(scorm.scoreRaw()).isEqualTo(100.0);
    }

    @Test
    void completionStateGivesCompletionAndSuccess() {
        String[] expected = {"false/null", "true/null", "true/true", "true/false"};
        for (int state = 0; state < 4; state++) {
            CanonicalEvent e = event(row("eventname", "\\core\\event\\course_module_completion_updated",
                    "component", "core", "other", "a:3:{s:13:\"relateduserid\";i:42;s:10:\"overrideby\";N;"
                            + "s:15:\"completionstate\";i:" + state + ";}"));
            assertThat(e.completion() + "/" + e.success()).isEqualTo(expected[state]);
        }
    }

    @Test
    void anUnreadableOtherLeavesTheEventWithoutItsFacts() {
        CanonicalEvent e = event(row("eventname", "\\core\\event\\user_graded", "component", "core",
                "userid", "2", "relateduserid", "42", "other", "a:3:{s:6:\"itemid\";i:3;s:10:\"finalg"));
        assertThat(e.action()).isEqualTo("scored");
        assertThat(e.scoreRaw()).isNull();
        assertThat(MoodleOther.parse("a:3:{s:6:\"itemid\";").readable()).isFalse();
        assertThat(MoodleOther.parse("N;").readable()).isTrue();
        // PHP string lengths count UTF-8 bytes: 学 is 3 bytes
        assertThat(MoodleOther.parse("a:1:{s:4:\"name\";s:3:\"学\";}").values()).containsEntry("name", "学");
    }

    @Test
    void noIdGivesAContentV5IdAndNullCellsAreNull() {
        CanonicalEvent a = event(row("id", ""));
        CanonicalEvent b = event(row("id", "\\N"));
        assertThat(a.eventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(a.contentHash()).hasSize(64);
        assertThat(b.eventId()).isNotEqualTo(a.eventId()); // different content ("" vs \N)
        assertThat(event(row("id", "")).eventId()).isEqualTo(a.eventId());
    }

    @Test
    void eachQuarantineReason() {
        assertThat(rejected(row("eventname", "")).reason()).isEqualTo(QuarantineReason.MISSING_VERB);
        assertThat(rejected(row("eventname", "\\core\\event\\course_viewed", "userid", "")).reason())
                .isEqualTo(QuarantineReason.MISSING_ACTOR);
        assertThat(rejected(row("userid", "abc")).reason()).isEqualTo(QuarantineReason.INVALID_ACTOR);
        assertThat(rejected(row("courseid", "")).reason()).isEqualTo(QuarantineReason.MISSING_COURSE);
        MoodleMapper.Rejected site = rejected(row("courseid", "0"));
        assertThat(site.reason()).isEqualTo(QuarantineReason.MISSING_COURSE);
        assertThat(site.detail()).contains("site-level");
        assertThat(rejected(row("timecreated", "")).reason()).isEqualTo(QuarantineReason.MISSING_TIMESTAMP);
        MoodleMapper.Rejected bad = rejected(row("timecreated", "2023-11-15 10:00"));
        assertThat(bad.reason()).isEqualTo(QuarantineReason.INVALID_TIMESTAMP);
        assertThat(bad.detail()).contains("2023-11-15 10:00");
    }

    @Test
    void theAdapterReadsQuotedCsvSkipsTheHeaderAndQuarantinesRaggedRows() throws IOException {
        String csv = "id,eventname,component,edulevel,contextinstanceid,userid,courseid,relateduserid,other,"
                + "timecreated,ip\n"
                + "1,\\core\\event\\course_viewed,core,2,3,42,3,,\"a:1:{s:1:\"\"x\"\";s:3:\"\"a,b\"\";}\",1700000000,"
                + "10.0.0.1\n"
                + "2,\\mod_page\\event\\course_module_viewed,mod_page,2,15,42,3,,\"multi\nline\",1700000100,10.0.0.1\n"
                + "3,\\core\\event\\course_viewed,core,2\n"
                + "4,\\core\\event\\course_viewed,core,2,3,,3,,,1700000200,10.0.0.1\n";
        MoodleAdapter adapter = new MoodleAdapter(ConfigLoader.defaults().moodle(), PSEUDO, SHANGHAI, "uni-a", "run-1", Instant.EPOCH);
        List<Row> rows = new ArrayList<>();
        long n = adapter.read("file:/x.csv", 0, new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                rows::add);
        assertThat(n).isEqualTo(4);
        assertThat(rows).extracting(r -> r.getString(0))
                .containsExactly("event", "event", "quarantine", "quarantine");
        assertThat(rows.get(0).getStruct(2).getString(dev.xueqing.common.schema.EventSchema.SCHEMA.fieldIndex("raw_ref"))).isEqualTo("file:/x.csv:2");
        assertThat(rows.get(1).getStruct(2).getString(11)).isEqualTo("page");
        assertThat(rows.get(2).getStruct(3).getString(3)).isEqualTo("malformed_csv");
        assertThat(rows.get(2).getStruct(3).getString(4)).isEqualTo("the row has 4 cells, the header 11");
        assertThat(rows.get(3).getStruct(3).getString(3)).isEqualTo("missing_actor");
        assertThat(rows.get(3).getStruct(3).getString(5)).doesNotContain("10.0.0.1");
    }

    @Test
    void theLogReportExportIsRecognisedByItsHeaderAndPseudonymisesTheFullName() throws IOException {
        String csv = ",Time,User full name,Affected user,Event context,Component,Event name,Description,Origin,"
                + "IP address\n"
                + "0,\"23/01/23, 12:09\",Li Hua,-,Course: Algebra 1,System,Course viewed,The user viewed.,web,10.9.9.9\n"
                + "1,\"23/01/23, 12:10\",Li Hua,-,Assignment: Project,Assignment,Course module viewed,x,web,10.9.9.9\n"
                + "2,\"2023-01-23T12:11\",Li Hua,-,Course: Algebra 1,System,Course viewed,x,web,10.9.9.9\n"
                + "3,\"23/01/23, 12:12\",-,-,Course: Algebra 1,System,Course viewed,x,cli,\n"
                + "5,\"23/01/23, 12:14\",,-,Course: Algebra 1,System,Course viewed,x,web,\n"
                + "4,\"23/01/23, 12:13\",Li Hua,-,Course: Algebra 1,Logs,Log report viewed,x,web,10.9.9.9\n";
        MoodleAdapter adapter = new MoodleAdapter(ConfigLoader.defaults().moodle(), PSEUDO, SHANGHAI, "uni-a", "run-1", Instant.EPOCH);
        List<Row> rows = new ArrayList<>();
        long n = adapter.read("file:/r.csv", 0, new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                rows::add);
        assertThat(n).isEqualTo(6);
        Row e = rows.get(0).getStruct(2);
        assertThat(e.getString(3)).isEqualTo(PSEUDO.pseudonym("uni-a", "moodle-fullname:Li Hua"));
        assertThat(e.getString(5)).isEqualTo("moodle-course-name:Algebra 1");
        assertThat(e.getString(8)).isEqualTo("viewed");
        // 12:09 in Shanghai is 04:09 UTC
        assertThat(e.getTimestamp(7).toInstant()).isEqualTo(Instant.parse("2023-01-23T04:09:00Z"));
        assertThat(e.toString()).doesNotContain("Li Hua").doesNotContain("10.9.9.9");
        assertThat(rows.get(1).getStruct(3).getString(3)).isEqualTo("missing_course");
        assertThat(rows.get(1).getStruct(3).getString(5)).doesNotContain("10.9.9.9");
        assertThat(rows.get(2).getStruct(3).getString(3)).isEqualTo("invalid_timestamp");
        assertThat(rows.get(3).getStruct(2).getString(4)).as("user '-' is user id 0").isEqualTo("system");
        assertThat(rows.get(4).getStruct(3).getString(3)).isEqualTo("missing_actor");
        assertThat(rows.get(5).getStruct(2).getString(8)).isEqualTo("other");
    }
}
