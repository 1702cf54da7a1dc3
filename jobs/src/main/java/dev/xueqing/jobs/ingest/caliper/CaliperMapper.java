package dev.xueqing.jobs.ingest.caliper;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.jobs.ingest.QuarantineDetails;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.RecordHashes;
import dev.xueqing.jobs.ingest.xapi.Iso8601;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps one IMS Caliper 1.1 / 1.2 event (JSON-LD, full or "thinned" with IRIs in place of entities) to a canonical
 * event and the object observations it carries, or to a rejection with its quarantine reason. The rules of the
 * specification (event type → allowed actions, the action vocabulary, allowed entity types, contexts, profiles) are
 * in {@code xueqing/caliper-spec.conf}; the mapping tables (action → canonical action, entity type → object_type,
 * roles) are the validated {@link XueqingConfig.Caliper} record ({@code xueqing.caliper} in the configuration).
 *
 * <p>Checks, in order (the first failure rejects): an entity on its own (no {@code action}, a type not ending in
 * "Event") → {@code not_an_event}; {@code @context} → {@code invalid_context}; {@code type} →
 * {@code unknown_event_type}; {@code id} (urn:uuid) → {@code invalid_id}; {@code action} (in the vocabulary and
 * allowed for the type) → {@code invalid_action}; {@code profile} → {@code invalid_profile}; {@code actor} →
 * {@code missing_actor} / {@code invalid_actor}; {@code object} → {@code missing_object} / {@code invalid_object};
 * {@code eventTime} → {@code missing_timestamp} / {@code invalid_timestamp}; generated, target, referrer, edApp,
 * group, membership, session, federatedSession (an IRI or an entity of an allowed type) → {@code invalid_entity};
 * {@code extensions} (an object) → {@code invalid_extension}.
 *
 * <p>Decisions:
 * <ul>
 *   <li>event_id is the event's urn:uuid, lowercased, without the {@code urn:uuid:} prefix.</li>
 *   <li>learner_key is the pseudonym of {@code ACTOR_PREFIX + actor id}; for a grade event whose object is an
 *       Attempt with an assignee, of {@code ACTOR_PREFIX + assignee id} (the graded learner), and the
 *       grader is the actor_role (system for a SoftwareApplication).</li>
 *   <li>actor_role: the membership's roles (Instructor → instructor, TeachingAssistant/Mentor → tutor,
 *       Administrator → system), else system for a SoftwareApplication actor, else learner.</li>
 *   <li>course/class from {@code group}, else from {@code membership.organization}: a CourseSection that is a
 *       sub-organisation of a CourseOffering gives course = offering, class = section; a CourseSection alone,
 *       a CourseOffering, an Organization or a bare IRI gives course = its id; a Group gives class = group and
 *       course = what its parent gives. With neither group nor membership the course is the edApp id, else
 *       {@link #NO_COURSE} (Caliper makes group optional; the event is kept rather than quarantined).</li>
 *   <li>An Attempt object is resolved to its assignable (object_id, object_type) with attempt = count; a Score
 *       or Result in generated gives score_raw/score_max (scoreGiven/maxScore, resultScore/maxResultScore);
 *       a Response in generated gives the response (value, values or selections joined by {@code ,}) and the
 *       attempt's count; duration_s comes from the Attempt's or Response's duration.</li>
 *   <li>A MessageEvent Posted whose Message has a replyTo is {@code replied}, with in_reply_to = replyTo id.
 *       A posted or replied Message's parent_id is its thread ({@link #thread}; docs/ingest-discussions.md); any
 *       other object's parent_id is its isPartOf.</li>
 *   <li>An observed object's skills are the ids of its {@code learningObjectives} ({@link #learningObjectives}).</li>
 *   <li>referrer, edApp (beyond the course fallback), session and federatedSession are validated, not mapped.</li>
 * </ul>
 */
public final class CaliperMapper implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String SOURCE = "caliper";
    /** Pseudonymizer input of an actor: this prefix and the actor's id. */
    static final String ACTOR_PREFIX = "caliper-actor:";
    /** course_id of an event that names no group, membership or edApp. */
    public static final String NO_COURSE = "caliper:unknown-course";
    static final String SPEC_RESOURCE = "xueqing/caliper-spec.conf";

    private static final Pattern URN_UUID = Pattern.compile(
            "(?i)urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern IRI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s<>\"{}|\\\\^`]+");

    /** What {@link #map} made of a record. */
    public sealed interface Mapped permits Event, Rejected {}

    public record Event(CanonicalEvent event, List<ObjectObservation> observations) implements Mapped {}

    public record Rejected(QuarantineReason reason, String detail) implements Mapped {}

    private final Map<String, Set<String>> actionsByType = new HashMap<>();
    private final Set<String> vocabulary;
    private final Map<String, String> actionMap;
    private final Map<String, String> objectTypes;
    private final Map<String, Set<String>> allowedTypes = new HashMap<>();
    private final Set<String> notObjectTypes;
    private final Map<String, String> roles;
    private final Set<String> requiresFederatedSession;
    private final Set<String> contexts;
    private final List<String> contextExtensionPrefixes;
    private final Set<String> profiles;

    private final CaliperEntities entities = new CaliperEntities();

    /** Event properties that hold entities, checked in depth once the event's own rules pass. */
    private static final List<String> ENTITY_PROPERTIES = List.of("actor", "object", "generated", "target",
            "referrer", "edApp", "group", "membership", "session", "federatedSession");

    private final Pseudonymizer pseudonymizer;
    private final IdScrubber scrubber;
    private final ZoneId zoneId;
    private final String tenant;
    private final String runId;

    /**
     * @throws ConfigException when a key of {@code xueqing.caliper.actions} names an event type or action that
     *     Caliper does not define (it would never match)
     */
    public CaliperMapper(XueqingConfig.Caliper mapping, Pseudonymizer pseudonymizer, ZoneId zoneId, String tenant,
                         String runId) {
        this.pseudonymizer = Objects.requireNonNull(pseudonymizer, "pseudonymizer");
        this.zoneId = Objects.requireNonNull(zoneId, "zoneId");
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.runId = Objects.requireNonNull(runId, "runId");
        // a user-position segment of an IRI (https://lms/users/<id>) is the actor IRI up to that segment
        this.scrubber = new IdScrubber(pseudonymizer, tenant, (prefix, segment) -> prefix.contains("://")
                ? ACTOR_PREFIX + prefix : "segment:" + segment);
        Config c = ConfigFactory.parseResources(CaliperMapper.class.getClassLoader(), SPEC_RESOURCE).resolve()
                .getConfig("caliper");
        Config byType = c.getConfig("actions-by-type");
        byType.root().keySet().forEach(t -> actionsByType.put(t, new HashSet<>(byType.getStringList(t))));
        vocabulary = new HashSet<>(c.getStringList("vocabulary"));
        actionMap = Map.copyOf(mapping.actions());
        objectTypes = Map.copyOf(mapping.objectTypes());
        roles = Map.copyOf(mapping.roles());
        checkActionKeys();
        allowedTypes.put("actor", new HashSet<>(c.getStringList("actor-types")));
        allowedTypes.put("group", new HashSet<>(c.getStringList("group-types")));
        allowedTypes.put("membership", new HashSet<>(c.getStringList("membership-types")));
        allowedTypes.put("session", new HashSet<>(c.getStringList("session-types")));
        allowedTypes.put("federatedSession", new HashSet<>(c.getStringList("federated-session-types")));
        allowedTypes.put("edApp", new HashSet<>(c.getStringList("edapp-types")));
        notObjectTypes = new HashSet<>(c.getStringList("not-object-types"));
        requiresFederatedSession = new HashSet<>(c.getStringList("requires-federated-session"));
        contexts = new HashSet<>(c.getStringList("contexts"));
        contextExtensionPrefixes = c.getStringList("context-extension-prefixes");
        profiles = new HashSet<>(c.getStringList("profiles"));
    }

    private void checkActionKeys() {
        for (String key : actionMap.keySet()) {
            int dot = key.indexOf('.');
            String type = dot < 0 ? null : key.substring(0, dot);
            String action = dot < 0 ? key : key.substring(dot + 1);
            String where = "xueqing.caliper.actions.\"" + key + "\"";
            if (type != null && !type.equals("Event") && !actionsByType.containsKey(type)) {
                throw new ConfigException(where + ": " + type + " is not a Caliper event type; use one of "
                        + new java.util.TreeSet<>(actionsByType.keySet()) + " or Event (key \"<EventType>.<Action>\" "
                        + "or \"<Action>\").");
            }
            if (!vocabulary.contains(action)) {
                throw new ConfigException(where + ": " + action + " is not a Caliper action; use one of "
                        + new java.util.TreeSet<>(vocabulary) + ".");
            }
            if (type != null && !type.equals("Event") && !actionsByType.get(type).contains(action)) {
                throw new ConfigException(where + ": " + type + " does not allow " + action + "; it allows "
                        + new java.util.TreeSet<>(actionsByType.get(type)) + ".");
            }
        }
    }

    /** A scope of known learner ids for {@link #map(JsonNode, String, IdScrubber.Scope)}: one per input file. */
    public IdScrubber.Scope newScope() {
        return scrubber.newScope();
    }

    /** The learner_key of an actor given by its id (an IRI, as in {@code xueqing.staff}): the actor's pseudonym. */
    public String accountPseudonym(String actorId) {
        return pseudonymizer.pseudonym(tenant, ACTOR_PREFIX + actorId);
    }

    /** Maps one record on its own (the raw ids of its own agents are rewritten in its identifiers). */
    public Mapped map(JsonNode e, String rawRef) {
        return map(e, rawRef, newScope());
    }

    /**
     * Maps one record (an element of an envelope's data, or a bare event); rawRef says where it came from. The
     * ids of the record's persons join {@code ids}, and every raw id {@code ids} knows is rewritten in the event's
     * and the observations' identifiers.
     */
    public Mapped map(JsonNode e, String rawRef, IdScrubber.Scope ids) {
        Mapped m = check(e, rawRef, ids);
        if (m instanceof Rejected r && e != null && e.isObject()) {
            java.util.Set<String> persons = new java.util.HashSet<>();
            collectPersons(e, persons, 0);
            return new Rejected(r.reason(), QuarantineDetails.redact(r.detail(), persons));
        }
        return m;
    }

    private Mapped check(JsonNode e, String rawRef, IdScrubber.Scope ids) {
        if (e == null || !e.isObject()) {
            return reject(QuarantineReason.NOT_AN_EVENT, "expected a JSON object, found "
                    + (e == null ? "nothing" : e.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        String type = text(e.get("type"));
        if (!e.has("action") && (type == null || !type.endsWith("Event"))) {
            return entityOnItsOwn(e, type);
        }
        Optional<Rejected> bad = validate(e, type);
        if (bad.isPresent()) {
            return bad.get();
        }
        learnPersons(e, ids, 0);
        Event mapped = toEvent(e, type, rawRef);
        return new Event(ids.event(mapped.event()), ids.observations(mapped.observations()));
    }

    /**
     * A record that is not an event: without a type it is no Caliper document at all; with one it is checked as a
     * standalone entity (its defect is the reason), and a valid entity is {@code not_an_event}, since an entity
     * describes an object and is no activity of a learner.
     */
    private Rejected entityOnItsOwn(JsonNode e, String type) {
        JsonNode typeNode = e.get("type");
        if (typeNode == null || typeNode.isNull()) {
            return reject(QuarantineReason.NOT_AN_EVENT, "neither a Caliper event nor an entity: no type and no action");
        }
        JsonNode ctx = e.get("@context");
        if (ctx != null && !contextOk(ctx)) {
            return reject(QuarantineReason.INVALID_CONTEXT, "@context " + ctx + " is not a Caliper 1.1/1.2 context");
        }
        CaliperEntities.Problem problem = entities.checkDocument(e);
        if (problem != null) {
            return reject(problem.reason(), problem.detail());
        }
        return reject(QuarantineReason.NOT_AN_EVENT, "a valid Caliper " + type + " entity on its own, with no action: "
                + "an entity describes an object, it is not an activity (not kept)");
    }

    private Optional<Rejected> validate(JsonNode e, String type) {
        JsonNode ctx = e.get("@context");
        if (ctx != null && !contextOk(ctx)) {
            return rejected(QuarantineReason.INVALID_CONTEXT, "@context " + ctx + " is not a Caliper 1.1/1.2 context");
        }
        if (type == null) {
            return rejected(QuarantineReason.UNKNOWN_EVENT_TYPE, "type: missing or null");
        }
        if (!type.equals("Event") && !actionsByType.containsKey(type)) {
            return rejected(QuarantineReason.UNKNOWN_EVENT_TYPE, "type: " + type + " is not a Caliper event type");
        }
        String id = text(e.get("id"));
        if (id == null) {
            return rejected(QuarantineReason.INVALID_ID, "id: missing or null (a Caliper event id is a urn:uuid)");
        }
        if (!URN_UUID.matcher(id).matches()) {
            return rejected(QuarantineReason.INVALID_ID, "id: " + id + " is not a urn:uuid");
        }
        String action = text(e.get("action"));
        if (action == null) {
            return rejected(QuarantineReason.INVALID_ACTION, "action: missing or null");
        }
        if (!vocabulary.contains(action)) {
            return rejected(QuarantineReason.INVALID_ACTION, "action: " + action + " is not a Caliper action");
        }
        if (!type.equals("Event") && !actionsByType.get(type).contains(action)) {
            return rejected(QuarantineReason.INVALID_ACTION, "action: " + action + " is not allowed for " + type
                    + " (allowed: " + String.join(", ", new java.util.TreeSet<>(actionsByType.get(type))) + ")");
        }
        JsonNode profile = e.get("profile");
        if (profile != null && !profile.isNull() && !profiles.contains(profile.asText())) {
            return rejected(QuarantineReason.INVALID_PROFILE, "profile: " + profile + " is not a Caliper profile");
        }
        JsonNode actor = e.get("actor");
        if (actor == null || actor.isNull()) {
            return rejected(QuarantineReason.MISSING_ACTOR, "actor: missing or null");
        }
        String actorProblem = entityProblem(actor, allowedTypes.get("actor"), null);
        if (actorProblem != null) {
            return rejected(QuarantineReason.INVALID_ACTOR, "actor: " + actorProblem);
        }
        JsonNode object = e.get("object");
        if (object == null || object.isNull()) {
            return rejected(QuarantineReason.MISSING_OBJECT, "object: missing or null");
        }
        String objectProblem = entityProblem(object, null, notObjectTypes);
        if (objectProblem != null) {
            return rejected(QuarantineReason.INVALID_OBJECT, "object: " + objectProblem);
        }
        JsonNode time = e.get("eventTime");
        if (time == null || time.isNull()) {
            return rejected(QuarantineReason.MISSING_TIMESTAMP, "eventTime: missing or null");
        }
        if (!time.isTextual() || Iso8601.parseDateTime(time.asText()).isEmpty()) {
            return rejected(QuarantineReason.INVALID_TIMESTAMP, "eventTime: " + time + " is not an ISO 8601 date-time");
        }
        for (String p : List.of("generated", "target", "referrer")) {
            JsonNode v = e.get(p);
            if (v != null && !v.isNull()) {
                String problem = entityProblem(v, null, notObjectTypes);
                if (problem != null) {
                    return rejected(QuarantineReason.INVALID_ENTITY, p + ": " + problem);
                }
            }
        }
        for (String p : List.of("edApp", "group", "membership", "session", "federatedSession")) {
            JsonNode v = e.get(p);
            if (v != null && !v.isNull()) {
                String problem = entityProblem(v, allowedTypes.get(p), null);
                if (problem != null) {
                    return rejected(QuarantineReason.INVALID_ENTITY, p + ": " + problem);
                }
            }
        }
        if (requiresFederatedSession.contains(type + "." + action)
                && (e.get("federatedSession") == null || e.get("federatedSession").isNull())) {
            return rejected(QuarantineReason.INVALID_ENTITY,
                    "federatedSession: missing, and a " + type + " " + action + " requires an LtiSession");
        }
        JsonNode ext = e.get("extensions");
        if (ext != null && !ext.isNull() && !ext.isObject()) {
            return rejected(QuarantineReason.INVALID_EXTENSION, "extensions: " + ext + " is not a JSON object");
        }
        // the entities inside the event follow the same rules as standalone ones
        for (String p : ENTITY_PROPERTIES) {
            JsonNode v = e.get(p);
            if (v != null && v.isObject()) {
                String t = text(v.get("type"));
                CaliperEntities.Problem problem = entities.checkProperties(v, entities.known(t) ? t : null, p, 1);
                if (problem != null) {
                    return rejected(problem.reason(), problem.detail());
                }
            }
        }
        return Optional.empty();
    }

    private boolean knownContext(String ctx) {
        if (contexts.contains(ctx)) {
            return true;
        }
        for (String prefix : contextExtensionPrefixes) {
            if (ctx.startsWith(prefix) && ctx.substring(prefix.length()).matches("[A-Za-z]+Profile-extension")) {
                return true;
            }
        }
        return false;
    }

    private boolean contextOk(JsonNode ctx) {
        if (ctx.isTextual()) {
            return knownContext(ctx.asText());
        }
        if (ctx.isArray()) {
            boolean caliper = false;
            for (JsonNode c : ctx) {
                if (c.isTextual()) {
                    caliper |= knownContext(c.asText());
                } else if (!c.isObject()) {
                    return false;
                }
            }
            return caliper;
        }
        return ctx.isObject();
    }

    /** Null when {@code v} is an IRI or an entity with an IRI id and an acceptable type; else the problem. */
    private static String entityProblem(JsonNode v, Set<String> allowed, Set<String> forbidden) {
        if (v.isTextual()) {
            return IRI.matcher(v.asText()).matches() ? null : "\"" + v.asText() + "\" is neither an entity nor an IRI";
        }
        if (!v.isObject()) {
            return v.getNodeType().name().toLowerCase(Locale.ROOT) + " is neither an entity nor an IRI";
        }
        String id = text(v.get("id"));
        if (id == null || !IRI.matcher(id).matches()) {
            return "the entity has no IRI id";
        }
        String type = text(v.get("type"));
        if (type == null) {
            return "the entity has no type";
        }
        if (allowed != null && !allowed.contains(type)) {
            return "an entity of type " + type + " where Caliper allows " + String.join(", ",
                    new java.util.TreeSet<>(allowed));
        }
        if (forbidden != null && forbidden.contains(type)) {
            return "an entity of type " + type + " is not allowed here";
        }
        return null;
    }

    /**
     * Learns the id of every agent in the record: the actor, an attempt's assignee, a membership's member and every
     * entity typed Person (creators of a message or of the message it replies to, attributedTo, scoredBy, …).
     */
    private static void learnPersons(JsonNode n, IdScrubber.Scope ids, int depth) {
        if (n == null || depth > 8) {
            return;
        }
        if (n.isObject()) {
            for (String agent : List.of("actor", "assignee", "member", "scoredBy", "attributedTo")) {
                JsonNode a = n.get(agent);
                if (a != null && (a.isTextual() || "Person".equals(text(a.get("type"))))) {
                    learnPerson(idOf(a), ids);
                }
            }
            if ("Person".equals(text(n.get("type")))) {
                learnPerson(idOf(n), ids);
            }
            n.elements().forEachRemaining(c -> learnPersons(c, ids, depth + 1));
        } else if (n.isArray()) {
            n.forEach(c -> learnPersons(c, ids, depth + 1));
        }
    }

    /** The agents' ids and names of a record, whatever their shape, so a quarantine detail never quotes them. */
    private static void collectPersons(JsonNode n, java.util.Set<String> out, int depth) {
        if (n == null || depth > 8) {
            return;
        }
        if (n.isObject()) {
            for (String agent : List.of("actor", "assignee", "member", "scoredBy", "attributedTo")) {
                JsonNode a = n.get(agent);
                if (a != null && a.isValueNode()) {
                    out.add(a.asText());
                } else if (a != null && a.isObject()) {
                    out.add(a.path("id").asText(null));
                    out.add(a.path("name").asText(null));
                }
            }
            if ("Person".equals(text(n.get("type")))) {
                out.add(text(n.get("id")));
                out.add(text(n.get("name")));
            }
            n.elements().forEachRemaining(c -> collectPersons(c, out, depth + 1));
        } else if (n.isArray()) {
            n.forEach(c -> collectPersons(c, out, depth + 1));
        }
    }

    private static void learnPerson(String id, IdScrubber.Scope ids) {
        if (id != null) {
            ids.learnIdentifier(id, ACTOR_PREFIX + id);
        }
    }

    private Event toEvent(JsonNode e, String type, String rawRef) {
        String action = e.get("action").asText();
        String eventId = e.get("id").asText().substring("urn:uuid:".length()).toLowerCase(Locale.ROOT);
        Instant eventTime = Iso8601.parseDateTime(e.get("eventTime").asText()).orElseThrow();
        JsonNode actor = e.get("actor");
        JsonNode object = e.get("object");
        JsonNode generated = e.path("generated");

        String canonical = actionMap.getOrDefault(type + "." + action, actionMap.getOrDefault(action, "other"));
        String role = role(e.path("membership"), actor);
        String learnerId = idOf(actor);
        boolean grading = action.equals("Graded");
        JsonNode attempt = typed(object, "Attempt") ? object : typed(generated, "Attempt") ? generated : null;
        if (grading && typed(object, "Attempt") && object.hasNonNull("assignee")) {
            learnerId = idOf(object.get("assignee"));
        }

        // the learning object: an Attempt stands for its assignable
        JsonNode target = object;
        if (typed(object, "Attempt") && object.hasNonNull("assignable")) {
            target = object.get("assignable");
        }
        String objectId = idOf(target);
        String objectType = target.isObject()
                ? objectTypes.getOrDefault(text(target.get("type")), ObjectTypes.ACTIVITY) : ObjectTypes.ACTIVITY;
        String parentId = target.isObject() && target.hasNonNull("isPartOf") ? idOf(target.get("isPartOf")) : null;

        String inReplyTo = null;
        if (typed(object, "Message") && object.hasNonNull("replyTo")) {
            inReplyTo = idOf(object.get("replyTo"));
            if (canonical.equals("posted")) {
                canonical = "replied";
            }
        }
        String eventParentId = typed(object, "Message") && (canonical.equals("posted") || canonical.equals("replied"))
                ? thread(object, objectId, inReplyTo) : parentId;

        Double scoreRaw = null;
        Double scoreMax = null;
        if (typed(generated, "Score")) {
            scoreRaw = number(generated.get("scoreGiven"));
            scoreMax = number(generated.get("maxScore"));
        } else if (typed(generated, "Result")) {
            scoreRaw = number(generated.get("resultScore"));
            scoreMax = number(generated.get("maxResultScore"));
        }
        Double scaled = scoreRaw != null && scoreMax != null && scoreMax > 0 && scoreRaw >= 0 && scoreRaw <= scoreMax
                ? scoreRaw / scoreMax : null;

        String response = null;
        JsonNode responseNode = typed(generated, "Response") || text(generated.get("type")) != null
                && text(generated.get("type")).endsWith("Response") ? generated : null;
        if (responseNode != null) {
            response = responseText(responseNode);
            if (attempt == null && responseNode.path("attempt").isObject()) {
                attempt = responseNode.get("attempt");
            }
        }
        Integer attemptNo = attempt != null && attempt.path("count").canConvertToInt()
                && attempt.path("count").isIntegralNumber() ? attempt.get("count").intValue() : null;
        Double duration = null;
        JsonNode durationHolder = attempt != null ? attempt : responseNode;
        if (durationHolder != null && durationHolder.path("duration").isTextual()) {
            OptionalDouble d = Iso8601.durationSeconds(durationHolder.get("duration").asText());
            duration = d.isPresent() ? d.getAsDouble() : null;
        }

        String[] courseClass = courseAndClass(e);
        String courseId = courseClass[0];
        String classId = courseClass[1];

        CanonicalEvent ev = new CanonicalEvent(eventId, SOURCE, tenant,
                pseudonymizer.pseudonym(tenant, ACTOR_PREFIX + learnerId), role, courseId, classId, eventTime,
                canonical, type + "." + action, objectId, objectType, eventParentId, scoreRaw, scoreMax, scaled, null,
                null, duration, response, attemptNo, inReplyTo, rawRef, runId, RecordHashes.hashOf(e),
                LocalDate.ofInstant(eventTime, zoneId));

        List<ObjectObservation> obs = new ArrayList<>();
        if (!NO_COURSE.equals(courseId)) {
            obs.add(new ObjectObservation(courseId, courseId, ObjectTypes.COURSE, null, null, null, null, null,
                    tenant, eventTime));
        }
        if (target.isObject() && !objectType.equals(ObjectTypes.ACTIVITY)) {
            Double max = number(target.get("maxScore"));
            if (max == null && scoreMax != null && canonical.equals("scored")) {
                max = scoreMax;
            }
            Instant due = target.path("dateToSubmit").isTextual()
                    ? Iso8601.parseDateTime(target.get("dateToSubmit").asText()).orElse(null) : null;
            obs.add(new ObjectObservation(courseId, objectId, objectType, parentId, text(target.get("name")), max,
                    due, null, tenant, eventTime, learningObjectives(target)));
        }
        return new Event(ev, obs);
    }

    /**
     * The skills of a learning object: the ids of its {@code learningObjectives} (LearningObjective entities, or
     * their IRIs), trimmed, blanks and repeats dropped, in the order given. Null when the entity has no
     * learningObjectives (it says nothing about skills), an empty list when the list is empty.
     */
    static List<String> learningObjectives(JsonNode entity) {
        JsonNode objectives = entity.get("learningObjectives");
        if (objectives == null || objectives.isNull()) {
            return null;
        }
        Set<String> ids = new java.util.LinkedHashSet<>();
        for (JsonNode o : objectives.isArray() ? objectives : List.of(objectives)) {
            String id = idOf(o);
            if (id != null && !id.isBlank()) {
                ids.add(id.trim());
            }
        }
        return List.copyOf(ids);
    }

    /**
     * The thread of a posted Message: its isPartOf unless that is typed Forum (a Message is part of a Thread; an
     * untyped IRI is taken as the thread), else the Thread its replyTo is part of, else for an opener (no replyTo)
     * the message's own id and for a reply the message it answers.
     */
    private static String thread(JsonNode message, String messageId, String replyToId) {
        JsonNode partOf = message.get("isPartOf");
        if (partOf != null && !partOf.isNull() && !typed(partOf, "Forum") && idOf(partOf) != null) {
            return idOf(partOf);
        }
        JsonNode replyPartOf = message.path("replyTo").get("isPartOf");
        if (typed(replyPartOf, "Thread") && idOf(replyPartOf) != null) {
            return idOf(replyPartOf);
        }
        return replyToId == null ? messageId : replyToId;
    }

    /** Over all membership roles, the longest key of the role table that a role starts with decides. */
    private String role(JsonNode membership, JsonNode actor) {
        if (membership.isObject() && membership.path("roles").isArray()) {
            String best = null;
            for (JsonNode given : membership.get("roles")) {
                for (String key : roles.keySet()) {
                    if (given.asText().startsWith(key) && (best == null || key.length() > best.length())) {
                        best = key;
                    }
                }
            }
            if (best != null) {
                return roles.get(best);
            }
        }
        if (typed(actor, "SoftwareApplication")) {
            return ActorRoles.SYSTEM;
        }
        return ActorRoles.LEARNER;
    }

    private static String[] courseAndClass(JsonNode e) {
        JsonNode org = e.get("group");
        if (org == null || org.isNull()) {
            JsonNode m = e.path("membership");
            org = m.isObject() ? m.get("organization") : null;
        }
        if (org != null && !org.isNull()) {
            return orgCourseClass(org, 0);
        }
        JsonNode app = e.get("edApp");
        if (app != null && !app.isNull() && idOf(app) != null) {
            return new String[] {idOf(app), null};
        }
        return new String[] {NO_COURSE, null};
    }

    private static String[] orgCourseClass(JsonNode org, int depth) {
        String id = idOf(org);
        if (!org.isObject()) {
            return new String[] {id, null};
        }
        String type = text(org.get("type"));
        JsonNode parent = org.get("subOrganizationOf");
        boolean hasParent = parent != null && !parent.isNull() && depth < 5;
        if ("CourseSection".equals(type) || "Group".equals(type)) {
            if (hasParent) {
                String[] up = orgCourseClass(parent, depth + 1);
                return new String[] {up[0], id};
            }
            return "Group".equals(type) ? new String[] {id, id} : new String[] {id, null};
        }
        return new String[] {id, null};
    }

    private static String responseText(JsonNode r) {
        for (String f : List.of("value", "values", "selections", "selection", "dateTimeSelected")) {
            JsonNode v = r.get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                v.forEach(x -> parts.add(x.isValueNode() ? x.asText() : x.toString()));
                return String.join(",", parts);
            }
            return v.isValueNode() ? v.asText() : v.toString();
        }
        return null;
    }

    private static boolean typed(JsonNode n, String type) {
        return n != null && n.isObject() && type.equals(text(n.get("type")));
    }

    static String idOf(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isObject() ? text(n.get("id")) : n.asText();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || !n.isTextual() ? null : n.asText();
    }

    private static Double number(JsonNode n) {
        return n != null && n.isNumber() ? n.doubleValue() : null;
    }

    private static Rejected reject(QuarantineReason r, String detail) {
        return new Rejected(r, detail);
    }

    private static Optional<Rejected> rejected(QuarantineReason r, String detail) {
        return Optional.of(new Rejected(r, detail));
    }
}
