package dev.xueqing.jobs.ingest.xapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xueqing.common.model.QuarantineReason;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** One small statement per quarantine reason the validator produces, against a valid baseline. */
class XapiValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final XapiValidator validator = new XapiValidator();

    static ObjectNode baseline() {
        return (ObjectNode) parse("""
                {"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
                 "actor": {"objectType": "Agent", "name": "Li Hua", "mbox": "mailto:li.hua@example.edu.cn"},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered", "zh-CN": "回答"}},
                 "object": {"objectType": "Activity", "id": "https://lms.example.edu.cn/quiz/7/q/3",
                            "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                           "name": {"en-US": "Question 3"}, "interactionType": "choice",
                                           "correctResponsesPattern": ["b"],
                                           "choices": [{"id": "a", "description": {"en-US": "A"}},
                                                       {"id": "b", "description": {"en-US": "B"}}]}},
                 "result": {"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": true,
                            "completion": true, "response": "b", "duration": "PT1M30S",
                            "extensions": {"http://example.com/ext/x": 1}},
                 "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                             "instructor": {"mbox": "mailto:teacher@example.edu.cn"},
                             "team": {"objectType": "Group", "name": "Class 2", "member": [{"mbox": "mailto:li.hua@example.edu.cn"}]},
                             "contextActivities": {"grouping": [{"id": "https://lms.example.edu.cn/course/42",
                                  "definition": {"type": "http://adlnet.gov/expapi/activities/course"}}]},
                             "platform": "Moodle", "language": "zh-CN",
                             "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
                             "extensions": {"urn:xueqing:extension:role": "learner"}},
                 "timestamp": "2026-03-01T16:30:00+08:00",
                 "stored": "2026-03-01T08:30:01.123Z",
                 "version": "1.0.3",
                 "attachments": [{"usageType": "http://adlnet.gov/expapi/attachments/signature",
                                  "display": {"en-US": "signature"}, "contentType": "application/octet-stream",
                                  "length": 4235, "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"}]}
                """);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<XapiValidator.Violation> validate(Consumer<ObjectNode> change) {
        ObjectNode s = baseline();
        change.accept(s);
        return validator.validate(s);
    }

    private void assertReason(QuarantineReason reason, Consumer<ObjectNode> change) {
        List<XapiValidator.Violation> violations = validate(change);
        assertThat(violations).isNotEmpty();
        assertThat(violations.get(0).reason()).as(violations.toString()).isEqualTo(reason);
        assertThat(violations.get(0).detail()).startsWith("$");
    }

    private static ObjectNode at(ObjectNode root, String path) {
        return (ObjectNode) root.at(path);
    }

    @Test
    void baselineIsValid() {
        assertThat(validator.validate(baseline())).isEmpty();
    }

    @Test
    void minimalStatementIsValid() {
        assertThat(validator.validate(parse("""
                {"actor": {"mbox": "mailto:a@b.cn"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                 "object": {"id": "http://example.com/page/1"}}"""))).isEmpty();
    }

    @Test
    void notAnObjectIsNotAStatement() {
        assertThat(validator.validate(parse("[1, 2]")).get(0).reason()).isEqualTo(QuarantineReason.NOT_A_STATEMENT);
        assertThat(validator.validate(parse("\"text\"")).get(0).reason()).isEqualTo(QuarantineReason.NOT_A_STATEMENT);
    }

    @Test
    void unknownPropertyAndWrongKeyCase() {
        assertReason(QuarantineReason.UNKNOWN_PROPERTY, s -> s.put("Actor", "x"));
        assertReason(QuarantineReason.UNKNOWN_PROPERTY, s -> at(s, "/result").put("grade", "A"));
    }

    @Test
    void idMustBeAUuid() {
        assertReason(QuarantineReason.INVALID_ID, s -> s.put("id", "AA97B177-9383-4934-8543-0F91A7A028368"));
        assertReason(QuarantineReason.INVALID_ID, s -> s.put("id", 12345));
    }

    @Test
    void missingActorVerbObject() {
        assertReason(QuarantineReason.MISSING_ACTOR, s -> s.remove("actor"));
        assertReason(QuarantineReason.MISSING_VERB, s -> s.remove("verb"));
        assertReason(QuarantineReason.MISSING_OBJECT, s -> s.remove("object"));
    }

    @Test
    void actorNeedsExactlyOneValidIdentifier() {
        assertReason(QuarantineReason.INVALID_ACTOR, s -> at(s, "/actor").remove("mbox"));
        assertReason(QuarantineReason.INVALID_ACTOR, s -> at(s, "/actor").put("openid", "http://openid.example.org/1"));
        assertReason(QuarantineReason.INVALID_ACTOR, s -> at(s, "/actor").put("mbox", "li.hua@example.edu.cn"));
        assertReason(QuarantineReason.INVALID_ACTOR, s -> at(s, "/actor").put("objectType", "agent"));
        assertReason(QuarantineReason.INVALID_ACTOR, s -> at(s, "/context/team").remove("member"));
        assertReason(QuarantineReason.INVALID_ACTOR, s -> s.set("actor", parse(
                "{\"mbox_sha1sum\": \"not-hex\"}")));
        assertReason(QuarantineReason.INVALID_ACTOR, s -> s.set("actor", parse(
                "{\"account\": {\"name\": \"u1\"}}")));
    }

    @Test
    void anonymousAndIdentifiedGroupsAreValidActors() {
        assertThat(validate(s -> s.set("actor", parse(
                "{\"objectType\": \"Group\", \"member\": [{\"mbox\": \"mailto:a@b.cn\"}, {\"account\": "
                        + "{\"homePage\": \"https://lms.example.edu.cn\", \"name\": \"u1\"}}]}")))).isEmpty();
        assertThat(validate(s -> s.set("actor", parse(
                "{\"objectType\": \"Group\", \"name\": \"Team\", \"openid\": \"http://openid.example.org/t\"}"))))
                .isEmpty();
    }

    @Test
    void verbNeedsAnIri() {
        assertReason(QuarantineReason.INVALID_VERB, s -> at(s, "/verb").put("id", "answered"));
        assertReason(QuarantineReason.INVALID_VERB, s -> s.put("verb", "answered"));
    }

    @Test
    void objectMustBeAValidActivityOrReference() {
        assertReason(QuarantineReason.INVALID_OBJECT, s -> at(s, "/object").put("id", "ab=c://should.fail.com"));
        assertReason(QuarantineReason.INVALID_OBJECT, s -> at(s, "/object").put("objectType", "activity"));
        assertReason(QuarantineReason.INVALID_OBJECT, s -> at(s, "/object/definition").put("interactionType", "Choice"));
        assertReason(QuarantineReason.INVALID_OBJECT, s -> at(s, "/object/definition").put("interactionType", "likert"));
        assertReason(QuarantineReason.INVALID_OBJECT, s -> s.set("object", parse(
                "{\"objectType\": \"StatementRef\", \"id\": \"not-a-uuid\"}")));
    }

    @Test
    void subStatementRules() {
        ObjectNode sub = (ObjectNode) parse("""
                {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@b.cn"},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                 "object": {"id": "http://example.com/page/1"}}""");
        assertThat(validate(s -> {
            s.set("object", sub.deepCopy());
            at(s, "/context").remove("platform");
        })).isEmpty();
        assertReason(QuarantineReason.INVALID_OBJECT, s -> {
            ObjectNode bad = sub.deepCopy();
            bad.put("id", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0");
            s.set("object", bad);
            at(s, "/context").remove("platform");
        });
        assertReason(QuarantineReason.INVALID_OBJECT, s -> {
            ObjectNode bad = sub.deepCopy();
            bad.set("object", sub.deepCopy());
            s.set("object", bad);
            at(s, "/context").remove("platform");
        });
    }

    @Test
    void resultTypes() {
        assertReason(QuarantineReason.INVALID_RESULT, s -> at(s, "/result").put("success", "true"));
        assertReason(QuarantineReason.INVALID_RESULT, s -> at(s, "/result/score").put("max", "10"));
        assertReason(QuarantineReason.INVALID_RESULT, s -> at(s, "/result").put("response", 3));
    }

    @Test
    void scoreRanges() {
        assertReason(QuarantineReason.SCORE_OUT_OF_RANGE, s -> at(s, "/result/score").put("scaled", 1.5));
        assertReason(QuarantineReason.SCORE_OUT_OF_RANGE, s -> at(s, "/result/score").put("raw", 11));
        assertReason(QuarantineReason.SCORE_OUT_OF_RANGE, s -> at(s, "/result/score").put("min", 10));
        assertThat(validate(s -> at(s, "/result/score").put("scaled", -1))).isEmpty();
    }

    @Test
    void durationMustBeIso8601() {
        assertReason(QuarantineReason.BAD_DURATION, s -> at(s, "/result").put("duration", "90 seconds"));
        assertReason(QuarantineReason.BAD_DURATION, s -> at(s, "/result").put("duration", "P4W1D"));
        assertThat(validate(s -> at(s, "/result").put("duration", "P1Y2M"))).isEmpty();
    }

    @Test
    void contextRules() {
        assertReason(QuarantineReason.INVALID_CONTEXT, s -> at(s, "/context").put("registration", "r-1"));
        assertReason(QuarantineReason.INVALID_CONTEXT, s -> at(s, "/context").put("language", "something"));
        assertReason(QuarantineReason.INVALID_CONTEXT, s -> at(s, "/context/contextActivities")
                .set("grouping", parse("[{\"id\": \"not an iri\"}]")));
        assertReason(QuarantineReason.INVALID_CONTEXT, s -> s.set("object", parse(
                "{\"objectType\": \"StatementRef\", \"id\": \"6690e6c9-3ef0-4ed3-8b37-7f3964730bee\"}")));
    }

    @Test
    void timestampsMustBeIso8601WithoutNegativeZeroOffset() {
        assertReason(QuarantineReason.INVALID_TIMESTAMP, s -> s.put("timestamp", "01/011/2015"));
        assertReason(QuarantineReason.INVALID_TIMESTAMP, s -> s.put("timestamp", "2008-09-15T15:53:00.601-00:00"));
        assertReason(QuarantineReason.INVALID_TIMESTAMP, s -> s.put("stored", "2026-02-30T00:00:00Z"));
        assertThat(validate(s -> s.put("timestamp", "2008-09-15T15:53:00.601+00:00"))).isEmpty();
    }

    @Test
    void versionMustBe1Or2() {
        assertReason(QuarantineReason.INVALID_VERSION, s -> s.put("version", "1.1.0"));
        assertThat(validate(s -> s.put("version", "2.0.0"))).isEmpty();
    }

    @Test
    void languageMapKeysAreRfc5646Tags() {
        assertReason(QuarantineReason.INVALID_LANGUAGE_MAP, s -> at(s, "/verb/display").put("a12345678", "x"));
        assertReason(QuarantineReason.INVALID_LANGUAGE_MAP, s -> at(s, "/verb").put("display", "answered"));
        assertThat(XapiValidator.isLanguageTag("zh-Hans-CN")).isTrue();
        assertThat(XapiValidator.isLanguageTag("zh-z-aaa-z-bbb")).isFalse();
    }

    @Test
    void extensionKeysAreIris() {
        assertReason(QuarantineReason.INVALID_EXTENSION, s -> at(s, "/result/extensions").put("minutes", 3));
        assertReason(QuarantineReason.INVALID_EXTENSION, s -> at(s, "/context").put("extensions", "x"));
        assertThat(validate(s -> at(s, "/result/extensions").putNull("http://example.com/ext/null"))).isEmpty();
    }

    @Test
    void attachmentsAreWellFormed() {
        assertReason(QuarantineReason.INVALID_ATTACHMENT, s -> at(s, "/attachments/0").put("length", "4235"));
        assertReason(QuarantineReason.INVALID_ATTACHMENT, s -> at(s, "/attachments/0").put("usageType", "signature"));
        assertReason(QuarantineReason.INVALID_ATTACHMENT, s -> s.set("attachments", parse("{}")));
    }

    @Test
    void voidingNeedsAStatementRef() {
        assertReason(QuarantineReason.INVALID_VOIDING, s -> at(s, "/verb").put("id", XapiValidator.VOIDED));
    }

    @Test
    void nullValuesOutsideExtensionsAreRejected() {
        assertReason(QuarantineReason.INVALID_ACTOR, s -> at(s, "/actor").putNull("name"));
        assertReason(QuarantineReason.INVALID_LANGUAGE_MAP, s -> at(s, "/verb/display").putNull("en-US"));
    }

    @Test
    void everyViolationIsListed() {
        List<XapiValidator.Violation> violations = validate(s -> {
            s.put("id", "x");
            s.put("timestamp", "yesterday");
        });
        assertThat(violations).extracting(XapiValidator.Violation::reason)
                .containsExactly(QuarantineReason.INVALID_ID, QuarantineReason.INVALID_TIMESTAMP);
        assertThat(violations.get(1).detail()).contains("$.timestamp");
    }
}
