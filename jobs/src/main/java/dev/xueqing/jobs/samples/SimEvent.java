package dev.xueqing.jobs.samples;

import dev.xueqing.jobs.samples.SampleDataGenerator.Course;
import dev.xueqing.jobs.samples.SampleDataGenerator.Klass;

import java.time.Instant;

/**
 * One simulated learning event of the scale generator, before it is written in a format: what happened, to which
 * object, when, with which result. Each {@link EventFormat} renders it as a line of its format (or declines, when
 * the format has no way to say it).
 *
 * @param id          a UUID from the learner's random stream (the xAPI statement id, the csv id column, …)
 * @param learner     raw learner id (the account name), also for tutor replies to the learner's question
 * @param actor       who did it: the learner id, or the tutor's account for replies and grades
 * @param role        learner, tutor or system
 * @param objectId    the object's id (course, page, video, quiz, question, assignment or forum post)
 * @param objectName  its display name
 * @param parentId    the containing object: module, quiz of a question, forum of a question, question of a reply
 * @param quizItem    for {@link Kind#ANSWERED}: the item (its key, and its skill if any, are written in xAPI
 *                    definitions)
 * @param inReplyTo   for {@link Kind#REPLIED}: the {@code id} of the post event answered (the question, a reply)
 * @param due         due time of a quiz or assignment object, else null
 * @param threadId    for {@link Kind#ASKED} and {@link Kind#REPLIED}: the {@code id} of the event that opened the
 *                    thread (an ASKED event's own id), else null
 * @param replyTo     for {@link Kind#REPLIED}: the object id of the post answered, else null
 */
record SimEvent(String id, Instant time, Kind kind, Course course, Klass klass, String learner, String actor,
        String role, String objectId, String objectName, String parentId, int week, Double raw, Double max,
        Double scaled, Boolean success, String response, Long durationS, SampleDataGenerator.Item quizItem,
        String inReplyTo, Instant due, int weight, String threadId, String replyTo) {

    /** Whether this is an answer to a skill-practice question (drawn from the learner's practice stream). */
    boolean practice() {
        return quizItem != null && quizItem.skill() != null;
    }

    /** Whether the actor is staff (a tutor); their account is {@link #actor}, else the learner's. */
    boolean byStaff() {
        return role.equals("tutor");
    }

    /** What happened; each format maps these onto its own vocabulary. ASKED opens a forum thread (a learner's
     * question, or a tutor's announcement), REPLIED posts in one. */
    enum Kind {
        ENROLLED, UNENROLLED, LOGGED_IN, PAGE_VIEWED, VIDEO_PLAYED, VIDEO_PAUSED, VIDEO_COMPLETED, QUIZ_ATTEMPTED,
        ANSWERED, QUIZ_SUBMITTED, QUIZ_SCORED, ASSIGNMENT_SUBMITTED, ASSIGNMENT_SCORED, ASKED, REPLIED, PASSED, FAILED
    }
}
