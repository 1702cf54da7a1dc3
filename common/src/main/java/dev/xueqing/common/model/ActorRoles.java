package dev.xueqing.common.model;

import java.util.Set;

/** Values of the events' {@code actor_role} column. */
public final class ActorRoles {
    public static final String LEARNER = "learner";
    public static final String INSTRUCTOR = "instructor";
    public static final String TUTOR = "tutor";
    public static final String SYSTEM = "system";
    public static final Set<String> ALL = Set.of(LEARNER, INSTRUCTOR, TUTOR, SYSTEM);
    /** Roles that serve learners (tutor response times). */
    public static final Set<String> STAFF = Set.of(INSTRUCTOR, TUTOR);

    private ActorRoles() {}
}
