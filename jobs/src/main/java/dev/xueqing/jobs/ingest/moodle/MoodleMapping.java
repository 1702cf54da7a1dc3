package dev.xueqing.jobs.ingest.moodle;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Moodle mapping tables of {@code xueqing/moodle-mapping.conf}: event name → action, component → object type,
 * the events whose learner is the related user, and the id prefixes. Event names are kept without their leading
 * backslash ({@code mod_quiz\event\attempt_started}). Suffix rules are (suffix, action) pairs, in order.
 */
public record MoodleMapping(String userPrefix, String coursePrefix, String modulePrefix, Map<String, String> events,
                            List<List<String>> suffixes, Set<String> learnerIsRelatedUser,
                            Map<String, String> components, Map<String, String> objectTables,
                            Report report)
        implements Serializable {

    /** The log report export's settings (the {@code report} block). */
    public record Report(String userPrefix, String coursePrefix, String contextPrefix, List<String> timePatterns,
                         Map<String, String> events) implements Serializable {}

    public static final String RESOURCE = "xueqing/moodle-mapping.conf";

    /** Loads the mapping resource from the class path. */
    public static MoodleMapping load() {
        Config c = ConfigFactory.parseResources(MoodleMapping.class.getClassLoader(), RESOURCE).resolve();
        if (c.isEmpty()) {
            throw new IllegalStateException("The mapping resource " + RESOURCE + " is missing from the class path");
        }
        List<List<String>> suffixes = new ArrayList<>();
        for (Config s : c.getConfigList("suffixes")) {
            suffixes.add(List.of(s.getString("suffix"), s.getString("action")));
        }
        return new MoodleMapping(c.getString("user-prefix"), c.getString("course-prefix"),
                c.getString("module-prefix"), table(c, "events"), List.copyOf(suffixes),
                Set.copyOf(c.getStringList("learner-is-related-user")), table(c, "components"),
                table(c, "objecttables"), new Report(c.getString("report.user-prefix"),
                        c.getString("report.course-prefix"), c.getString("report.context-prefix"),
                        List.copyOf(c.getStringList("report.time-patterns")), table(c.getConfig("report"), "events")));
    }

    /** A table whose keys may hold backslashes or dots: read from the object's root, not by path. */
    private static Map<String, String> table(Config c, String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getObject(name).entrySet()) {
            out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
        }
        return Map.copyOf(out);
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

    static String normalise(String eventName) {
        String n = eventName.trim();
        return n.startsWith("\\") ? n.substring(1) : n;
    }
}
