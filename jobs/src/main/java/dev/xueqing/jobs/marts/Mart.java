package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.MartSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * One mart: its spec, the datasets it reads, and a pure transform from those datasets to the mart's rows
 * (no I/O, no clock: the run date comes in the {@link MartContext}). {@code MartsJob} does read → transform →
 * check the spec's expectations → publish.
 */
public interface Mart {
    MartSpec spec();

    /** The datasets {@link #transform} reads (events, dims, other marts never: marts meet through refs). */
    List<DatasetRef> inputs();

    /** Rows of the mart, columns exactly as in {@code spec().columns()}. */
    Dataset<Row> transform(MartInputs inputs, MartContext context);

    default DatasetRef ref() {
        return DatasetRef.mart(spec().name());
    }
}
