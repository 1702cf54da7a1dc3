package dev.xueqing.jobs.ingest;

import dev.xueqing.common.model.ActorRoles;

import java.util.List;

/**
 * Picks one actor_role out of several a source names for the same actor (forum and course roles, several role
 * assignments in a course): instructor over tutor over system over learner, so a teaching role is never hidden by
 * the learner role most staff also hold.
 */
public final class RoleRanks {
    private static final List<String> ORDER =
            List.of(ActorRoles.LEARNER, ActorRoles.SYSTEM, ActorRoles.TUTOR, ActorRoles.INSTRUCTOR);

    private RoleRanks() {}

    /** The higher of two roles; either may be null (then the other is returned). */
    public static String higher(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
    }
}
