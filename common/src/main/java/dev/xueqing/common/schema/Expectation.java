package dev.xueqing.common.schema;

import dev.xueqing.common.io.DatasetRef;

import java.util.List;

/**
 * A data expectation checked on a mart before it is published (Deequ-style). Each kind documents itself for the
 * mart dictionary through {@link #describe()}.
 */
public sealed interface Expectation {
    String describe();

    /** No two rows share these column values (the grain). Nulls count as values. */
    record Unique(List<String> columns) implements Expectation {
        public String describe() {
            return "one row per " + String.join(" × ", columns);
        }
    }

    /** These columns are never null. */
    record NotNull(List<String> columns) implements Expectation {
        public String describe() {
            return String.join(", ", columns) + " not null";
        }
    }

    /** Non-null values lie in [min, max]. */
    record Between(String column, double min, double max) implements Expectation {
        public String describe() {
            return column + " in [" + fmt(min) + ", " + fmt(max) + "]";
        }
    }

    /** Non-null values are one of the listed strings. */
    record InSet(String column, List<String> values) implements Expectation {
        public String describe() {
            return column + " in {" + String.join(", ", values) + "}";
        }
    }

    /** Every non-null value of column exists in refColumn of another dataset (a relationship). */
    record References(String column, DatasetRef ref, String refColumn) implements Expectation {
        public String describe() {
            return column + " exists in " + ref.name() + "." + refColumn;
        }
    }

    /** A boolean SQL expression holds on every row (e.g. "active_learners <= enrolled"). */
    record Holds(String sqlCondition, String meaning) implements Expectation {
        public String describe() {
            return meaning + " (`" + sqlCondition + "`)";
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
