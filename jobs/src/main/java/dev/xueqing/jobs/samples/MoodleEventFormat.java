package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;

import java.io.StringWriter;
import java.util.Random;

import static dev.xueqing.jobs.samples.Xapi.F;

/**
 * Moodle's standard log ({@code logstore_standard_log}) as CSV (docs/moodle.md): enrolments, course and module
 * views, quiz attempts and grades ({@code user_graded} with {@code finalgrade}), assignment submissions and tutors'
 * grading, forum discussions and tutors' posts (linked by {@code other.discussionid}), course completion for a
 * pass. Moodle's log holds no per-question answers, video events or a failed outcome: those are not written.
 * Numeric ids: log id and module ids from the generator's ids, learner g00000042 → user 42, tutors 9000000+.
 */
final class MoodleEventFormat implements EventFormat {
    static final String[] COLUMNS = {"id", "eventname", "component", "action", "target", "objecttable", "objectid",
        "crud", "edulevel", "contextid", "contextlevel", "contextinstanceid", "userid", "courseid", "relateduserid",
        "anonymous", "other", "timecreated", "origin", "ip", "realuserid"};

    private final CsvWriter writer = new CsvWriter(new StringWriter(), new CsvWriterSettings());

    @Override
    public String name() {
        return "moodle";
    }

    @Override
    public String suffix() {
        return ".csv.gz";
    }

    @Override
    public String header() {
        return writer.writeRowToString((Object[]) COLUMNS);
    }

    @Override
    public String malformed(String goodLine, SimEvent e, Random r) {
        Object[] row = row(e);
        row[17] = "yesterday";
        row[0] = logId(e.id()) + 1; // another log row, not a copy
        return writer.writeRowToString(row);
    }

    @Override
    public String malformedReason() {
        return "invalid_timestamp";
    }

    @Override
    public String render(SimEvent e) {
        Object[] row = row(e);
        return row == null ? null : writer.writeRowToString(row);
    }

