package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Map;

/**
 * The input datasets of a mart build, by ref. Tests build one from in-code rows; MartsJob from the warehouse.
 * {@link #derived} holds results that several marts of the same build derive from the inputs (a model fit), so
 * that they are computed once.
 */
public record MartInputs(Map<DatasetRef, Dataset<Row>> datasets, Map<String, Object> derivedResults) {
    public MartInputs(Map<DatasetRef, Dataset<Row>> datasets) {
        this(datasets, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /** The value derived under this key in this build, computed on first use. */
    @SuppressWarnings("unchecked")
    public <T> T derived(String key, java.util.function.Supplier<T> compute) {
        return (T) derivedResults.computeIfAbsent(key, k -> compute.get());
    }

    public Dataset<Row> get(DatasetRef ref) {
        Dataset<Row> d = datasets.get(ref);
        if (d == null) {
            throw new IllegalArgumentException("Mart input " + ref.name() + " was not provided");
        }
        return d;
    }
}
