package dev.xueqing.jobs.ingest.edx;

import dev.xueqing.common.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.Pseudonymizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per mapping rule and per quarantine reason of the edX mapper, on small in-code records. */
class EdxMapperTest {
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final EdxMapper MAPPER = new EdxMapper(ConfigLoader.defaults().edx(), PSEUDO, ZoneId.of("Asia/Shanghai"), "t", "r1");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String COURSE = "course-v1:edX+DemoX+Demo_Course";

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    static CanonicalEvent event(String s) throws Exception {
        EdxMapper.Mapped m = MAPPER.map(json(s), "f:1");
        assertThat(m).isInstanceOf(EdxMapper.Event.class);
        return ((EdxMapper.Event) m).event();
    }

    static EdxMapper.Rejected rejected(String s) throws Exception {
        EdxMapper.Mapped m = MAPPER.map(json(s), "f:1");
        assertThat(m).isInstanceOf(EdxMapper.Rejected.class);
        return (EdxMapper.Rejected) m;
    }

    @Test
    void serverProblemCheckIsAnsweredWithScoreSuccessAttemptAndResponse() throws Exception {
        CanonicalEvent e = event("{'username':'alice','event_source':'server','event_type':'problem_check',"
                + "'time':'2016-05-13T23:30:00.5+00:00','context':{'course_id':'" + COURSE + "','user_id':7},"
                + "'event':{'problem_id':'block-v1:edX+DemoX+Demo_Course+type@problem+block@p1','grade':1,"
                + "'max_grade':2,'success':'incorrect','attempts':3,'answers':{'p1_2_1':'choice_1'}}}");
        assertThat(e.action()).isEqualTo("answered");
        assertThat(e.sourceVerb()).isEqualTo("problem_check");
        assertThat(e.objectId()).isEqualTo("block-v1:edX+DemoX+Demo_Course+type@problem+block@p1");
        assertThat(e.objectType()).isEqualTo("question");
        assertThat(e.courseId()).isEqualTo(COURSE);
        assertThat(e.scoreRaw()).isEqualTo(1.0);
        assertThat(e.scoreMax()).isEqualTo(2.0);
        assertThat(e.scoreScaled()).isEqualTo(0.5);
        assertThat(e.success()).isFalse();
        assertThat(e.attempt()).isEqualTo(3);
        assertThat(e.response()).isEqualTo("{\"p1_2_1\":\"choice_1\"}");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2016-05-13T23:30:00.5Z"));
        assertThat(e.eventDate()).isEqualTo(LocalDate.parse("2016-05-14")); // Asia/Shanghai
        assertThat(e.source()).isEqualTo("edx");
        assertThat(e.actorRole()).isEqualTo("learner");
    }

    @Test
    void learnerKeyIsThePseudonymOfTheUsernameAndNoRawIdLeaks() throws Exception {
        CanonicalEvent e = event("{'username':'alice','event_type':'play_video','event_source':'browser',"
                + "'time':'2016-05-13T10:00:00+00:00','context':{'course_id':'" + COURSE + "'},"
                + "'event':'{\\\"id\\\":\\\"vid1\\\"}'}");
        assertThat(e.learnerKey()).isEqualTo(PSEUDO.pseudonym("t", "edx-user:alice"));
        assertThat(e.toRow().toString()).doesNotContain("alice");
    }

    @Test
    void withoutUsernameTheUserIdIsPseudonymised() throws Exception {
        CanonicalEvent e = event("{'username':'','event_type':'edx.course.enrollment.activated',"
                + "'time':'2016-05-13T15:10:11.311722+00:00','context':{'course_id':'" + COURSE + "'},"
                + "'event':{'course_id':'" + COURSE + "','user_id':2,'mode':'honor'}}");
        assertThat(e.learnerKey()).isEqualTo(PSEUDO.pseudonym("t", "edx-user-id:2"));
        assertThat(e.action()).isEqualTo("enrolled");
        assertThat(e.objectType()).isEqualTo("course");
        assertThat(e.objectId()).isEqualTo(COURSE);
    }

    @Test
    void browserVideoEventReadsItsJsonStringPayload() throws Exception {
        CanonicalEvent e = event("{'username':'bob','event_type':'pause_video','event_source':'browser',"
                + "'time':'2016-05-13T10:00:00+00:00','context':{'course_id':'" + COURSE + "'},"
                + "'event':'{\\\"id\\\":\\\"i4x-edX-DemoX-video-abc\\\",\\\"currentTime\\\":12}'}");
        assertThat(e.action()).isEqualTo("video_paused");
        assertThat(e.objectType()).isEqualTo("video");
        assertThat(e.objectId()).isEqualTo("i4x-edX-DemoX-video-abc");
    }

    @Test
    void browserProblemCheckIsNotASecondAnswer() throws Exception {
        CanonicalEvent e = event("{'username':'bob','event_type':'problem_check','event_source':'browser',"
                + "'time':'2016-05-13T10:00:00+00:00','page':'https://x/courseware/1','context':{'course_id':'"
                + COURSE + "'},'event':'input_p1_2_1=choice_1'}");
        assertThat(e.action()).isEqualTo("interacted");
        assertThat(e.scoreRaw()).isNull();
        assertThat(e.objectId()).isEqualTo("https://x/courseware/1");
    }

