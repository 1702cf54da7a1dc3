package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Map;

/**
 * The input datasets of a mart build, by ref. Tests build one from in-code rows; MartsJob from the warehouse.
 * {@link #derived} holds results that several marts of the same build derive from the inputs (a model fit, the
 * sessions, the progress facts), so that they are computed once; {@link #release} frees the cached ones.
 *
 * <p>A dataset derived with {@link #derivedCached} is materialised by the build's {@link Materialiser} and read
 * back from what it wrote, so that later marts start from the stored rows, not from the plan that made them. Keeping
 * the plan instead (Spark's cache) keeps every broadcast relation in it on the driver for the whole build, each the
 * size of a memory page however few its rows, and makes every later plan and plan description grow with it.
 */
public record MartInputs(Map<DatasetRef, Dataset<Row>> datasets, Map<String, Object> derivedResults,
                         java.util.List<MartInputs> variants, Materialiser materialiser,
                         java.util.concurrent.ConcurrentMap<String, Object> keyLocks) {

    /** Stores a derived dataset and returns a dataset that reads what was stored. */
    @FunctionalInterface
    public interface Materialiser {
        Dataset<Row> materialise(String key, Dataset<Row> rows);

        /**
         * Spark's cache (memory, then disk), which keeps the plan: for tests and small inputs. A build over the
         * warehouse uses {@link ScratchFiles}.
         */
        Materialiser CACHE = (key, rows) -> rows.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    }

    public MartInputs(Map<DatasetRef, Dataset<Row>> datasets) {
        this(datasets, Materialiser.CACHE);
    }

    public MartInputs(Map<DatasetRef, Dataset<Row>> datasets, Materialiser materialiser) {
        this(datasets, new java.util.concurrent.ConcurrentHashMap<>(),
                java.util.Collections.synchronizedList(new java.util.ArrayList<>()), materialiser,
                new java.util.concurrent.ConcurrentHashMap<>());
    }

    /**
     * The value derived under this key in this build, computed once, on first use. Marts built at the same time
     * (see {@code MartsJob}) that ask for the same key wait for the one computing it; a computation may derive
     * other keys itself (the facts use the sessions): a lock per key, never held across two keys in a cycle, since
     * no derived value is derived from itself.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(String key, java.util.function.Supplier<T> compute) {
        Object v = derivedResults.get(key);
        if (v != null) {
            return (T) v;
        }
        synchronized (keyLocks.computeIfAbsent(key, k -> new Object())) {
            v = derivedResults.get(key);
            if (v == null) {
                v = compute.get();
                derivedResults.put(key, v);
            }
        }
        return (T) v;
    }

    /**
     * A dataset derived under this key, computed on first use and materialised (see the class comment) until
     * {@link #release}: for intermediate results that several marts read.
     */
    public Dataset<Row> derivedCached(String key, java.util.function.Supplier<Dataset<Row>> compute) {
        return derived(key, () -> materialiser.materialise(key, compute.get()));
    }

    /**
     * The same inputs with one dataset replaced (a day rebuild reads fewer events). It derives its own values,
     * and {@link #release} of this build releases them too.
     */
    public MartInputs with(DatasetRef ref, Dataset<Row> replacement) {
        Map<DatasetRef, Dataset<Row>> m = new java.util.HashMap<>(datasets);
        m.put(ref, replacement);
        MartInputs variant = new MartInputs(m, materialiser);
        variants.add(variant);
        return variant;
    }

    /**
     * The same build seen by one mart: only the datasets it declares ({@link Mart#inputs}) can be read, derived
     * values are shared with the whole build. A mart's build is skipped when its declared inputs are unchanged
     * ({@link DayRebuild#inputsFingerprint}), so a mart must not read what it does not declare, here or in a value
     * derived for it. Asking for another dataset fails, but only in the mart that computes a shared value: one
     * that finds the value already derived by another mart of the build is not checked.
     */
    public MartInputs only(java.util.Collection<DatasetRef> refs) {
        Map<DatasetRef, Dataset<Row>> m = new java.util.HashMap<>();
        refs.forEach(r -> {
            if (datasets.containsKey(r)) {
                m.put(r, datasets.get(r));
            }
        });
        return new MartInputs(m, derivedResults, variants, materialiser, keyLocks);
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
