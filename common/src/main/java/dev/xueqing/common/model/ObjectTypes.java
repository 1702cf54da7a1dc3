package dev.xueqing.common.model;

import java.util.List;
import java.util.Set;

/** Canonical object types of the events' {@code object_type} column. */
public final class ObjectTypes {
    public static final String COURSE = "course";
    public static final String CLASS = "class";
    public static final String MODULE = "module";
    public static final String PAGE = "page";
    public static final String VIDEO = "video";
    public static final String QUIZ = "quiz";
    public static final String QUESTION = "question";
    public static final String ASSIGNMENT = "assignment";
    public static final String FORUM_THREAD = "forum_thread";
    public static final String FORUM_POST = "forum_post";
    public static final String STATEMENT = "statement";
    public static final String AGENT = "agent";
    public static final String ACTIVITY = "activity";

    /**
     * Learning content whose viewing counts toward content coverage. Modules are containers (a week, a unit), not
     * content a learner views, so they are not counted.
     */
    public static final Set<String> CONTENT = Set.of(PAGE, VIDEO);
    /** Assessments that are assigned and handed in (submission and on-time rates). */
    public static final Set<String> ASSESSMENTS = Set.of(QUIZ, ASSIGNMENT);

    public static final List<String> ALL = List.of(COURSE, CLASS, MODULE, PAGE, VIDEO, QUIZ, QUESTION, ASSIGNMENT,
            FORUM_THREAD, FORUM_POST, STATEMENT, AGENT, ACTIVITY);

    private ObjectTypes() {}
}
