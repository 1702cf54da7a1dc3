package dev.xueqing.common.model;

import java.util.List;
import java.util.Set;

/**
 * The canonical action vocabulary of the {@code events} dataset. Every adapter maps its source verbs to these
 * names; a verb with no mapping becomes {@link #OTHER}.
 */
public final class Actions {
    public static final String ENROLLED = "enrolled";
    public static final String UNENROLLED = "unenrolled";
    public static final String LOGGED_IN = "logged_in";
    public static final String LOGGED_OUT = "logged_out";
    public static final String VIEWED = "viewed";
    public static final String VIDEO_PLAYED = "video_played";
    public static final String VIDEO_PAUSED = "video_paused";
    public static final String VIDEO_SEEKED = "video_seeked";
    public static final String VIDEO_COMPLETED = "video_completed";
    public static final String ATTEMPTED = "attempted";
    public static final String ANSWERED = "answered";
    public static final String SUBMITTED = "submitted";
    public static final String SCORED = "scored";
    public static final String COMPLETED = "completed";
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String POSTED = "posted";
    public static final String REPLIED = "replied";
    public static final String RATED = "rated";
    public static final String PROGRESSED = "progressed";
    public static final String INTERACTED = "interacted";
    public static final String EXITED = "exited";
    public static final String OTHER = "other";

    public static final List<String> ALL = List.of(ENROLLED, UNENROLLED, LOGGED_IN, LOGGED_OUT, VIEWED, VIDEO_PLAYED,
            VIDEO_PAUSED, VIDEO_SEEKED, VIDEO_COMPLETED, ATTEMPTED, ANSWERED, SUBMITTED, SCORED, COMPLETED, PASSED,
            FAILED, POSTED, REPLIED, RATED, PROGRESSED, INTERACTED, EXITED, OTHER);

    /** Actions that are not learner activity: enrolment bookkeeping. */
    public static final Set<String> NOT_ACTIVITY = Set.of(ENROLLED, UNENROLLED);

    /** Actions that open or view content (content coverage). */
    public static final Set<String> CONTENT_VIEWS = Set.of(VIEWED, VIDEO_PLAYED, VIDEO_PAUSED, VIDEO_SEEKED,
            VIDEO_COMPLETED, PROGRESSED, COMPLETED, INTERACTED);

    /** Video actions. */
    public static final Set<String> VIDEO = Set.of(VIDEO_PLAYED, VIDEO_PAUSED, VIDEO_SEEKED, VIDEO_COMPLETED);

    /** Actions that hand in an assessment. */
    public static final Set<String> SUBMISSIONS = Set.of(SUBMITTED);

    /** Actions that count as an attempt at an assessment or question. */
    public static final Set<String> ATTEMPTS = Set.of(ATTEMPTED, ANSWERED);

    /** Forum contributions. */
    public static final Set<String> POSTS = Set.of(POSTED, REPLIED);

    private Actions() {}
}
