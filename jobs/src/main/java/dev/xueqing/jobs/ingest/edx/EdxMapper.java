package dev.xueqing.jobs.ingest.edx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.RecordHashes;
import dev.xueqing.jobs.ingest.RoleRanks;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps one Open edX tracking-log event (a JSON object) to a canonical event and the object observations it carries,
 * or to a rejection with its quarantine reason. Pure: no Spark, no I/O. The mapping tables are the validated
 * {@link XueqingConfig.Edx} record ({@code xueqing.edx} in the configuration).
 *
 * <p>Order of checks: no {@code event_type} → {@code not_an_event}; no username and no user id →
 * {@code missing_actor}; no {@code time} → {@code missing_timestamp}; unparseable time → {@code invalid_timestamp};
 * no course id (context, then event) → {@code missing_course}; a grade outside [0, max_grade] →
 * {@code score_out_of_range}.
 *
 * <p>Privacy: the username (else the numeric user id of the context, else of the event payload) only ever leaves
 * as a keyed pseudonym of {@code "edx-user:" + username} or {@code "edx-user-id:" + id}. Nothing else of the
 * record (ip, agent, session, host, referer) is copied into an event column.
 */
public final class EdxMapper implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Adapter name written to {@code source}. */
    public static final String SOURCE = "edx";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@link #map} made of a record. */
    public sealed interface Mapped permits Event, Rejected {}

    /** A canonical event and what the record told about its learning objects. */
    public record Event(CanonicalEvent event, List<ObjectObservation> observations) implements Mapped {}

    /** A record that goes to quarantine. */
    public record Rejected(QuarantineReason reason, String detail) implements Mapped {}

    private final Map<String, String> actions;
    private final Map<String, String> browserActions;
    private final Map<String, String> objectTypes;
    private final List<String> instructorPrefixes;
    private final List<String> instructorPaths;
    private final Map<String, String> forumRoles;
    private final Map<String, String> courseRoles;
    private final Pseudonymizer pseudonymizer;
    private final IdScrubber scrubber;
    private final ZoneId zoneId;
    private final String tenant;
    private final String runId;

    public EdxMapper(XueqingConfig.Edx mapping, Pseudonymizer pseudonymizer, ZoneId zoneId, String tenant,
                     String runId) {
        this.pseudonymizer = Objects.requireNonNull(pseudonymizer, "pseudonymizer");
        // a user in a URL path: a numeric id in /discussion/forum/users/<id>, a username in /u/<name>
        this.scrubber = new IdScrubber(pseudonymizer, tenant, (prefix, segment) ->
                segment.chars().allMatch(Character::isDigit) ? "edx-user-id:" + segment : "edx-user:" + segment);
        this.zoneId = Objects.requireNonNull(zoneId, "zoneId");
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.runId = Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(mapping, "mapping");
        this.actions = mapping.actions();
        this.browserActions = mapping.browserActions();
        this.objectTypes = mapping.objectTypes();
        this.instructorPrefixes = mapping.instructorPrefixes();
        this.instructorPaths = mapping.instructorPaths();
        this.forumRoles = mapping.forumRoles();
        this.courseRoles = mapping.courseRoles();
    }

    /** The canonical action of an event type ({@code other} when unmapped). */
    String action(String eventType, boolean browser) {
        if (browser && browserActions.containsKey(eventType)) {
            return browserActions.get(eventType);
        }
        return actions.getOrDefault(eventType, Actions.OTHER);
    }

    /** A scope of known learner ids for {@link #map(JsonNode, String, IdScrubber.Scope)}: one per input file. */
    public IdScrubber.Scope newScope() {
        return scrubber.newScope();
    }

    /** The learner_key of an account named by its username (as in {@code xueqing.staff}): the user's pseudonym. */
    public String accountPseudonym(String username) {
        return pseudonymizer.pseudonym(tenant, "edx-user:" + username);
    }

    /** Maps one record on its own (the raw ids of its own users are rewritten in its identifiers). */
    public Mapped map(JsonNode record, String rawRef) {
        return map(record, rawRef, newScope());
    }

    /**
     * Maps one tracking-log record; {@code rawRef} says where it came from (file and line). The record's usernames
     * and user ids (the actor's, and a target user's in the payload) join {@code ids}, and every raw id {@code ids}
     * knows is rewritten in the event's identifiers (object, parent, reply, and the event type when it is a URL
     * path such as {@code /courses/…/discussion/forum/users/<id>}).
     */
    public Mapped map(JsonNode record, String rawRef, IdScrubber.Scope ids) {
        if (record == null || !record.isObject()) {
            return new Rejected(QuarantineReason.NOT_AN_EVENT, "expected a JSON object, found "
                    + (record == null ? "nothing" : record.getNodeType().name().toLowerCase()));
        }
        String eventType = text(record.get("event_type"));
        if (eventType == null) {
            return new Rejected(QuarantineReason.NOT_AN_EVENT,
                    "$.event_type is missing or blank: not an Open edX tracking-log event");
        }
        JsonNode context = record.path("context");
        JsonNode payload = payload(record.get("event"));

        String rawUser;
        String username = text(record.get("username"));
        String userId = firstText(context.get("user_id"), payload.get("user_id"));
        if (username != null) {
            rawUser = "edx-user:" + username;
        } else if (userId != null) {
            rawUser = "edx-user-id:" + userId;
        } else {
            return new Rejected(QuarantineReason.MISSING_ACTOR,
                    "$.username is empty and neither $.context.user_id nor $.event.user_id is present");
        }

        String time = text(record.get("time"));
        if (time == null) {
            return new Rejected(QuarantineReason.MISSING_TIMESTAMP, "$.time is missing or blank");
        }
        Instant eventTime = parseTime(time);
        if (eventTime == null) {
            return new Rejected(QuarantineReason.INVALID_TIMESTAMP,
                    "$.time '" + time + "' is not an ISO 8601 date-time");
        }

        String courseId = firstText(context.get("course_id"), payload.get("course_id"));
        if (courseId == null) {
            return new Rejected(QuarantineReason.MISSING_COURSE,
                    "neither $.context.course_id nor $.event.course_id is present (event_type " + abbreviate(eventType)
                            + ")");
        }

        boolean browser = "browser".equals(text(record.get("event_source")));
        String action = action(eventType, browser);
        String objectType = objectTypes.getOrDefault(eventType, ObjectTypes.ACTIVITY);

        Double scoreRaw = null;
        Double scoreMax = null;
        Double scoreScaled = null;
        Boolean success = null;
        Integer attempt = null;
        String response = null;
        if ("problem_check".equals(eventType) && !browser && payload.isObject()) {
            scoreRaw = number(payload.get("grade"));
            scoreMax = number(payload.get("max_grade"));
            if (scoreRaw != null && scoreMax != null) {
                if (scoreRaw < 0 || scoreMax <= 0 || scoreRaw > scoreMax) {
                    return new Rejected(QuarantineReason.SCORE_OUT_OF_RANGE,
                            "$.event.grade " + scoreRaw + " is outside [0, $.event.max_grade " + scoreMax + "]");
                }
                scoreScaled = scoreRaw / scoreMax;
            }
            String s = text(payload.get("success"));
            if (s != null) {
                success = s.equals("correct");
            }
            JsonNode attempts = payload.get("attempts");
            if (attempts != null && attempts.canConvertToInt() && attempts.isIntegralNumber()) {
                attempt = attempts.intValue();
            }
            JsonNode answers = payload.get("answers");
            if (answers != null && !answers.isNull()) {
                response = answers.isTextual() ? answers.asText() : RecordHashes.canonicalJson(answers);
            }
        }

        String objectId;
        if (ObjectTypes.COURSE.equals(objectType)) {
            objectId = courseId;
        } else {
            objectId = firstText(payload.get("problem_id"), payload.get("id"), payload.get("target_url"));
            if (objectId == null) {
                objectId = eventType.startsWith("/") ? eventType : firstText(record.get("page"));
            }
            if (objectId == null) {
                objectId = eventType;
            }
        }

        // forum threads: parent_id is always the thread; in_reply_to the post answered (docs/edx.md §2)
        String parentId = null;
        String inReplyTo = null;
        String thread = firstText(payload.path("discussion").get("id"));
        if (eventType.equals("edx.forum.thread.created")) {
            parentId = objectId;
        } else if (eventType.equals("edx.forum.response.created")) {
            parentId = thread;
            inReplyTo = thread;
        } else if (eventType.equals("edx.forum.comment.created")) {
            inReplyTo = firstText(payload.path("response").get("id"), payload.path("discussion").get("id"));
            parentId = thread != null ? thread : inReplyTo;
        }

        String actorRole = actorRole(eventType, payload);

        String contentHash = RecordHashes.hashOf(record);
        String eventId = RecordHashes.uuidV5(RecordHashes.NAMESPACE, SOURCE + ":" + contentHash).toString();
        String learnerKey = pseudonymizer.pseudonym(tenant, rawUser);
        LocalDate eventDate = LocalDate.ofInstant(eventTime, zoneId);
        CanonicalEvent event = new CanonicalEvent(eventId, SOURCE, tenant, learnerKey, actorRole, courseId, null,
                eventTime, action, eventType, objectId, objectType, parentId, scoreRaw, scoreMax, scoreScaled,
                success, null, null, response, attempt, inReplyTo, rawRef, runId, contentHash, eventDate);

        List<ObjectObservation> observations = new ArrayList<>(2);
        observations.add(new ObjectObservation(courseId, courseId, ObjectTypes.COURSE, null, null, null, null, null,
                tenant, eventTime));
        if (!objectId.equals(courseId) && !ObjectTypes.ACTIVITY.equals(objectType)) {
            // a thread's opening post is its own parent in events, not in course_items
            String itemParent = objectId.equals(parentId) ? null : parentId;
            observations.add(new ObjectObservation(courseId, objectId, objectType, itemParent, null, scoreMax, null,
                    null, tenant, eventTime));
        }
        // both ids of the actor stand for the learner key (the user id in /discussion/forum/users/<id> paths)
        ids.learn(username, rawUser).learn(userId, rawUser);
        String target = text(payload.get("target_username"));
        ids.learn(target, "edx-user:" + target);
        return new Event(ids.event(event), ids.observations(observations));
    }

    /**
     * The actor's role: the highest of the roles the payload names ({@code user_forums_roles},
     * {@code user_course_roles}, through the configured tables; unlisted names are ignored), raised to instructor
     * for staff event types and instructor pages; learner when nothing says otherwise.
     */
    String actorRole(String eventType, JsonNode payload) {
        String role = ActorRoles.LEARNER;
        for (String r : strings(payload.get("user_forums_roles"))) {
            role = RoleRanks.higher(role, forumRoles.get(r));
        }
        for (String r : strings(payload.get("user_course_roles"))) {
            role = RoleRanks.higher(role, courseRoles.get(r));
        }
        for (String p : instructorPrefixes) {
            if (eventType.startsWith(p)) {
                role = RoleRanks.higher(role, ActorRoles.INSTRUCTOR);
            }
        }
        if (eventType.startsWith("/")) {
            for (String p : instructorPaths) {
                if (eventType.contains(p)) {
                    role = RoleRanks.higher(role, ActorRoles.INSTRUCTOR);
                }
            }
        }
        return role;
    }

    /** The text elements of a JSON array (a single string counts as one); nothing for anything else. */
    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(e -> {
                String s = text(e);
                if (s != null) {
                    out.add(s.trim());
                }
            });
        } else if (text(n) != null) {
            out.add(text(n).trim());
        }
        return out;
    }

    /**
     * The event payload: an object as is; a string holding a JSON object (browser events) parsed; anything else
     * (a query string, an array) as an empty object for field look-ups.
     */
    static JsonNode payload(JsonNode event) {
        if (event == null || event.isNull()) {
            return JSON.createObjectNode();
        }
        if (event.isObject()) {
            return event;
        }
        if (event.isTextual() && event.asText().trim().startsWith("{")) {
            try {
                JsonNode n = JSON.readTree(event.asText());
                if (n != null && n.isObject()) {
                    return n;
                }
            } catch (JsonProcessingException e) {
                // not JSON after all: no fields to read
            }
        }
        return JSON.createObjectNode();
    }

    /** ISO 8601 with offset; without offset it is read as UTC (tracking logs are written in UTC). */
    static Instant parseTime(String s) {
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s.trim(), OffsetDateTime::from,
                    LocalDateTime::from);
            return t instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        String s = n.asText();
        return s.isBlank() ? null : s;
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode n : nodes) {
            String s = text(n);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private static Double number(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        try {
            return n.isTextual() ? Double.valueOf(n.asText().trim()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
