package dev.xueqing.common.metrics;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * Ratios and central values shared by the marts.
 *
 * <pre>
 *   ratio(n, d)  = n / d as double;  NULL when d is NULL or d = 0   (never NaN or infinity)
 *   median(x)    = exact median of the non-null x in the group (Spark's {@code median}, i.e. percentile(x, 0.5)
 *                  with linear interpolation between the two middle values for an even count); NULL on no values
 * </pre>
 * The exact {@code median} is used rather than {@code percentile_approx}: the groups are a course's (or class's)
 * learners, small enough for an exact answer, and an exact median is reproducible across runs and partitionings.
 */
public final class Rates {
    private Rates() {}

    /** numerator / denominator as a double, NULL when the denominator is 0 or NULL. */
    public static Column ratio(Column numerator, Column denominator) {
        return when(denominator.isNull().or(denominator.equalTo(0)), lit(null).cast("double"))
                .otherwise(numerator.cast("double").divide(denominator.cast("double")));
    }

    /**
     * Exact quantile (aggregate) of the non-null values, as a double: Spark's {@code percentile(x, p)} (linear
     * interpolation between the closest ranks); NULL on no values.
     */
    public static Column quantile(Column values, double p) {
        return org.apache.spark.sql.functions.percentile(values.cast("double"), lit(p));
    }

    /** Exact median (aggregate) of the non-null values, as a double. */
    public static Column median(Column values) {
        return org.apache.spark.sql.functions.median(values.cast("double"));
    }
}
