package dev.xueqing.jobs.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Human labels of learner segments, from their centroids on the standardized features (z-scores: 0 is the mean
 * learner × course, ±1 one standard deviation).
 *
 * <p>Five profile scores of a centroid z:
 * <ul>
 *   <li>engagement E = mean of z(relative_activity), z(active_weeks_share);</li>
 *   <li>achievement A = z(mean_score);</li>
 *   <li>lateness L = mean of z(start_delay_share), z(activity_trend) (starts late, activity grows);</li>
 *   <li>fading F = mean of z(inactive_tail_share), −z(activity_trend) (stops early, activity shrinks);</li>
 *   <li>cramming C = z(last_minute_excess).</li>
 * </ul>
 * Each label has a fit score for a centroid: {@code steady and strong} E + A; {@code struggling but engaged}
 * E − A; {@code last-minute} C; {@code late starter} L + min(E, 0) and {@code fading} F + min(E, 0) (a late start or
 * an early stop, less any engagement deficit: a group that never started is neither); {@code disengaged} −E − A
 * (little activity and little achievement); {@code occasional} −E − max(|L|, |F|, |C|) (little activity with no
 * timing pattern: a few weeks here and there, neither a late start nor an early stop nor cramming);
 * {@code middle of the pack} −max(|E|, |A|, |L|, |F|, |C|) (closest to the average learner).
 *
 * <p>Labels are unique within a run: all (segment, label) pairs are taken in decreasing order of fit score (ties:
 * smaller segment id, then the label order above) and a pair is kept when neither its segment nor its label is
 * taken yet. There are eight labels, so every k up to 6 gets distinct labels (xueqing.segments.k-max is at most 6).
 */
public final class SegmentLabels {
    public static final String STEADY = "steady and strong";
    public static final String STRUGGLING = "struggling but engaged";
    public static final String LAST_MINUTE = "last-minute";
    public static final String LATE_STARTER = "late starter";
    public static final String FADING = "fading";
    public static final String DISENGAGED = "disengaged";
    public static final String OCCASIONAL = "occasional";
    public static final String MIDDLE = "middle of the pack";
    /** Every label, in tie-break order. */
    public static final List<String> LABELS = List.of(STEADY, STRUGGLING, LAST_MINUTE, LATE_STARTER, FADING,
            DISENGAGED, OCCASIONAL, MIDDLE);

    private SegmentLabels() {}

    /** Profile scores E, A, L, F, C of one centroid; features names the centroid's coordinates. */
    static double[] profile(List<String> features, double[] z) {
        double e = (at(features, z, "relative_activity") + at(features, z, "active_weeks_share")) / 2.0;
        double a = at(features, z, "mean_score");
        double trend = at(features, z, "activity_trend");
        double l = (at(features, z, "start_delay_share") + trend) / 2.0;
        double f = (at(features, z, "inactive_tail_share") - trend) / 2.0;
        return new double[] {e, a, l, f, at(features, z, "last_minute_excess")};
    }

    /** The fit score of each label (in {@link #LABELS} order) for one centroid. */
    static double[] scores(List<String> features, double[] z) {
        double[] p = profile(features, z);
        double e = p[0];
        double a = p[1];
        double l = p[2];
        double f = p[3];
        double c = p[4];
        double extreme = 0;
        for (double x : p) {
            extreme = Math.max(extreme, Math.abs(x));
        }
        double pattern = Math.max(Math.abs(l), Math.max(Math.abs(f), Math.abs(c)));
        return new double[] {e + a, e - a, c, l + Math.min(e, 0.0), f + Math.min(e, 0.0), -e - a, -e - pattern,
                -extreme};
    }

    /** One distinct label per centroid (index = segment id). */
    public static List<String> label(List<String> features, double[][] centroids) {
        if (centroids.length > LABELS.size()) {
            throw new IllegalArgumentException("At most " + LABELS.size() + " segments can be labelled, got "
                    + centroids.length);
        }
        record Pair(int segment, int label, double score) {}
        List<Pair> pairs = new ArrayList<>();
        for (int s = 0; s < centroids.length; s++) {
            double[] sc = scores(features, centroids[s]);
            for (int l = 0; l < sc.length; l++) {
                pairs.add(new Pair(s, l, sc[l]));
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::score).reversed().thenComparingInt(Pair::segment)
                .thenComparingInt(Pair::label));
        String[] out = new String[centroids.length];
        boolean[] labelTaken = new boolean[LABELS.size()];
        for (Pair p : pairs) {
            if (out[p.segment()] == null && !labelTaken[p.label()]) {
                out[p.segment()] = LABELS.get(p.label());
                labelTaken[p.label()] = true;
            }
        }
        return Arrays.asList(out);
    }

    private static double at(List<String> features, double[] z, String name) {
        int i = features.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("The labelling rule needs the feature " + name + "; got " + features);
        }
        return z[i];
    }
}
