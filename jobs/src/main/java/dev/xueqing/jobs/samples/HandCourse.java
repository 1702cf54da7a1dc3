package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.xueqing.jobs.samples.Xapi.*;

/**
 * The hand-checkable course {@code HAND-001}: 33 fixed statements (no randomness) whose metric values are worked
 * out by hand in {@code docs/hand-course.md}. Change a statement here and that page must change with it.
 *
 * <p>Three learners (hand-a, hand-b, hand-c), one class, one tutor, two pages, one video, a two-question quiz and
 * an assignment, both due 2026-09-09 23:59 +08:00; question 1 practises the skill {@code basics}, question 2
 * {@code applications}, which requires it. hand-a works in two sessions split by a 31-minute gap, asks a
 * question answered by the tutor after exactly 3 hours and submits on time; hand-b works across local midnight
 * (one statement written in UTC), replies to hand-a as a peer and submits the assignment late; hand-c enrols and
 * never acts.
 */
final class HandCourse {
    static final String COURSE = HOME + "/course/HAND-001";
    static final String CLASS = COURSE + "/class/A";
    static final String MODULE = COURSE + "/module/w01";
    static final String P1 = COURSE + "/page/p1";
    static final String P2 = COURSE + "/page/p2";
    static final String V1 = COURSE + "/video/v1";
    static final String QUIZ = COURSE + "/quiz/q";
    static final String Q1 = QUIZ + "/q1";
    static final String Q2 = QUIZ + "/q2";
    static final String A1 = COURSE + "/assignment/a1";
    static final String FORUM = COURSE + "/forum";
    static final String DUE = "2026-09-09T23:59:00+08:00";
    static final String QUESTION_ID = id(20);
    /** The course's skills: question 1 (on the readings) practises the basics, question 2 their application. */
    static final List<SampleDataGenerator.SkillDef> SKILLS = List.of(
            new SampleDataGenerator.SkillDef("basics", List.of()),
            new SampleDataGenerator.SkillDef("applications", List.of("basics")));
    static final String SKILL_BASICS = SampleDataGenerator.skillId(COURSE, "basics");
    static final String SKILL_APPLICATIONS = SampleDataGenerator.skillId(COURSE, "applications");

    private HandCourse() {}

    /** Statement ids are a0000000-0000-4000-8000-0000000000NN, NN = the row number in docs/hand-course.md. */
    static String id(int n) {
        return String.format(Locale.ROOT, "a0000000-0000-4000-8000-%012d", n);
    }

