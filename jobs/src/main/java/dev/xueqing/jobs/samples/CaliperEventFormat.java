package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Random;

import static dev.xueqing.jobs.samples.Xapi.F;
import static dev.xueqing.jobs.samples.Xapi.HOME;
import static dev.xueqing.jobs.samples.Xapi.LRS_TS;

/**
 * IMS Caliper 1.2 events, one JSON object a line, shaped like the IMS fixtures (docs/caliper.md): SessionEvent
 * LoggedIn, ViewEvent Viewed (Document), MediaEvent Started / Paused / Ended (VideoObject), AssessmentEvent Started /
 * Submitted, AssessmentItemEvent Completed (MultipleChoiceResponse: the answer, no score: Caliper puts item scores
 * in separate grade events), AssignableEvent Submitted, GradeEvent Graded (Attempt with assignee; the autograder for
 * quizzes, the tutor for assignments), MessageEvent Posted (replies with {@code replyTo} the question). Group = the
 * class (CourseSection) inside the course (CourseOffering). Caliper has no enrolment or final-outcome event: those
 * are not written.
 */
final class CaliperEventFormat implements EventFormat {
    private static final String CONTEXT = "http://purl.imsglobal.org/ctx/caliper/v1p2";

    /** Whether a Message is part of a Thread (in the Forum), or directly of the Forum (the committed samples). */
    private final boolean threads;

    CaliperEventFormat(boolean threads) {
        this.threads = threads;
    }

    @Override
    public String name() {
        return "caliper";
    }

