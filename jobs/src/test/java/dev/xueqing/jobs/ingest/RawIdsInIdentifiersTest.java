package dev.xueqing.jobs.ingest;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.caliper.CaliperAdapter;
import dev.xueqing.jobs.ingest.csv.CsvAdapter;
import dev.xueqing.jobs.ingest.edx.EdxAdapter;
import dev.xueqing.jobs.ingest.moodle.MoodleAdapter;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per format, a reply (or any record) by learner or tutor B that names learner A's post by an identifier holding
 * A's raw id: in one input file, A's post and B's reply name the post by the same rewritten identifier
 * {@code …~<A's learner key>…}, and A's raw id is nowhere outside quarantine.
 */
class RawIdsInIdentifiersTest {
    private static final Pseudonymizer P = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final XueqingConfig DEFAULTS = ConfigLoader.defaults();
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    private static String key(String rawId) {
        return "~" + P.pseudonym("t", rawId);
    }

    /** The events of a file read by the adapter (one scope for the file), as their Row.toString(). */
    private static List<Row> events(SourceAdapter adapter, String text) throws IOException {
        List<Row> rows = new ArrayList<>();
        adapter.read("file:/in/f", 0, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), rows::add);
        List<Row> events = new ArrayList<>();
        for (Row r : rows) {
            assertThat(r.getString(0)).as(r.toString()).isNotEqualTo(ParsedRecords.QUARANTINE);
            if (r.getString(0).equals(ParsedRecords.EVENT)) {
                events.add(r.getStruct(ParsedRecords.SCHEMA.fieldIndex(ParsedRecords.EVENT)));
            }
        }
        return events;
    }

    private static String col(Row event, String name) {
        return event.getString(dev.xueqing.common.schema.EventSchema.SCHEMA.fieldIndex(name));
    }

    private static void noRawIdIn(List<Row> rows, String rawId) {
        assertThat(rows).allSatisfy(r -> assertThat(r.toString()).doesNotContain(rawId));
    }

    @Test
    void caliperReplyByATutorNamesTheLearnersPostByTheRewrittenIri() throws IOException {
        String envelope = "\"eventTime\":\"2026-09-21T10:01:51.000Z\",\"edApp\":\"https://lms.example.edu\","
                + "\"group\":{\"id\":\"https://lms.example.edu/course/C1/class/A\",\"type\":\"CourseSection\","
                + "\"subOrganizationOf\":{\"id\":\"https://lms.example.edu/course/C1\",\"type\":\"CourseOffering\"}}";
        String post = "{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\","
                + "\"id\":\"urn:uuid:c50917bc-6701-4c7d-98eb-cb2957b076e2\",\"type\":\"MessageEvent\","
                + "\"profile\":\"ForumProfile\",\"actor\":{\"id\":\"https://lms.example.edu/users/g00000003\","
                + "\"type\":\"Person\"},\"action\":\"Posted\",\"object\":{\"id\":"
                + "\"https://lms.example.edu/course/C1/forum/post/g00000003-1\",\"type\":\"Message\",\"isPartOf\":"
                + "{\"id\":\"https://lms.example.edu/course/C1/forum\",\"type\":\"Forum\"}}," + envelope + "}";
        String reply = "{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\","
                + "\"id\":\"urn:uuid:abf86b69-5a84-4247-921b-f314b6741eaf\",\"type\":\"MessageEvent\","
                + "\"profile\":\"ForumProfile\",\"actor\":{\"id\":\"https://lms.example.edu/users/t0001\","
                + "\"type\":\"Person\"},\"action\":\"Posted\",\"object\":{\"id\":"
                + "\"https://lms.example.edu/course/C1/forum/post/g00000003-1/reply\",\"type\":\"Message\","
                + "\"replyTo\":{\"id\":\"https://lms.example.edu/course/C1/forum/post/g00000003-1\",\"type\":\"Message\"},"
                + "\"isPartOf\":{\"id\":\"https://lms.example.edu/course/C1/forum\",\"type\":\"Forum\"}}," + envelope + "}";
        CaliperAdapter adapter = new CaliperAdapter(DEFAULTS.caliper(), P, ZONE, "t", "r1", START);

        List<Row> e = events(adapter, post + "\n" + reply + "\n");
        String a = key("caliper-actor:https://lms.example.edu/users/g00000003");
        String postIri = "https://lms.example.edu/course/C1/forum/post/" + a + "-1";
        assertThat(col(e.get(0), "object_id")).isEqualTo(postIri);
        assertThat(col(e.get(0), "learner_key")).isEqualTo(a.substring(1));
        assertThat(col(e.get(1), "object_id")).isEqualTo(postIri + "/reply");
        assertThat(col(e.get(1), "in_reply_to")).isEqualTo(postIri);
        noRawIdIn(e, "g00000003");

        // the reply alone, when the post's message names its creator (Caliper's creators)
        String withCreator = reply.replace("\"type\":\"Message\"},", "\"type\":\"Message\",\"creators\":[{\"id\":"
                + "\"https://lms.example.edu/users/g00000003\",\"type\":\"Person\"}]},");
        List<Row> alone = events(adapter, withCreator + "\n");
        assertThat(col(alone.get(0), "in_reply_to")).isEqualTo(postIri);
    }

    @Test
    void xapiReplyByATutorNamesTheLearnersPostByTheRewrittenIri() throws IOException {
        String course = "{\"id\":\"https://lms/course/C1\",\"definition\":{\"type\":\"http://adlnet.gov/expapi/activities/course\"}}";
        String post = "{\"id\":\"11111111-1111-4111-8111-111111111111\",\"actor\":{\"account\":{\"homePage\":\"https://lms\","
                + "\"name\":\"s20260001\"}},\"verb\":{\"id\":\"http://activitystrea.ms/schema/1.0/post\"},"
                + "\"object\":{\"id\":\"https://lms/course/C1/forum/post/s20260001-1\"},\"context\":{\"contextActivities\":"
                + "{\"grouping\":[" + course + "]}},\"timestamp\":\"2026-09-21T10:00:00Z\",\"version\":\"1.0.3\"}";
        String reply = "{\"id\":\"22222222-2222-4222-8222-222222222222\",\"actor\":{\"mbox\":\"mailto:t01@lms.edu\"},"
                + "\"verb\":{\"id\":\"http://id.tincanapi.com/verb/replied\"},"
                + "\"object\":{\"id\":\"https://lms/course/C1/forum/post/s20260001-1/reply\"},\"context\":{"
                + "\"contextActivities\":{\"parent\":[{\"id\":\"https://lms/course/C1/forum/post/s20260001-1\"}],"
                + "\"grouping\":[" + course + "]}},\"timestamp\":\"2026-09-21T12:00:00Z\",\"version\":\"1.0.3\"}";
        XapiAdapter adapter = new XapiAdapter(DEFAULTS.xapi(), DEFAULTS.skills().extensions(), P,
                ZONE, "t", "r1", START);

        List<Row> e = events(adapter, post + "\n" + reply + "\n");
        String postIri = "https://lms/course/C1/forum/post/" + key("account:https://lms|s20260001") + "-1";
        assertThat(col(e.get(0), "object_id")).isEqualTo(postIri);
        assertThat(col(e.get(1), "parent_id")).isEqualTo(postIri);
        assertThat(col(e.get(1), "in_reply_to")).isEqualTo(postIri);
        noRawIdIn(e, "s20260001");
    }

    @Test
    void edxUserIdsInDiscussionPathsBecomeTheLearnerKey() throws IOException {
        String post = "{\"username\":\"alice01\",\"event_type\":\"edx.forum.thread.created\",\"event_source\":\"server\","
                + "\"time\":\"2026-09-21T10:00:00+00:00\",\"context\":{\"course_id\":\"course-v1:X+C1+2026\",\"user_id\":42},"
                + "\"event\":{\"id\":\"aaaa1111\",\"title\":\"Question\"}}";
        String profile = "{\"username\":\"tutor01\",\"event_type\":"
                + "\"/courses/course-v1:X+C1+2026/discussion/forum/users/42\",\"event_source\":\"server\","
                + "\"time\":\"2026-09-21T12:00:00+00:00\",\"context\":{\"course_id\":\"course-v1:X+C1+2026\",\"user_id\":7},"
                + "\"event\":\"{}\"}";
        String alone = profile.replace("/users/42", "/users/43");
        EdxAdapter adapter = new EdxAdapter(DEFAULTS.edx(), P, ZONE, "t", "r1", START);

        List<Row> e = events(adapter, post + "\n" + profile + "\n" + alone + "\n");
        String path = "/courses/course-v1:X+C1+2026/discussion/forum/users/";
        assertThat(col(e.get(1), "object_id")).isEqualTo(path + key("edx-user:alice01"));
        assertThat(col(e.get(1), "source_verb")).isEqualTo(path + key("edx-user:alice01"));
        // a user the file has not seen: the pseudonym of the user id
        assertThat(col(e.get(2), "object_id")).isEqualTo(path + key("edx-user-id:43"));
        assertThat(e).allSatisfy(r -> assertThat(col(r, "object_id")).doesNotEndWith("/42").doesNotEndWith("/43"));
    }

    @Test
    void moodleUserObjectsNameTheLearnerByKey(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("m.conf");
        Files.writeString(conf, "xueqing.moodle.object-tables.user = agent\n");
        XueqingConfig c = ConfigLoader.load(conf.toFile(), List.of(), Map.of());
        String header = "id,eventname,component,action,target,objecttable,objectid,crud,edulevel,contextid,"
                + "contextlevel,contextinstanceid,userid,courseid,relateduserid,anonymous,other,timecreated,origin,ip,"
                + "realuserid\n";
        String post = "1,\\mod_forum\\event\\post_created,mod_forum,created,post,forum_posts,6890692,c,2,125,70,25,42,3,,"
                + "0,\"{\"\"discussionid\"\":7610260}\",1789993017,web,10.0.0.1,\n";
        String profile = "2,\\core\\event\\user_profile_viewed,core,viewed,user_profile,user,42,r,0,1002,50,2,9002001,3,"
                + "42,0,N;,1789993100,web,10.0.0.1,\n";
        MoodleAdapter adapter = new MoodleAdapter(c.moodle(), P, ZONE, "t", "r1", START);

        List<Row> e = events(adapter, header + post + profile);
        assertThat(col(e.get(0), "object_id")).isEqualTo("moodle-forum_posts:6890692");
        assertThat(col(e.get(1), "object_id")).isEqualTo("moodle-user:" + key("moodle-user:42"));
    }

    @Test
    void csvObjectsNamedAfterALearnerGetTheKeyInTheirName(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("c.conf");
        Files.writeString(conf, """
                xueqing.csv.mappings.lms {
                  columns { learner = student, time = when, action = what, object = resource, course = course }
                  timestamp-format = "yyyy-MM-dd HH:mm:ss"
                  timestamp-zone = "Asia/Shanghai"
                  actions { post = posted, view = viewed }
                }
                """);
        XueqingConfig c = ConfigLoader.load(conf.toFile(), List.of(), Map.of());
        CsvAdapter adapter = new CsvAdapter(c.csvMapping("lms"), P, ZONE, "t", "r1", START);

        List<Row> e = events(adapter, "student,when,what,resource,course\n"
                + "stu0001,2026-09-07 09:00:00,post,forum/post/stu0001-1,LMS-101\n"
                + "stu0002,2026-09-07 10:00:00,view,forum/post/stu0001-1,LMS-101\n");
        String post = "forum/post/" + key("csv-lms:stu0001") + "-1";
        assertThat(e).extracting(r -> col(r, "object_id")).containsExactly(post, post);
        noRawIdIn(e, "stu0001");
    }
}
