package dev.xueqing.jobs.ingest.moodle;

import dev.xueqing.common.config.XueqingConfig;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Moodle mapping tables as the mappers use them: event name → action, suffix rules, the events whose learner is
 * the related user, component and object table → object type, and the id prefixes. Built from the validated
 * {@link XueqingConfig.Moodle} record ({@code xueqing.moodle}); event names are kept without their leading
 * backslash ({@code mod_quiz\event\attempt_started}), whichever way the configuration wrote them. Suffix rules are
 * (suffix, action) pairs, in order. {@code roles} is the role assignments export read by {@link MoodleRoles}
 * (actor_role per user and course; empty without the file).
 *
 * <p>The id prefixes are fixed, not configuration: the user prefix is what the pseudonymizer sees, so changing it
 * would give every learner a new learner_key and split their history.
 */
public record MoodleMapping(String userPrefix, String coursePrefix, String modulePrefix, Map<String, String> events,
                            List<List<String>> suffixes, Set<String> learnerIsRelatedUser,
                            Map<String, String> components, Map<String, String> objectTables,
                            Report report, Map<String, String> roles)
        implements Serializable {

    /** The log report export's settings. */
    public record Report(String userPrefix, String coursePrefix, String contextPrefix, List<String> timePatterns,
                         Map<String, String> events) implements Serializable {}

    /** Pseudonymizer input of a Moodle user id: {@code "moodle-user:" + userid}. */
    public static final String USER_PREFIX = "moodle-user:";
    /** course_id of a Moodle course: {@code "moodle-course:" + courseid}. */
    public static final String COURSE_PREFIX = "moodle-course:";
    /** object_id of a course module: {@code "moodle-cm:" + contextinstanceid}. */
    public static final String MODULE_PREFIX = "moodle-cm:";
    /** Pseudonymizer input of a full name in the log report export (weaker than a user id: see docs/moodle.md). */
    public static final String REPORT_USER_PREFIX = "moodle-fullname:";
    /** course_id of a "Course: <name>" context of the log report export. */
    public static final String REPORT_COURSE_PREFIX = "moodle-course-name:";
    /** object_id of a module context of the log report export ("Assignment: Project"). */
    public static final String REPORT_CONTEXT_PREFIX = "moodle-context-name:";

    /** The mapping of a validated configuration. */
    public static MoodleMapping of(XueqingConfig.Moodle m) {
        Map<String, String> events = new LinkedHashMap<>();
        m.events().forEach((k, v) -> events.put(normalise(k), v));
        List<List<String>> suffixes = new ArrayList<>();
        for (XueqingConfig.Moodle.Suffix s : m.suffixes()) {
            suffixes.add(List.of(s.suffix(), s.action()));
        }
        Set<String> related = new java.util.LinkedHashSet<>();
        m.learnerIsRelatedUser().forEach(n -> related.add(normalise(n)));
        return new MoodleMapping(USER_PREFIX, COURSE_PREFIX, MODULE_PREFIX, Map.copyOf(events), List.copyOf(suffixes),
                Set.copyOf(related), Map.copyOf(m.components()), Map.copyOf(m.objectTables()),
                new Report(REPORT_USER_PREFIX, REPORT_COURSE_PREFIX, REPORT_CONTEXT_PREFIX,
                        List.copyOf(m.reportTimePatterns()), Map.copyOf(m.reportEvents())),
                MoodleRoles.load(m.roleAssignmentsFile(), m.roleMap()));
    }

    /** The action of an event name (with or without its leading backslash); "other" when nothing matches. */
    public String action(String eventName) {
        String name = normalise(eventName);
        String a = events.get(name);
        if (a != null) {
            return a;
        }
        for (List<String> s : suffixes) {
            if (name.endsWith(s.get(0))) {
                return s.get(1);
            }
        }
        return dev.xueqing.common.model.Actions.OTHER;
    }

    /** The role the assignments export gives a user in a course, or null when it says nothing. */
    public String assignedRole(long userId, long courseId) {
        return roles.get(MoodleRoles.key(userId, courseId));
    }

    static String normalise(String eventName) {
        String n = eventName.trim();
        return n.startsWith("\\") ? n.substring(1) : n;
    }
}
