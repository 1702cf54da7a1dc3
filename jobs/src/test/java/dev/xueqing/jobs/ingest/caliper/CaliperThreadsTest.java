package dev.xueqing.jobs.ingest.caliper;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.privacy.Pseudonymizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Caliper Forum / Thread / Message to the discussion contract (docs/ingest-discussions.md). */
class CaliperThreadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pseudonymizer PSEUDO =
            new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final String SECTION = "https://example.edu/terms/201601/courses/7/sections/1";
    private static final String FORUM = SECTION + "/forums/2";
    private static final String THREAD = FORUM + "/topics/1";

    private final CaliperMapper mapper = new CaliperMapper(ConfigLoader.defaults().caliper(), PSEUDO, ZoneOffset.UTC,
            "t", "r");

    /** A MessageEvent Posted; {@code message} is the object's JSON without its braces' closing. */
    private static String posted(String uuid, String actor, String role, String message) {
        return """
                {"@context": "http://purl.imsglobal.org/ctx/caliper/v1p2",
                 "id": "urn:uuid:%s", "type": "MessageEvent", "profile": "ForumProfile",
                 "actor": {"id": "https://example.edu/users/%s", "type": "Person"},
                 "action": "Posted",
                 "object": %s,
                 "eventTime": "2016-11-15T10:15:30.000Z",
                 "edApp": {"id": "https://example.edu/forums", "type": "SoftwareApplication"},
                 "group": {"id": "%s", "type": "CourseSection"},
                 "membership": {"id": "%s/rosters/1", "type": "Membership",
                                "member": "https://example.edu/users/%s", "organization": "%s",
                                "roles": ["%s"], "status": "Active"}}
                """.formatted(uuid, actor, message, SECTION, SECTION, actor, SECTION, role);
    }

    private static String message(String id, String partOf, String replyTo) {
        return "{\"id\": \"" + id + "\", \"type\": \"Message\""
                + (replyTo == null ? "" : ", \"replyTo\": {\"id\": \"" + replyTo + "\", \"type\": \"Message\"}")
                + (partOf == null ? "" : ", " + partOf) + "}";
    }

    private static String inThread() {
        return "\"isPartOf\": {\"id\": \"" + THREAD + "\", \"type\": \"Thread\", \"isPartOf\": {\"id\": \"" + FORUM
                + "\", \"type\": \"Forum\"}}";
    }

    private CanonicalEvent event(String json) throws Exception {
        CaliperMapper.Mapped m = mapper.map(JSON.readTree(json), "f:1");
        assertThat(m).as(String.valueOf(m)).isInstanceOf(CaliperMapper.Event.class);
        return ((CaliperMapper.Event) m).event();
    }

    @Test
    void openerReplyAndNestedReplyShareTheThread() throws Exception {
        CanonicalEvent opener = event(posted("aed54386-a3fb-45ff-90f9-a35d3daaf001", "1", "Learner",
                message(THREAD + "/messages/1", inThread(), null)));
        assertThat(opener.action()).isEqualTo("posted");
        assertThat(opener.objectType()).isEqualTo("forum_post");
        assertThat(opener.objectId()).isEqualTo(THREAD + "/messages/1");
        assertThat(opener.parentId()).isEqualTo(THREAD);
        assertThat(opener.inReplyTo()).isNull();
        assertThat(opener.actorRole()).isEqualTo("learner");

        CanonicalEvent reply = event(posted("aed54386-a3fb-45ff-90f9-a35d3daaf002", "2",
                "Instructor#TeachingAssistant", message(THREAD + "/messages/2", inThread(), THREAD + "/messages/1")));
        assertThat(reply.action()).isEqualTo("replied");
        assertThat(reply.parentId()).isEqualTo(THREAD);
        assertThat(reply.inReplyTo()).isEqualTo(opener.objectId());
        assertThat(reply.actorRole()).isEqualTo("tutor");

        CanonicalEvent nested = event(posted("aed54386-a3fb-45ff-90f9-a35d3daaf003", "3", "Instructor",
                message(THREAD + "/messages/3", inThread(), THREAD + "/messages/2")));
        assertThat(nested.action()).isEqualTo("replied");
        assertThat(nested.parentId()).isEqualTo(THREAD);
        assertThat(nested.inReplyTo()).isEqualTo(reply.objectId());
        assertThat(nested.actorRole()).isEqualTo("instructor");
    }

    @Test
    void aMessageInTheForumOpensItsOwnThread() throws Exception {
        String inForum = "\"isPartOf\": {\"id\": \"" + FORUM + "\", \"type\": \"Forum\"}";
        CanonicalEvent opener = event(posted("aed54386-a3fb-45ff-90f9-a35d3daaf004", "1", "Learner",
                message(FORUM + "/messages/4", inForum, null)));
        assertThat(opener.action()).isEqualTo("posted");
        assertThat(opener.parentId()).isEqualTo(FORUM + "/messages/4");

        // a reply with no thread of its own: the thread its replyTo names, else the message it answers
        CanonicalEvent reply = event(posted("aed54386-a3fb-45ff-90f9-a35d3daaf005", "2", "Learner",
                message(FORUM + "/messages/5", inForum, FORUM + "/messages/4")));
        assertThat(reply.parentId()).isEqualTo(FORUM + "/messages/4");
        String replyToInThread = "{\"id\": \"" + FORUM + "/messages/6\", \"type\": \"Message\", \"replyTo\": {\"id\": \""
                + THREAD + "/messages/1\", \"type\": \"Message\", " + inThread() + "}}";
        CanonicalEvent viaReplyTo = event(posted("aed54386-a3fb-45ff-90f9-a35d3daaf006", "2", "Learner",
                replyToInThread));
        assertThat(viaReplyTo.parentId()).isEqualTo(THREAD);
        assertThat(viaReplyTo.inReplyTo()).isEqualTo(THREAD + "/messages/1");
    }

    @Test
    void theAccountPseudonymIsTheActorsLearnerKey() throws Exception {
        CanonicalEvent e = event(posted("aed54386-a3fb-45ff-90f9-a35d3daaf007", "42", "Learner",
                message(THREAD + "/messages/7", inThread(), null)));
        assertThat(mapper.accountPseudonym("https://example.edu/users/42")).isEqualTo(e.learnerKey());
    }
}
