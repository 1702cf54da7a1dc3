package dev.xueqing.jobs.ingest.xapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xueqing.jobs.ingest.QuarantineDetails;
import dev.xueqing.common.model.QuarantineReason;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks one xAPI statement (1.0.x or 2.0) against the statement requirements a conforming LRS enforces on POST,
 * and lists every violation with the closest {@link QuarantineReason} and the JSON path of the problem.
 *
 * <p>Stateless and thread-safe. Checks that need LRS state (does a referenced or voided statement exist, is an id
 * already used with other content) are out of scope; the ingest job handles id conflicts across records.
 * {@code contextAgents} and {@code contextGroups} (xAPI 2.0) are accepted unless the statement declares a 1.0.x
 * version.
 */
public final class XapiValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One problem of a statement: why (the quarantine reason) and where (JSON path and message). */
    public record Violation(QuarantineReason reason, String detail) implements Serializable {}

    /** The verb IRI of a voiding statement. */
    public static final String VOIDED = "http://adlnet.gov/expapi/verbs/voided";

    private static final Set<String> STATEMENT_KEYS = Set.of("id", "actor", "verb", "object", "result", "context",
            "timestamp", "stored", "authority", "version", "attachments");
    /** Sub-statement keys plus the statement-level ones it must not use (reported as invalid_object). */
    private static final Set<String> SUB_STATEMENT_KEYS_AND_FORBIDDEN = Set.of("objectType", "actor", "verb",
            "object", "result", "context", "timestamp", "attachments", "id", "stored", "version", "authority");
    private static final Set<String> AGENT_KEYS = Set.of("objectType", "name", "mbox", "mbox_sha1sum", "openid",
            "account");
    private static final Set<String> GROUP_KEYS = Set.of("objectType", "name", "mbox", "mbox_sha1sum", "openid",
            "account", "member");
    private static final List<String> IFIS = List.of("mbox", "mbox_sha1sum", "openid", "account");
    private static final Set<String> ACCOUNT_KEYS = Set.of("homePage", "name");
    private static final Set<String> VERB_KEYS = Set.of("id", "display");
    private static final Set<String> ACTIVITY_KEYS = Set.of("objectType", "id", "definition");
    private static final Set<String> DEFINITION_KEYS = Set.of("name", "description", "type", "moreInfo",
            "interactionType", "correctResponsesPattern", "choices", "scale", "source", "target", "steps",
            "extensions");
    private static final Set<String> COMPONENT_KEYS = Set.of("id", "description");
    private static final Map<String, Set<String>> COMPONENTS_BY_INTERACTION = Map.of(
            "true-false", Set.of(),
            "choice", Set.of("choices"),
            "fill-in", Set.of(),
            "long-fill-in", Set.of(),
            "matching", Set.of("source", "target"),
            "performance", Set.of("steps"),
            "sequencing", Set.of("choices"),
            "likert", Set.of("scale"),
            "numeric", Set.of(),
            "other", Set.of());
    private static final List<String> COMPONENT_LISTS = List.of("choices", "scale", "source", "target", "steps");
    private static final Set<String> STATEMENT_REF_KEYS = Set.of("objectType", "id");
    private static final Set<String> RESULT_KEYS = Set.of("score", "success", "completion", "response", "duration",
            "extensions");
    private static final Set<String> SCORE_KEYS = Set.of("scaled", "raw", "min", "max");
    private static final Set<String> CONTEXT_KEYS = Set.of("registration", "instructor", "team",
            "contextActivities", "revision", "platform", "language", "statement", "extensions", "contextAgents",
            "contextGroups");
    private static final Set<String> CONTEXT_ACTIVITY_KEYS = Set.of("parent", "grouping", "category", "other");
    private static final Set<String> CONTEXT_AGENT_KEYS = Set.of("objectType", "agent", "relevantTypes");
    private static final Set<String> CONTEXT_GROUP_KEYS = Set.of("objectType", "group", "relevantTypes");
    private static final Set<String> ATTACHMENT_KEYS = Set.of("usageType", "display", "description", "contentType",
            "length", "sha2", "fileUrl");

    private static final Pattern UUID = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$");
    private static final Pattern IRI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:[^\\s<>\"{}|\\\\^`]+$");
    private static final Pattern URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:[\\x21-\\x7e&&[^<>\"{}|\\\\^`]]+$");
    private static final Pattern MBOX = Pattern.compile("^mailto:[^\\s@:/?#]+@[^\\s@/?#]+$");
    private static final Pattern SHA1 = Pattern.compile("^[0-9a-fA-F]{40}$");
    private static final Pattern HEX = Pattern.compile("^[0-9a-fA-F]+$");
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\\s*;.*)?$");
    private static final Pattern VERSION = Pattern.compile("^(1\\.0|2\\.0)(\\.\\d+)?$");
    private static final Pattern LANGUAGE_TAG = Pattern.compile(
            "^(?:(?:[a-zA-Z]{2,3}(?:-[a-zA-Z]{3}){0,3}|[a-zA-Z]{4}|[a-zA-Z]{5,8})"
                    + "(?:-[a-zA-Z]{4})?"
                    + "(?:-(?:[a-zA-Z]{2}|\\d{3}))?"
                    + "(?:-(?:[a-zA-Z\\d]{5,8}|\\d[a-zA-Z\\d]{3}))*"
                    + "(?:-[0-9a-wy-zA-WY-Z](?:-[a-zA-Z\\d]{2,8})+)*"
                    + "(?:-[xX](?:-[a-zA-Z\\d]{1,8})+)?"
                    + "|[xX](?:-[a-zA-Z\\d]{1,8})+"
                    + "|en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn"
                    + "|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE"
                    + "|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang)$");

    /** Every violation of {@code statement}; empty when it is a valid xAPI statement. */
    public List<Violation> validate(JsonNode statement) {
        Run run = new Run();
        if (statement == null || !statement.isObject()) {
            run.add(QuarantineReason.NOT_A_STATEMENT, "$", "the value is not a JSON object");
            return run.violations;
        }
        run.statement(statement, "$", false);
        return List.copyOf(run.violations);
    }

    /** Whether {@code text} is an RFC 5646 language tag (with no repeated variant or extension singleton). */
    public static boolean isLanguageTag(String text) {
        return text != null && LANGUAGE_TAGS.test(text);
    }

    private static boolean checkLanguageTag(String text) {
        if (!LANGUAGE_TAG.matcher(text).matches()) {
            return false;
        }
        Set<String> seen = new HashSet<>();
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("-");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.equals("x")) {
                break;
            }
            boolean singleton = p.length() == 1;
            boolean variant = p.length() >= 5 || (p.length() == 4 && Character.isDigit(p.charAt(0)));
            if ((singleton || variant) && !seen.add(p)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} is an absolute IRI (scheme, colon, no whitespace or excluded characters). */
    public static boolean isIri(String text) {
        return text != null && IRIS.test(text);
    }

    /*
     * The same few thousand IRIs (verbs, activity types, courses, objects) and language tags come back in every
     * statement; their answers are remembered instead of running the patterns again. Per JVM, bounded.
     */
    private static final Memo IRIS = new Memo(s -> IRI.matcher(s).matches());
    private static final Memo LANGUAGE_TAGS = new Memo(XapiValidator::checkLanguageTag);

    /** A bounded, thread-safe memo of a string predicate (emptied when full: no eviction bookkeeping). */
    static final class Memo {
        private static final int MAX = 100_000;
        private final java.util.function.Predicate<String> test;
        private final java.util.concurrent.ConcurrentHashMap<String, Boolean> known =
                new java.util.concurrent.ConcurrentHashMap<>();

        Memo(java.util.function.Predicate<String> test) {
            this.test = test;
        }

        boolean test(String text) {
            Boolean answer = known.get(text);
            if (answer == null) {
                answer = test.test(text);
                if (known.size() >= MAX) {
                    known.clear();
                }
                known.put(text, answer);
            }
            return answer;
        }
    }

    /** Whether {@code text} is a UUID in standard string form (RFC 4122 / 9562 variant). */
    public static boolean isUuid(String text) {
        return text != null && UUID.matcher(text).matches();
    }

    /** One validation pass; collects violations. */
    private static final class Run {
        final List<Violation> violations = new ArrayList<>();
        boolean version1;

        void add(QuarantineReason reason, String path, String message) {
            violations.add(new Violation(reason, path + ": " + message));
        }

        void statement(JsonNode s, String path, boolean sub) {
            unknownKeys(s, path, sub ? SUB_STATEMENT_KEYS_AND_FORBIDDEN : STATEMENT_KEYS);
            if (!sub) {
                JsonNode version = s.get("version");
                if (version != null) {
                    if (!version.isTextual() || !VERSION.matcher(version.asText()).matches()) {
                        add(QuarantineReason.INVALID_VERSION, path + ".version",
                                "not a supported version (1.0.x or 2.0.x): " + brief(version));
                    } else {
                        version1 = version.asText().startsWith("1.");
                    }
                }
                JsonNode id = s.get("id");
                if (id != null && !(id.isTextual() && isUuid(id.asText()))) {
                    add(QuarantineReason.INVALID_ID, path + ".id", "not a UUID: " + brief(id));
                }
                JsonNode stored = s.get("stored");
                if (stored != null) {
                    timestamp(stored, path + ".stored");
                }
                JsonNode authority = s.get("authority");
                if (authority != null) {
                    authority(authority, path + ".authority");
                }
            } else {
                JsonNode type = s.get("objectType");
                if (type == null || !type.isTextual() || !type.asText().equals("SubStatement")) {
                    add(QuarantineReason.INVALID_OBJECT, path + ".objectType", "must be \"SubStatement\"");
                }
                for (String forbidden : List.of("id", "stored", "version", "authority")) {
                    if (s.has(forbidden)) {
                        add(QuarantineReason.INVALID_OBJECT, path + "." + forbidden,
                                "not allowed in a sub-statement");
                    }
                }
            }
            JsonNode actor = s.get("actor");
            if (actor == null) {
                add(QuarantineReason.MISSING_ACTOR, path + ".actor", "missing");
            } else {
                agentOrGroup(actor, path + ".actor", true);
            }
            JsonNode verb = s.get("verb");
            if (verb == null) {
                add(QuarantineReason.MISSING_VERB, path + ".verb", "missing");
            } else {
                verb(verb, path + ".verb");
            }
            JsonNode object = s.get("object");
            String objectType = "Activity";
            if (object == null) {
                add(QuarantineReason.MISSING_OBJECT, path + ".object", "missing");
            } else {
                objectType = object(object, path + ".object", sub);
            }
            if (verb != null && verb.isObject() && VOIDED.equals(verb.path("id").asText(null))
                    && !"StatementRef".equals(objectType)) {
                add(QuarantineReason.INVALID_VOIDING, path + ".object",
                        "a voiding statement must have a StatementRef object");
            }
            JsonNode result = s.get("result");
            if (result != null) {
                result(result, path + ".result");
            }
            JsonNode context = s.get("context");
            if (context != null) {
                context(context, path + ".context", objectType);
            }
            JsonNode timestamp = s.get("timestamp");
            if (timestamp != null) {
                timestamp(timestamp, path + ".timestamp");
            }
            JsonNode attachments = s.get("attachments");
            if (attachments != null) {
                attachments(attachments, path + ".attachments");
            }
        }

        void timestamp(JsonNode node, String path) {
            if (!node.isTextual() || Iso8601.parseDateTime(node.asText()).isEmpty()) {
                add(QuarantineReason.INVALID_TIMESTAMP, path, "not an ISO 8601 date-time: " + brief(node));
            }
        }

        // ---- agents and groups ----

        /** An Agent (objectType absent or "Agent") or a Group ("Group"), as actor, instructor or agent object. */
        void agentOrGroup(JsonNode node, String path, boolean objectTypeOptional) {
            if (!node.isObject()) {
                add(QuarantineReason.INVALID_ACTOR, path, "not an Agent or Group object");
                return;
            }
            JsonNode type = node.get("objectType");
            if (type == null && objectTypeOptional) {
                agent(node, path);
            } else if (type != null && type.isTextual() && type.asText().equals("Agent")) {
                agent(node, path);
            } else if (type != null && type.isTextual() && type.asText().equals("Group")) {
                group(node, path, false);
            } else {
                add(QuarantineReason.INVALID_ACTOR, path + ".objectType",
                        "must be \"Agent\" or \"Group\": " + brief(type));
            }
        }

        void agent(JsonNode node, String path) {
            if (!node.isObject()) {
                add(QuarantineReason.INVALID_ACTOR, path, "not an Agent object");
                return;
            }
            unknownKeys(node, path, AGENT_KEYS);
            JsonNode type = node.get("objectType");
            if (type != null && !(type.isTextual() && type.asText().equals("Agent"))) {
                add(QuarantineReason.INVALID_ACTOR, path + ".objectType", "must be \"Agent\": " + brief(type));
            }
            name(node, path);
            int ifis = ifis(node, path);
            if (ifis != 1) {
                add(QuarantineReason.INVALID_ACTOR, path,
                        "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account; found " + ifis);
            }
        }

        /** A Group; with {@code authority} it must be anonymous with exactly two members (OAuth consumer + user). */
        void group(JsonNode node, String path, boolean authority) {
            if (!node.isObject()) {
                add(QuarantineReason.INVALID_ACTOR, path, "not a Group object");
                return;
            }
            unknownKeys(node, path, GROUP_KEYS);
            JsonNode type = node.get("objectType");
            if (type == null || !type.isTextual() || !type.asText().equals("Group")) {
                add(QuarantineReason.INVALID_ACTOR, path + ".objectType", "must be \"Group\": " + brief(type));
            }
            name(node, path);
            int ifis = ifis(node, path);
            if (ifis > 1) {
                add(QuarantineReason.INVALID_ACTOR, path,
                        "an identified Group needs exactly one of mbox, mbox_sha1sum, openid, account; found " + ifis);
            }
            JsonNode member = node.get("member");
            if (member == null) {
                if (ifis == 0) {
                    add(QuarantineReason.INVALID_ACTOR, path + ".member", "an anonymous Group needs members");
                }
            } else if (!member.isArray()) {
                add(QuarantineReason.INVALID_ACTOR, path + ".member", "not an array of Agents");
            } else {
                if (ifis == 0 && member.isEmpty()) {
                    add(QuarantineReason.INVALID_ACTOR, path + ".member", "an anonymous Group needs members");
                }
                for (int i = 0; i < member.size(); i++) {
                    agent(member.get(i), path + ".member[" + i + "]");
                }
            }
            if (authority) {
                if (ifis != 0) {
                    add(QuarantineReason.INVALID_ACTOR, path, "an authority Group must be anonymous");
                }
                if (member != null && member.isArray() && member.size() != 2) {
                    add(QuarantineReason.INVALID_ACTOR, path + ".member",
                            "an authority Group has exactly two members; found " + member.size());
                }
            }
        }

        void authority(JsonNode node, String path) {
            if (!node.isObject()) {
                add(QuarantineReason.INVALID_ACTOR, path, "not an Agent or Group object");
                return;
            }
            JsonNode type = node.get("objectType");
            if (type != null && type.isTextual() && type.asText().equals("Group")) {
                group(node, path, true);
            } else {
                agent(node, path);
            }
        }

        void name(JsonNode node, String path) {
            JsonNode name = node.get("name");
            if (name != null && !name.isTextual()) {
                add(QuarantineReason.INVALID_ACTOR, path + ".name", "not a string: " + QuarantineDetails.shape(name));
            }
        }

        /** Checks every identifier present and returns how many there are. */
        int ifis(JsonNode node, String path) {
            int count = 0;
            for (String ifi : IFIS) {
                JsonNode v = node.get(ifi);
                if (v == null) {
                    continue;
                }
                count++;
                String p = path + "." + ifi;
                switch (ifi) {
                    case "mbox" -> {
                        if (!v.isTextual() || !MBOX.matcher(v.asText()).matches()) {
                            add(QuarantineReason.INVALID_ACTOR, p, "not a mailto: IRI: " + QuarantineDetails.shape(v));
                        }
                    }
                    case "mbox_sha1sum" -> {
                        if (!v.isTextual() || !SHA1.matcher(v.asText()).matches()) {
                            add(QuarantineReason.INVALID_ACTOR, p, "not 40 hex digits: " + QuarantineDetails.shape(v));
                        }
                    }
                    case "openid" -> {
                        if (!v.isTextual() || !URI.matcher(v.asText()).matches()) {
                            add(QuarantineReason.INVALID_ACTOR, p, "not a URI: " + QuarantineDetails.shape(v));
                        }
                    }
                    default -> account(v, p);
                }
            }
            return count;
        }

        void account(JsonNode v, String p) {
            if (!v.isObject()) {
                add(QuarantineReason.INVALID_ACTOR, p, "not an account object");
                return;
            }
            unknownKeys(v, p, ACCOUNT_KEYS);
            JsonNode home = v.get("homePage");
            if (home == null || !home.isTextual() || !isIri(home.asText())) {
                add(QuarantineReason.INVALID_ACTOR, p + ".homePage", "missing or not an IRL: " + brief(home));
            }
            JsonNode name = v.get("name");
            if (name == null || !name.isTextual() || name.asText().isEmpty()) {
                add(QuarantineReason.INVALID_ACTOR, p + ".name", "missing or not a string: " + QuarantineDetails.shape(name));
            }
        }

        // ---- verb ----

        void verb(JsonNode verb, String path) {
            if (!verb.isObject()) {
                add(QuarantineReason.INVALID_VERB, path, "not an object");
                return;
            }
            unknownKeys(verb, path, VERB_KEYS);
            JsonNode id = verb.get("id");
            if (id == null || !id.isTextual() || !isIri(id.asText())) {
                add(QuarantineReason.INVALID_VERB, path + ".id", "missing or not an IRI: " + brief(id));
            }
            JsonNode display = verb.get("display");
            if (display != null) {
                languageMap(display, path + ".display");
            }
        }

        // ---- objects ----

        /** Validates the object and returns its objectType as written (default "Activity"). */
        String object(JsonNode object, String path, boolean inSub) {
            if (!object.isObject()) {
                add(QuarantineReason.INVALID_OBJECT, path, "not an object");
                return "?";
            }
            JsonNode typeNode = object.get("objectType");
            String type = typeNode == null ? "Activity" : typeNode.isTextual() ? typeNode.asText() : "?";
            switch (type) {
                case "Activity" -> activity(object, path, QuarantineReason.INVALID_OBJECT);
                case "Agent", "Group" -> agentOrGroup(object, path, false);
                case "StatementRef" -> statementRef(object, path, QuarantineReason.INVALID_OBJECT);
                case "SubStatement" -> {
                    if (inSub) {
                        add(QuarantineReason.INVALID_OBJECT, path, "a sub-statement cannot hold a sub-statement");
                    } else {
                        statement(object, path, true);
                    }
                }
                default -> add(QuarantineReason.INVALID_OBJECT, path + ".objectType",
                        "must be Activity, Agent, Group, StatementRef or SubStatement: " + brief(typeNode));
            }
            return type;
        }

        void statementRef(JsonNode node, String path, QuarantineReason reason) {
            if (!node.isObject()) {
                add(reason, path, "not a StatementRef object");
                return;
            }
            unknownKeys(node, path, STATEMENT_REF_KEYS);
            JsonNode type = node.get("objectType");
            if (type == null || !type.isTextual() || !type.asText().equals("StatementRef")) {
                add(reason, path + ".objectType", "must be \"StatementRef\": " + brief(type));
            }
            JsonNode id = node.get("id");
            if (id == null || !id.isTextual() || !isUuid(id.asText())) {
                add(reason, path + ".id", "missing or not a UUID: " + brief(id));
            }
        }

        void activity(JsonNode node, String path, QuarantineReason reason) {
            if (!node.isObject()) {
                add(reason, path, "not an Activity object");
                return;
            }
            unknownKeys(node, path, ACTIVITY_KEYS);
            JsonNode type = node.get("objectType");
            if (type != null && !(type.isTextual() && type.asText().equals("Activity"))) {
                add(reason, path + ".objectType", "must be \"Activity\": " + brief(type));
            }
            JsonNode id = node.get("id");
            if (id == null || !id.isTextual() || !isIri(id.asText())) {
                add(reason, path + ".id", "missing or not an IRI: " + brief(id));
            }
            JsonNode definition = node.get("definition");
            if (definition != null) {
                definition(definition, path + ".definition", reason);
            }
        }

        void definition(JsonNode d, String path, QuarantineReason reason) {
            if (!d.isObject()) {
                add(reason, path, "not an object");
                return;
            }
            unknownKeys(d, path, DEFINITION_KEYS);
            if (d.has("name")) {
                languageMap(d.get("name"), path + ".name");
            }
            if (d.has("description")) {
                languageMap(d.get("description"), path + ".description");
            }
            iriField(d, "type", path, reason);
            iriField(d, "moreInfo", path, reason);
            if (d.has("extensions")) {
                extensions(d.get("extensions"), path + ".extensions");
            }
            JsonNode interaction = d.get("interactionType");
            Set<String> allowed = Set.of();
            if (interaction != null) {
                if (!interaction.isTextual() || !COMPONENTS_BY_INTERACTION.containsKey(interaction.asText())) {
                    add(reason, path + ".interactionType", "not an interaction type: " + brief(interaction));
                } else {
                    allowed = COMPONENTS_BY_INTERACTION.get(interaction.asText());
                }
            }
            JsonNode pattern = d.get("correctResponsesPattern");
            if (pattern != null) {
                if (interaction == null) {
                    add(reason, path + ".correctResponsesPattern", "needs an interactionType");
                }
                if (!pattern.isArray()) {
                    add(reason, path + ".correctResponsesPattern", "not an array of strings");
                } else {
                    for (int i = 0; i < pattern.size(); i++) {
                        if (!pattern.get(i).isTextual()) {
                            add(reason, path + ".correctResponsesPattern[" + i + "]", "not a string");
                        }
                    }
                }
            }
            for (String list : COMPONENT_LISTS) {
                JsonNode components = d.get(list);
                if (components == null) {
                    continue;
                }
                String p = path + "." + list;
                if (interaction != null && interaction.isTextual() && !allowed.contains(list)
                        && COMPONENTS_BY_INTERACTION.containsKey(interaction.asText())) {
                    add(reason, p, "not allowed with interactionType " + interaction.asText());
                } else if (interaction == null) {
                    add(reason, p, "interaction components need an interactionType");
                }
                if (!components.isArray()) {
                    add(reason, p, "not an array of interaction components");
                    continue;
                }
                Set<String> ids = new HashSet<>();
                for (int i = 0; i < components.size(); i++) {
                    JsonNode c = components.get(i);
                    String cp = p + "[" + i + "]";
                    if (!c.isObject()) {
                        add(reason, cp, "not an interaction component object");
                        continue;
                    }
                    unknownKeys(c, cp, COMPONENT_KEYS);
                    JsonNode cid = c.get("id");
                    if (cid == null || !cid.isTextual() || cid.asText().isBlank()) {
                        add(reason, cp + ".id", "missing or not a string");
                    } else if (!ids.add(cid.asText())) {
                        add(reason, cp + ".id", "duplicate component id " + cid.asText());
                    }
                    if (c.has("description")) {
                        languageMap(c.get("description"), cp + ".description");
                    }
                }
            }
        }

        void iriField(JsonNode parent, String key, String path, QuarantineReason reason) {
            JsonNode v = parent.get(key);
            if (v != null && (!v.isTextual() || !isIri(v.asText()))) {
                add(reason, path + "." + key, "not an IRI: " + brief(v));
            }
        }

        // ---- result ----

        void result(JsonNode r, String path) {
            if (!r.isObject()) {
                add(QuarantineReason.INVALID_RESULT, path, "not an object");
                return;
            }
            unknownKeys(r, path, RESULT_KEYS);
            JsonNode score = r.get("score");
            if (score != null) {
                score(score, path + ".score");
            }
            for (String key : List.of("success", "completion")) {
                JsonNode v = r.get(key);
                if (v != null && !v.isBoolean()) {
                    add(QuarantineReason.INVALID_RESULT, path + "." + key, "not a boolean: " + brief(v));
                }
            }
            JsonNode response = r.get("response");
            if (response != null && !response.isTextual()) {
                add(QuarantineReason.INVALID_RESULT, path + ".response", "not a string: " + brief(response));
            }
            JsonNode duration = r.get("duration");
            if (duration != null && (!duration.isTextual() || !Iso8601.isDuration(duration.asText()))) {
                add(QuarantineReason.BAD_DURATION, path + ".duration", "not an ISO 8601 duration: " + brief(duration));
            }
            if (r.has("extensions")) {
                extensions(r.get("extensions"), path + ".extensions");
            }
        }

        void score(JsonNode s, String path) {
            if (!s.isObject()) {
                add(QuarantineReason.INVALID_RESULT, path, "not an object");
                return;
            }
            unknownKeys(s, path, SCORE_KEYS);
            boolean numbers = true;
            for (String key : SCORE_KEYS) {
                JsonNode v = s.get(key);
                if (v != null && !v.isNumber()) {
                    add(QuarantineReason.INVALID_RESULT, path + "." + key, "not a number: " + brief(v));
                    numbers = false;
                }
            }
            if (!numbers) {
                return;
            }
            JsonNode scaled = s.get("scaled");
            if (scaled != null && (scaled.asDouble() < -1 || scaled.asDouble() > 1)) {
                add(QuarantineReason.SCORE_OUT_OF_RANGE, path + ".scaled", "outside [-1, 1]: " + scaled);
            }
            JsonNode min = s.get("min");
            JsonNode max = s.get("max");
            JsonNode raw = s.get("raw");
            if (min != null && max != null && min.asDouble() >= max.asDouble()) {
                add(QuarantineReason.SCORE_OUT_OF_RANGE, path + ".min", "min " + min + " is not below max " + max);
            }
            if (raw != null && min != null && raw.asDouble() < min.asDouble()) {
                add(QuarantineReason.SCORE_OUT_OF_RANGE, path + ".raw", "raw " + raw + " is below min " + min);
            }
            if (raw != null && max != null && raw.asDouble() > max.asDouble()) {
                add(QuarantineReason.SCORE_OUT_OF_RANGE, path + ".raw", "raw " + raw + " is above max " + max);
            }
        }

        // ---- context ----

        void context(JsonNode c, String path, String objectType) {
            if (!c.isObject()) {
                add(QuarantineReason.INVALID_CONTEXT, path, "not an object");
                return;
            }
            unknownKeys(c, path, CONTEXT_KEYS);
            JsonNode registration = c.get("registration");
            if (registration != null && !(registration.isTextual() && isUuid(registration.asText()))) {
                add(QuarantineReason.INVALID_CONTEXT, path + ".registration", "not a UUID: " + brief(registration));
            }
            JsonNode instructor = c.get("instructor");
            if (instructor != null) {
                agentOrGroup(instructor, path + ".instructor", true);
            }
            JsonNode team = c.get("team");
            if (team != null) {
                group(team, path + ".team", false);
            }
            JsonNode activities = c.get("contextActivities");
            if (activities != null) {
                contextActivities(activities, path + ".contextActivities");
            }
            for (String key : List.of("revision", "platform")) {
                JsonNode v = c.get(key);
                if (v == null) {
                    continue;
                }
                if (!v.isTextual()) {
                    add(QuarantineReason.INVALID_CONTEXT, path + "." + key, "not a string: " + brief(v));
                }
                if (!"Activity".equals(objectType)) {
                    add(QuarantineReason.INVALID_CONTEXT, path + "." + key,
                            "only allowed when the object is an Activity, not " + objectType);
                }
            }
            JsonNode language = c.get("language");
            if (language != null && !(language.isTextual() && isLanguageTag(language.asText()))) {
                add(QuarantineReason.INVALID_CONTEXT, path + ".language",
                        "not an RFC 5646 language tag: " + brief(language));
            }
            JsonNode statement = c.get("statement");
            if (statement != null) {
                statementRef(statement, path + ".statement", QuarantineReason.INVALID_CONTEXT);
            }
            if (c.has("extensions")) {
                extensions(c.get("extensions"), path + ".extensions");
            }
            contextAgents(c.get("contextAgents"), path + ".contextAgents", "contextAgent", "agent",
                    CONTEXT_AGENT_KEYS);
            contextAgents(c.get("contextGroups"), path + ".contextGroups", "contextGroup", "group",
                    CONTEXT_GROUP_KEYS);
        }

        void contextActivities(JsonNode ca, String path) {
            if (!ca.isObject()) {
                add(QuarantineReason.INVALID_CONTEXT, path, "not an object");
                return;
            }
            unknownKeys(ca, path, CONTEXT_ACTIVITY_KEYS);
            for (String key : CONTEXT_ACTIVITY_KEYS) {
                JsonNode v = ca.get(key);
                if (v == null) {
                    continue;
                }
                if (v.isArray()) {
                    for (int i = 0; i < v.size(); i++) {
                        activity(v.get(i), path + "." + key + "[" + i + "]", QuarantineReason.INVALID_CONTEXT);
                    }
                } else {
                    activity(v, path + "." + key, QuarantineReason.INVALID_CONTEXT);
                }
            }
        }

        void contextAgents(JsonNode list, String path, String objectType, String member, Set<String> keys) {
            if (list == null) {
                return;
            }
            if (version1) {
                add(QuarantineReason.UNKNOWN_PROPERTY, path, "defined in xAPI 2.0, not in the declared 1.0.x");
            }
            if (!list.isArray()) {
                add(QuarantineReason.INVALID_CONTEXT, path, "not an array");
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode e = list.get(i);
                String p = path + "[" + i + "]";
                if (!e.isObject()) {
                    add(QuarantineReason.INVALID_CONTEXT, p, "not an object");
                    continue;
                }
                unknownKeys(e, p, keys);
                JsonNode type = e.get("objectType");
                if (type == null || !type.isTextual() || !type.asText().equals(objectType)) {
                    add(QuarantineReason.INVALID_CONTEXT, p + ".objectType",
                            "must be \"" + objectType + "\": " + brief(type));
                }
                JsonNode who = e.get(member);
                if (who == null) {
                    add(QuarantineReason.INVALID_CONTEXT, p + "." + member, "missing");
                } else if (member.equals("agent")) {
                    agent(who, p + ".agent");
                } else {
                    group(who, p + ".group", false);
                }
                JsonNode relevant = e.get("relevantTypes");
                if (relevant != null) {
                    if (!relevant.isArray() || relevant.isEmpty()) {
                        add(QuarantineReason.INVALID_CONTEXT, p + ".relevantTypes", "not a non-empty array of IRIs");
                    } else {
                        for (int j = 0; j < relevant.size(); j++) {
                            JsonNode t = relevant.get(j);
                            if (!t.isTextual() || !isIri(t.asText())) {
                                add(QuarantineReason.INVALID_CONTEXT, p + ".relevantTypes[" + j + "]",
                                        "not an IRI: " + brief(t));
                            }
                        }
                    }
                }
            }
        }

        // ---- shared structures ----

        void languageMap(JsonNode map, String path) {
            if (!map.isObject()) {
                add(QuarantineReason.INVALID_LANGUAGE_MAP, path, "not a language map object: " + brief(map));
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> it = map.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!isLanguageTag(e.getKey())) {
                    add(QuarantineReason.INVALID_LANGUAGE_MAP, path,
                            "key is not an RFC 5646 language tag: \"" + e.getKey() + "\"");
                }
                if (!e.getValue().isTextual()) {
                    add(QuarantineReason.INVALID_LANGUAGE_MAP, path + "." + e.getKey(),
                            "not a string: " + brief(e.getValue()));
                }
            }
        }

        void extensions(JsonNode ext, String path) {
            if (!ext.isObject()) {
                add(QuarantineReason.INVALID_EXTENSION, path, "not an object: " + brief(ext));
                return;
            }
            Iterator<String> names = ext.fieldNames();
            while (names.hasNext()) {
                String key = names.next();
                if (!isIri(key)) {
                    add(QuarantineReason.INVALID_EXTENSION, path, "key is not an absolute IRI: \"" + key + "\"");
                }
            }
        }

        void attachments(JsonNode list, String path) {
            if (!list.isArray()) {
                add(QuarantineReason.INVALID_ATTACHMENT, path, "not an array");
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode a = list.get(i);
                String p = path + "[" + i + "]";
                if (!a.isObject()) {
                    add(QuarantineReason.INVALID_ATTACHMENT, p, "not an attachment object");
                    continue;
                }
                unknownKeys(a, p, ATTACHMENT_KEYS);
                JsonNode usage = a.get("usageType");
                if (usage == null || !usage.isTextual() || !isIri(usage.asText())) {
                    add(QuarantineReason.INVALID_ATTACHMENT, p + ".usageType", "missing or not an IRI: " + brief(usage));
                }
                JsonNode display = a.get("display");
                if (display == null) {
                    add(QuarantineReason.INVALID_ATTACHMENT, p + ".display", "missing");
                } else {
                    languageMap(display, p + ".display");
                }
                if (a.has("description")) {
                    languageMap(a.get("description"), p + ".description");
                }
                JsonNode contentType = a.get("contentType");
                if (contentType == null || !contentType.isTextual()
                        || !MEDIA_TYPE.matcher(contentType.asText()).matches()) {
                    add(QuarantineReason.INVALID_ATTACHMENT, p + ".contentType",
                            "missing or not a media type: " + brief(contentType));
                }
                JsonNode length = a.get("length");
                if (length == null || !length.canConvertToLong() || !length.isIntegralNumber()
                        || length.asLong() < 0) {
                    add(QuarantineReason.INVALID_ATTACHMENT, p + ".length",
                            "missing or not a non-negative integer: " + brief(length));
                }
                JsonNode sha2 = a.get("sha2");
                if (sha2 == null || !sha2.isTextual() || !HEX.matcher(sha2.asText()).matches()) {
                    add(QuarantineReason.INVALID_ATTACHMENT, p + ".sha2", "missing or not a hex SHA-2: " + brief(sha2));
                }
                JsonNode fileUrl = a.get("fileUrl");
                if (fileUrl != null && (!fileUrl.isTextual() || !isIri(fileUrl.asText()))) {
                    add(QuarantineReason.INVALID_ATTACHMENT, p + ".fileUrl", "not an IRL: " + brief(fileUrl));
                }
            }
        }

        void unknownKeys(JsonNode node, String path, Set<String> allowed) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String key = names.next();
                if (!allowed.contains(key)) {
                    add(QuarantineReason.UNKNOWN_PROPERTY, path + "." + key, "not an xAPI property here");
                }
            }
        }

        static String brief(JsonNode node) {
            if (node == null) {
                return "absent";
            }
            String text = node.toString();
            return text.length() > 60 ? text.substring(0, 57) + "..." : text;
        }
    }
}
