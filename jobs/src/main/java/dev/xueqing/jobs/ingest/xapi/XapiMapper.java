package dev.xueqing.jobs.ingest.xapi;

import dev.xueqing.jobs.ingest.RecordHashes;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.common.privacy.Pseudonymizer;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps one xAPI statement to a canonical event and the object observations it carries (or to a voiding, or to a
 * rejection with its quarantine reason), per DESIGN.md "Canonical event" and the {@code xueqing.xapi} rules.
 *
 * <p>Order of checks: the {@link XapiValidator} first (a violation rejects the statement with the first
 * violation's reason and all details), then voiding statements become {@link Voiding}, then the analytics checks:
 * no course → {@code missing_course}, neither timestamp nor stored → {@code missing_timestamp}.
 *
 * <p>Privacy: the actor, an Agent/Group object and an anonymous group's members are only ever output as keyed
 * pseudonyms of their normalised identifier ({@code mbox:mailto:…} lowercased, {@code mbox_sha1sum:<hex>},
 * {@code openid:<uri>}, {@code account:<homePage>|<name>}; an anonymous group: its members' identifiers sorted and
 * joined with {@code ,}). Team names (class_id) and responses are not personal identifiers and are kept.
 *
 * <p>Decisions where the design is silent:
 * <ul>
 *   <li>event_id is the statement id lowercased, else the v5 UUID of the content hash
 *       ({@link RecordHashes}); the content hash leaves out id, stored, authority and version.</li>
 *   <li>Context activities are searched for the course and the class in the order grouping, parent, other,
 *       category (category last: it usually holds profiles, not containers).</li>
 *   <li>score_scaled is (raw − min) / (max − min) with min defaulting to 0 when raw and max are present (null if
 *       that falls outside [0, 1]), else a non-negative xAPI scaled score; a negative scaled score with no raw is
 *       kept as score_raw with score_max 1.</li>
 *   <li>duration_s comes from result.duration only (nominal year = 365 d, month = 30 d); nothing is inferred for
 *       video events. The video-length extensions of the config are not read here: in the xAPI video profile
 *       they hold the length of the video, not the time watched.</li>
 *   <li>Forum posts (docs/ingest-discussions.md; action posted or replied on a post, a thread, a statement, or an
 *       untyped activity that is replied, in a thread or answering a statement): object_type forum_post, parent_id = the thread: the first parent or grouping activity of a type
 *       in {@code thread-activity-types}, else for an opener its own object id, else for a reply its first parent
 *       that is not the course. in_reply_to = context.statement's id (lowercased; a posted statement with one is
 *       replied), else for a reply the first parent of type forum_post, else the thread. A post whose object is a
 *       StatementRef answers that statement and is itself the post (object_id = its event_id).</li>
 *   <li>attempt comes from {@link #ATTEMPT_EXTENSIONS} (context, then result) when it holds an integer.</li>
 *   <li>Observations: the object activity always (so that course_items knows every object of the course, with its
 *       parent), the course (objectId = course_id, type course) always, and every other context activity that has
 *       a definition; one observation per object id. An activity's skills come from its definition's extensions
 *       named in {@code xueqing.skills.extensions} ({@link #skills}).</li>
 * </ul>
 *
 * <p>Serializable so that Spark tasks can carry it.
 */
public final class XapiMapper implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Adapter name written to {@code source}. */
    public static final String SOURCE = "xapi";

    /** Extension IRIs read as the attempt number (an integer), from context then result extensions. */
    static final List<String> ATTEMPT_EXTENSIONS = List.of(
            "http://id.tincanapi.com/extension/attempt-id",
            "https://w3id.org/xapi/scorm/context/extensions/attempt");

    /** Order in which context activities are searched for the course and the class. */
    private static final List<String> CONTEXT_ORDER = List.of("grouping", "parent", "other", "category");

    /** What {@link #map} made of a statement. */
    public sealed interface Mapped permits Event, Voiding, Rejected {}

    /** A canonical event and what the statement told about its learning objects. */
    public record Event(CanonicalEvent event, List<ObjectObservation> observations) implements Mapped {}

    /** A voiding statement: {@code voidedEventId} (lowercased) is withdrawn by {@code voidingEventId} at time. */
    public record Voiding(String voidedEventId, String voidingEventId, Instant time) implements Mapped {}

    /** A statement that goes to quarantine. */
    public record Rejected(QuarantineReason reason, String detail) implements Mapped {}

    private final XueqingConfig.Xapi xapi;
    private final List<String> skillExtensions;
    private final Pseudonymizer pseudonymizer;
    private final IdScrubber scrubber;
    private final ZoneId zoneId;
    private final String tenant;
    private final String runId;
    private final XapiValidator validator = new XapiValidator();

    /**
     * @param skillExtensions activity definition extensions read as the activity's skill ids
     *                        ({@code xueqing.skills.extensions})
     */
    public XapiMapper(XueqingConfig.Xapi xapi, List<String> skillExtensions, Pseudonymizer pseudonymizer,
                      ZoneId zoneId, String tenant, String runId) {
        this.xapi = Objects.requireNonNull(xapi, "xapi");
        this.skillExtensions = List.copyOf(skillExtensions);
        this.pseudonymizer = Objects.requireNonNull(pseudonymizer, "pseudonymizer");
        this.zoneId = Objects.requireNonNull(zoneId, "zoneId");
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.scrubber = new IdScrubber(pseudonymizer, tenant);
    }

    /** A scope of known learner ids for {@link #map(JsonNode, String, IdScrubber.Scope)}: one per input file. */
    public IdScrubber.Scope newScope() {
        return scrubber.newScope();
    }

    /**
     * The learner_key of an actor given by its normalised identifier (see the class comment, e.g.
     * {@code mbox:mailto:tutor@example.edu} or {@code account:https://lms.example.edu|t-17}).
     */
    public String accountPseudonym(String identifier) {
        return pseudonymizer.pseudonym(tenant, identifier);
    }

    /** Maps one statement on its own (the raw ids of its own agents are rewritten in its identifiers). */
    public Mapped map(JsonNode statement, String rawRef) {
        return map(statement, rawRef, newScope());
    }

    /**
     * Maps one statement; {@code rawRef} says where it came from (file and line or offset). The identifiers of the
     * statement's agents (actor, instructor, team members, an agent object, authority) join {@code ids}, and every raw id
     * {@code ids} knows is rewritten in the event's and the observations' identifiers.
     */
    public Mapped map(JsonNode statement, String rawRef, IdScrubber.Scope ids) {
        List<XapiValidator.Violation> violations = validator.validate(statement);
        if (!violations.isEmpty()) {
            return new Rejected(violations.get(0).reason(), violations.stream()
                    .map(XapiValidator.Violation::detail).collect(Collectors.joining("; ")));
        }
        String contentHash = RecordHashes.contentHash(statement);
        String eventId = statement.has("id")
                ? statement.get("id").asText().toLowerCase(Locale.ROOT)
                : RecordHashes.statementId(contentHash);
        Optional<Instant> time = eventTime(statement);
        JsonNode verb = statement.get("verb");
        JsonNode object = statement.get("object");
        String verbIri = verb.get("id").asText();
        String objectType = object.path("objectType").asText("Activity");

        if (XapiValidator.VOIDED.equals(verbIri) && objectType.equals("StatementRef")) {
            if (time.isEmpty()) {
                return new Rejected(QuarantineReason.MISSING_TIMESTAMP,
                        "$: a voiding statement without timestamp or stored");
            }
            return new Voiding(object.get("id").asText().toLowerCase(Locale.ROOT), eventId, time.get());
        }

        JsonNode context = statement.path("context");
        List<JsonNode> contextActivities = contextActivities(context);
        String objectCanonicalType = objectType.equals("Activity") ? activityType(object) : null;
        String courseId = courseId(object, objectCanonicalType, context);
        if (courseId == null) {
            return new Rejected(QuarantineReason.MISSING_COURSE,
                    "$.context.contextActivities: no activity of a course type, the object is not a course"
                            + (xapi.courseFallbackToGrouping() ? ", and there is no grouping activity" : ""));
        }
        if (time.isEmpty()) {
            return new Rejected(QuarantineReason.MISSING_TIMESTAMP, "$: neither timestamp nor stored is present");
        }
        Instant eventTime = time.get();

        String objectId;
        String canonicalObjectType;
        switch (objectType) {
            case "Activity" -> {
                objectId = object.get("id").asText();
                canonicalObjectType = objectCanonicalType;
            }
            case "StatementRef" -> {
                objectId = object.get("id").asText().toLowerCase(Locale.ROOT);
                canonicalObjectType = ObjectTypes.STATEMENT;
            }
            case "SubStatement" -> {
                objectId = RecordHashes.hashOf(object);
                canonicalObjectType = ObjectTypes.STATEMENT;
            }
            default -> {
                objectId = pseudonymizer.pseudonym(tenant, identifier(object));
                canonicalObjectType = ObjectTypes.AGENT;
            }
        }

        String action = xapi.verbs().getOrDefault(verbIri, Actions.OTHER);
        if (action.equals(Actions.COMPLETED) && ObjectTypes.VIDEO.equals(canonicalObjectType)) {
            action = Actions.VIDEO_COMPLETED;
        }

        String inReplyTo = null;
        JsonNode ref = context.path("statement");
        if (ref.isObject() && ref.has("id")) {
            inReplyTo = ref.get("id").asText().toLowerCase(Locale.ROOT);
        }
        String parentId = firstParent(context, courseId);
        String observedType = canonicalObjectType;
        String observedParent = parentId;
        String contextThread = contextThread(context);
        if ((action.equals(Actions.POSTED) || action.equals(Actions.REPLIED))
                && isForumPost(action, canonicalObjectType, contextThread, inReplyTo)) {
            if (objectType.equals("StatementRef")) {
                // a post about a statement answers it; the post is this statement
                inReplyTo = inReplyTo != null ? inReplyTo : objectId;
                objectId = eventId;
            }
            if (inReplyTo != null) {
                action = Actions.REPLIED;
            }
            canonicalObjectType = ObjectTypes.FORUM_POST;
            if (action.equals(Actions.REPLIED) && inReplyTo == null) {
                inReplyTo = answeredPost(context, courseId, contextThread);
            }
            // the thread: a thread activity of the context; else an opener's own id; else the post a reply answers
            parentId = contextThread != null ? contextThread
                    : action.equals(Actions.POSTED) || parentId == null ? objectId : parentId;
        }
        String classId = classId(contextActivities, context);

        String actorIfi = identifier(statement.get("actor"));
        String learnerKey = pseudonymizer.pseudonym(tenant, actorIfi);
        String actorRole = actorRole(context, actorIfi);

        JsonNode result = statement.path("result");
        JsonNode score = result.path("score");
        Double raw = number(score.get("raw"));
        Double max = number(score.get("max"));
        Double min = number(score.get("min"));
        Double scaled = number(score.get("scaled"));
        Double scoreScaled = null;
        if (raw != null && max != null) {
            double low = min == null ? 0.0 : min;
            if (max > low) {
                double s = (raw - low) / (max - low);
                scoreScaled = s >= 0 && s <= 1 ? s : null;
            }
        } else if (scaled != null && scaled >= 0) {
            scoreScaled = scaled;
        }
        if (raw == null && scaled != null && scaled < 0) {
            raw = scaled;
            max = 1.0;
        }
        Boolean success = result.has("success") ? result.get("success").asBoolean() : null;
        Boolean completion = result.has("completion") ? result.get("completion").asBoolean() : null;
        Double durationS = null;
        if (result.has("duration")) {
            OptionalDouble seconds = Iso8601.durationSeconds(result.get("duration").asText());
            durationS = seconds.isPresent() ? seconds.getAsDouble() : null;
        }
        String response = result.has("response") ? result.get("response").asText() : null;
        Integer attempt = attempt(context.path("extensions"));
        if (attempt == null) {
            attempt = attempt(result.path("extensions"));
        }

        LocalDate eventDate = LocalDate.ofInstant(eventTime, zoneId);
        CanonicalEvent event = new CanonicalEvent(eventId, SOURCE, tenant, learnerKey, actorRole, courseId, classId,
                eventTime, action, verbIri, objectId, canonicalObjectType, parentId, raw, max, scoreScaled, success,
                completion, durationS, response, attempt, inReplyTo, rawRef, runId, contentHash, eventDate);

        List<ObjectObservation> observations = observations(object, objectType, observedType, courseId,
                observedParent, number(score.get("max")), contextActivities, eventTime);
        for (JsonNode agent : List.of(statement.path("actor"), context.path("instructor"), object,
                statement.path("authority"))) {
            learnAgent(agent, ids, 0);
        }
        // a team's own account names the class (class_id), its members are learners
        context.path("team").path("member").forEach(m -> learnAgent(m, ids, 1));
        return new Event(ids.event(event), ids.observations(observations));
    }

    // ---- time ----

    private static Optional<Instant> eventTime(JsonNode statement) {
        for (String key : List.of("timestamp", "stored")) {
            JsonNode v = statement.get(key);
            if (v != null && v.isTextual()) {
                Optional<Instant> t = Iso8601.parseDateTime(v.asText());
                if (t.isPresent()) {
                    return t;
                }
            }
        }
        return Optional.empty();
    }

    // ---- course, class, types ----

    private String activityType(JsonNode activity) {
        JsonNode type = activity.path("definition").path("type");
        return type.isTextual() ? xapi.activityTypes().getOrDefault(type.asText(), ObjectTypes.ACTIVITY)
                : ObjectTypes.ACTIVITY;
    }

    private String courseId(JsonNode object, String objectCanonicalType, JsonNode context) {
        for (JsonNode a : contextActivities(context)) {
            if (ObjectTypes.COURSE.equals(activityType(a))) {
                return a.path("id").asText();
            }
        }
        if (ObjectTypes.COURSE.equals(objectCanonicalType)) {
            return object.get("id").asText();
        }
        if (xapi.courseFallbackToGrouping()) {
            List<JsonNode> grouping = list(context.path("contextActivities").path("grouping"));
            if (!grouping.isEmpty()) {
                return grouping.get(0).path("id").asText();
            }
        }
        return null;
    }

    private String classId(List<JsonNode> contextActivities, JsonNode context) {
        for (JsonNode a : contextActivities) {
            if (ObjectTypes.CLASS.equals(activityType(a))) {
                return a.path("id").asText();
            }
        }
        JsonNode team = context.path("team");
        if (team.path("name").isTextual()) {
            return team.get("name").asText();
        }
        if (team.path("account").path("name").isTextual()) {
            return team.path("account").get("name").asText();
        }
        return null;
    }

    /** Context activities in search order: grouping, parent, other, category. */
    private static List<JsonNode> contextActivities(JsonNode context) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode ca = context.path("contextActivities");
        for (String key : CONTEXT_ORDER) {
            out.addAll(list(ca.path(key)));
        }
        return out;
    }

    /** A context activity value as a list: an array's elements, or the single activity. */
    private static List<JsonNode> list(JsonNode value) {
        List<JsonNode> out = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(out::add);
        } else if (value.isObject()) {
            out.add(value);
        }
        return out;
    }

    // ---- threads ----

    /** The first parent activity that is not the course, or null. */
    private static String firstParent(JsonNode context, String courseId) {
        for (JsonNode parent : list(context.path("contextActivities").path("parent"))) {
            String id = parent.path("id").asText();
            if (!id.equals(courseId)) {
                return id;
            }
        }
        return null;
    }

    /**
     * Whether a posted or replied statement is a forum contribution: its object is a post, a thread (the post that
     * opens it) or a statement (the post it answers), or its object has no known type and it is a reply, sits in a
     * thread or answers a statement. Other verbs mapped to posted (a generic "create" of a course, a group) are not.
     */
    private static boolean isForumPost(String action, String objectType, String contextThread, String inReplyTo) {
        return switch (objectType) {
            case ObjectTypes.FORUM_POST, ObjectTypes.FORUM_THREAD, ObjectTypes.STATEMENT -> true;
            case ObjectTypes.ACTIVITY -> action.equals(Actions.REPLIED) || contextThread != null || inReplyTo != null;
            default -> false;
        };
    }

    /** Whether an activity's type is one of {@code xueqing.xapi.thread-activity-types}. */
    private boolean isThread(JsonNode activity) {
        JsonNode type = activity.path("definition").path("type");
        return type.isTextual() && xapi.threadActivityTypes().contains(type.asText());
    }

    /** The id of the first parent, then grouping, context activity of a thread type, or null. */
    private String contextThread(JsonNode context) {
        JsonNode ca = context.path("contextActivities");
        for (String key : List.of("parent", "grouping")) {
            for (JsonNode a : list(ca.path(key))) {
                if (isThread(a)) {
                    return a.path("id").asText();
                }
            }
        }
        return null;
    }

    /**
     * The post a reply without a statement reference answers: its first parent activity of type forum_post, else its
     * thread (the thread's opening post has the thread's id), else its first parent that is not the course.
     */
    private String answeredPost(JsonNode context, String courseId, String contextThread) {
        for (JsonNode parent : list(context.path("contextActivities").path("parent"))) {
            if (ObjectTypes.FORUM_POST.equals(activityType(parent))) {
                return parent.path("id").asText();
            }
        }
        return contextThread != null ? contextThread : firstParent(context, courseId);
    }

    // ---- actors ----

    /** Learns an Agent's (or a Group's and its members') account name, mailbox and OpenID as raw ids. */
    private static void learnAgent(JsonNode agent, IdScrubber.Scope ids, int depth) {
        if (agent == null || !agent.isObject() || depth > 2) {
            return;
        }
        if (agent.has("mbox") || agent.has("account") || agent.has("openid")) {
            String id = identifier(agent);
            if (agent.has("mbox")) {
                ids.learnIdentifier(agent.get("mbox").asText(), id);
            } else if (agent.has("account")) {
                ids.learn(agent.path("account").path("name").asText(null), id);
            } else {
                ids.learnIdentifier(agent.get("openid").asText(), id);
            }
        }
        agent.path("member").forEach(m -> learnAgent(m, ids, depth + 1));
    }

    /** The normalised identifier of an Agent or Group (see the class comment). */
    static String identifier(JsonNode agent) {
        if (agent.has("mbox")) {
            return "mbox:" + agent.get("mbox").asText().toLowerCase(Locale.ROOT);
        }
        if (agent.has("mbox_sha1sum")) {
            return "mbox_sha1sum:" + agent.get("mbox_sha1sum").asText().toLowerCase(Locale.ROOT);
        }
        if (agent.has("openid")) {
            return "openid:" + agent.get("openid").asText();
        }
        if (agent.has("account")) {
            JsonNode account = agent.get("account");
            return "account:" + account.path("homePage").asText() + "|" + account.path("name").asText();
        }
        List<String> members = new ArrayList<>();
        agent.path("member").forEach(m -> members.add(identifier(m)));
        members.sort(null);
        return String.join(",", members);
    }

    private String actorRole(JsonNode context, String actorIfi) {
        JsonNode extensions = context.path("extensions");
        for (String key : xapi.roleExtensions()) {
            JsonNode v = extensions.get(key);
            if (v != null && !v.isNull()) {
                return switch (v.asText("").trim().toLowerCase(Locale.ROOT)) {
                    case "instructor", "teacher" -> ActorRoles.INSTRUCTOR;
                    case "tutor" -> ActorRoles.TUTOR;
                    case "system" -> ActorRoles.SYSTEM;
                    default -> ActorRoles.LEARNER;
                };
            }
        }
        JsonNode instructor = context.path("instructor");
        if (instructor.isObject() && identifier(instructor).equals(actorIfi)) {
            return ActorRoles.INSTRUCTOR;
        }
        return ActorRoles.LEARNER;
    }

    // ---- result ----

    private static Double number(JsonNode v) {
        return v != null && v.isNumber() ? v.asDouble() : null;
    }

    private static Integer attempt(JsonNode extensions) {
        for (String key : ATTEMPT_EXTENSIONS) {
            JsonNode v = extensions.get(key);
            if (v == null) {
                continue;
            }
            if (v.isIntegralNumber() && v.canConvertToInt()) {
                return v.asInt();
            }
            if (v.isTextual() && v.asText().trim().matches("\\d{1,9}")) {
                return Integer.parseInt(v.asText().trim());
            }
        }
        return null;
    }

    // ---- observations ----

    private List<ObjectObservation> observations(JsonNode object, String objectType, String canonicalObjectType,
                                                 String courseId, String parentId, Double maxScore,
                                                 List<JsonNode> contextActivities, Instant eventTime) {
        Map<String, ObjectObservation> byId = new LinkedHashMap<>();
        if (objectType.equals("Activity")) {
            String id = object.get("id").asText();
            boolean isCourse = id.equals(courseId);
            byId.put(id, observation(object, courseId, isCourse ? ObjectTypes.COURSE : canonicalObjectType,
                    isCourse ? null : parentId, maxScore, eventTime));
        }
        for (JsonNode a : contextActivities) {
            String id = a.path("id").asText();
            if (id.equals(courseId) && !byId.containsKey(id)) {
                byId.put(id, observation(a, courseId, ObjectTypes.COURSE, null, null, eventTime));
            } else if (a.has("definition") && !byId.containsKey(id)) {
                byId.put(id, observation(a, courseId, activityType(a), null, null, eventTime));
            }
        }
        if (!byId.containsKey(courseId)) {
            byId.put(courseId, new ObjectObservation(courseId, courseId, ObjectTypes.COURSE, null, null, null, null,
                    null, tenant, eventTime));
        }
        return List.copyOf(byId.values());
    }

    private ObjectObservation observation(JsonNode activity, String courseId, String type, String parentId,
                                          Double maxScore, Instant eventTime) {
        JsonNode definition = activity.path("definition");
        JsonNode extensions = definition.path("extensions");
        Instant due = null;
        for (String key : xapi.dueTimeExtensions()) {
            JsonNode v = extensions.get(key);
            if (v != null && v.isTextual()) {
                due = Iso8601.parseDateTime(v.asText()).orElse(null);
                if (due != null) {
                    break;
                }
            }
        }
        Double weight = null;
        for (String key : xapi.weightExtensions()) {
            JsonNode v = extensions.get(key);
            if (v != null && v.isNumber()) {
                weight = v.asDouble();
                break;
            }
            if (v != null && v.isTextual()) {
                try {
                    weight = Double.parseDouble(v.asText().trim());
                    break;
                } catch (NumberFormatException ignored) {
                    // not a number: no weight from this key
                }
            }
        }
        return new ObjectObservation(courseId, activity.path("id").asText(), type, parentId,
                title(definition.path("name")), maxScore, due, weight, tenant, eventTime, skills(extensions));
    }

    /**
     * The skill ids of an activity definition's extensions: each configured extension that is present holds a JSON
     * array of strings or one string; ids are trimmed, blanks and repeats dropped, first-seen order kept (over the
     * extensions in configured order). Null when none of the extensions is present (the statement says nothing),
     * an empty list when they are present and hold no id. Values that are not strings are ignored.
     */
    List<String> skills(JsonNode extensions) {
        Set<String> ids = null;
        for (String key : skillExtensions) {
            JsonNode v = extensions.get(key);
            if (v == null || v.isNull()) {
                continue;
            }
            if (ids == null) {
                ids = new LinkedHashSet<>();
            }
            for (JsonNode id : v.isArray() ? v : List.of(v)) {
                if (id.isTextual() && !id.asText().isBlank()) {
                    ids.add(id.asText().trim());
                }
            }
        }
        return ids == null ? null : List.copyOf(ids);
    }

    /** First value of a language map, preferring en-US, then zh-CN, then any. */
    static String title(JsonNode name) {
        if (!name.isObject() || name.isEmpty()) {
            return null;
        }
        for (String tag : List.of("en-US", "zh-CN")) {
            if (name.path(tag).isTextual()) {
                return name.get(tag).asText();
            }
        }
        return name.elements().next().asText();
    }
}
