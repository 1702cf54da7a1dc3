package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Map;

/**
 * The input datasets of a mart build, by ref. Tests build one from in-code rows; MartsJob from the warehouse.
 * {@link #derived} holds results that several marts of the same build derive from the inputs (a model fit, the
 * sessions, the progress facts), so that they are computed once; {@link #release} frees the cached ones.
 */
public record MartInputs(Map<DatasetRef, Dataset<Row>> datasets, Map<String, Object> derivedResults,
                         java.util.List<MartInputs> variants) {
    public MartInputs(Map<DatasetRef, Dataset<Row>> datasets) {
        this(datasets, new java.util.concurrent.ConcurrentHashMap<>(),
                java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
    }

    /** The value derived under this key in this build, computed on first use. */
    @SuppressWarnings("unchecked")
    public <T> T derived(String key, java.util.function.Supplier<T> compute) {
        // not computeIfAbsent: a computation may derive other values (facts use the sessions), and a
        // ConcurrentHashMap refuses a nested update; marts are built one after another, so get-then-put is enough
        Object v = derivedResults.get(key);
        if (v == null) {
            v = compute.get();
            derivedResults.put(key, v);
        }
        return (T) v;
    }

    /**
     * A dataset derived under this key, computed on first use and cached (memory, then disk) until
     * {@link #release}: for intermediate results that several marts read.
     */
    public Dataset<Row> derivedCached(String key, java.util.function.Supplier<Dataset<Row>> compute) {
        return derived(key, () -> compute.get().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK()));
    }

    /**
     * The same inputs with one dataset replaced (a day rebuild reads fewer events). It derives its own values,
     * and {@link #release} of this build releases them too.
     */
    public MartInputs with(DatasetRef ref, Dataset<Row> replacement) {
        Map<DatasetRef, Dataset<Row>> m = new java.util.HashMap<>(datasets);
        m.put(ref, replacement);
        MartInputs variant = new MartInputs(m);
        variants.add(variant);
        return variant;
    }

    /** Unpersists every derived dataset of this build and of its variants. */
    public void release() {
        derivedResults.values().forEach(v -> {
            if (v instanceof Dataset<?> d) {
                d.unpersist();
            }
        });
        derivedResults.clear();
        variants.forEach(MartInputs::release);
        variants.clear();
    }

    public Dataset<Row> get(DatasetRef ref) {
        Dataset<Row> d = datasets.get(ref);
        if (d == null) {
            throw new IllegalArgumentException("Mart input " + ref.name() + " was not provided");
        }
        return d;
    }
}
