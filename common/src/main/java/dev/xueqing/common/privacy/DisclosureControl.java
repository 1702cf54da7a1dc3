package dev.xueqing.common.privacy;

import dev.xueqing.common.config.XueqingConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VariantType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Statistical disclosure control, the last stage of every researcher-facing output (DESIGN.md "Disclosure
 * control"): a pure Dataset → Dataset function, no I/O.
 *
 * <p>Per row, in this order, every decision on the unrounded values:
 * <ol>
 *   <li><b>min-learners</b> (primary): a row whose learners column is below k (or null: a cell whose size is not
 *       known is treated as small) is suppressed: the row is kept, its learners, count, share and value columns
 *       become null, {@code suppressed} is true and {@code suppression_rule} is {@code "min-learners"}.</li>
 *   <li><b>secondary</b>: rows with equal {@link TableRules#siblingKeys()} form a group whose cells add up to a
 *       published total (e.g. the classes of a course in a week, beside the course's own row). When exactly one
 *       row of a group is suppressed, it could be recovered as the total minus its visible siblings, so the smallest
 *       visible row of the group (fewest learners; ties broken by the identifying columns, then the counts and
 *       values, ascending, nulls last, so that a total row whose
 *       class is null loses a tie: deterministic) is suppressed too, with rule {@code "secondary"}. One pass,
 *       one hierarchy: a table with several crossing totals needs a group per total.</li>
 *   <li><b>shares</b>: a share whose denominator column is null or below the minimum share denominator becomes
 *       null; the row itself stays visible (its {@code suppressed} stays false).</li>
 *   <li><b>rounding</b>, last: the learners column and the count columns of visible rows are rounded to the nearest
 *       multiple of {@code roundTo}, halves up ({@code floor(x / m + 0.5) · m}), keeping their type. Shares and
 *       other values are published as computed (from unrounded counts).</li>
 * </ol>
 * Every output row carries {@code disclosure_rules}: {@link Rules#describe()}, which starts with
 * {@link Rules#VERSION}.
 */
public final class DisclosureControl {
    public static final String SUPPRESSED = "suppressed";
    public static final String SUPPRESSION_RULE = "suppression_rule";
    public static final String DISCLOSURE_RULES = "disclosure_rules";

    /** {@code suppression_rule} of a row about fewer than k learners. */
    public static final String RULE_MIN_LEARNERS = "min-learners";
    /** {@code suppression_rule} of a row hidden so that a primary-suppressed sibling cannot be recovered. */
    public static final String RULE_SECONDARY = "secondary";

    /** The columns {@link #apply} appends, in order. */
    public static final List<String> ADDED_COLUMNS = List.of(SUPPRESSED, SUPPRESSION_RULE, DISCLOSURE_RULES);

    private static final String PRIMARY = "_sdc_primary";
    private static final String HIDDEN_IN_GROUP = "_sdc_hidden";
    private static final String RANK_IN_GROUP = "_sdc_rank";

    private DisclosureControl() {}

    /**
     * The rule set.
     *
     * @param minLearners         k: rows about fewer learners are suppressed (at least 2)
     * @param roundTo             counts are rounded to the nearest multiple of this (1: unchanged)
     * @param minShareDenominator a share whose denominator is below this is suppressed (0: never)
     */
    public record Rules(int minLearners, int roundTo, int minShareDenominator) implements Serializable {
        /** The version of the rule set; it changes whenever what the rules do changes, not when k changes. */
        public static final String VERSION = "xueqing-sdc-1";

        public Rules {
            if (minLearners < 2) {
                throw new IllegalArgumentException("disclosure min-learners must be at least 2, got " + minLearners);
            }
            if (roundTo < 1) {
                throw new IllegalArgumentException("disclosure round-to must be at least 1, got " + roundTo);
            }
            if (minShareDenominator < 0) {
                throw new IllegalArgumentException("disclosure min-share-denominator must be 0 or more, got "
                        + minShareDenominator);
            }
        }

        public static Rules of(XueqingConfig.Disclosure d) {
            return new Rules(d.minLearners(), d.roundTo(), d.minShareDenominator());
        }

        /** One line, written into every output row's {@code disclosure_rules} and into export manifests. */
        public String describe() {
            return VERSION + ": rows about fewer than " + minLearners + " learners suppressed (min-learners); "
                    + "one more sibling suppressed where a group has exactly one hidden row (secondary); "
                    + (minShareDenominator > 0 ? "shares with a denominator under " + minShareDenominator
                            + " suppressed; " : "shares never suppressed by their denominator; ")
                    + (roundTo > 1 ? "counts rounded to the nearest " + roundTo + " (halves up) after suppression"
                            : "counts not rounded");
        }
    }

    /**
     * What the columns of one table are.
     *
     * @param learnersColumn    the number of distinct learners a row is about (the k rule); rounded like a count
     * @param siblingKeys       columns whose equal values make a group of rows that add up to a published total
     *                          (secondary suppression); empty: no secondary suppression
     * @param countColumns      counts: null when suppressed, else rounded
     * @param shareDenominators share column → the column holding its denominator (unrounded)
     * @param valueColumns      other values (means, medians, indices, flags): null when suppressed
     */
    public record TableRules(String learnersColumn, List<String> siblingKeys, List<String> countColumns,
            Map<String, String> shareDenominators, List<String> valueColumns) implements Serializable {
        public TableRules {
            siblingKeys = List.copyOf(siblingKeys);
            countColumns = List.copyOf(countColumns);
            shareDenominators = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shareDenominators));
            valueColumns = List.copyOf(valueColumns);
        }

        /** Every column these rules name. */
        public Set<String> columns() {
            Set<String> all = new LinkedHashSet<>();
            all.add(learnersColumn);
            all.addAll(siblingKeys);
            all.addAll(countColumns);
            all.addAll(shareDenominators.keySet());
            all.addAll(shareDenominators.values());
            all.addAll(valueColumns);
            return all;
        }

        /** The columns that are published as they are (the row's identity: keys, labels, dates). */
        List<String> identifying(StructType schema) {
            Set<String> named = columns();
            List<String> out = new ArrayList<>();
            for (StructField f : schema.fields()) {
                if (!named.contains(f.name())) {
                    out.add(f.name());
                }
            }
            return out;
        }
    }

    /**
     * Applies the rules: the same columns in the same order (suppressed values null), then {@code suppressed},
     * {@code suppression_rule} and {@code disclosure_rules}. Throws {@link IllegalArgumentException} when a named
     * column is missing or the input already has one of the added columns.
     */
    public static Dataset<Row> apply(Dataset<Row> rows, TableRules t, Rules r) {
        StructType schema = rows.schema();
        Set<String> present = new LinkedHashSet<>(List.of(schema.fieldNames()));
        List<String> missing = t.columns().stream().filter(c -> !present.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("disclosure control: no column " + missing + " in " + present);
        }
        List<String> clashing = ADDED_COLUMNS.stream().filter(present::contains).toList();
        if (!clashing.isEmpty()) {
            throw new IllegalArgumentException("disclosure control: the input already has " + clashing);
        }

        Column learners = col(t.learnersColumn());
        Dataset<Row> d = rows.withColumn(PRIMARY, learners.isNull().or(learners.lt(r.minLearners())));
        Column secondary = lit(false);
        if (!t.siblingKeys().isEmpty()) {
            WindowSpec group = Window.partitionBy(t.siblingKeys().stream().map(c -> col(c)).toArray(Column[]::new));
            List<Column> order = new ArrayList<>();
            order.add(col(PRIMARY).asc());   // visible rows first
            order.add(learners.asc_nulls_first());
            List<String> tieBreak = new ArrayList<>(t.identifying(schema));
            tieBreak.addAll(t.countColumns());
            tieBreak.addAll(t.valueColumns());
            for (String c : new LinkedHashSet<>(tieBreak)) {
                if (orderable(schema.apply(c).dataType())) {
                    order.add(col(c).asc_nulls_last());
                }
            }
            d = d.withColumn(HIDDEN_IN_GROUP, sum(when(col(PRIMARY), 1).otherwise(0)).over(group))
                    .withColumn(RANK_IN_GROUP, row_number().over(group.orderBy(order.toArray(Column[]::new))));
            secondary = col(PRIMARY).unary_$bang().and(col(HIDDEN_IN_GROUP).equalTo(1))
                    .and(col(RANK_IN_GROUP).equalTo(1));
        }
        Column suppressed = col(PRIMARY).or(secondary);

        Set<String> counts = new LinkedHashSet<>(t.countColumns());
        counts.add(t.learnersColumn());
        List<Column> out = new ArrayList<>();
        for (StructField f : schema.fields()) {
            String name = f.name();
            Column c = col(name);
            Column v;
            if (counts.contains(name)) {
                v = when(suppressed, lit(null)).otherwise(round(c, r.roundTo(), f.dataType()));
            } else if (t.shareDenominators().containsKey(name)) {
                Column den = col(t.shareDenominators().get(name));
                v = when(suppressed.or(den.isNull()).or(den.lt(r.minShareDenominator())), lit(null)).otherwise(c);
            } else if (t.valueColumns().contains(name)) {
                v = when(suppressed, lit(null)).otherwise(c);
            } else {
                v = c;
            }
            out.add(v.cast(f.dataType()).as(name));
        }
        out.add(suppressed.as(SUPPRESSED));
        out.add(when(col(PRIMARY), lit(RULE_MIN_LEARNERS)).when(secondary, lit(RULE_SECONDARY))
                .otherwise(lit(null).cast("string")).as(SUPPRESSION_RULE));
        out.add(lit(r.describe()).as(DISCLOSURE_RULES));
        return d.select(out.toArray(Column[]::new));
    }

    /** {@code x} rounded to the nearest multiple of {@code m}, halves up, in {@code type}. */
    static Column round(Column x, int m, DataType type) {
        if (m == 1) {
            return x;
        }
        return floor(x.cast("double").divide(m).plus(0.5)).multiply(m).cast(type);
    }

    private static boolean orderable(DataType t) {
        return !(t instanceof MapType || t instanceof ArrayType || t instanceof StructType || t instanceof VariantType);
    }
}
