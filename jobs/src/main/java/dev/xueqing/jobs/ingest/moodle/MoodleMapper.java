package dev.xueqing.jobs.ingest.moodle;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.jobs.ingest.QuarantineDetails;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.RecordHashes;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * Maps one row of Moodle's standard log ({@code logstore_standard_log}, columns by name) to a canonical event or a
 * rejection with its quarantine reason. Pure: no Spark, no I/O.
 *
 * <p>Rules (see docs/moodle.md): the actor is {@code userid}; for the events of
 * {@link MoodleMapping#learnerIsRelatedUser()} (grading, enrolment, completion) the learner is
 * {@code relateduserid} (userid may then be empty). actor_role: userid empty, 0 or below (guest, cli, cron) →
 * system; the role the role assignments export gives the user in the course ({@link MoodleRoles}), when it
 * gives one; else {@code edulevel} 1 (teaching) → instructor; a user acting on another learner (enrolment by a manager,
 * a quiz submitted on a learner's behalf) → system; else learner. The object is the course module ({@code contextinstanceid}) for {@code mod_*}
 * components, a more precise row for the object tables of the mapping, else the course. {@code ip},
 * {@code origin}, {@code anonymous} and {@code realuserid} are not read; ids of users only ever reach the
 * pseudonymizer. From {@code other} ({@link MoodleOther}, PHP-serialised or JSON) four facts are read: the final
 * grade of {@code user_graded} and the raw score of SCORM's {@code scoreraw_submitted} become score_raw (the
 * maximum is in the gradebook, not in the log, so score_scaled stays null); the completion state of
 * {@code course_module_completion_updated} gives completion and success; the discussion of a forum
 * {@code post_created} becomes its parent and the post it answers ({@code in_reply_to}); a
 * {@code discussion_created} is the thread's opening post (object_type forum_post, parent_id itself).
 */
public final class MoodleMapper implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE = "moodle";
    /** Columns left out of the content hash and of quarantined raw rows (standard log, log report): IP addresses are
     * never stored. */
    static final java.util.Set<String> NOT_KEPT = java.util.Set.of("ip", "ip address");

    static final String USER_GRADED = "core\\event\\user_graded";
    static final String SCORM_SCORE = "mod_scorm\\event\\scoreraw_submitted";
    static final String MODULE_COMPLETION = "core\\event\\course_module_completion_updated";
    static final String POST_CREATED = "mod_forum\\event\\post_created";
    static final String DISCUSSION_CREATED = "mod_forum\\event\\discussion_created";
    static final String DISCUSSION_PREFIX = "moodle-forum_discussions:";
    static final String POST_PREFIX = "moodle-forum_posts:";

    public sealed interface Mapped permits Event, Rejected {}

    public record Event(CanonicalEvent event) implements Mapped {}

    public record Rejected(QuarantineReason reason, String detail) implements Mapped {}

    private final MoodleMapping mapping;
    private final Pseudonymizer pseudonymizer;
    private final IdScrubber scrubber;
    private final ZoneId zone;
    private final String tenant;
    private final String runId;

    public MoodleMapper(MoodleMapping mapping, Pseudonymizer pseudonymizer, ZoneId zone, String tenant, String runId) {
        this.mapping = Objects.requireNonNull(mapping);
        this.pseudonymizer = Objects.requireNonNull(pseudonymizer);
        String userPrefix = mapping.userPrefix();
        this.scrubber = new IdScrubber(pseudonymizer, tenant, (prefix, segment) ->
                segment.chars().allMatch(Character::isDigit) ? userPrefix + segment : "segment:" + segment);
        this.zone = Objects.requireNonNull(zone);
        this.tenant = Objects.requireNonNull(tenant);
        this.runId = Objects.requireNonNull(runId);
    }

    /** The row as JSON with the columns in file order, ip left out: the quarantined raw text and the hashed content. */
    public static String rawJson(Map<String, String> row) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        row.forEach((k, v) -> {
            if (!NOT_KEPT.contains(k)) {
                n.put(k, v);
            }
        });
        return n.toString();
    }

    /** A scope of known learner ids for {@link #map(Map, String, IdScrubber.Scope)}: one per input file. */
    public IdScrubber.Scope newScope() {
        return scrubber.newScope();
    }

    /** The learner_key of a Moodle user id (as in {@code xueqing.staff}): the user's pseudonym. */
    public String accountPseudonym(String userid) {
        return pseudonymizer.pseudonym(tenant, mapping.userPrefix() + userid);
    }

    /** Maps one row on its own (its users' ids are rewritten where they stand in its identifiers). */
    public Mapped map(Map<String, String> row, String rawRef) {
        return map(row, rawRef, newScope());
    }

    /**
     * Maps one row (column name → value, empty cells and {@code \N} as null). Its user ids (userid, relateduserid)
     * join {@code ids}; being numeric, they are rewritten only where they stand as users (an object of the
     * {@code user} table, {@code user/view.php?id=}), see {@link IdScrubber}.
     */
    public Mapped map(Map<String, String> row, String rawRef, IdScrubber.Scope ids) {
        String eventName = value(row, "eventname");
        if (eventName == null) {
            return new Rejected(QuarantineReason.MISSING_VERB, "eventname is empty");
        }
        String name = MoodleMapping.normalise(eventName);
        boolean aboutRelated = mapping.learnerIsRelatedUser().contains(name);
        String userId = value(row, "userid");
        Long user = userId == null ? null : integer(userId);
        if (userId != null && user == null) {
            return new Rejected(QuarantineReason.INVALID_ACTOR, "userid (" + QuarantineDetails.shape(userId)
                    + ") is not an integer");
        }
        String relatedId = value(row, "relateduserid");
        Long related = relatedId == null ? null : integer(relatedId);
        if (aboutRelated && related == null) {
            return new Rejected(QuarantineReason.MISSING_ACTOR,
                    "relateduserid is empty or not an integer; " + name + " is about the related user");
        }
        if (!aboutRelated && user == null) {
            return new Rejected(QuarantineReason.MISSING_ACTOR, "userid is empty");
        }
        String courseId = value(row, "courseid");
        Long course = courseId == null ? null : integer(courseId);
        if (course == null || course <= 0) {
            return new Rejected(QuarantineReason.MISSING_COURSE, courseId == null ? "courseid is empty"
                    : "courseid '" + courseId + "' is not a course (0 is a site-level event)");
        }
        String tc = value(row, "timecreated");
        if (tc == null) {
            return new Rejected(QuarantineReason.MISSING_TIMESTAMP, "timecreated is empty");
        }
        Long seconds = integer(tc);
        if (seconds == null || seconds <= 0) {
            return new Rejected(QuarantineReason.INVALID_TIMESTAMP,
                    "timecreated '" + tc + "' is not a positive Unix time in seconds");
        }
        Instant time = Instant.ofEpochSecond(seconds);

        Long learner = aboutRelated ? related : user;
        String assigned = user == null || user <= 0 ? null : mapping.assignedRole(user, course);
        String role;
        if (user == null || user <= 0) {
            role = ActorRoles.SYSTEM;
        } else if (assigned != null) {
            // the role assignments export knows the actor in this course; a learner acting for another is system
            role = assigned.equals(ActorRoles.LEARNER) && !user.equals(learner) ? ActorRoles.SYSTEM : assigned;
        } else if ("1".equals(value(row, "edulevel"))) {
            role = ActorRoles.INSTRUCTOR;
        } else if (!user.equals(learner)) {
            role = ActorRoles.SYSTEM;
        } else {
            role = ActorRoles.LEARNER;
        }
        String learnerKey = pseudonymizer.pseudonym(tenant, mapping.userPrefix() + learner);

        String canonicalCourse = mapping.coursePrefix() + course;
        String component = value(row, "component");
        if (component == null) {
            int slash = name.indexOf('\\');
            component = slash > 0 ? name.substring(0, slash) : name;
        }
        String objectId = canonicalCourse;
        String objectType = ObjectTypes.COURSE;
        String parentId = null;
        String cm = value(row, "contextinstanceid");
        if (component.startsWith("mod_") && cm != null && integer(cm) != null) {
            objectId = mapping.modulePrefix() + cm.trim();
            objectType = mapping.components().getOrDefault(component, ObjectTypes.ACTIVITY);
        }
        String table = value(row, "objecttable");
        String oid = value(row, "objectid");
        if (table != null && oid != null && mapping.objectTables().containsKey(table)) {
            parentId = objectType.equals(ObjectTypes.COURSE) ? null : objectId;
            objectId = "moodle-" + table + ":" + oid.trim();
            objectType = mapping.objectTables().get(table);
        }

        String raw = rawJson(row);
        String contentHash = RecordHashes.sha256Hex(raw);
        String id = value(row, "id");
        String eventId = id != null && integer(id) != null ? "moodle-log:" + id.trim()
                : RecordHashes.uuidV5(RecordHashes.NAMESPACE, SOURCE + ":" + contentHash).toString();
        String action = mapping.action(name);

        // facts from `other` (see the class comment)
        MoodleOther other = MoodleOther.parse(value(row, "other"));
        Double scoreRaw = null;
        Boolean success = null;
        Boolean completion = null;
        String inReplyTo = null;
        switch (name) {
            case USER_GRADED -> scoreRaw = other.number("finalgrade");
            case SCORM_SCORE -> scoreRaw = other.number("cmivalue");
            case MODULE_COMPLETION -> {
                String state = other.id("completionstate");
                if (state != null) {
                    // completion_info: 0 incomplete, 1 complete, 2 complete and passed, 3 complete and failed
                    completion = !state.equals("0");
                    success = state.equals("2") ? Boolean.TRUE : state.equals("3") ? Boolean.FALSE : null;
                }
            }
            case DISCUSSION_CREATED -> {
                // the discussion is the thread and its opening post: parent_id is itself (docs/moodle.md, Forums).
                // Moodle's event always names the discussion as its object (objecttable forum_discussions); the
                // xAPI plugin's fixtures write "forum" there, so the object id is read whatever the table says.
                if (oid != null && integer(oid) != null) {
                    objectId = DISCUSSION_PREFIX + oid.trim();
                    objectType = ObjectTypes.FORUM_POST;
                    parentId = objectId;
                }
            }
            case POST_CREATED -> {
                // the event's object is always the post (objecttable forum_posts; the plugin's fixtures write
                // "forum"). The log names the post's discussion, not the post it answers: both thread and reply are
                // the discussion
                if (oid != null && integer(oid) != null) {
                    objectId = POST_PREFIX + oid.trim();
                    objectType = ObjectTypes.FORUM_POST;
                }
                String discussion = other.id("discussionid");
                if (discussion != null) {
                    inReplyTo = DISCUSSION_PREFIX + discussion;
                    parentId = inReplyTo;
                }
            }
            default -> { }
        }
        CanonicalEvent e = new CanonicalEvent(eventId, SOURCE, tenant, learnerKey, role, canonicalCourse, null, time,
                action, "\\" + name, objectId, objectType, parentId, scoreRaw, null, null, success, completion, null,
                null, null, inReplyTo, rawRef, runId, contentHash, LocalDate.ofInstant(time, zone));
        if (user != null) {
            ids.learn(String.valueOf(user), mapping.userPrefix() + user);
        }
        if (related != null) {
            ids.learn(String.valueOf(related), mapping.userPrefix() + related);
        }
        return new Event(ids.event(e));
    }

    private static String value(Map<String, String> row, String column) {
        String v = row.get(column);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() || v.equals("\\N") || v.equalsIgnoreCase("NULL") ? null : v;
    }

    private static Long integer(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