    static List<ObjectNode> statements() {
        List<ObjectNode> s = new ArrayList<>();
        // enrolments, the Sunday before the course starts
        s.add(st(1, "hand-a", V_REGISTERED, course(), null, enrolCtx(), "2026-09-06T10:00:00+08:00"));
        s.add(st(2, "hand-b", V_REGISTERED, course(), null, enrolCtx(), "2026-09-06T10:05:00+08:00"));
        s.add(st(3, "hand-c", V_REGISTERED, course(), null, enrolCtx(), "2026-09-06T10:10:00+08:00"));
        // hand-a, Monday evening: session 1 (20:00-20:40)
        s.add(st(4, "hand-a", V_LOGGED_IN, lms(), null, ctx("learner"), "2026-09-07T20:00:00+08:00"));
        s.add(st(5, "hand-a", V_VIEWED, page(P1, "Reading 1"), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-07T20:05:00+08:00"));
        s.add(st(6, "hand-a", V_PLAYED, video(), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-07T20:20:00+08:00"));
        s.add(st(7, "hand-a", V_COMPLETED, video(), duration("PT12M", true), ctx("learner", MODULE, T_MODULE),
                "2026-09-07T20:32:00+08:00"));
        s.add(st(8, "hand-a", V_VIEWED, page(P2, "Reading 2"), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-07T20:40:00+08:00"));
        // 31 minutes later: session 2 (21:11-21:22)
        s.add(st(9, "hand-a", V_ATTEMPTED, quiz(), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-07T21:11:00+08:00"));
        s.add(st(10, "hand-a", V_ANSWERED, q1(), answer(true, "b"),
                ctx("learner", QUIZ, T_QUIZ), "2026-09-07T21:15:00+08:00"));
        s.add(st(11, "hand-a", V_ANSWERED, q2(), answer(false, "c"),
                ctx("learner", QUIZ, T_QUIZ), "2026-09-07T21:20:00+08:00"));
        s.add(st(12, "hand-a", V_SUBMIT, quiz(), completion(), ctx("learner", MODULE, T_MODULE),
                "2026-09-07T21:22:00+08:00"));
        s.add(st(13, "hand-a", V_SCORED, quiz(), scored(1, 2, 0.5), ctx("system", MODULE, T_MODULE),
                "2026-09-07T21:22:05+08:00"));
        // hand-b, Monday late night into Tuesday: one session 23:40-00:40 local
        s.add(st(14, "hand-b", V_LOGGED_IN, lms(), null, ctx("learner"), "2026-09-07T23:40:00+08:00"));
        s.add(st(15, "hand-b", V_VIEWED, page(P1, "Reading 1"), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-07T23:50:00+08:00"));
        // written in UTC: 2026-09-08 00:10 local
        s.add(st(16, "hand-b", V_PLAYED, video(), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-07T16:10:00Z"));
        s.add(st(17, "hand-b", V_PAUSED, video(), duration("PT900S", false), ctx("learner", MODULE, T_MODULE),
                "2026-09-08T00:25:00+08:00"));
        s.add(st(18, "hand-b", V_VIEWED, page(P2, "Reading 2"), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-08T00:40:00+08:00"));
        // hand-a, Tuesday evening: question and on-time assignment
        s.add(st(19, "hand-a", V_LOGGED_IN, lms(), null, ctx("learner"), "2026-09-08T19:00:00+08:00"));
        s.add(st(20, "hand-a", V_ASKED, post(1, "How is the weekly quiz graded?"), null,
                ctx("learner", FORUM, T_FORUM), "2026-09-08T19:10:00+08:00"));
        s.add(st(21, "hand-a", V_SUBMIT, assignment(), completion(), ctx("learner", MODULE, T_MODULE),
                "2026-09-08T19:25:00+08:00"));
        // hand-b, Tuesday evening: a peer reply, then the quiz
        s.add(st(22, "hand-b", V_LOGGED_IN, lms(), null, ctx("learner"), "2026-09-08T21:00:00+08:00"));
        s.add(st(23, "hand-b", V_REPLIED, post(2, "Reply"), null, replyCtx("learner"),
                "2026-09-08T21:01:00+08:00"));
        s.add(st(24, "hand-b", V_ATTEMPTED, quiz(), null, ctx("learner", MODULE, T_MODULE),
                "2026-09-08T21:03:00+08:00"));
        s.add(st(25, "hand-b", V_ANSWERED, q1(), answer(true, "b"),
                ctx("learner", QUIZ, T_QUIZ), "2026-09-08T21:06:00+08:00"));
        s.add(st(26, "hand-b", V_ANSWERED, q2(), answer(true, "a"),
                ctx("learner", QUIZ, T_QUIZ), "2026-09-08T21:09:00+08:00"));
        s.add(st(27, "hand-b", V_SUBMIT, quiz(), completion(), ctx("learner", MODULE, T_MODULE),
                "2026-09-08T21:10:00+08:00"));
        s.add(st(28, "hand-b", V_SCORED, quiz(), scored(2, 2, 1.0), ctx("system", MODULE, T_MODULE),
                "2026-09-08T21:10:05+08:00"));
        // the tutor answers hand-a's question exactly 3 hours after it was asked
        ObjectNode tutorReply = statement(id(29), accountAgent("hand-tutor", "Hand Tutor"), V_REPLIED,
                post(3, "Reply"), null, replyCtx("tutor"));
        s.add(stamp(tutorReply, "2026-09-08T22:10:00+08:00"));
        // hand-b, Thursday morning: the assignment, late
        s.add(st(30, "hand-b", V_LOGGED_IN, lms(), null, ctx("learner"), "2026-09-10T08:30:00+08:00"));
        s.add(st(31, "hand-b", V_SUBMIT, assignment(), completion(), ctx("learner", MODULE, T_MODULE),
                "2026-09-10T08:45:00+08:00"));
        // grades, logged by the LMS against the learners
        s.add(st(32, "hand-a", V_SCORED, assignment(), scored(80, 100, 0.8), gradeCtx(),
                "2026-09-11T10:00:00+08:00"));
        s.add(st(33, "hand-b", V_SCORED, assignment(), scored(60, 100, 0.6), gradeCtx(),
                "2026-09-11T10:05:00+08:00"));
        return s;
    }

    private static ObjectNode st(int n, String learner, String verb, ObjectNode object, ObjectNode result,
            ObjectNode context, String timestamp) {
        return stamp(statement(id(n), accountAgent(learner, null), verb, object, result, context), timestamp);
    }

    private static ObjectNode stamp(ObjectNode statement, String timestamp) {
        statement.put("timestamp", timestamp);
        statement.put("version", "1.0.3");
        return statement;
    }

    private static ObjectNode course() {
        return activity(COURSE, T_COURSE, "Hand-checked course", "手算课程");
    }

    private static ObjectNode q1() {
        return withSkill(question(Q1, "Question 1", "b"), SKILL_BASICS);
    }

    private static ObjectNode q2() {
        return withSkill(question(Q2, "Question 2", "a"), SKILL_APPLICATIONS);
    }

    private static ObjectNode lms() {
        return activity(HOME, T_LMS, PLATFORM, null);
    }

    private static ObjectNode page(String id, String name) {
        return activity(id, T_PAGE, name, null);
    }

    private static ObjectNode video() {
        return activity(V1, T_VIDEO, "Lecture 1", null);
    }

    private static ObjectNode quiz() {
        ObjectNode q = activity(QUIZ, T_QUIZ, "Quiz 1", null);
        ObjectNode ext = ((ObjectNode) q.get("definition")).putObject("extensions");
        ext.put(X_DUE, DUE);
        ext.put(X_WEIGHT, 20);
        return q;
    }

    private static ObjectNode assignment() {
        ObjectNode a = activity(A1, T_ASSIGNMENT, "Assignment 1", null);
        ObjectNode ext = ((ObjectNode) a.get("definition")).putObject("extensions");
        ext.put(X_DUE, DUE);
        ext.put(X_WEIGHT, 80);
        return a;
    }

    private static ObjectNode post(int n, String name) {
        return activity(FORUM + "/post/" + n, T_POST, name, null);
    }

    private static ObjectNode enrolCtx() {
        return context("learner", List.of(), List.of(ref(CLASS, T_CLASS)));
    }

    private static ObjectNode ctx(String role) {
        return context(role, List.of(), List.of(ref(COURSE, T_COURSE), ref(CLASS, T_CLASS)));
    }

    private static ObjectNode ctx(String role, String parent, String parentType) {
        return context(role, List.of(ref(parent, parentType)), List.of(ref(COURSE, T_COURSE), ref(CLASS, T_CLASS)));
    }

    private static ObjectNode replyCtx(String role) {
        ObjectNode c = ctx(role, FORUM + "/post/1", T_POST);
        c.set("statement", statementRef(QUESTION_ID));
        return c;
    }

    private static ObjectNode gradeCtx() {
        ObjectNode c = ctx("system", MODULE, T_MODULE);
        c.set("instructor", accountAgent("hand-tutor", "Hand Tutor"));
        return c;
    }

    private static ObjectNode duration(String iso, boolean completed) {
        ObjectNode r = F.objectNode();
        r.put("duration", iso);
        if (completed) {
            r.put("completion", true);
        }
        return r;
    }

    private static ObjectNode answer(boolean success, String response) {
        ObjectNode r = F.objectNode();
        r.set("score", score(success ? 1 : 0, 0, 1, null));
        r.put("success", success);
        r.put("response", response);
        return r;
    }

    private static ObjectNode completion() {
        ObjectNode r = F.objectNode();
        r.put("completion", true);
        return r;
    }

    private static ObjectNode scored(double raw, double max, double scaled) {
        ObjectNode r = F.objectNode();
        r.set("score", score(raw, 0, max, scaled));
        r.put("success", scaled >= 0.6);
        r.put("completion", true);
        return r;
    }
}
