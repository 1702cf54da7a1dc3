package dev.xueqing.jobs.marts.quality;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The "course and each of its classes" grouping of the quality marts: every aggregate is computed once per course
 * (class_id null in the output) and once per non-null class. Internally the course-wide group carries a sentinel in
 * {@code _class} so it joins with plain equality; {@link #classIdColumn()} turns it back into a null class_id.
 */
final class ClassGroups {
    static final String GROUP = "_class";
    private static final String WHOLE_COURSE = "\u0000whole-course";

    private ClassGroups() {}

    /**
     * Aggregates {@code facts} (which has course_id, class_id and the {@code by} columns) per course and per class,
     * in one aggregation: each fact row stands for its class (when it has one) and for the whole course, so the
     * facts are computed and shuffled once, not once per grouping.
     *
     * @return course_id, _class, the by columns, the aggregates
     */
    static Dataset<Row> aggregate(Dataset<Row> facts, List<String> by, Column... aggs) {
        List<Column> keys = new ArrayList<>(List.of(col("course_id"), col(GROUP)));
        by.forEach(b -> keys.add(col(b)));
        Column groups = when(col("class_id").isNotNull(), array(col("class_id"), lit(WHOLE_COURSE)))
                .otherwise(array(lit(WHOLE_COURSE)));
        return facts.withColumn(GROUP, explode(groups))
                .groupBy(keys.toArray(Column[]::new))
                .agg(aggs[0], Arrays.copyOfRange(aggs, 1, aggs.length));
    }

    /** course_id, _class: one row per course in {@code courses} and per (course, class) in {@code classes}. */
    static Dataset<Row> frame(Dataset<Row> courses, Dataset<Row> enrolments) {
        Dataset<Row> whole = courses.select(col("course_id")).distinct().withColumn(GROUP, lit(WHOLE_COURSE));
        Dataset<Row> classes = enrolments.filter(col("class_id").isNotNull())
                .select(col("course_id"), col("class_id").as(GROUP)).distinct()
                .join(courses.select("course_id"), "course_id");
        return whole.unionByName(classes);
    }

    /** The output class_id: null for the whole-course group. */
    static Column classIdColumn() {
        return when(col(GROUP).equalTo(WHOLE_COURSE), lit(null).cast("string")).otherwise(col(GROUP)).as("class_id");
    }
}