    @Test
    void forumReplyPointsAtItsThread() throws Exception {
        CanonicalEvent e = event("{'username':'carol','event_type':'edx.forum.response.created',"
                + "'event_source':'server','time':'2016-05-13T10:00:00+00:00','context':{'course_id':'" + COURSE
                + "'},'event':{'id':'resp1','discussion':{'id':'thread1'},'body':'hi'}}");
        assertThat(e.action()).isEqualTo("replied");
        assertThat(e.objectType()).isEqualTo("forum_post");
        assertThat(e.objectId()).isEqualTo("resp1");
        assertThat(e.inReplyTo()).isEqualTo("thread1");
        assertThat(e.parentId()).isEqualTo("thread1");
    }

    @Test
    void implicitEventIsOtherOnItsPathAndInstructorPathsAreInstructors() throws Exception {
        CanonicalEvent e = event("{'username':'dan','event_type':'/courses/" + COURSE + "/instructor/api/x',"
                + "'event_source':'server','time':'2016-05-13T10:00:00+00:00','context':{'course_id':'" + COURSE
                + "'},'event':{'GET':{},'POST':{}}}");
        assertThat(e.action()).isEqualTo("other");
        assertThat(e.objectType()).isEqualTo("activity");
        assertThat(e.objectId()).isEqualTo("/courses/" + COURSE + "/instructor/api/x");
        assertThat(e.actorRole()).isEqualTo("instructor");
    }

    @Test
    void timeWithoutOffsetIsUtc() throws Exception {
        CanonicalEvent e = event("{'username':'e','event_type':'seq_goto','time':'2013-12-17T15:38:32.805444',"
                + "'context':{'course_id':'edX/DemoX/Demo_Course'},'event':'{}'}");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2013-12-17T15:38:32.805444Z"));
        assertThat(e.action()).isEqualTo("viewed");
        assertThat(e.objectType()).isEqualTo("module");
        assertThat(e.courseId()).isEqualTo("edX/DemoX/Demo_Course");
    }

    @Test
    void eventIdIsTheV5OfTheContentAndStable() throws Exception {
        String r = "{'username':'e','event_type':'seq_next','time':'2016-01-01T00:00:00+00:00',"
                + "'context':{'course_id':'c'}}";
        CanonicalEvent a = event(r);
        CanonicalEvent b = event("{'time':'2016-01-01T00:00:00+00:00','username':'e','event_type':'seq_next',"
                + "'context':{'course_id':'c'}}");
        assertThat(a.eventId()).isEqualTo(b.eventId()).matches("[0-9a-f-]{36}");
        assertThat(a.eventId().charAt(14)).isEqualTo('5');
        assertThat(a.contentHash()).hasSize(64);
    }

    @Test
    void unmappedEventTypeIsOther() throws Exception {
        assertThat(event("{'username':'e','event_type':'edx.something.new','time':'2016-01-01T00:00:00Z',"
                + "'context':{'course_id':'c'}}").action()).isEqualTo("other");
    }

    @Test
    void notAnEvent() throws Exception {
        assertThat(rejected("[1,2]").reason()).isEqualTo(QuarantineReason.NOT_AN_EVENT);
        EdxMapper.Rejected r = rejected("{'userId':'x','type':'track','timestamp':'2016-01-01T00:00:00Z'}");
        assertThat(r.reason()).isEqualTo(QuarantineReason.NOT_AN_EVENT);
        assertThat(r.detail()).contains("event_type");
    }

    @Test
    void missingActor() throws Exception {
        EdxMapper.Rejected r = rejected("{'username':'','event_type':'seq_goto','time':'2016-01-01T00:00:00Z',"
                + "'context':{'course_id':'c'}}");
        assertThat(r.reason()).isEqualTo(QuarantineReason.MISSING_ACTOR);
        assertThat(r.detail()).contains("username");
    }

    @Test
    void missingTimestamp() throws Exception {
        assertThat(rejected("{'username':'a','event_type':'seq_goto','context':{'course_id':'c'}}").reason())
                .isEqualTo(QuarantineReason.MISSING_TIMESTAMP);
    }

    @Test
    void invalidTimestamp() throws Exception {
        EdxMapper.Rejected r = rejected("{'username':'a','event_type':'seq_goto','time':'yesterday',"
                + "'context':{'course_id':'c'}}");
        assertThat(r.reason()).isEqualTo(QuarantineReason.INVALID_TIMESTAMP);
        assertThat(r.detail()).contains("yesterday");
    }

    @Test
    void missingCourse() throws Exception {
        EdxMapper.Rejected r = rejected("{'username':'a','event_type':'/dashboard','time':'2016-01-01T00:00:00Z',"
                + "'context':{}}");
        assertThat(r.reason()).isEqualTo(QuarantineReason.MISSING_COURSE);
        assertThat(r.detail()).contains("/dashboard");
    }

    @Test
    void scoreOutOfRange() throws Exception {
        EdxMapper.Rejected r = rejected("{'username':'a','event_type':'problem_check','event_source':'server',"
                + "'time':'2016-01-01T00:00:00Z','context':{'course_id':'c'},"
                + "'event':{'problem_id':'p','grade':3,'max_grade':2}}");
        assertThat(r.reason()).isEqualTo(QuarantineReason.SCORE_OUT_OF_RANGE);
    }
}
