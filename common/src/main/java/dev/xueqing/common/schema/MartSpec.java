package dev.xueqing.common.schema;

import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The contract of one mart or dim: name, grain, description, every column with its meaning, and the expectations
 * checked before publishing. The mart dictionary (docs/marts.md) is generated from these specs.
 *
 * @param area DESIGN.md area the mart serves (e.g. "学情数据分析 learning-situation analysis")
 */
public record MartSpec(
        String name,
        String area,
        List<String> grain,
        String description,
        List<ColumnSpec> columns,
        List<Expectation> expectations) {

    /** The Spark schema the mart's Dataset must have, column for column. */
    public StructType schema() {
        List<StructField> fields = new ArrayList<>();
        for (ColumnSpec c : columns) {
            fields.add(new StructField(c.name(), c.type(), c.nullable(), org.apache.spark.sql.types.Metadata.empty()));
        }
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** All expectations: the grain's uniqueness, non-null columns, then the declared ones. */
    public List<Expectation> allExpectations() {
        List<Expectation> all = new ArrayList<>();
        all.add(new Expectation.Unique(grain));
        List<String> notNull = columns.stream().filter(c -> !c.nullable()).map(ColumnSpec::name).toList();
        if (!notNull.isEmpty()) {
            all.add(new Expectation.NotNull(notNull));
        }
        all.addAll(expectations);
        return all;
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnSpec::name).toList();
    }
}
