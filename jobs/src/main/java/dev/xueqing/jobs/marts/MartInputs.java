package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Map;

/** The input datasets of a mart build, by ref. Tests build one from in-code rows; MartsJob from the warehouse. */
public record MartInputs(Map<DatasetRef, Dataset<Row>> datasets) {
    public Dataset<Row> get(DatasetRef ref) {
        Dataset<Row> d = datasets.get(ref);
        if (d == null) {
            throw new IllegalArgumentException("Mart input " + ref.name() + " was not provided");
        }
        return d;
    }
}
