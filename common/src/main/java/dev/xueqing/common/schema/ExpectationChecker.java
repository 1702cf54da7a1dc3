package dev.xueqing.common.schema;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;
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
 * Row-level expectations are counted in one aggregation; that aggregation, the uniqueness checks and the
 * relationship checks run as one Spark query (one union of their failure counts).
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

    private ExpectationChecker() {}

    /**
     * @param resolveRef reads a referenced dataset for {@link Expectation.References}
     * @return one result per expectation, plus a schema result first
     */
    public static List<Result> check(MartSpec spec, Dataset<Row> data, Function<dev.xueqing.common.io.DatasetRef, Dataset<Row>> resolveRef) {
        List<Result> results = new ArrayList<>();
        String schemaProblem = schemaProblem(spec, data);
        results.add(new Result(spec.name(), "schema matches the spec" + (schemaProblem == null ? "" : ": " + schemaProblem),
                schemaProblem == null ? 0 : 1));
        if (schemaProblem != null) {
            return results;
        }
        // every expectation becomes a branch giving (its index, the rows that break it); the branches run as one
        // Spark query, so their scans and shuffles are planned and scheduled together instead of one job each
        List<Expectation> checked = new ArrayList<>();
        List<Column> rowLevel = new ArrayList<>();
        List<Dataset<Row>> branches = new ArrayList<>();
        for (Expectation e : spec.allExpectations()) {
            Column bad = rowLevelFailure(e);
            if (bad != null) {
                rowLevel.add(org.apache.spark.sql.functions.struct(lit(checked.size()).as("i"),
                        sum(when(bad, 1L).otherwise(0L)).as("n")));
                checked.add(e);
            }
        }
        if (!rowLevel.isEmpty()) {
            branches.add(data.agg(array(rowLevel.toArray(Column[]::new)).as("_counts"))
                    .select(explode(col("_counts")).as("r")).select(col("r.i").as("i"), col("r.n").as("n")));
        }
        for (Expectation e : spec.allExpectations()) {
            if (e instanceof Expectation.Unique u) {
                Column[] cols = u.columns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
                branches.add(data.groupBy(cols).count().filter(col("count").gt(1))
                        .agg(sum("count").as("n")).select(lit(checked.size()).as("i"), col("n")));
                checked.add(e);
            } else if (e instanceof Expectation.References r) {
                Dataset<Row> other = resolveRef.apply(r.ref()).select(col(r.refColumn()).as("__ref")).distinct();
                branches.add(data.filter(col(r.column()).isNotNull())
                        .join(other, col(r.column()).equalTo(col("__ref")), "left_anti")
                        .agg(count(lit(1)).as("n")).select(lit(checked.size()).as("i"), col("n")));
                checked.add(e);
            }
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
        for (int i = 0; i < checked.size(); i++) {
            results.add(new Result(spec.name(), checked.get(i).describe(), failing[i]));
        }
        return results;
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
