package dev.xueqing.jobs.ingest.xapi;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.privacy.Pseudonymizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** xAPI forum posts to the discussion contract (docs/ingest-discussions.md): action, thread, post answered, role. */
class XapiThreadsTest {
    private static final Pseudonymizer PSEUDO =
            new Pseudonymizer("0123456789abcdef0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII));
    private static final String COURSE = "https://lms.example.edu/course/42";
    private static final String FORUM = "https://lms.example.edu/course/42/forum/1";
    private static final String THREAD = "https://lms.example.edu/course/42/forum/1/thread/9";
    private static final String POST_TYPE = "urn:xueqing:activity-type:forum-post";
    private static final String DISCUSSION = "http://id.tincanapi.com/activitytype/discussion";

    private final XapiMapper mapper = new XapiMapper(ConfigLoader.defaults().xapi(), ConfigLoader.defaults().skills().extensions(),
            PSEUDO, ZoneOffset.UTC, "t",
            "r");

    /** A statement; {@code parents} and {@code extra} are JSON fragments of the context (may be empty). */
    private static String statement(String id, String actor, String verb, String object, String objectType,
                                    String parents, String extra) {
        return """
                {"id": "%s", "actor": {"account": {"homePage": "https://lms.example.edu", "name": "%s"}},
                 "verb": {"id": "%s"},
                 "object": {"id": "%s", "definition": {"type": "%s"}},
                 "context": {"contextActivities": {"parent": [%s],
                              "grouping": [{"id": "%s", "definition": {"type": "http://adlnet.gov/expapi/activities/course"}}]}
                             %s},
                 "timestamp": "2026-03-02T08:00:00Z"}
                """.formatted(id, actor, verb, object, objectType, parents, COURSE, extra);
    }

    private static String activity(String id, String type) {
        return "{\"id\": \"" + id + "\", \"definition\": {\"type\": \"" + type + "\"}}";
    }

    private CanonicalEvent event(String json) {
        XapiMapper.Mapped m = mapper.map(XapiMapperTest.parse(json), "f:1");
        assertThat(m).as(json).isInstanceOf(XapiMapper.Event.class);
        return ((XapiMapper.Event) m).event();
    }

    @Test
    void openerReplyAndNestedReplyShareTheThreadActivity() {
        CanonicalEvent opener = event(statement("aaaaaaaa-0000-4000-8000-000000000001", "s1",
                "http://adlnet.gov/expapi/verbs/asked", THREAD + "/post/1", POST_TYPE,
                activity(THREAD, DISCUSSION) + "," + activity(FORUM, "urn:example:forum"), ""));
        assertThat(opener.action()).isEqualTo("posted");
        assertThat(opener.objectType()).isEqualTo("forum_post");
        assertThat(opener.objectId()).isEqualTo(THREAD + "/post/1");
        assertThat(opener.parentId()).isEqualTo(THREAD);
        assertThat(opener.inReplyTo()).isNull();
        assertThat(opener.actorRole()).isEqualTo("learner");

        // a tutor answers the opener's statement (StatementRef in context.statement, upper case in the source)
        CanonicalEvent reply = event(statement("aaaaaaaa-0000-4000-8000-000000000002", "t1",
                "http://id.tincanapi.com/verb/replied", THREAD + "/post/2", POST_TYPE,
                activity(THREAD, DISCUSSION),
                ", \"statement\": {\"objectType\": \"StatementRef\", \"id\": \"AAAAAAAA-0000-4000-8000-000000000001\"},"
                        + " \"extensions\": {\"urn:xueqing:extension:role\": \"tutor\"}"));
        assertThat(reply.action()).isEqualTo("replied");
        assertThat(reply.parentId()).isEqualTo(THREAD);
        assertThat(reply.inReplyTo()).isEqualTo("aaaaaaaa-0000-4000-8000-000000000001").isEqualTo(opener.eventId());
        assertThat(reply.actorRole()).isEqualTo("tutor");

        // the learner answers the tutor's post, named as a parent activity (no statement reference)
        CanonicalEvent nested = event(statement("aaaaaaaa-0000-4000-8000-000000000003", "s1",
                "http://adlnet.gov/expapi/verbs/commented", THREAD + "/post/3", POST_TYPE,
                activity(THREAD + "/post/2", POST_TYPE) + "," + activity(THREAD, DISCUSSION), ""));
        assertThat(nested.action()).isEqualTo("replied");
        assertThat(nested.parentId()).isEqualTo(THREAD);
        assertThat(nested.inReplyTo()).isEqualTo(THREAD + "/post/2");
        assertThat(nested.learnerKey()).isEqualTo(opener.learnerKey());
    }

    @Test
    void aThreadInTheGroupingCounts() {
        String json = statement("aaaaaaaa-0000-4000-8000-000000000004", "s2",
                "https://w3id.org/xapi/acrossx/verbs/posted", THREAD + "/post/4", POST_TYPE, "", "")
                .replace("\"grouping\": [", "\"grouping\": [" + activity(THREAD,
                        "https://w3id.org/xapi/acrossx/activities/discussion") + ",");
        CanonicalEvent e = event(json);
        assertThat(e.parentId()).isEqualTo(THREAD);
        assertThat(e.courseId()).isEqualTo(COURSE);
    }

    @Test
    void anOpenerWithoutAThreadActivityIsItsOwnThread() {
        CanonicalEvent e = event(statement("aaaaaaaa-0000-4000-8000-000000000005", "s3",
                "http://activitystrea.ms/schema/1.0/post", FORUM + "/msg/5",
                "https://w3id.org/xapi/acrossx/activities/message", activity(FORUM, "urn:example:forum"), ""));
        assertThat(e.action()).isEqualTo("posted");
        assertThat(e.objectType()).isEqualTo("forum_post");
        assertThat(e.parentId()).isEqualTo(FORUM + "/msg/5");
    }

    @Test
    void creatingADiscussionOpensItAsAPost() {
        // Moodle's logstore_xapi: "create" with the discussion itself as the object
        CanonicalEvent e = event(statement("aaaaaaaa-0000-4000-8000-000000000006", "s4",
                "http://activitystrea.ms/create", THREAD, DISCUSSION, activity(FORUM, "urn:example:forum"), ""));
        assertThat(e.action()).isEqualTo("posted");
        assertThat(e.objectType()).isEqualTo("forum_post");
        assertThat(e.objectId()).isEqualTo(THREAD);
        assertThat(e.parentId()).isEqualTo(THREAD);
    }

    @Test
    void aGenericCreateOutsideAThreadIsNoForumPost() {
        // logstore_xapi's course_module_created: "create" on an activity of an unknown type, no thread, no reference
        CanonicalEvent e = event(statement("aaaaaaaa-0000-4000-8000-000000000010", "admin",
                "http://activitystrea.ms/create", COURSE + "/mod/17", "urn:example:page", activity(FORUM,
                        "urn:example:forum"), ""));
        assertThat(e.action()).isEqualTo("posted");
        assertThat(e.objectType()).isEqualTo("activity");
        assertThat(e.parentId()).isEqualTo(FORUM);
    }

    @Test
    void aPostNamingAStatementIsAReplyAndTheInstructorIsStaff() {
        String json = statement("aaaaaaaa-0000-4000-8000-000000000007", "prof",
                "http://activitystrea.ms/schema/1.0/post", THREAD + "/post/7", POST_TYPE,
                activity(THREAD, DISCUSSION),
                ", \"statement\": {\"objectType\": \"StatementRef\", \"id\": \"aaaaaaaa-0000-4000-8000-000000000099\"},"
                        + " \"instructor\": {\"account\": {\"homePage\": \"https://lms.example.edu\", \"name\": \"prof\"}}");
        CanonicalEvent e = event(json);
        assertThat(e.action()).isEqualTo("replied");
        // the answered statement was never seen: the reply is kept with its reference
        assertThat(e.inReplyTo()).isEqualTo("aaaaaaaa-0000-4000-8000-000000000099");
        assertThat(e.actorRole()).isEqualTo("instructor");
    }

    @Test
    void aReplyWithoutThreadOrReferenceAnswersItsParent() {
        CanonicalEvent e = event(statement("aaaaaaaa-0000-4000-8000-000000000008", "s5",
                "http://id.tincanapi.com/verb/replied", FORUM + "/msg/8", POST_TYPE,
                activity(FORUM + "/msg/5", "https://w3id.org/xapi/acrossx/activities/message"), ""));
        assertThat(e.action()).isEqualTo("replied");
        assertThat(e.inReplyTo()).isEqualTo(FORUM + "/msg/5");
        assertThat(e.parentId()).isEqualTo(FORUM + "/msg/5");
    }

    @Test
    void theAccountPseudonymIsTheActorsLearnerKey() {
        CanonicalEvent e = event(statement("aaaaaaaa-0000-4000-8000-000000000009", "t9",
                "http://adlnet.gov/expapi/verbs/asked", THREAD + "/post/9", POST_TYPE, activity(THREAD, DISCUSSION),
                ""));
        assertThat(mapper.accountPseudonym("account:https://lms.example.edu|t9")).isEqualTo(e.learnerKey());
    }
}
