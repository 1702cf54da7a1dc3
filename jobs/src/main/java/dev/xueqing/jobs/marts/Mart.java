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

    /**
     * The date column of a mart of day grain whose rows of day D depend only on the events of days D−1 and D (and on
     * the dims), or null. Such a mart is rebuilt for the days whose events changed alone (see {@link DayRebuild});
     * every other mart is rebuilt whole.
     */
    default String dayColumn() {
        return null;
    }

    /**
     * Brings rows kept from the previous version of a day-grain mart up to date with the current dims (for example
     * a learner's class from the enrolments); the default keeps them as they are.
     */
    default Dataset<Row> refreshKept(Dataset<Row> kept, MartInputs inputs, MartContext context) {
        return kept;
    }

    default DatasetRef ref() {
        return DatasetRef.mart(spec().name());
    }
}
