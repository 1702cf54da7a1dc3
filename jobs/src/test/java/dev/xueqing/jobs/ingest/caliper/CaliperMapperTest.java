package dev.xueqing.jobs.ingest.caliper;

import dev.xueqing.common.config.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.privacy.Pseudonymizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each mapping rule and each quarantine reason of {@link CaliperMapper}, on small in-code events. */
class CaliperMapperTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final CaliperMapper MAPPER = new CaliperMapper(ConfigLoader.defaults().caliper(), PSEUDO, ZoneId.of("Asia/Shanghai"), "t", "r1");
    static final String ID = "urn:uuid:A50CA17F-5971-47BB-8FCA-4E6E6879001D";
    static final String SECTION = "{\"id\":\"https://ex.edu/terms/1/courses/7/sections/1\",\"type\":\"CourseSection\","
            + "\"subOrganizationOf\":{\"id\":\"https://ex.edu/terms/1/courses/7\",\"type\":\"CourseOffering\"}}";

    static ObjectNode view() throws Exception {
        return (ObjectNode) JSON.readTree("{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\",\"id\":\"" + ID
                + "\",\"type\":\"ViewEvent\",\"profile\":\"ReadingProfile\",\"actor\":{\"id\":\"https://ex.edu/users/554433\","
                + "\"type\":\"Person\"},\"action\":\"Viewed\",\"object\":{\"id\":\"https://ex.edu/etexts/201.epub\","
                + "\"type\":\"Document\",\"name\":\"Guide\",\"isPartOf\":\"https://ex.edu/etexts\"},"
                + "\"eventTime\":\"2016-11-15T20:15:00.000Z\",\"edApp\":\"https://ex.edu\",\"group\":" + SECTION
                + ",\"membership\":{\"id\":\"https://ex.edu/m/1\",\"type\":\"Membership\",\"roles\":[\"Learner\"]}}");
    }

    static CanonicalEvent event(JsonNode n) {
        CaliperMapper.Mapped m = MAPPER.map(n, "f:1");
        assertThat(m).as(m.toString()).isInstanceOf(CaliperMapper.Event.class);
        return ((CaliperMapper.Event) m).event();
    }

    static String reason(JsonNode n) {
        CaliperMapper.Mapped m = MAPPER.map(n, "f:1");
        assertThat(m).isInstanceOf(CaliperMapper.Rejected.class);
        return ((CaliperMapper.Rejected) m).reason().code();
    }

    @Test
    void viewEventMapsIdsTimesCourseClassAndObject() throws Exception {
        CanonicalEvent e = event(view());
        assertThat(e.eventId()).isEqualTo("a50ca17f-5971-47bb-8fca-4e6e6879001d");
        assertThat(e.source()).isEqualTo("caliper");
        assertThat(e.learnerKey()).isEqualTo(PSEUDO.pseudonym("t", "caliper-actor:https://ex.edu/users/554433"));
        assertThat(e.actorRole()).isEqualTo("learner");
        assertThat(e.courseId()).isEqualTo("https://ex.edu/terms/1/courses/7");
        assertThat(e.classId()).isEqualTo("https://ex.edu/terms/1/courses/7/sections/1");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2016-11-15T20:15:00Z"));
        assertThat(e.eventDate()).isEqualTo(LocalDate.of(2016, 11, 16)); // tenant zone
        assertThat(e.action()).isEqualTo("viewed");
        assertThat(e.sourceVerb()).isEqualTo("ViewEvent.Viewed");
        assertThat(e.objectId()).isEqualTo("https://ex.edu/etexts/201.epub");
        assertThat(e.objectType()).isEqualTo("page");
        assertThat(e.parentId()).isEqualTo("https://ex.edu/etexts");
        assertThat(e.rawRef()).isEqualTo("f:1");
    }

    @Test
    void observationsHoldTheCourseAndTheObject() throws Exception {
        var obs = ((CaliperMapper.Event) MAPPER.map(view(), "f:1")).observations();
        assertThat(obs).extracting(ObjectObservation::objectId, ObjectObservation::objectType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("https://ex.edu/terms/1/courses/7", "course"),
                        org.assertj.core.groups.Tuple.tuple("https://ex.edu/etexts/201.epub", "page"));
        assertThat(obs.get(1).title()).isEqualTo("Guide");
    }

    @Test
    void courseRules() throws Exception {
        ObjectNode e = view();
        e.put("group", "https://ex.edu/c/9");
        assertThat(event(e).courseId()).isEqualTo("https://ex.edu/c/9");
        assertThat(event(e).classId()).isNull();
        e.set("group", JSON.readTree("{\"id\":\"https://ex.edu/s/2\",\"type\":\"CourseSection\"}"));
        assertThat(event(e).courseId()).isEqualTo("https://ex.edu/s/2");
        e.set("group", JSON.readTree("{\"id\":\"https://ex.edu/g/3\",\"type\":\"Group\",\"subOrganizationOf\":" + SECTION + "}"));
        assertThat(event(e).courseId()).isEqualTo("https://ex.edu/terms/1/courses/7");
        assertThat(event(e).classId()).isEqualTo("https://ex.edu/g/3");
        e.remove("group");
        e.set("membership", JSON.readTree("{\"id\":\"https://ex.edu/m/1\",\"type\":\"Membership\",\"organization\":" + SECTION + "}"));
        assertThat(event(e).classId()).isEqualTo("https://ex.edu/terms/1/courses/7/sections/1");
        e.remove("membership");
        assertThat(event(e).courseId()).isEqualTo("https://ex.edu");
        e.remove("edApp");
        assertThat(event(e).courseId()).isEqualTo(CaliperMapper.NO_COURSE);
    }

    @Test
    void membershipRolesGiveStaffRoles() throws Exception {
        ObjectNode e = view();
        ((ObjectNode) e.get("membership")).set("roles", JSON.readTree("[\"Instructor\"]"));
        assertThat(event(e).actorRole()).isEqualTo("instructor");
        // the most specific role wins, wherever it is in the list
        ((ObjectNode) e.get("membership")).set("roles", JSON.readTree("[\"Instructor\", \"Instructor#TeachingAssistant\"]"));
        assertThat(event(e).actorRole()).isEqualTo("tutor");
        ((ObjectNode) e.get("membership")).set("roles", JSON.readTree("[\"Learner\", \"Mentor#Tutor\"]"));
        assertThat(event(e).actorRole()).isEqualTo("tutor");
        // a role outside the LIS vocabulary is a defect of the membership, not a role
        ((ObjectNode) e.get("membership")).set("roles", JSON.readTree("[\"TeachingAssistant\"]"));
        assertThat(reason(e)).isEqualTo("unknown_value");
    }

    @Test
    void gradeEventScoresTheAssigneeWithASystemRole() throws Exception {
        ObjectNode e = view();
        e.put("type", "GradeEvent").put("action", "Graded").put("profile", "GradingProfile");
        e.set("actor", JSON.readTree("{\"id\":\"https://ex.edu/autograder\",\"type\":\"SoftwareApplication\"}"));
        e.remove("membership");
        e.set("object", JSON.readTree("{\"id\":\"https://ex.edu/a/1\",\"type\":\"Attempt\",\"count\":2,"
                + "\"duration\":\"PT50M12S\",\"assignee\":{\"id\":\"https://ex.edu/users/554433\",\"type\":\"Person\"},"
                + "\"assignable\":{\"id\":\"https://ex.edu/assess/1\",\"type\":\"Assessment\"}}"));
        e.set("generated", JSON.readTree("{\"id\":\"https://ex.edu/s/1\",\"type\":\"Score\",\"scoreGiven\":10.0,\"maxScore\":15.0}"));
        CanonicalEvent g = event(e);
        assertThat(g.action()).isEqualTo("scored");
        assertThat(g.actorRole()).isEqualTo("system");
        assertThat(g.learnerKey()).isEqualTo(PSEUDO.pseudonym("t", "caliper-actor:https://ex.edu/users/554433"));
        assertThat(g.objectId()).isEqualTo("https://ex.edu/assess/1");
        assertThat(g.objectType()).isEqualTo("quiz");
        assertThat(g.scoreRaw()).isEqualTo(10.0);
        assertThat(g.scoreMax()).isEqualTo(15.0);
        assertThat(g.scoreScaled()).isEqualTo(10.0 / 15.0);
        assertThat(g.attempt()).isEqualTo(2);
        assertThat(g.durationS()).isEqualTo(3012.0);
    }

    @Test
    void actionsByTypeAndResponses() throws Exception {
        ObjectNode e = view();
        e.put("type", "MediaEvent").put("action", "Paused").remove("profile");
        e.set("object", JSON.readTree("{\"id\":\"https://ex.edu/v/1\",\"type\":\"VideoObject\"}"));
        assertThat(event(e).action()).isEqualTo("video_paused");
        assertThat(event(e).objectType()).isEqualTo("video");
        e.put("type", "SessionEvent").put("action", "LoggedIn");
        assertThat(event(e).action()).isEqualTo("logged_in");
        e.put("type", "ToolUseEvent").put("action", "Used");
        assertThat(event(e).action()).isEqualTo("interacted");
        e.put("type", "Event").put("action", "Liked");
        assertThat(event(e).action()).isEqualTo("other");
        e.put("type", "AssessmentItemEvent").put("action", "Completed");
        e.set("object", JSON.readTree("{\"id\":\"https://ex.edu/q/3\",\"type\":\"AssessmentItem\",\"isPartOf\":{\"id\":\"https://ex.edu/assess/1\",\"type\":\"Assessment\"}}"));
        e.set("generated", JSON.readTree("{\"id\":\"https://ex.edu/r/1\",\"type\":\"FillinBlankResponse\",\"values\":[\"a\",\"b\"],"
                + "\"attempt\":{\"id\":\"https://ex.edu/a/9\",\"type\":\"Attempt\",\"count\":1}}"));
        CanonicalEvent a = event(e);
        assertThat(a.action()).isEqualTo("answered");
        assertThat(a.objectType()).isEqualTo("question");
        assertThat(a.parentId()).isEqualTo("https://ex.edu/assess/1");
        assertThat(a.response()).isEqualTo("a,b");
        assertThat(a.attempt()).isEqualTo(1);
    }

    @Test
    void learningObjectivesAreTheSkillsOfTheObservedObject() throws Exception {
        ObjectNode e = view();
        e.put("type", "AssessmentItemEvent").put("action", "Completed").put("profile", "AssessmentProfile");
        // LearningObjective entities and bare IRIs; a repeat (after trimming) is dropped, the order kept
        e.set("object", JSON.readTree("{\"id\":\"https://ex.edu/q/3\",\"type\":\"AssessmentItem\","
                + "\"isPartOf\":{\"id\":\"https://ex.edu/assess/1\",\"type\":\"Assessment\"},"
                + "\"learningObjectives\":[{\"id\":\"https://ex.edu/objectives/fractions\","
                + "\"type\":\"LearningObjective\",\"name\":\"Fractions\"},"
                + "\"https://ex.edu/objectives/add\", \"https://ex.edu/objectives/fractions\"]}"));
        List<ObjectObservation> obs = ((CaliperMapper.Event) MAPPER.map(e, "f:1")).observations();
        assertThat(obs.get(1).objectId()).isEqualTo("https://ex.edu/q/3");
        assertThat(obs.get(1).skills()).containsExactly("https://ex.edu/objectives/fractions",
                "https://ex.edu/objectives/add");
        assertThat(obs.get(0).skills()).as("the course's observation says nothing about skills").isNull();

        // an empty list says the item practises none; no learningObjectives says nothing
        ((ObjectNode) e.get("object")).set("learningObjectives", JSON.readTree("[]"));
        assertThat(((CaliperMapper.Event) MAPPER.map(e, "f:1")).observations().get(1).skills()).isEmpty();
        ((ObjectNode) e.get("object")).remove("learningObjectives");
        assertThat(((CaliperMapper.Event) MAPPER.map(e, "f:1")).observations().get(1).skills()).isNull();

        // an Attempt stands for its assignable: the Assessment's objectives
        ObjectNode graded = view();
        graded.put("type", "GradeEvent").put("action", "Graded").put("profile", "GradingProfile");
        graded.set("object", JSON.readTree("{\"id\":\"https://ex.edu/a/1\",\"type\":\"Attempt\",\"count\":1,"
                + "\"assignee\":\"https://ex.edu/users/554433\",\"assignable\":{\"id\":\"https://ex.edu/assess/1\","
                + "\"type\":\"Assessment\",\"learningObjectives\":[\"https://ex.edu/objectives/add\"]}}"));
        List<ObjectObservation> gradedObs = ((CaliperMapper.Event) MAPPER.map(graded, "f:1")).observations();
        assertThat(gradedObs.get(1).objectId()).isEqualTo("https://ex.edu/assess/1");
        assertThat(gradedObs.get(1).skills()).containsExactly("https://ex.edu/objectives/add");
    }

    @Test
    void aMessageWithReplyToIsAReply() throws Exception {
        ObjectNode e = view();
        e.put("type", "MessageEvent").put("action", "Posted").put("profile", "ForumProfile");
        e.set("object", JSON.readTree("{\"id\":\"https://ex.edu/msg/2\",\"type\":\"Message\",\"replyTo\":"
                + "{\"id\":\"https://ex.edu/msg/1\",\"type\":\"Message\"},\"isPartOf\":{\"id\":\"https://ex.edu/th/1\",\"type\":\"Thread\"}}"));
        CanonicalEvent m = event(e);
        assertThat(m.action()).isEqualTo("replied");
        assertThat(m.inReplyTo()).isEqualTo("https://ex.edu/msg/1");
        assertThat(m.parentId()).isEqualTo("https://ex.edu/th/1");
        assertThat(m.objectType()).isEqualTo("forum_post");
    }

    @Test
    void thinnedEventsWithIrisAreAccepted() throws Exception {
        ObjectNode e = view();
        e.put("actor", "https://ex.edu/users/1").put("object", "https://ex.edu/p/1").put("group", "https://ex.edu/c/1")
                .put("membership", "https://ex.edu/m/1");
        CanonicalEvent t = event(e);
        assertThat(t.objectType()).isEqualTo("activity");
        assertThat(t.learnerKey()).isEqualTo(PSEUDO.pseudonym("t", "caliper-actor:https://ex.edu/users/1"));
    }

    @Test
    void theFormatIsRegistered() {
        assertThat(dev.xueqing.common.config.Formats.KNOWN).contains("caliper");
        assertThat(dev.xueqing.jobs.pipeline.Adapters.create("caliper", dev.xueqing.common.config.ConfigLoader.defaults(),
                PSEUDO, "t", "r", Instant.EPOCH)).isInstanceOf(CaliperAdapter.class)
                .extracting(a -> a.format()).isEqualTo("caliper");
    }

    @Test
    void quarantineReasons() throws Exception {
        assertThat(reason(JSON.readTree("{\"id\":\"https://ex.edu/users/1\",\"type\":\"Person\"}"))).isEqualTo("not_an_event");
        assertThat(reason(JSON.readTree("[1]"))).isEqualTo("not_an_event");
        assertThat(reason(view().put("@context", "http://some.domain/ctx"))).isEqualTo("invalid_context");
        assertThat(reason(view().put("type", "NotAnEvent"))).isEqualTo("unknown_event_type");
        assertThat(reason(without("type"))).isEqualTo("unknown_event_type");
        assertThat(reason(without("id"))).isEqualTo("invalid_id");
        assertThat(reason(view().put("id", "https://ex.edu/e/1"))).isEqualTo("invalid_id");
        assertThat(reason(without("action"))).isEqualTo("invalid_action");
        assertThat(reason(view().put("action", "NotAnAction"))).isEqualTo("invalid_action");
        assertThat(reason(view().put("action", "Deleted"))).isEqualTo("invalid_action");
        assertThat(reason(view().put("profile", "NoProfile"))).isEqualTo("invalid_profile");
        assertThat(reason(without("actor"))).isEqualTo("missing_actor");
        assertThat(reason(view().putNull("actor"))).isEqualTo("missing_actor");
        assertThat(reason(view().put("actor", "not an IRI"))).isEqualTo("invalid_actor");
        assertThat(reason(view().set("actor", JSON.readTree("{\"id\":\"https://ex.edu/s/1\",\"type\":\"Session\"}"))))
                .isEqualTo("invalid_actor");
        assertThat(reason(without("object"))).isEqualTo("missing_object");
        assertThat(reason(view().set("object", JSON.readTree("{\"id\":\"https://ex.edu/u/1\",\"type\":\"Person\"}"))))
                .isEqualTo("invalid_object");
        assertThat(reason(without("eventTime"))).isEqualTo("missing_timestamp");
        assertThat(reason(view().put("eventTime", "15 Nov 2016"))).isEqualTo("invalid_timestamp");
        assertThat(reason(view().put("edApp", "not an IRI"))).isEqualTo("invalid_entity");
        assertThat(reason(view().set("group", JSON.readTree("{\"id\":\"https://ex.edu/u/1\",\"type\":\"Person\"}"))))
                .isEqualTo("invalid_entity");
        assertThat(reason(view().set("generated", JSON.readTree("{\"id\":\"https://ex.edu/u/1\",\"type\":\"Person\"}"))))
                .isEqualTo("invalid_entity");
        ObjectNode launch = view().put("type", "ToolLaunchEvent").put("action", "Launched");
        launch.remove("profile");
        assertThat(reason(launch)).isEqualTo("invalid_entity");
        assertThat(reason(view().put("extensions", "https://ex.edu/ext"))).isEqualTo("invalid_extension");
    }

    static CaliperMapper.Rejected rejected(String json) throws Exception {
        CaliperMapper.Mapped m = MAPPER.map(JSON.readTree(json), "f:1");
        assertThat(m).isInstanceOf(CaliperMapper.Rejected.class);
        return (CaliperMapper.Rejected) m;
    }

    static final String PERSON = "{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\","
            + "\"id\":\"https://ex.edu/users/1\",\"type\":\"Person\",\"name\":\"Ann\","
            + "\"dateCreated\":\"2016-08-01T06:00:00.000Z\"}";

    @Test
    void aValidStandaloneEntityIsNotAnEventAndSaysItIsNotKept() throws Exception {
        CaliperMapper.Rejected r = rejected(PERSON);
        assertThat(r.reason().code()).isEqualTo("not_an_event");
        assertThat(r.detail()).contains("valid Caliper Person").contains("not kept");
        // JSON with neither type nor action is no Caliper document at all
        assertThat(rejected("{\"name\":\"x\"}").reason().code()).isEqualTo("not_an_event");
        // an integer is a valid decimal: JSON has one number type
        assertThat(rejected("{\"id\":\"https://ex.edu/s/1\",\"type\":\"Score\",\"scoreGiven\":10,\"maxScore\":15}")
                .reason().code()).isEqualTo("not_an_event");
    }

    @Test
    void standaloneEntityDefectsGetTheirOwnReasonAndDetail() throws Exception {
        record Case(String json, String reason, String detail) {}
        List<Case> cases = List.of(
                new Case(PERSON.replace("Person", "Persona"), "unknown_entity_type",
                        "type: Persona is not a Caliper entity type"),
                new Case(PERSON.replace("https://ex.edu/users/1", "no iri here"), "invalid_id",
                        // a Person's id is a raw learner id: described, not quoted
                        "id: \"<a string of 11 character(s)>\" is not an IRI"),
                new Case(PERSON.replace("\"id\":\"https://ex.edu/users/1\",", ""), "invalid_id", "id: missing"),
                new Case(PERSON.replace("v1p2", "v9"), "invalid_context", "@context"),
                new Case(PERSON.replace("\"Ann\"", "554433"), "invalid_value_type",
                        "name: a number 554433 where Caliper expects a string"),
                new Case(PERSON.replace("2016-08-01T06:00:00.000Z", "2016-08-01"), "invalid_timestamp",
                        "dateCreated: \"2016-08-01\" is not an ISO 8601 date-time"),
                new Case(PERSON.replace("\"name\":\"Ann\"", "\"extensions\":\"x\""), "invalid_extension",
                        "extensions: a string \"x\" is not a JSON object"),
                new Case("{\"id\":\"https://ex.edu/a/1\",\"type\":\"Attempt\",\"duration\":\"50 minutes\"}",
                        "bad_duration", "duration: \"50 minutes\" is not an ISO 8601 duration"),
                new Case("{\"id\":\"https://ex.edu/a/1\",\"type\":\"Attempt\",\"count\":\"One\"}",
                        "invalid_value_type", "count: a string \"One\" where Caliper expects an integer"),
                new Case("{\"id\":\"https://ex.edu/a/1\",\"type\":\"Attempt\","
                        + "\"assignee\":{\"id\":\"https://ex.edu/q/1\",\"type\":\"Assessment\"}}",
                        "invalid_entity", "assignee: an entity of type Assessment where Caliper expects Person"),
                new Case("{\"id\":\"https://ex.edu/r/1\",\"type\":\"Result\",\"attempt\":null}",
                        "invalid_entity", "attempt: null is neither an entity nor an IRI"),
                new Case("{\"id\":\"https://ex.edu/m/1\",\"type\":\"Membership\",\"roles\":\"Learner\"}",
                        "invalid_value_type", "roles: a string \"Learner\" where Caliper expects a list of Role term"),
                new Case("{\"id\":\"https://ex.edu/m/1\",\"type\":\"Membership\",\"status\":\"Gone\"}",
                        "unknown_value", "status: \"Gone\" is not one of the Caliper terms [Active, Inactive]"),
                new Case("{\"id\":\"urn:uuid:c3ba4c01-1f17-46e0-85dd-1e366e6ebb81\",\"type\":\"AggregateMeasure\","
                        + "\"metricValue\":12.0}", "missing_property", "metric: missing or null"),
                new Case("{\"id\":\"https://ex.edu/t/1\",\"type\":\"Thread\",\"items\":[\"https://ex.edu/m/1\","
                        + "{\"id\":\"https://ex.edu/c/7\",\"type\":\"CourseOffering\"}]}", "invalid_entity",
                        "items[1]: an entity of type CourseOffering where Caliper expects Message"));
        for (Case c : cases) {
            CaliperMapper.Rejected r = rejected(c.json());
            assertThat(r.reason().code()).as(c.json()).isEqualTo(c.reason());
            assertThat(r.detail()).as(c.json()).contains(c.detail());
        }
    }

    @Test
    void entitiesInsideAnEventFollowTheSameRules() throws Exception {
        ObjectNode e = view();
        e.put("type", "GradeEvent").put("action", "Graded").put("profile", "GradingProfile");
        e.set("object", JSON.readTree("{\"id\":\"https://ex.edu/a/1\",\"type\":\"Attempt\",\"count\":2,"
                + "\"assignee\":{\"id\":\"https://ex.edu/users/554433\",\"type\":\"Person\"}}"));
        e.set("generated", JSON.readTree("{\"id\":\"https://ex.edu/s/1\",\"type\":\"Score\",\"scoreGiven\":\"10.0\"}"));
        CaliperMapper.Rejected r = (CaliperMapper.Rejected) MAPPER.map(e, "f:1");
        assertThat(r.reason().code()).isEqualTo("invalid_value_type");
        assertThat(r.detail()).startsWith("generated.scoreGiven: a string \"10.0\" where Caliper expects a number");
        // two levels down: the assignee of the Attempt object
        e.set("generated", JSON.readTree("{\"id\":\"https://ex.edu/s/1\",\"type\":\"Score\",\"scoreGiven\":10.0}"));
        ((ObjectNode) e.get("object").get("assignee")).put("dateCreated", "yesterday");
        r = (CaliperMapper.Rejected) MAPPER.map(e, "f:1");
        assertThat(r.reason().code()).isEqualTo("invalid_timestamp");
        assertThat(r.detail()).startsWith("object.assignee.dateCreated:");
        ((ObjectNode) e.get("object").get("assignee")).remove("dateCreated");
        assertThat(MAPPER.map(e, "f:1")).isInstanceOf(CaliperMapper.Event.class);
    }

    private static ObjectNode without(String field) throws Exception {
        ObjectNode e = view();
        e.remove(field);
        return e;
    }
}
