package dev.xueqing.common.schema;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpectationCheckerTest extends SparkTestBase {
    static final DatasetRef COURSES = DatasetRef.dim("courses");
    static final MartSpec SPEC = new MartSpec("demo", "test", List.of("course_id", "class_id"), "demo mart",
            List.of(key("course_id", StringType, "course"), col("class_id", StringType, "class"),
                    col("rate", DoubleType, "a rate"), col("status", StringType, "a status")),
            List.of(new Expectation.Between("rate", 0, 1), new Expectation.InSet("status", List.of("ok", "bad")),
                    new Expectation.References("course_id", COURSES, "course_id"),
                    new Expectation.Holds("rate IS NULL OR status IS NOT NULL", "a rate has a status")));

    private Dataset<Row> rows(Row... rows) {
        // all columns nullable, so that the test can put a null where the spec forbids one
        StructType nullable = new StructType();
        for (var f : SPEC.schema().fields()) {
            nullable = nullable.add(f.name(), f.dataType(), true);
        }
        return spark().createDataFrame(List.of(rows), nullable);
    }

    private Dataset<Row> courses() {
        return spark().createDataFrame(List.of(RowFactory.create("c1"), RowFactory.create("c2")),
                new org.apache.spark.sql.types.StructType().add("course_id", StringType));
    }

    @Test
    void goodRowsPassEveryExpectation() {
        Dataset<Row> d = rows(RowFactory.create("c1", null, 0.5, "ok"), RowFactory.create("c1", "k1", 1.0, "bad"),
                RowFactory.create("c2", null, null, null));
        List<ExpectationChecker.Result> results = ExpectationChecker.require(SPEC, d, r -> courses());
        assertThat(results).allMatch(ExpectationChecker.Result::passed);
        assertThat(results).hasSize(1 + SPEC.allExpectations().size());
    }

    /** In the driver (the default for so few rows) and in Spark (no row checked in the driver). */
    @ParameterizedTest
    @ValueSource(ints = {ExpectationChecker.LOCAL_ROWS, 0})
    void eachBrokenExpectationCountsItsRows(int localRows) {
        Dataset<Row> d = rows(RowFactory.create("c1", null, 1.5, "ok"), RowFactory.create("c1", null, 0.2, "meh"),
                RowFactory.create("c9", "k", 0.1, null), RowFactory.create(null, "k", null, null));
        List<ExpectationChecker.Result> results = ExpectationChecker.check(SPEC, d, r -> courses(), localRows);
        assertThat(results).filteredOn(r -> !r.passed()).extracting(r -> r.expectation() + "=" + r.failingRows())
                .containsExactlyInAnyOrder(
                        "one row per course_id × class_id=2",
                        "course_id not null=1",
                        "rate in [0, 1]=1",
                        "status in {ok, bad}=1",
                        "course_id exists in courses.course_id=1",
                        "a rate has a status (`rate IS NULL OR status IS NOT NULL`)=1");
        assertThatThrownBy(() -> ExpectationChecker.require(SPEC, d, r -> courses()))
                .isInstanceOf(ExpectationChecker.ExpectationFailure.class)
                .hasMessageContaining("was not published");
    }

    /**
     * The driver's counts equal Spark's on random rows with what grouping and joining treat specially: nulls in the
     * key, NaN, −0.0 against 0.0, a key of doubles, references of another type (compared after a cast in Spark).
     */
    @Test
    void theDriverCountsWhatSparkCounts() {
        MartSpec spec = new MartSpec("random", "test", List.of("course_id", "rate"), "random rows",
                List.of(key("course_id", StringType, "course"), col("class_id", StringType, "class"),
                        col("rate", DoubleType, "a rate"), col("status", StringType, "a status")),
                List.of(new Expectation.Between("rate", 0, 1), new Expectation.InSet("status", List.of("ok", "bad")),
                        new Expectation.References("course_id", COURSES, "course_id"),
                        new Expectation.References("class_id", DatasetRef.dim("classes"), "class_id"),
                        new Expectation.Holds("rate IS NULL OR status IS NOT NULL", "a rate has a status")));
        java.util.Random rnd = new java.util.Random(9);
        Double[] rates = {null, 0.0, -0.0, Double.NaN, 0.5, 1.5, 1.0};
        String[] courses = {null, "c1", "c2", "c9"};
        String[] statuses = {null, "ok", "bad", "meh"};
        List<Row> random = new java.util.ArrayList<>();
        for (int n = 0; n < 400; n++) {
            random.add(RowFactory.create(courses[rnd.nextInt(courses.length)], rnd.nextBoolean() ? null
                    : String.valueOf(rnd.nextInt(6)), rates[rnd.nextInt(rates.length)],
                    statuses[rnd.nextInt(statuses.length)]));
        }
        StructType nullable = new StructType();
        for (var f : spec.schema().fields()) {
            nullable = nullable.add(f.name(), f.dataType(), true);
        }
        Dataset<Row> d = spark().createDataFrame(random, nullable);
        // class ids referenced as numbers: Spark casts to compare them, so this check goes to Spark in both
        Dataset<Row> classes = spark().range(0, 4).toDF("class_id");
        java.util.function.Function<DatasetRef, Dataset<Row>> refs = r -> r.equals(COURSES) ? courses() : classes;
        List<ExpectationChecker.Result> inDriver = ExpectationChecker.check(spec, d, refs, 1000);
        List<ExpectationChecker.Result> inSpark = ExpectationChecker.check(spec, d, refs, 0);
        assertThat(inDriver).isEqualTo(inSpark);
        assertThat(inDriver).filteredOn(r -> !r.passed()).hasSize(spec.allExpectations().size());
    }

    @Test
    void schemaMismatchIsReportedFirst() {
        Dataset<Row> wrong = courses();
        List<ExpectationChecker.Result> results = ExpectationChecker.check(SPEC, wrong, r -> courses());
        assertThat(results).hasSize(1);
        assertThat(results.get(0).passed()).isFalse();
        assertThat(results.get(0).expectation()).contains("expected columns");
    }

    @Test
    void dictionaryListsEveryColumnAndExpectation() {
        String md = MartDictionary.render(List.of(), List.of(SPEC));
        assertThat(md).contains("## demo").contains("| `rate` | double | yes | a rate |")
                .contains("- rate in [0, 1]").contains("- one row per course_id × class_id");
    }
}
