package dev.xueqing.common.schema;

import org.apache.spark.sql.types.DataType;

/** One documented column of a mart or dim: name, Spark type, nullability and its meaning in words. */
public record ColumnSpec(String name, DataType type, boolean nullable, String description) {
    public static ColumnSpec col(String name, DataType type, String description) {
        return new ColumnSpec(name, type, true, description);
    }

    public static ColumnSpec key(String name, DataType type, String description) {
        return new ColumnSpec(name, type, false, description);
    }
}
