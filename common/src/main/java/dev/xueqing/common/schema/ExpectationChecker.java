package dev.xueqing.common.schema;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Checks a Dataset against its {@link MartSpec}: first the schema (names, order, types), then every expectation.
 * Row-level expectations are counted in one aggregation pass; uniqueness and relationships take one pass each.
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
        List<Expectation> rowLevel = new ArrayList<>();
        List<Column> aggs = new ArrayList<>();
        for (Expectation e : spec.allExpectations()) {
            Column bad = null;
            if (e instanceof Expectation.NotNull n) {
                bad = n.columns().stream().map(c -> col(c).isNull()).reduce(Column::or).orElse(lit(false));
            } else if (e instanceof Expectation.Between b) {
                bad = col(b.column()).isNotNull()
                        .and(col(b.column()).lt(b.min()).or(col(b.column()).gt(b.max())).or(col(b.column()).isNaN()));
            } else if (e instanceof Expectation.InSet s) {
                bad = col(s.column()).isNotNull().and(not(col(s.column()).isin(s.values().toArray())));
            } else if (e instanceof Expectation.Holds h) {
                bad = not(expr(h.sqlCondition())).or(expr(h.sqlCondition()).isNull());
            }
            if (bad != null) {
                rowLevel.add(e);
                aggs.add(sum(when(bad, 1).otherwise(0)));
            }
        }
        if (!aggs.isEmpty()) {
            Row counts = data.agg(count(lit(1)), aggs.toArray(Column[]::new)).first();
            for (int i = 0; i < rowLevel.size(); i++) {
                Object v = counts.get(i + 1);
                results.add(new Result(spec.name(), rowLevel.get(i).describe(), v == null ? 0 : ((Number) v).longValue()));
            }
        }
        for (Expectation e : spec.allExpectations()) {
            if (e instanceof Expectation.Unique u) {
                Column[] cols = u.columns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
                Row dup = data.groupBy(cols).count().filter(col("count").gt(1)).agg(sum("count")).first();
                long dupRows = dup.isNullAt(0) ? 0 : dup.getLong(0);
                results.add(new Result(spec.name(), u.describe(), dupRows));
            } else if (e instanceof Expectation.References r) {
                Dataset<Row> other = resolveRef.apply(r.ref()).select(col(r.refColumn()).as("__ref")).distinct();
                long orphans = data.filter(col(r.column()).isNotNull())
                        .join(other, col(r.column()).equalTo(col("__ref")), "left_anti").count();
                results.add(new Result(spec.name(), r.describe(), orphans));
            }
        }
        return results;
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
