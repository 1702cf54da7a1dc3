package dev.xueqing.jobs.samples;

import java.util.List;
import java.util.Random;

/**
 * The planted behaviour profile of a generated learner: when and how much they are active over the course weeks
 * and how they score (docs/generator.md, "Behaviour profiles").
 *
 * <p>Each profile shapes the simulation of {@link ScaleGenerator} in the same few places: the chance of being
 * active in a week, which days of the week the sessions fall on, when work is submitted, the chance of never
 * starting or of withdrawing, and a shift of the ability used for scoring.
 */
enum BehaviourProfile {
    /** Active nearly every week from the start, sessions spread over the week, work on time, scores a little higher. */
    STEADY("steady", 0.30, 0.02, -1.5, 0.3),
    /** Nothing in the first 30–50% of the course weeks, then active like a steady learner. */
    LATE_STARTER("late_starter", 0.15, 0.02, -1.0, 0.0),
    /** Active most weeks, but only on the day of a deadline and the day before; more often late, scores a little lower. */
    LAST_MINUTE("last_minute", 0.20, 0.02, -0.5, -0.2),
    /** Starts like a steady learner, thins out, and stops after 25–55% of the course weeks. */
    FADING("fading", 0.15, 0.02, 0.5, 0.0),
    /** Rarely active (P(active week) about 0.27), a third never start, low volume, scores lower. */
    DISENGAGED("disengaged", 0.20, 0.33, 0.5, -0.3);

    /** All profiles, in the order of their cumulative shares. */
    static final List<BehaviourProfile> ALL = List.of(values());

    /** The name written to the truth files. */
    final String truthName;
    /** Share of the generated learners with this profile. */
    final double share;
    /** Probability that an enrolment never has any activity. */
    final double neverStarts;
    /** Added to the withdrawal logit (−2.2 − engagement − 0.3·ability). */
    final double withdrawShift;
    /** Added to the ability in the scoring models (quiz items and assignments). */
    final double abilityShift;

    BehaviourProfile(String truthName, double share, double neverStarts, double withdrawShift, double abilityShift) {
        this.truthName = truthName;
        this.share = share;
        this.neverStarts = neverStarts;
        this.withdrawShift = withdrawShift;
        this.abilityShift = abilityShift;
    }

    /** One draw from the profile shares. */
    static BehaviourProfile draw(Random r) {
        double u = r.nextDouble();
        double cumulative = 0;
        for (BehaviourProfile p : ALL) {
            cumulative += p.share;
            if (u < cumulative) {
                return p;
            }
        }
        return ALL.get(ALL.size() - 1);
    }
}
