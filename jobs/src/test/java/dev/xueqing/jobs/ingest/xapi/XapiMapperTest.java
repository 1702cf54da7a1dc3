package dev.xueqing.jobs.ingest.xapi;

import dev.xueqing.jobs.ingest.RecordHashes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.Pseudonymizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Pins every xAPI → canonical event mapping rule on hand-written statements. */
class XapiMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XueqingConfig CONFIG = ConfigLoader.defaults();
    private static final Pseudonymizer PSEUDONYMIZER =
            new Pseudonymizer("0123456789abcdef0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII));
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final String COURSE = "https://lms.example.edu.cn/course/42";
    private static final String QUIZ = "https://lms.example.edu.cn/course/42/quiz/7";
    private static final String QUESTION = "https://lms.example.edu.cn/course/42/quiz/7/q/3";
    private static final String CLASS = "https://lms.example.edu.cn/course/42/class/2";
    private static final String RAW_EMAIL = "li.hua@mail.test";

    private final XapiMapper mapper = new XapiMapper(CONFIG.xapi(), CONFIG.skills().extensions(),
            PSEUDONYMIZER, SHANGHAI, "uni-a", "run-1");

    static ObjectNode statement() {
        return (ObjectNode) parse("""
                {"id": "FD41C918-B88B-4B20-A0A5-A4C32391AAA0",
                 "actor": {"name": "Li Hua", "mbox": "mailto:Li.Hua@Mail.Test"},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
                 "object": {"id": "https://lms.example.edu.cn/course/42/quiz/7/q/3",
                            "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                           "name": {"de": "Frage 3", "zh-CN": "第3题", "en-US": "Question 3"},
                                           "extensions": {"urn:xueqing:extension:due-time": "2026-03-08T23:59:00+08:00",
                                                          "urn:xueqing:extension:weight": 2.5}}},
                 "result": {"score": {"raw": 3, "min": 1, "max": 5}, "success": true, "completion": true,
                            "response": "b", "duration": "PT1M30.5S"},
                 "context": {"contextActivities": {
                                "parent": [{"id": "https://lms.example.edu.cn/course/42/quiz/7",
                                            "definition": {"type": "http://adlnet.gov/expapi/activities/assessment",
                                                           "name": {"zh-CN": "第7次测验"}}}],
                                "grouping": [{"id": "https://lms.example.edu.cn/course/42",
                                              "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                                             "name": {"en-US": "Data Analysis"}}},
                                             {"id": "https://lms.example.edu.cn/course/42/class/2",
                                              "definition": {"type": "urn:xueqing:activity-type:class"}}]}},
                 "timestamp": "2026-03-02T00:30:00+08:00",
                 "stored": "2026-03-02T00:00:00Z",
                 "version": "1.0.3"}
                """);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode at(ObjectNode root, String path) {
        return (ObjectNode) root.at(path);
    }

    private XapiMapper.Event event(Consumer<ObjectNode> change) {
        ObjectNode s = statement();
        change.accept(s);
        XapiMapper.Mapped mapped = mapper.map(s, "file:/in/a.jsonl.gz:17");
        assertThat(mapped).isInstanceOf(XapiMapper.Event.class);
        return (XapiMapper.Event) mapped;
    }

    private CanonicalEvent map(Consumer<ObjectNode> change) {
        return event(change).event();
    }

    private XapiMapper.Rejected rejected(Consumer<ObjectNode> change) {
        ObjectNode s = statement();
        change.accept(s);
        XapiMapper.Mapped mapped = mapper.map(s, "file:/in/a.jsonl:1");
        assertThat(mapped).isInstanceOf(XapiMapper.Rejected.class);
        return (XapiMapper.Rejected) mapped;
    }

    @Test
    void mapsEveryColumnOfAnAnsweredQuestion() {
        CanonicalEvent e = map(s -> { });
        assertThat(e.eventId()).isEqualTo("fd41c918-b88b-4b20-a0a5-a4c32391aaa0");
        assertThat(e.source()).isEqualTo("xapi");
        assertThat(e.tenant()).isEqualTo("uni-a");
        assertThat(e.runId()).isEqualTo("run-1");
        assertThat(e.rawRef()).isEqualTo("file:/in/a.jsonl.gz:17");
        assertThat(e.learnerKey()).isEqualTo(PSEUDONYMIZER.pseudonym("uni-a", "mbox:mailto:" + RAW_EMAIL));
        assertThat(e.actorRole()).isEqualTo("learner");
        assertThat(e.action()).isEqualTo("answered");
        assertThat(e.sourceVerb()).isEqualTo("http://adlnet.gov/expapi/verbs/answered");
        assertThat(e.objectId()).isEqualTo(QUESTION);
        assertThat(e.objectType()).isEqualTo("question");
        assertThat(e.courseId()).isEqualTo(COURSE);
        assertThat(e.classId()).isEqualTo(CLASS);
        assertThat(e.parentId()).isEqualTo(QUIZ);
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-03-01T16:30:00Z"));
        assertThat(e.eventDate()).isEqualTo(LocalDate.of(2026, 3, 2));
        assertThat(e.scoreRaw()).isEqualTo(3.0);
        assertThat(e.scoreMax()).isEqualTo(5.0);
        assertThat(e.scoreScaled()).isEqualTo(0.5);
        assertThat(e.success()).isTrue();
        assertThat(e.completion()).isTrue();
        assertThat(e.durationS()).isEqualTo(90.5);
        assertThat(e.response()).isEqualTo("b");
        assertThat(e.attempt()).isNull();
        assertThat(e.inReplyTo()).isNull();
        assertThat(e.contentHash()).matches("[0-9a-f]{64}");
        assertThat(e.toRow().size()).isEqualTo(27);
    }

    @Test
    void pseudonymsAreDeterministicNormalisedAndPerTenant() {
        CanonicalEvent a = map(s -> { });
        CanonicalEvent b = map(s -> at(s, "/actor").put("mbox", "mailto:li.hua@mail.test"));
        assertThat(b.learnerKey()).isEqualTo(a.learnerKey()).matches("[0-9a-f]{32}");
        XapiMapper other = new XapiMapper(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDONYMIZER, SHANGHAI,
                "uni-b", "run-1");
        CanonicalEvent c = ((XapiMapper.Event) other.map(statement(), "x")).event();
        assertThat(c.learnerKey()).isNotEqualTo(a.learnerKey());

        CanonicalEvent sha = map(s -> s.set("actor", parse(
                "{\"mbox_sha1sum\": \"CD9B00A5611F94EAA7B1661EDAB976068E364975\"}")));
        assertThat(sha.learnerKey()).isEqualTo(PSEUDONYMIZER.pseudonym("uni-a",
                "mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975"));
        CanonicalEvent account = map(s -> s.set("actor", parse(
                "{\"account\": {\"homePage\": \"https://lms.example.edu.cn\", \"name\": \"2023001\"}}")));
        assertThat(account.learnerKey()).isEqualTo(PSEUDONYMIZER.pseudonym("uni-a",
                "account:https://lms.example.edu.cn|2023001"));
        CanonicalEvent openid = map(s -> s.set("actor", parse("{\"openid\": \"http://openid.example.org/u1\"}")));
        assertThat(openid.learnerKey()).isEqualTo(PSEUDONYMIZER.pseudonym("uni-a",
                "openid:http://openid.example.org/u1"));
    }

    @Test
    void groupActorsUseTheGroupIdentifierOrTheSortedMembers() {
        CanonicalEvent identified = map(s -> s.set("actor", parse(
                "{\"objectType\": \"Group\", \"mbox\": \"mailto:team@mail.test\"}")));
        assertThat(identified.learnerKey()).isEqualTo(PSEUDONYMIZER.pseudonym("uni-a", "mbox:mailto:team@mail.test"));
        CanonicalEvent anonymous = map(s -> s.set("actor", parse(
                "{\"objectType\": \"Group\", \"member\": [{\"mbox\": \"mailto:b@mail.test\"}, "
                        + "{\"mbox\": \"mailto:a@mail.test\"}]}")));
        assertThat(anonymous.learnerKey()).isEqualTo(PSEUDONYMIZER.pseudonym("uni-a",
                "mbox:mailto:a@mail.test,mbox:mailto:b@mail.test"));
    }

    @Test
    void noRawIdentifierReachesAnyOutputField() {
        XapiMapper.Event e = event(s -> {
            s.set("object", parse("{\"objectType\": \"Agent\", \"mbox\": \"mailto:wang.fang@mail.test\"}"));
            s.set("verb", parse("{\"id\": \"http://activitystrea.ms/schema/1.0/follow\"}"));
            s.remove("result");
        });
        String everything = e.event().toString() + e.observations();
        assertThat(everything).doesNotContainIgnoringCase("li.hua").doesNotContainIgnoringCase("wang.fang")
                .doesNotContain("mailto").doesNotContain("mail.test");
        assertThat(e.event().objectType()).isEqualTo("agent");
        assertThat(e.event().objectId())
                .isEqualTo(PSEUDONYMIZER.pseudonym("uni-a", "mbox:mailto:wang.fang@mail.test"));
        assertThat(e.observations()).extracting(ObjectObservation::objectId).doesNotContain(e.event().objectId());
    }

    @Test
    void verbAndTypeMapping() {
        CanonicalEvent unknown = map(s -> at(s, "/verb").put("id", "http://example.com/verbs/pondered"));
        assertThat(unknown.action()).isEqualTo("other");
        assertThat(unknown.sourceVerb()).isEqualTo("http://example.com/verbs/pondered");

        CanonicalEvent video = map(s -> {
            at(s, "/verb").put("id", "http://adlnet.gov/expapi/verbs/completed");
            at(s, "/object/definition").put("type", "https://w3id.org/xapi/video/activity-type/video");
            s.remove("result");
        });
        assertThat(video.action()).isEqualTo("video_completed");
        assertThat(video.objectType()).isEqualTo("video");
        assertThat(video.durationS()).isNull();

        CanonicalEvent completedPage = map(s -> {
            at(s, "/verb").put("id", "http://adlnet.gov/expapi/verbs/completed");
            at(s, "/object/definition").put("type", "http://activitystrea.ms/schema/1.0/page");
        });
        assertThat(completedPage.action()).isEqualTo("completed");
        assertThat(completedPage.objectType()).isEqualTo("page");

        CanonicalEvent untyped = map(s -> at(s, "/object").remove("definition"));
        assertThat(untyped.objectType()).isEqualTo("activity");
        CanonicalEvent unknownType = map(s -> at(s, "/object/definition").put("type", "http://example.com/t/x"));
        assertThat(unknownType.objectType()).isEqualTo("activity");
    }

    @Test
    void statementRefAndSubStatementObjects() {
        CanonicalEvent ref = map(s -> {
            s.set("object", parse("{\"objectType\": \"StatementRef\", \"id\": \"6690E6C9-3EF0-4ED3-8B37-7F3964730BEE\"}"));
            s.remove("result");
        });
        assertThat(ref.objectType()).isEqualTo("statement");
        assertThat(ref.objectId()).isEqualTo("6690e6c9-3ef0-4ed3-8b37-7f3964730bee");

        JsonNode sub = parse("""
                {"objectType": "SubStatement", "actor": {"mbox": "mailto:li.hua@mail.test"},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                 "object": {"id": "http://example.com/page/1"}}""");
        CanonicalEvent subEvent = map(s -> s.set("object", sub));
        assertThat(subEvent.objectType()).isEqualTo("statement");
        assertThat(subEvent.objectId()).isEqualTo(RecordHashes.hashOf(sub)).matches("[0-9a-f]{64}");
    }

    @Test
    void courseClassAndParentRules() {
        // course found in parent when grouping has none; the first parent that is not the course is the parent_id
        CanonicalEvent fromParent = map(s -> {
            at(s, "/context").set("contextActivities", parse("""
                    {"parent": [{"id": "https://lms.example.edu.cn/course/42",
                                 "definition": {"type": "https://w3id.org/xapi/cmi5/activitytype/course"}},
                                {"id": "https://lms.example.edu.cn/course/42/quiz/7"}],
                     "grouping": {"id": "https://lms.example.edu.cn/programme/1"}}"""));
        });
        assertThat(fromParent.courseId()).isEqualTo(COURSE);
        assertThat(fromParent.parentId()).isEqualTo(QUIZ);
        assertThat(fromParent.classId()).isNull();

        // the object itself is the course
        CanonicalEvent objectIsCourse = map(s -> {
            s.set("object", parse("{\"id\": \"https://lms.example.edu.cn/course/9\", \"definition\": "
                    + "{\"type\": \"http://adlnet.gov/expapi/activities/course\"}}"));
            s.remove("context");
            at(s, "/verb").put("id", "http://adlnet.gov/expapi/verbs/registered");
        });
        assertThat(objectIsCourse.courseId()).isEqualTo("https://lms.example.edu.cn/course/9");
        assertThat(objectIsCourse.objectType()).isEqualTo("course");
        assertThat(objectIsCourse.action()).isEqualTo("enrolled");

        // fallback: the first grouping activity, whatever its type; class from the team's name
        CanonicalEvent fallback = map(s -> at(s, "/context").setAll((ObjectNode) parse("""
                {"contextActivities": {"grouping": [{"id": "https://lms.example.edu.cn/c/77"},
                                                    {"id": "https://lms.example.edu.cn/c/78"}]},
                 "team": {"objectType": "Group", "name": "Class 2 (2026 spring)",
                          "member": [{"mbox": "mailto:li.hua@mail.test"}]}}""")));
        assertThat(fallback.courseId()).isEqualTo("https://lms.example.edu.cn/c/77");
        assertThat(fallback.classId()).isEqualTo("Class 2 (2026 spring)");
        assertThat(fallback.parentId()).isNull();

        CanonicalEvent teamAccount = map(s -> at(s, "/context").setAll((ObjectNode) parse("""
                {"contextActivities": {"grouping": [{"id": "https://lms.example.edu.cn/c/77"}]},
                 "team": {"objectType": "Group", "account": {"homePage": "https://lms.example.edu.cn",
                          "name": "class-2"}}}""")));
        assertThat(teamAccount.classId()).isEqualTo("class-2");

        // without the fallback there is no course
        XueqingConfig.Xapi x = CONFIG.xapi();
        XapiMapper strict = new XapiMapper(new XueqingConfig.Xapi(x.verbs(), x.activityTypes(), false,
                x.roleExtensions(), x.dueTimeExtensions(), x.weightExtensions(), x.videoLengthExtensions(),
                x.threadActivityTypes()),
                CONFIG.skills().extensions(), PSEUDONYMIZER, SHANGHAI, "uni-a", "run-1");
        ObjectNode s = statement();
        at(s, "/context").set("contextActivities", parse(
                "{\"grouping\": [{\"id\": \"https://lms.example.edu.cn/c/77\"}]}"));
        XapiMapper.Mapped mapped = strict.map(s, "x");
        assertThat(mapped).isInstanceOf(XapiMapper.Rejected.class);
        assertThat(((XapiMapper.Rejected) mapped).reason()).isEqualTo(QuarantineReason.MISSING_COURSE);
    }

    @Test
    void missingCourse() {
        XapiMapper.Rejected r = rejected(s -> s.remove("context"));
        assertThat(r.reason()).isEqualTo(QuarantineReason.MISSING_COURSE);
        assertThat(r.detail()).contains("course");
    }

    @Test
    void timesAreUtcAndDatesInTheTenantZone() {
        CanonicalEvent z = map(s -> s.put("timestamp", "2026-03-01T16:30:00Z"));
        assertThat(z.eventTime()).isEqualTo(Instant.parse("2026-03-01T16:30:00Z"));
        assertThat(z.eventDate()).isEqualTo(LocalDate.of(2026, 3, 2));
        CanonicalEvent before = map(s -> s.put("timestamp", "2026-03-01T15:59:59.999Z"));
        assertThat(before.eventDate()).isEqualTo(LocalDate.of(2026, 3, 1));
        CanonicalEvent offset = map(s -> s.put("timestamp", "2026-03-01T08:30:00-05:00"));
        assertThat(offset.eventTime()).isEqualTo(Instant.parse("2026-03-01T13:30:00Z"));
        CanonicalEvent noOffset = map(s -> s.put("timestamp", "2026-03-01T16:30:00"));
        assertThat(noOffset.eventTime()).isEqualTo(Instant.parse("2026-03-01T16:30:00Z"));
        XapiMapper utc = new XapiMapper(CONFIG.xapi(), CONFIG.skills().extensions(), PSEUDONYMIZER,
                ZoneId.of("UTC"), "uni-a", "run-1");
        ObjectNode s = statement();
        s.put("timestamp", "2026-03-01T16:30:00Z");
        assertThat(((XapiMapper.Event) utc.map(s, "x")).event().eventDate()).isEqualTo(LocalDate.of(2026, 3, 1));
    }

    @Test
    void missingTimestampUsesStoredElseRejects() {
        CanonicalEvent stored = map(s -> s.remove("timestamp"));
        assertThat(stored.eventTime()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(stored.eventDate()).isEqualTo(LocalDate.of(2026, 3, 2));
        XapiMapper.Rejected r = rejected(s -> {
            s.remove("timestamp");
            s.remove("stored");
        });
        assertThat(r.reason()).isEqualTo(QuarantineReason.MISSING_TIMESTAMP);
    }

    @Test
    void scoreScaling() {
        CanonicalEvent noMin = map(s -> at(s, "/result").set("score", parse("{\"raw\": 8, \"max\": 10}")));
        assertThat(noMin.scoreScaled()).isCloseTo(0.8, within(1e-12));
        assertThat(noMin.scoreRaw()).isEqualTo(8.0);
        assertThat(noMin.scoreMax()).isEqualTo(10.0);

        CanonicalEvent scaledOnly = map(s -> at(s, "/result").set("score", parse("{\"scaled\": 0.75}")));
        assertThat(scaledOnly.scoreScaled()).isEqualTo(0.75);
        assertThat(scaledOnly.scoreRaw()).isNull();
        assertThat(scaledOnly.scoreMax()).isNull();

        CanonicalEvent negative = map(s -> at(s, "/result").set("score", parse("{\"scaled\": -0.5}")));
        assertThat(negative.scoreScaled()).isNull();
        assertThat(negative.scoreRaw()).isEqualTo(-0.5);
        assertThat(negative.scoreMax()).isEqualTo(1.0);

        CanonicalEvent rawWins = map(s -> at(s, "/result").set("score",
                parse("{\"scaled\": 0.9, \"raw\": 2, \"min\": 0, \"max\": 4}")));
        assertThat(rawWins.scoreScaled()).isEqualTo(0.5);

        CanonicalEvent rawOnly = map(s -> at(s, "/result").set("score", parse("{\"raw\": 7}")));
        assertThat(rawOnly.scoreRaw()).isEqualTo(7.0);
        assertThat(rawOnly.scoreScaled()).isNull();

        CanonicalEvent none = map(s -> s.remove("result"));
        assertThat(none.scoreRaw()).isNull();
        assertThat(none.scoreScaled()).isNull();
        assertThat(none.success()).isNull();
        assertThat(none.response()).isNull();
    }

    @Test
    void durations() {
        assertThat(map(s -> at(s, "/result").put("duration", "PT1.5S")).durationS()).isEqualTo(1.5);
        assertThat(map(s -> at(s, "/result").put("duration", "P1DT2H")).durationS()).isEqualTo(93_600.0);
        assertThat(map(s -> at(s, "/result").put("duration", "P1W")).durationS()).isEqualTo(604_800.0);
        assertThat(map(s -> at(s, "/result").remove("duration")).durationS()).isNull();
    }

    @Test
    void voidingStatements() {
        ObjectNode s = statement();
        s.set("verb", parse("{\"id\": \"http://adlnet.gov/expapi/verbs/voided\"}"));
        s.set("object", parse("{\"objectType\": \"StatementRef\", \"id\": \"6690E6C9-3EF0-4ED3-8B37-7F3964730BEE\"}"));
        s.remove("result");
        s.remove("context");
        XapiMapper.Mapped mapped = mapper.map(s, "x");
        assertThat(mapped).isEqualTo(new XapiMapper.Voiding("6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
                "fd41c918-b88b-4b20-a0a5-a4c32391aaa0", Instant.parse("2026-03-01T16:30:00Z")));

        s.set("object", parse("{\"id\": \"http://example.com/activity\"}"));
        XapiMapper.Mapped invalid = mapper.map(s, "x");
        assertThat(invalid).isInstanceOf(XapiMapper.Rejected.class);
        assertThat(((XapiMapper.Rejected) invalid).reason()).isEqualTo(QuarantineReason.INVALID_VOIDING);
    }

    @Test
    void invalidStatementsAreRejectedWithTheFirstReasonAndAllDetails() {
        XapiMapper.Rejected r = rejected(s -> {
            s.put("id", "not-a-uuid");
            at(s, "/result").put("duration", "ninety seconds");
        });
        assertThat(r.reason()).isEqualTo(QuarantineReason.INVALID_ID);
        assertThat(r.detail()).contains("$.id").contains("$.result.duration").contains("; ");
    }

    @Test
    void eventIdWithoutStatementIdIsADeterministicV5OfTheContent() {
        CanonicalEvent a = map(s -> s.remove("id"));
        CanonicalEvent b = map(s -> {
            s.remove("id");
            s.put("stored", "2026-03-05T00:00:00Z");
            s.put("version", "1.0.0");
        });
        UUID id = UUID.fromString(a.eventId());
        assertThat(id.version()).isEqualTo(5);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(b.eventId()).isEqualTo(a.eventId());
        assertThat(b.contentHash()).isEqualTo(a.contentHash());
        assertThat(a.eventId()).isEqualTo(RecordHashes.statementId(a.contentHash()));

        CanonicalEvent withId = map(s -> { });
        assertThat(withId.contentHash()).as("the id is not part of the content hash").isEqualTo(a.contentHash());
        CanonicalEvent changed = map(s -> at(s, "/result").put("response", "c"));
        assertThat(changed.contentHash()).isNotEqualTo(withId.contentHash());
    }

    @Test
    void contentHashIgnoresKeyOrder() {
        JsonNode one = parse("{\"a\": 1, \"b\": {\"y\": [1, {\"q\": 1, \"p\": 2}], \"x\": \"s\"}}");
        JsonNode two = parse("{\"b\": {\"x\": \"s\", \"y\": [1, {\"p\": 2, \"q\": 1}]}, \"a\": 1}");
        assertThat(RecordHashes.contentHash(one)).isEqualTo(RecordHashes.contentHash(two));
        assertThat(RecordHashes.canonicalJson(two)).isEqualTo("{\"a\":1,\"b\":{\"x\":\"s\",\"y\":[1,{\"p\":2,\"q\":1}]}}");
    }

    @Test
    void uuidV5MatchesTheRfcExample() {
        // RFC 9562 appendix A.4: v5 of "www.example.com" in the DNS namespace
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertThat(RecordHashes.uuidV5(dns, "www.example.com"))
                .isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
    }

    @Test
    void actorRoleFromExtensionOrInstructor() {
        assertThat(map(s -> at(s, "/context").set("extensions",
                parse("{\"urn:xueqing:extension:role\": \"Teacher\"}"))).actorRole()).isEqualTo("instructor");
        assertThat(map(s -> at(s, "/context").set("extensions",
                parse("{\"http://id.tincanapi.com/extension/role\": \"TUTOR\"}"))).actorRole()).isEqualTo("tutor");
        assertThat(map(s -> at(s, "/context").set("extensions",
                parse("{\"urn:xueqing:extension:role\": \"system\"}"))).actorRole()).isEqualTo("system");
        assertThat(map(s -> at(s, "/context").set("extensions",
                parse("{\"urn:xueqing:extension:role\": \"janitor\"}"))).actorRole()).isEqualTo("learner");
        assertThat(map(s -> at(s, "/context").set("instructor",
                parse("{\"mbox\": \"mailto:LI.HUA@mail.test\"}"))).actorRole()).isEqualTo("instructor");
        assertThat(map(s -> at(s, "/context").set("instructor",
                parse("{\"mbox\": \"mailto:teacher@mail.test\"}"))).actorRole()).isEqualTo("learner");
    }

    @Test
    void inReplyToFromStatementRefOrRepliedParent() {
        CanonicalEvent ref = map(s -> at(s, "/context").set("statement", parse(
                "{\"objectType\": \"StatementRef\", \"id\": \"6690E6C9-3EF0-4ED3-8B37-7F3964730BEE\"}")));
        assertThat(ref.inReplyTo()).isEqualTo("6690e6c9-3ef0-4ed3-8b37-7f3964730bee");

        CanonicalEvent replied = map(s -> {
            at(s, "/verb").put("id", "http://id.tincanapi.com/verb/replied");
            s.set("object", parse("{\"id\": \"https://lms.example.edu.cn/forum/post/901\", \"definition\": "
                    + "{\"type\": \"http://id.tincanapi.com/activitytype/forum-reply\"}}"));
            s.remove("result");
            ((ObjectNode) s.at("/context/contextActivities")).set("parent",
                    parse("[{\"id\": \"https://lms.example.edu.cn/forum/post/900\"}]"));
        });
        assertThat(replied.action()).isEqualTo("replied");
        assertThat(replied.objectType()).isEqualTo("forum_post");
        assertThat(replied.inReplyTo()).isEqualTo("https://lms.example.edu.cn/forum/post/900");
        assertThat(replied.parentId()).isEqualTo("https://lms.example.edu.cn/forum/post/900");
    }

    @Test
    void attemptFromAKnownExtension() {
        assertThat(map(s -> at(s, "/context").set("extensions",
                parse("{\"http://id.tincanapi.com/extension/attempt-id\": 2}"))).attempt()).isEqualTo(2);
    }

    @Test
    void observationsOfTheObjectTheCourseAndDefinedContextActivities() {
        XapiMapper.Event e = event(s -> { });
        Instant t = Instant.parse("2026-03-01T16:30:00Z");
        assertThat(e.observations()).containsExactly(
                new ObjectObservation(COURSE, QUESTION, "question", QUIZ, "Question 3", 5.0,
                        Instant.parse("2026-03-08T15:59:00Z"), 2.5, "uni-a", t),
                new ObjectObservation(COURSE, COURSE, "course", null, "Data Analysis", null, null, null, "uni-a", t),
                new ObjectObservation(COURSE, CLASS, "class", null, null, null, null, null, "uni-a", t),
                new ObjectObservation(COURSE, QUIZ, "quiz", null, "第7次测验", null, null, null, "uni-a", t));

        XapiMapper.Event zh = event(s -> at(s, "/object/definition").set("name",
                parse("{\"de\": \"Frage\", \"zh-CN\": \"第3题\"}")));
        assertThat(zh.observations().get(0).title()).isEqualTo("第3题");
        XapiMapper.Event any = event(s -> at(s, "/object/definition").set("name", parse("{\"de\": \"Frage\"}")));
        assertThat(any.observations().get(0).title()).isEqualTo("Frage");

        XapiMapper.Event fallback = event(s -> at(s, "/context").set("contextActivities",
                parse("{\"grouping\": {\"id\": \"https://lms.example.edu.cn/c/77\"}}")));
        assertThat(fallback.observations()).extracting(ObjectObservation::objectId, ObjectObservation::objectType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(QUESTION, "question"),
                        org.assertj.core.groups.Tuple.tuple("https://lms.example.edu.cn/c/77", "course"));
    }

    @Test
    void skillsFromTheConfiguredDefinitionExtension() {
        String skills = "urn:xueqing:extension:skills";
        // an array: trimmed, blanks and repeats dropped, order kept
        XapiMapper.Event array = event(s -> at(s, "/object/definition/extensions").set(skills,
                parse("[\" fractions \", \"add\", \"\", \"fractions\", 7]")));
        assertThat(array.observations().get(0).objectId()).isEqualTo(QUESTION);
        assertThat(array.observations().get(0).skills()).containsExactly("fractions", "add");
        // one string
        XapiMapper.Event one = event(s -> at(s, "/object/definition/extensions").put(skills, "fractions"));
        assertThat(one.observations().get(0).skills()).containsExactly("fractions");
        // missing: the statement says nothing (null), unlike an empty array (no skills)
        XapiMapper.Event missing = event(s -> { });
        assertThat(missing.observations()).extracting(ObjectObservation::skills).containsOnlyNulls();
        XapiMapper.Event empty = event(s -> at(s, "/object/definition/extensions").set(skills, parse("[]")));
        assertThat(empty.observations().get(0).skills()).isEmpty();
        // a context activity with a definition is observed with its own skills
        XapiMapper.Event parent = event(s -> at(s, "/context/contextActivities/parent/0/definition")
                .set("extensions", parse("{\"urn:xueqing:extension:skills\": [\"quiz-skill\"]}")));
        assertThat(parent.observations()).filteredOn(o -> o.objectId().equals(QUIZ))
                .extracting(ObjectObservation::skills).containsExactly(List.of("quiz-skill"));
        assertThat(parent.observations().get(0).skills()).isNull();
    }

    @Test
    void skillsFromEveryConfiguredExtensionInOrder() {
        XapiMapper two = new XapiMapper(CONFIG.xapi(), List.of("urn:a", "urn:b"), PSEUDONYMIZER, SHANGHAI, "uni-a",
                "run-1");
        ObjectNode s = statement();
        at(s, "/object/definition/extensions").put("urn:b", "y").set("urn:a", parse("[\"x\", \"y\"]"));
        at(s, "/object/definition/extensions").put("urn:xueqing:extension:skills", "not configured here");
        XapiMapper.Event e = (XapiMapper.Event) two.map(s, "f:1");
        assertThat(e.observations().get(0).skills()).containsExactly("x", "y");
    }

    @Test
    void mapperIsSerializable() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(mapper);
        }
        XapiMapper copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (XapiMapper) in.readObject();
        }
        assertThat(((XapiMapper.Event) copy.map(statement(), "file:/in/a.jsonl.gz:17")).event())
                .isEqualTo(map(s -> { }));
    }
}