    private static Object[] row(SimEvent e) {
        long course = e.course().index() + 2L;
        long learner = userId(e.learner());
        long actor = e.role().equals("learner") || e.role().equals("system") ? learner : userId(e.actor());
        String name;
        String component;
        String action;
        String target;
        String table = null;
        Long objectId = null;
        String crud = "r";
        int edulevel = 2;
        Long cm = null;
        Long related = null;
        ObjectNode other = null;
        switch (e.kind()) {
            case ENROLLED, UNENROLLED -> {
                boolean in = e.kind() == SimEvent.Kind.ENROLLED;
                name = in ? "\\core\\event\\user_enrolment_created" : "\\core\\event\\user_enrolment_deleted";
                component = "core_enrol";
                action = in ? "created" : "deleted";
                target = "user_enrolment";
                table = "user_enrolments";
                objectId = logId(e.id()) % 10_000_000;
                crud = in ? "c" : "d";
                edulevel = 0;
                related = learner;
                other = F.objectNode().put("enrol", "self");
            }
            case LOGGED_IN -> {
                name = "\\core\\event\\course_viewed";
                component = "core";
                action = "viewed";
                target = "course";
            }
            case PAGE_VIEWED, VIDEO_PLAYED -> {
                boolean page = e.kind() == SimEvent.Kind.PAGE_VIEWED;
                component = page ? "mod_page" : "mod_resource";
                name = "\\" + component + "\\event\\course_module_viewed";
                action = "viewed";
                target = "course_module";
                table = page ? "page" : "resource";
                cm = cmId(e.objectId());
                objectId = cm;
            }
            case QUIZ_ATTEMPTED, QUIZ_SUBMITTED -> {
                boolean start = e.kind() == SimEvent.Kind.QUIZ_ATTEMPTED;
                name = start ? "\\mod_quiz\\event\\attempt_started" : "\\mod_quiz\\event\\attempt_submitted";
                component = "mod_quiz";
                action = start ? "started" : "submitted";
                target = "attempt";
                table = "quiz_attempts";
                cm = cmId(e.objectId());
                objectId = logId(e.id()) % 10_000_000;
                crud = start ? "c" : "u";
                related = learner;
            }
            case QUIZ_SCORED -> {
                name = "\\core\\event\\user_graded";
                component = "core";
                action = "graded";
                target = "user";
                table = "grade_grades";
                objectId = logId(e.id()) % 10_000_000;
                crud = "u";
                edulevel = 0;
                related = learner;
                actor = 0; // graded by the system (cron)
                other = F.objectNode().put("itemid", cmId(e.objectId())).put("overridden", false)
                        .put("finalgrade", e.raw());
            }
            case ASSIGNMENT_SUBMITTED -> {
                name = "\\mod_assign\\event\\assessable_submitted";
                component = "mod_assign";
                action = "submitted";
                target = "assessable";
                table = "assign_submission";
                cm = cmId(e.objectId());
                objectId = logId(e.id()) % 10_000_000;
                crud = "u";
                other = F.objectNode().put("submission_editable", false);
            }
            case ASSIGNMENT_SCORED -> {
                name = "\\mod_assign\\event\\submission_graded";
                component = "mod_assign";
                action = "graded";
                target = "submission";
                table = "assign_grades";
                cm = cmId(e.objectId());
                objectId = logId(e.id()) % 10_000_000;
                crud = "u";
                edulevel = 1;
                related = learner;
                actor = userId(e.actor());
            }
            case ASKED -> {
                name = "\\mod_forum\\event\\discussion_created";
                component = "mod_forum";
                action = "created";
                target = "discussion";
                table = "forum_discussions";
                objectId = logId(e.id()) % 10_000_000;
                cm = cmId(e.course().id() + "/forum");
                crud = "c";
                other = F.objectNode().put("forumid", cm);
            }
            case REPLIED -> {
                name = "\\mod_forum\\event\\post_created";
                component = "mod_forum";
                action = "created";
                target = "post";
                table = "forum_posts";
                objectId = logId(e.id()) % 10_000_000;
                cm = cmId(e.course().id() + "/forum");
                crud = "c";
                other = F.objectNode().put("discussionid", logId(e.threadId()) % 10_000_000).put("forumid", cm)
                        .put("forumtype", "general");
            }
            case PASSED -> {
                name = "\\core\\event\\course_completed";
                component = "core";
                action = "completed";
                target = "course";
                table = "course_completions";
                objectId = logId(e.id()) % 10_000_000;
                crud = "u";
                edulevel = 0;
                related = learner;
                actor = 0;
                other = F.objectNode().put("relateduserid", learner);
            }
            default -> {
                return null;
            }
        }
        long contextId = cm != null ? 100_000_000L + cm : 1000L + course;
        int contextLevel = cm != null ? 70 : 50;
        long instance = cm != null ? cm : course;
        return new Object[] {logId(e.id()), name, component, action, target, table, objectId, crud, edulevel,
            contextId, contextLevel, instance, actor, course, related, 0,
            other == null ? "N;" : SampleDataGenerator.json(other), e.time().getEpochSecond(), "web", "10.0.0.1",
            null};
    }

    /** A positive 52-bit log id from the event's UUID. */
    private static long logId(String uuid) {
        return Long.parseLong(uuid.replace("-", "").substring(0, 13), 16);
    }

    /** A course-module id from the generator's object id (stable, positive). */
    private static long cmId(String objectId) {
        return (objectId.hashCode() & 0x7fffffffL) % 90_000_000L + 1000L;
    }

    /** The Moodle user id of an account (learners by their digits, tutors from 9,000,000 up). */
    static long userId(String account) {
        long digits = Long.parseLong(account.substring(1));
        return account.charAt(0) == 't' ? 9_000_000L + digits : digits;
    }
}
