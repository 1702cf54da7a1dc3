package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * xAPI 1.0.3 vocabulary and small node builders shared by the sample generator and the hand-written course.
 * Every statement is a Jackson tree: nothing here concatenates JSON text.
 */
final class Xapi {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    static final String HOME = "https://lms.example.edu";
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    // verbs
    static final String V_REGISTERED = "http://adlnet.gov/expapi/verbs/registered";
    static final String V_UNREGISTERED = "http://id.tincanapi.com/verb/unregistered";
    static final String V_LOGGED_IN = "https://w3id.org/xapi/adl/verbs/logged-in";
    static final String V_VIEWED = "http://id.tincanapi.com/verb/viewed";
    static final String V_PLAYED = "https://w3id.org/xapi/video/verbs/played";
    static final String V_PAUSED = "https://w3id.org/xapi/video/verbs/paused";
    static final String V_SEEKED = "https://w3id.org/xapi/video/verbs/seeked";
    static final String V_COMPLETED = "http://adlnet.gov/expapi/verbs/completed";
    static final String V_ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted";
    static final String V_ANSWERED = "http://adlnet.gov/expapi/verbs/answered";
    static final String V_SUBMIT = "http://activitystrea.ms/schema/1.0/submit";
    static final String V_SCORED = "http://adlnet.gov/expapi/verbs/scored";
    static final String V_PASSED = "http://adlnet.gov/expapi/verbs/passed";
    static final String V_FAILED = "http://adlnet.gov/expapi/verbs/failed";
    static final String V_ASKED = "http://adlnet.gov/expapi/verbs/asked";
    static final String V_POST = "http://activitystrea.ms/schema/1.0/post";
    static final String V_REPLIED = "http://id.tincanapi.com/verb/replied";
    static final String V_VOIDED = "http://adlnet.gov/expapi/verbs/voided";

    // activity types
    static final String T_COURSE = "http://adlnet.gov/expapi/activities/course";
    static final String T_CLASS = "urn:xueqing:activity-type:class";
    static final String T_MODULE = "http://adlnet.gov/expapi/activities/module";
    static final String T_PAGE = "http://activitystrea.ms/schema/1.0/page";
    static final String T_VIDEO = "https://w3id.org/xapi/video/activity-type/video";
    static final String T_QUIZ = "http://adlnet.gov/expapi/activities/assessment";
    static final String T_QUESTION = "http://adlnet.gov/expapi/activities/cmi.interaction";
    static final String T_ASSIGNMENT = "urn:xueqing:activity-type:assignment";
    /** A course's forum: not a thread type (xueqing.xapi.thread-activity-types), so each question opens its own. */
    static final String T_FORUM = "urn:xueqing:activity-type:forum";
    static final String T_POST = "urn:xueqing:activity-type:forum-post";
    static final String T_LMS = "http://id.tincanapi.com/activitytype/lms";

    // extensions
    static final String X_ROLE = "urn:xueqing:extension:role";
    static final String X_DUE = "urn:xueqing:extension:due-time";
    static final String X_WEIGHT = "urn:xueqing:extension:weight";
    /** On a question's activity definition: a JSON array of the skill ids the question practises. */
    static final String X_SKILLS = "urn:xueqing:extension:skills";

    static final String PLATFORM = "Xueqing demo LMS";

    /** "+08:00" local offsets, seconds precision: what the LMS writes. */
    static final DateTimeFormatter LOCAL_TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX").withZone(ZONE);
    /** UTC with "Z", seconds precision. */
    static final DateTimeFormatter UTC_TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX")
            .withZone(ZoneOffset.UTC);
    /** UTC with milliseconds, as an LRS writes {@code stored}. */
    static final DateTimeFormatter LRS_TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    private Xapi() {}

    static String verbDisplay(String iri) {
        return iri.substring(iri.lastIndexOf('/') + 1);
    }

    static ObjectNode verb(String iri) {
        ObjectNode v = F.objectNode();
        v.put("id", iri);
        v.putObject("display").put("en-US", verbDisplay(iri));
        return v;
    }

    static ObjectNode accountAgent(String name, String displayName) {
        ObjectNode a = F.objectNode();
        a.put("objectType", "Agent");
        if (displayName != null) {
            a.put("name", displayName);
        }
        ObjectNode acc = a.putObject("account");
        acc.put("homePage", HOME);
        acc.put("name", name);
        return a;
    }

