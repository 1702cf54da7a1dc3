package dev.xueqing.common.metrics;

import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

/**
 * The "learner-initiated event" (DESIGN.md "Active learner"): an event whose actor is the learner and whose action
 * is not enrolment bookkeeping.
 *
 * <pre>
 *   learner_initiated = actor_role = 'learner' AND action NOT IN Actions.NOT_ACTIVITY   (enrolled, unenrolled)
 *   active learner in a period = at least one learner-initiated event with event_date in the period
 * </pre>
 */
public final class LearnerActivity {
    private LearnerActivity() {}

    /** True on learner-initiated events (works on any Dataset with actor_role and action columns). */
    public static Column isLearnerInitiated() {
        return col("actor_role").equalTo(ActorRoles.LEARNER)
                .and(not(col("action").isin(Actions.NOT_ACTIVITY.toArray())));
    }
}