    @Override
    public String suffix() {
        return ".jsonl.gz";
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

    static String user(String account) {
        return HOME + "/users/" + account;
    }

    private static ObjectNode entity(String id, String type) {
        ObjectNode n = F.objectNode();
        n.put("id", id);
        n.put("type", type);
        return n;
    }

    @Override
    public String render(SimEvent e) {
        String learner = user(e.learner());
        String time = LRS_TS.format(e.time());
        ObjectNode n = F.objectNode();
        n.put("@context", CONTEXT);
        n.put("id", "urn:uuid:" + e.id());
        String type;
        String action;
        String profile;
        ObjectNode actor = entity(learner, "Person");
        String role = "Learner";
        ObjectNode object;
        ObjectNode generated = null;
        ObjectNode target = null;
        switch (e.kind()) {
            case LOGGED_IN -> {
                type = "SessionEvent";
                action = "LoggedIn";
                profile = "SessionProfile";
                object = entity(HOME, "SoftwareApplication");
            }
            case PAGE_VIEWED -> {
                type = "ViewEvent";
                action = "Viewed";
                profile = "ReadingProfile";
                object = entity(e.objectId(), "Document");
                object.put("name", e.objectName());
            }
            case VIDEO_PLAYED, VIDEO_PAUSED, VIDEO_COMPLETED -> {
                type = "MediaEvent";
                action = e.kind() == SimEvent.Kind.VIDEO_PLAYED ? "Started"
                        : e.kind() == SimEvent.Kind.VIDEO_PAUSED ? "Paused" : "Ended";
                profile = "MediaProfile";
                object = entity(e.objectId(), "VideoObject");
                object.put("name", e.objectName());
                object.put("mediaType", "video/mp4");
                long at = e.durationS() == null ? 0 : e.durationS();
                target = entity(e.objectId() + "?t=" + at, "MediaLocation");
                target.put("currentTime", "PT" + at + "S");
            }
            case QUIZ_ATTEMPTED, QUIZ_SUBMITTED -> {
                type = "AssessmentEvent";
                action = e.kind() == SimEvent.Kind.QUIZ_ATTEMPTED ? "Started" : "Submitted";
                profile = "AssessmentProfile";
                object = assignable(e, "Assessment");
                generated = attempt(e, learner, e.objectId());
            }
            case ANSWERED -> {
                type = "AssessmentItemEvent";
                action = "Completed";
                profile = "AssessmentProfile";
                object = entity(e.objectId(), "AssessmentItem");
                object.put("name", e.objectName());
                object.set("isPartOf", entity(e.parentId(), "Assessment"));
                object.put("maxScore", 1.0);
                generated = entity(e.objectId() + "/users/" + e.learner() + "/responses/1", "MultipleChoiceResponse");
                generated.set("attempt", attempt(e, learner, e.objectId()));
                generated.put("value", e.response());
            }
            case ASSIGNMENT_SUBMITTED -> {
                type = "AssignableEvent";
                action = "Submitted";
                profile = "AssignableProfile";
                object = assignable(e, "AssignableDigitalResource");
                generated = attempt(e, learner, e.objectId());
            }
            case QUIZ_SCORED, ASSIGNMENT_SCORED -> {
                type = "GradeEvent";
                action = "Graded";
                profile = "GradingProfile";
                boolean quiz = e.kind() == SimEvent.Kind.QUIZ_SCORED;
                String grader = quiz ? HOME + "/autograder" : user(e.actor());
                actor = entity(grader, quiz ? "SoftwareApplication" : "Person");
                role = quiz ? null : "Instructor#TeachingAssistant";
                object = attempt(e, learner, e.objectId());
                object.set("assignee", entity(learner, "Person"));
                object.set("assignable", entity(e.objectId(), quiz ? "Assessment" : "AssignableDigitalResource"));
                generated = entity(e.objectId() + "/users/" + e.learner() + "/attempts/1/scores/1", "Score");
                generated.put("maxScore", e.max());
                generated.put("scoreGiven", e.raw());
                generated.put("scoredBy", grader);
            }
            case ASKED, REPLIED -> {
                type = "MessageEvent";
                action = "Posted";
                profile = "ForumProfile";
                if (e.byStaff()) {
                    actor = entity(user(e.actor()), "Person");
                    role = "Instructor#TeachingAssistant";
                }
                object = entity(e.objectId(), "Message");
                if (e.kind() == SimEvent.Kind.REPLIED) {
                    object.set("replyTo", entity(e.replyTo(), "Message"));
                }
                // Message → Thread (named after its opening post) → Forum; without threads, Message → Forum
                ObjectNode forum = entity(e.course().id() + "/forum", "Forum");
                if (threads) {
                    String opener = e.kind() == SimEvent.Kind.ASKED ? e.objectId() : e.parentId();
                    ObjectNode thread = entity(opener + "/thread", "Thread");
                    thread.set("isPartOf", forum);
                    object.set("isPartOf", thread);
                } else {
                    object.set("isPartOf", forum);
                }
                object.put("dateCreated", time);
            }
            default -> {
                return null;
            }
        }
        n.put("type", type);
        n.put("profile", profile);
        n.set("actor", actor);
        n.put("action", action);
        n.set("object", object);
        if (generated != null) {
            n.set("generated", generated);
        }
        if (target != null) {
            n.set("target", target);
        }
        n.put("eventTime", time);
        n.put("edApp", HOME);
        ObjectNode group = entity(e.klass().id(), "CourseSection");
        ObjectNode offering = entity(e.course().id(), "CourseOffering");
        offering.put("name", e.course().nameEn());
        group.set("subOrganizationOf", offering);
        n.set("group", group);
        if (role != null) {
            ObjectNode m = entity(e.klass().id() + "/rosters/" + actor.get("id").asText().replaceAll(".*/", ""),
                    "Membership");
            m.put("member", actor.get("id").asText());
            m.put("organization", e.klass().id());
            m.putArray("roles").add(role);
            m.put("status", "Active");
            n.set("membership", m);
        }
        return SampleDataGenerator.json(n);
    }

    private static ObjectNode assignable(SimEvent e, String type) {
        ObjectNode o = entity(e.objectId(), type);
        o.put("name", e.objectName());
        if (e.due() != null) {
            o.put("dateToSubmit", LRS_TS.format(e.due()));
        }
        return o;
    }

    private static ObjectNode attempt(SimEvent e, String learner, String assignable) {
        ObjectNode a = entity(assignable + "/users/" + e.learner() + "/attempts/1", "Attempt");
        a.put("assignee", learner);
        a.put("assignable", assignable);
        a.put("count", 1);
        return a;
    }
}
