package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.Warehouse;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Materialises the derived datasets of a mart build as Parquet in the run's scratch folder
 * ({@link Warehouse#scratchPath}) and reads them back, cached. The rows survive a lost executor (they are files on
 * the warehouse's file system), and what later marts plan over is a file scan, not the plan that made the rows.
 */
public final class ScratchFiles implements MartInputs.Materialiser {
    private final Warehouse warehouse;
    private final String runId;
    private final AtomicInteger written = new AtomicInteger();

    public ScratchFiles(Warehouse warehouse, String runId) {
        this.warehouse = warehouse;
        this.runId = runId;
    }

    @Override
    public Dataset<Row> materialise(String key, Dataset<Row> rows) {
        // a numbered folder: a day rebuild derives the same key again over other rows
        String folder = written.incrementAndGet() + "-" + key.replaceAll("[^A-Za-z0-9._-]", "_");
        String path = new Path(warehouse.scratchPath(runId), folder).toString();
        rows.write().mode(SaveMode.ErrorIfExists).parquet(path);
        // the schema as derived (an empty result has no file to take it from)
        return warehouse.spark().read().schema(rows.schema()).parquet(path).persist(StorageLevel.MEMORY_AND_DISK());
    }
}