    static ObjectNode mboxAgent(String mbox) {
        ObjectNode a = F.objectNode();
        a.put("objectType", "Agent");
        a.put("mbox", mbox);
        return a;
    }

    /** A context activity reference: id and type only. */
    static ObjectNode ref(String id, String type) {
        ObjectNode a = F.objectNode();
        a.put("id", id);
        a.put("objectType", "Activity");
        a.putObject("definition").put("type", type);
        return a;
    }

    /** A statement object activity with its definition (name in en-US, optionally zh-CN). */
    static ObjectNode activity(String id, String type, String nameEn, String nameZh) {
        ObjectNode a = F.objectNode();
        a.put("id", id);
        a.put("objectType", "Activity");
        ObjectNode def = a.putObject("definition");
        ObjectNode name = def.putObject("name");
        name.put("en-US", nameEn);
        if (nameZh != null) {
            name.put("zh-CN", nameZh);
        }
        def.put("type", type);
        return a;
    }

    /** Adds due time (rendered with the local offset) and weight extensions to an activity's definition. */
    static ObjectNode withDue(ObjectNode activity, Instant due, int weight) {
        ObjectNode ext = ((ObjectNode) activity.get("definition")).putObject("extensions");
        ext.put(X_DUE, LOCAL_TS.format(due));
        ext.put(X_WEIGHT, weight);
        return activity;
    }

    /** A single-choice cmi.interaction with choices a–d. */
    static ObjectNode question(String id, String nameEn, String key) {
        ObjectNode q = activity(id, T_QUESTION, nameEn, null);
        ObjectNode def = (ObjectNode) q.get("definition");
        def.put("interactionType", "choice");
        def.putArray("correctResponsesPattern").add(key);
        ArrayNode choices = def.putArray("choices");
        for (String c : List.of("a", "b", "c", "d")) {
            ObjectNode ch = choices.addObject();
            ch.put("id", c);
            ch.putObject("description").put("en-US", "Option " + c.toUpperCase(Locale.ROOT));
        }
        return q;
    }

    /**
     * Adds the skills extension ({@link #X_SKILLS}, a JSON array of skill ids) to an activity's definition; a null
     * skill leaves the activity as it was.
     */
    static ObjectNode withSkill(ObjectNode activity, String skill) {
        if (skill != null) {
            ((ObjectNode) activity.get("definition")).putObject("extensions").putArray(X_SKILLS).add(skill);
        }
        return activity;
    }

    static ObjectNode context(String role, List<ObjectNode> parents, List<ObjectNode> grouping) {
        ObjectNode ctx = F.objectNode();
        ObjectNode ca = ctx.putObject("contextActivities");
        if (!parents.isEmpty()) {
            ArrayNode p = ca.putArray("parent");
            parents.forEach(p::add);
        }
        if (!grouping.isEmpty()) {
            ArrayNode g = ca.putArray("grouping");
            grouping.forEach(g::add);
        }
        ctx.put("platform", PLATFORM);
        ctx.put("language", "zh-CN");
        ctx.putObject("extensions").put(X_ROLE, role);
        return ctx;
    }

    static ObjectNode statementRef(String id) {
        ObjectNode r = F.objectNode();
        r.put("objectType", "StatementRef");
        r.put("id", id);
        return r;
    }

    static ObjectNode score(double raw, double min, double max, Double scaled) {
        ObjectNode s = F.objectNode();
        if (scaled != null) {
            s.put("scaled", scaled);
        }
        s.put("raw", raw);
        s.put("min", min);
        s.put("max", max);
        return s;
    }

    /** ISO 8601 duration in whole seconds, e.g. PT95S. */
    static String seconds(long s) {
        return "PT" + s + "S";
    }

    static String iso(Duration d) {
        return d.toString();
    }

    static double round4(double x) {
        return Math.round(x * 10000.0) / 10000.0;
    }

    /**
     * A statement: id, actor, verb, object, then result and context when given. The timestamp is added when the
     * statement is rendered for a file, since files differ in how they write time.
     */
    static ObjectNode statement(String id, ObjectNode actor, String verbIri, ObjectNode object, ObjectNode result,
            ObjectNode context) {
        ObjectNode s = F.objectNode();
        s.put("id", id);
        s.set("actor", actor);
        s.set("verb", verb(verbIri));
        s.set("object", object);
        if (result != null) {
            s.set("result", result);
        }
        if (context != null) {
            s.set("context", context);
        }
        return s;
    }
}
