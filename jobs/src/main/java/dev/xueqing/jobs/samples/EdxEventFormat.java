package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

import static dev.xueqing.jobs.samples.Xapi.F;

/**
 * Open edX tracking-log lines (docs/edx.md): enrolment events, browser link clicks and video events, server
 * {@code problem_check} answers (grade, max_grade, success, answers), forum threads and tutor responses (linked to
 * the thread by {@code event.discussion.id}). Logins, quiz and assignment submissions and grades and the final
 * outcome have no tracking-log event: they are not written in this format. Course ids are {@code course-v1:}, object
 * ids {@code block-v1:} ids derived from the generator's object ids.
 */
final class EdxEventFormat implements EventFormat {
    /** UTC with microseconds, as the LMS writes {@code time}. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    @Override
    public String name() {
        return "edx";
    }

    @Override
    public String suffix() {
        return ".log.gz";
    }

    @Override
    public String header() {
        return null;
    }

    @Override
    public String malformed(String goodLine, SimEvent e, Random r) {
        return EventFormat.cutJson(goodLine);
    }

    @Override
    public String malformedReason() {
        return "malformed_json";
    }

    static String courseId(SampleDataGenerator.Course c) {
        String[] parts = c.code().split("-", 2);
        return "course-v1:Xueqing+" + parts[0] + "+" + parts[1];
    }

    static String blockId(SampleDataGenerator.Course c, String type, String objectId) {
        String local = objectId.startsWith(c.id() + "/") ? objectId.substring(c.id().length() + 1) : objectId;
        return "block-v1:Xueqing+" + courseId(c).substring("course-v1:Xueqing+".length()) + "+type@" + type
                + "+block@" + local.replaceAll("[^A-Za-z0-9]", "_");
    }

    @Override
    public String render(SimEvent e) {
        String course = courseId(e.course());
        String eventType;
        boolean browser = false;
        ObjectNode payload = F.objectNode();
        String user = e.role().equals("tutor") ? e.actor() : e.learner();
        switch (e.kind()) {
            case ENROLLED, UNENROLLED -> {
                eventType = e.kind() == SimEvent.Kind.ENROLLED ? "edx.course.enrollment.activated"
                        : "edx.course.enrollment.deactivated";
                payload.put("course_id", course);
                payload.put("user_id", userId(e.learner()));
                payload.put("mode", "audit");
            }
            case PAGE_VIEWED -> {
                eventType = "edx.ui.lms.link_clicked";
                browser = true;
                payload.put("current_url", "https://lms.example.edu/courses/" + course + "/course/");
                payload.put("target_url", "https://lms.example.edu/courses/" + course + "/jump_to/"
                        + blockId(e.course(), "html", e.objectId()));
            }
            case VIDEO_PLAYED, VIDEO_PAUSED, VIDEO_COMPLETED -> {
                eventType = e.kind() == SimEvent.Kind.VIDEO_PLAYED ? "play_video"
                        : e.kind() == SimEvent.Kind.VIDEO_PAUSED ? "pause_video" : "stop_video";
                browser = true;
                payload.put("id", blockId(e.course(), "video", e.objectId()));
                payload.put("currentTime", e.durationS() == null ? 0 : e.durationS());
                payload.put("code", "html5");
            }
            case ANSWERED -> {
                eventType = "problem_check";
                String problem = blockId(e.course(), "problem", e.objectId());
                payload.put("problem_id", problem);
                payload.put("grade", e.raw().intValue());
                payload.put("max_grade", e.max().intValue());
                payload.put("success", e.success() ? "correct" : "incorrect");
                payload.put("attempts", 1);
                payload.putObject("answers").put(problem.replace("block-v1:", "") + "_2_1", "choice_" + e.response());
            }
            case ASKED -> {
                eventType = "edx.forum.thread.created";
                payload.put("id", mongoId(e.id()));
                payload.put("title", e.objectName());
                payload.put("commentable_id", "course");
                payload.put("thread_type", e.byStaff() ? "discussion" : "question");
                forumRoles(payload, e);
            }
            case REPLIED -> {
                // a post answering the thread's opener is a response; one answering a post in it, a comment
                boolean response = e.inReplyTo().equals(e.threadId());
                eventType = response ? "edx.forum.response.created" : "edx.forum.comment.created";
                payload.put("id", mongoId(e.id()));
                payload.putObject("discussion").put("id", mongoId(e.threadId()));
                if (!response) {
                    payload.putObject("response").put("id", mongoId(e.inReplyTo()));
                }
                payload.put("commentable_id", "course");
                forumRoles(payload, e);
            }
            default -> {
                return null;
            }
        }
        ObjectNode n = F.objectNode();
        n.put("username", user);
        n.put("event_type", eventType);
        n.put("event_source", browser ? "browser" : "server");
        // microseconds from the event id: real logs have them, and they keep two events' content apart
        long micros = Long.parseLong(e.id().substring(0, 5), 16) % 1_000_000;
        n.put("time", TIME.format(e.time()) + String.format(Locale.ROOT, ".%06d+00:00", micros));
        ObjectNode ctx = n.putObject("context");
        ctx.put("course_id", course);
        ctx.put("org_id", "Xueqing");
        ctx.put("user_id", userId(user));
        ctx.put("path", browser ? "/event" : "/courses/" + course + "/xblock/handler");
        n.put("host", "lms.example.edu");
        n.put("page", browser ? "https://lms.example.edu/courses/" + course + "/courseware/" : null);
        if (browser) {
            n.put("event", SampleDataGenerator.json(payload));
        } else {
            n.set("event", payload);
        }
        return SampleDataGenerator.json(n);
    }

    /** A numeric user id for a learner (g00000042 → 42) or tutor account (t001002 → 9001002). */
    static long userId(String account) {
        long digits = Long.parseLong(account.substring(1));
        return account.charAt(0) == 't' ? 9_000_000_000L + digits : digits;
    }

    /** The poster's forum and course roles, as the forum service writes them: a tutor is a Community TA. */
    private static void forumRoles(ObjectNode payload, SimEvent e) {
        payload.putArray("user_forums_roles").add(e.byStaff() ? "Community TA" : "Student");
    }

    /** A 24-hex forum id (as the forum service writes them) from the id of the post's event. */
    private static String mongoId(String eventId) {
        return eventId.replace("-", "").substring(0, 24);
    }
}
