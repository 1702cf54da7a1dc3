package dev.xueqing.common.schema;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Checks a Dataset against its {@link MartSpec}: first the schema (names, order, types), then every expectation.
 * A result of at most {@link #LOCAL_ROWS} rows (most marts and dims of a small warehouse) is collected and checked in
 * the driver. A larger one is checked in Spark: row-level expectations are counted in one aggregation; that
 * aggregation, the uniqueness checks and the relationship checks run as one Spark query (one union of their failure
 * counts). Both give the same counts ({@code ExpectationCheckerTest}).
 */
public final class ExpectationChecker {

    /** The outcome of one expectation: how many rows broke it. */
    public record Result(String dataset, String expectation, long failingRows) {
        public boolean passed() {
            return failingRows == 0;
        }

        @Override
        public String toString() {
            return dataset + ": " + expectation + (passed() ? " ok" : " FAILED on " + failingRows + " row(s)");
        }
    }

    /** Thrown when a mart breaks its spec; the mart is not published. */
    public static final class ExpectationFailure extends RuntimeException {
        private final transient List<Result> failures;

        public ExpectationFailure(String mart, List<Result> failures) {
            super("Mart '" + mart + "' was not published: it broke " + failures.size() + " expectation(s): "
                    + failures + ". This is a bug in the mart or a problem in its inputs; the previously published "
                    + "version is kept.");
            this.failures = failures;
        }

        public List<Result> failures() {
            return failures;
        }
    }

    /** Results of at most this many rows are checked in the driver ({@link #countLocally}). */
    static final int LOCAL_ROWS = 20_000;
    /** At most this many referenced values are collected for a check in the driver. */
    static final int LOCAL_REFERENCED = 200_000;

    private ExpectationChecker() {}

    /**
     * @param resolveRef reads a referenced dataset for {@link Expectation.References}
     * @return one result per expectation, plus a schema result first
     */
    public static List<Result> check(MartSpec spec, Dataset<Row> data, Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef) {
        return check(spec, data, resolveRef, LOCAL_ROWS);
    }

    /** {@link #check}, in the driver when the data has at most {@code localRows} rows. */
    static List<Result> check(MartSpec spec, Dataset<Row> data,
                              Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef, int localRows) {
        List<Result> results = new ArrayList<>();
        String schemaProblem = schemaProblem(spec, data);
        results.add(new Result(spec.name(), "schema matches the spec" + (schemaProblem == null ? "" : ": " + schemaProblem),
                schemaProblem == null ? 0 : 1));
        if (schemaProblem != null) {
            return results;
        }
        List<Expectation> checked = new ArrayList<>();
        spec.allExpectations().stream().filter(e -> rowLevelFailure(e) != null).forEach(checked::add);
        spec.allExpectations().stream().filter(e -> rowLevelFailure(e) == null).forEach(checked::add);
        List<Row> local = data.limit(localRows + 1).collectAsList();
        long[] failing = local.size() <= localRows
                ? countLocally(checked, data, local, resolveRef) : countWithSpark(checked, data, resolveRef);
        for (int i = 0; i < checked.size(); i++) {
            results.add(new Result(spec.name(), checked.get(i).describe(), failing[i]));
        }
        return results;
    }

    /**
     * Every expectation as a branch giving (its index, the rows that break it), the branches run as one Spark query,
     * so their scans and shuffles are planned and scheduled together instead of one job each.
     */
    private static long[] countWithSpark(List<Expectation> checked, Dataset<Row> data,
                                         Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef) {
        List<Column> rowLevel = new ArrayList<>();
        List<Dataset<Row>> branches = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            Expectation e = checked.get(i);
            Column bad = rowLevelFailure(e);
            if (bad != null) {
                rowLevel.add(org.apache.spark.sql.functions.struct(lit(i).as("i"),
                        sum(when(bad, 1L).otherwise(0L)).as("n")));
            } else if (e instanceof Expectation.Unique u) {
                Column[] cols = u.columns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
                branches.add(data.groupBy(cols).count().filter(col("count").gt(1))
                        .agg(sum("count").as("n")).select(lit(i).as("i"), col("n")));
            } else if (e instanceof Expectation.References r) {
                branches.add(notReferenced(data, r, resolveRef).agg(count(lit(1)).as("n"))
                        .select(lit(i).as("i"), col("n")));
            }
        }
        if (!rowLevel.isEmpty()) {
            branches.add(0, data.agg(array(rowLevel.toArray(Column[]::new)).as("_counts"))
                    .select(explode(col("_counts")).as("r")).select(col("r.i").as("i"), col("r.n").as("n")));
        }
        long[] failing = new long[checked.size()];
        if (!branches.isEmpty()) {
            Dataset<Row> all = branches.get(0);
            for (Dataset<Row> branch : branches.subList(1, branches.size())) {
                all = all.union(branch);
            }
            for (Row row : all.collectAsList()) {
                failing[row.getInt(0)] = row.isNullAt(1) ? 0 : row.getLong(1);
            }
        }
        return failing;
    }

    /** The rows whose non-null value of the column is not among the referenced dataset's values. */
    private static Dataset<Row> notReferenced(Dataset<Row> data, Expectation.References r,
                                              Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef) {
        Dataset<Row> other = resolveRef.apply(r.ref()).select(col(r.refColumn()).as("__ref")).distinct();
        return data.filter(col(r.column()).isNotNull())
                .join(other, col(r.column()).equalTo(col("__ref")), "left_anti");
    }

    /**
     * The same counts for a result of at most {@link #LOCAL_ROWS} rows, already collected: the row-level conditions
     * are Spark's own expressions, evaluated over the collected rows by the optimizer (a projection of a local
     * relation runs no Spark job), uniqueness is counted in a hash map, and the referenced values are collected
     * once (at most {@link #LOCAL_REFERENCED} of them, else that one check runs in Spark). A small mart is checked
     * with one or two Spark jobs instead of a query of a shuffle per check, each of them a job under AQE.
     */
    private static long[] countLocally(List<Expectation> checked, Dataset<Row> data, List<Row> local,
                                       Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef) {
        long[] failing = new long[checked.size()];
        StructType schema = data.schema();
        List<Integer> rowLevel = new ArrayList<>();
        List<Column> conditions = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            Column bad = rowLevelFailure(checked.get(i));
            if (bad != null) {
                rowLevel.add(i);
                conditions.add(bad.as("_c" + conditions.size()));
            }
        }
        if (!conditions.isEmpty() && !local.isEmpty()) {
            List<Row> evaluated = data.sparkSession().createDataFrame(local, schema)
                    .select(conditions.toArray(Column[]::new)).collectAsList();
            for (Row row : evaluated) {
                for (int c = 0; c < rowLevel.size(); c++) {
                    if (!row.isNullAt(c) && row.getBoolean(c)) {
                        failing[rowLevel.get(c)]++;
                    }
                }
            }
        }
        for (int i = 0; i < checked.size(); i++) {
            if (checked.get(i) instanceof Expectation.Unique u) {
                int[] at = u.columns().stream().mapToInt(schema::fieldIndex).toArray();
                Map<List<Object>, Long> rowsPerKey = new HashMap<>();
                for (Row row : local) {
                    List<Object> key = new ArrayList<>(at.length);
                    for (int a : at) {
                        key.add(groupingValue(row.get(a)));
                    }
                    rowsPerKey.merge(key, 1L, Long::sum);
                }
                failing[i] = rowsPerKey.values().stream().filter(n -> n > 1).mapToLong(Long::longValue).sum();
            } else if (checked.get(i) instanceof Expectation.References r) {
                failing[i] = notReferencedLocally(data, local, r, resolveRef);
            }
        }
        return failing;
    }

    private static long notReferencedLocally(Dataset<Row> data, List<Row> local, Expectation.References r,
                                             Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef) {
        int at = data.schema().fieldIndex(r.column());
        if (local.stream().allMatch(row -> row.isNullAt(at))) {
            return 0;
        }
        Dataset<Row> referenced = resolveRef.apply(r.ref()).select(col(r.refColumn()));
        List<Row> values = referenced.schema().fields()[0].dataType().sameType(data.schema().fields()[at].dataType())
                ? referenced.limit(LOCAL_REFERENCED + 1).collectAsList() : null;
        if (values == null || values.size() > LOCAL_REFERENCED) {
            // other types (Spark would compare them after a cast) or too many values: the join
            return notReferenced(data.sparkSession().createDataFrame(local, data.schema()), r, resolveRef).count();
        }
        Set<Object> known = new HashSet<>();
        values.forEach(v -> known.add(groupingValue(v.get(0))));
        return local.stream().filter(row -> !row.isNullAt(at) && !known.contains(groupingValue(row.get(at)))).count();
    }

    /** A value as Spark groups and joins it: −0.0 as 0.0 (NaN equals NaN in both), binary by content. */
    private static Object groupingValue(Object v) {
        if (v instanceof Double d && d == 0.0) {
            return 0.0;
        } else if (v instanceof Float f && f == 0.0f) {
            return 0.0f;
        } else if (v instanceof byte[] b) {
            return java.nio.ByteBuffer.wrap(b);
        }
        return v;
    }

    /** The condition under which a row breaks a row-level expectation, or null for uniqueness and references. */
    private static Column rowLevelFailure(Expectation e) {
        if (e instanceof Expectation.NotNull n) {
            return n.columns().stream().map(c -> col(c).isNull()).reduce(Column::or).orElse(lit(false));
        } else if (e instanceof Expectation.Between b) {
            return col(b.column()).isNotNull()
                    .and(col(b.column()).lt(b.min()).or(col(b.column()).gt(b.max())).or(col(b.column()).isNaN()));
        } else if (e instanceof Expectation.InSet s) {
            return col(s.column()).isNotNull().and(not(col(s.column()).isin(s.values().toArray())));
        } else if (e instanceof Expectation.Holds h) {
            return not(expr(h.sqlCondition())).or(expr(h.sqlCondition()).isNull());
        }
        return null;
    }

    /** Checks and throws {@link ExpectationFailure} when any expectation fails. */
    public static List<Result> require(MartSpec spec, Dataset<Row> data, Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef) {
        List<Result> results = check(spec, data, resolveRef);
        List<Result> failed = results.stream().filter(r -> !r.passed()).toList();
        if (!failed.isEmpty()) {
            throw new ExpectationFailure(spec.name(), failed);
        }
        return results;
    }

    private static String schemaProblem(MartSpec spec, Dataset<Row> data) {
        StructField[] actual = data.schema().fields();
        List<ColumnSpec> expected = spec.columns();
        if (actual.length != expected.size()) {
            return "expected columns " + spec.columnNames() + " but got " + List.of(data.columns());
        }
        for (int i = 0; i < actual.length; i++) {
            ColumnSpec c = expected.get(i);
            DataType t = actual[i].dataType();
            if (!actual[i].name().equals(c.name()) || !t.sameType(c.type())) {
                return "column " + (i + 1) + " is " + actual[i].name() + " " + t.simpleString() + ", expected "
                        + c.name() + " " + c.type().simpleString();
            }
        }
        return null;
    }
}
