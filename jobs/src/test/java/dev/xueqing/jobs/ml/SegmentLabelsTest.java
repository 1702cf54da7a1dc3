package dev.xueqing.jobs.ml;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The labelling rule on given centroids. Feature order: relative_activity, active_weeks_share, activity_trend,
 * start_delay_share, inactive_tail_share, last_minute_excess, early_activity_share, late_activity_share, mean_score.
 */
class SegmentLabelsTest {
    private static final List<String> F = List.of("relative_activity", "active_weeks_share", "activity_trend",
            "start_delay_share", "inactive_tail_share", "last_minute_excess", "early_activity_share",
            "late_activity_share", "mean_score");

    @Test
    void profileScoresFollowTheDocumentedFormulas() {
        double[] z = {1, 3, -1, 2, 1, 2, 0.7, 0.2, 1};
        // E = (1 + 3) / 2, A = 1, L = (2 + −1) / 2, F = (1 − −1) / 2, C = 2 (the early and late shares are not read)
        assertThat(SegmentLabels.profile(F, z)).containsExactly(2.0, 1.0, 0.5, 1.0, 2.0);
        // steady E+A, struggling E−A, last-minute C, late starter L + min(E, 0), fading F + min(E, 0),
        // disengaged −E−A, occasional −E − max(|L|, |F|, |C|), middle −max|.|
        assertThat(SegmentLabels.scores(F, z)).containsExactly(3.0, 1.0, 2.0, 0.5, 1.0, -3.0, -4.0, -2.0);
    }

    @Test
    void labelsTypicalCentroids() {
        double[][] c = {
                {-1.5, -1.5, 0, 1.5, 1.5, -0.5, -1, -1, -1},       // little activity, poor results: disengaged
                {1.2, 1.2, 0, -0.5, -0.8, -0.3, 0.1, 0.1, 1},      // active and good: steady and strong
                {0.8, 0.9, 0, -0.3, -0.5, 0, 0, 0, -1.2},          // active, poor results: struggling but engaged
                {-0.2, -0.2, 1.5, 2.0, -0.5, 0.1, -1.2, 1.3, 0},   // starts late, activity grows: late starter
                {-0.3, -0.1, 0, 0, 0, 2.2, 0, 0, 0},               // bunched before due dates: last-minute
                {-0.3, -0.4, -1.6, -0.4, 1.8, 0, 1.4, -1.2, -0.1}, // stops early, activity shrinks: fading
                {-0.6, -0.7, 0, 0.2, 0.2, 0.1, -0.2, -0.1, 0.3},   // little activity, no pattern: occasional
                {0.1, 0.0, 0.1, 0.1, 0.0, 0.0, 0, 0, 0.0}};        // near the mean: middle of the pack
        assertThat(SegmentLabels.label(F, c)).containsExactly(SegmentLabels.DISENGAGED, SegmentLabels.STEADY,
                SegmentLabels.STRUGGLING, SegmentLabels.LATE_STARTER, SegmentLabels.LAST_MINUTE, SegmentLabels.FADING,
                SegmentLabels.OCCASIONAL, SegmentLabels.MIDDLE);
    }

    @Test
    void labelsAreUniqueAndTheBetterFittingSegmentWins() {
        // both are "steady and strong"; segment 1 fits better (E+A = 3 vs 2), so segment 0 gets its next best label
        double[][] c = {{1, 1, 0, 0, 0, 0, 0, 0, 1}, {1.5, 1.5, 0, 0, 0, 0, 0, 0, 1.5}};
        List<String> labels = SegmentLabels.label(F, c);
        assertThat(labels.get(1)).isEqualTo(SegmentLabels.STEADY);
        // segment 0: E = 1, A = 1 → struggling 0, last-minute 0, late 0, fading 0, disengaged −2, occasional −1,
        // middle −1: ties go
        // to the label order, so struggling but engaged
        assertThat(labels.get(0)).isEqualTo(SegmentLabels.STRUGGLING);
    }

    @Test
    void aGroupThatNeverStartedIsDisengagedNotALateStarterOrFading() {
        // never active: start delay and inactive tail are the whole window (high z), nothing else
        double[][] c = {{0.4, 0.5, -0.1, -0.5, -0.6, 0.1, 0.1, 0.1, 0.5}, {-1.3, -1.5, 0, 2.2, 1.8, -0.4, -1, -1, -1.6}};
        // segment 1: E = −1.4, A = −1.6, L = 1.1, F = 0.9 → late starter −0.3, fading −0.5, occasional 0.3,
        // disengaged 3.0
        assertThat(SegmentLabels.label(F, c)).containsExactly(SegmentLabels.STEADY, SegmentLabels.DISENGAGED);
    }

    @Test
    void exactTiesGoToTheSmallerSegmentId() {
        // identical centroids: both fit "late starter" best (L = 3); segment 0 takes it, segment 1 its next best (C = 2)
        double[][] c = {{0, 0, 0, 6, 0, 2, 0, 0, 0}, {0, 0, 0, 6, 0, 2, 0, 0, 0}};
        assertThat(SegmentLabels.label(F, c)).containsExactly(SegmentLabels.LATE_STARTER, SegmentLabels.LAST_MINUTE);
    }

    @Test
    void moreSegmentsThanLabelsAreRefused() {
        assertThatThrownBy(() -> SegmentLabels.label(F, new double[9][9])).isInstanceOf(IllegalArgumentException.class);
    }
}
