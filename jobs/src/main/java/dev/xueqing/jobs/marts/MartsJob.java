package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.BuildInputs;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.spark.SparkSessions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * events + dims → every mart (or the ones asked for), as of a date: read → transform → check the spec's
 * expectations → publish. A mart that breaks an expectation is not published and the job fails after trying the
 * others, so one broken mart does not hold the rest back.
 */
public final class MartsJob {
    private static final Logger LOG = LoggerFactory.getLogger(MartsJob.class);

    /** One mart's outcome. */
    public record MartResult(String name, long rows, Duration took, String error, String rebuild) {
        /** A result of a table built outside the day-rebuild rule (the risk marts). */
        public MartResult(String name, long rows, Duration took, String error) {
            this(name, rows, took, error, null);
        }

        public boolean ok() {
            return error == null;
        }
    }

    /**
     * How a mart not rebuilt is described: the datasets it reads, the config and the as-of date are those its current
     * version was built from ({@link DayRebuild#inputsFingerprint}), so a build would write the same rows.
     */
    public static final String UNCHANGED = "inputs unchanged since the last build, version kept";

    private final Warehouse warehouse;

    public MartsJob(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Picks marts by name, in the catalogue's order; unknown names fail with the list of known ones. */
    public static List<Mart> select(List<Mart> all, List<String> only) {
        if (only == null || only.isEmpty()) {
            return all;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String name : only) {
            if (all.stream().noneMatch(x -> x.spec().name().equals(name.trim()))) {
                throw new dev.xueqing.common.config.UsageException("Unknown mart '" + name + "'. Known marts: "
                        + all.stream().map(x -> x.spec().name()).toList());
            }
            names.add(name.trim());
        }
        // in the catalogue's order, whatever the order given: a mart is built after the marts it reads
        return all.stream().filter(m -> names.contains(m.spec().name())).toList();
    }

    private java.util.function.Consumer<String> onMartStart = name -> { };
    private int concurrency = 1;

    /**
     * How many marts are built at the same time ({@code xueqing.spark.concurrent-marts}). Marts read events and dims,
     * never each other, and share what they derive in common through {@link MartInputs#derived}, so the order and
     * the overlap do not change a row; the results keep the order of the marts asked for.
     */
    public MartsJob concurrency(int marts) {
        this.concurrency = Math.max(1, marts);
        return this;
    }

    /** Called with each mart's name as it starts (progress reports), from the thread that builds it. */
    public MartsJob onMartStart(java.util.function.Consumer<String> hook) {
        this.onMartStart = hook;
        return this;
    }

    /**
     * Event columns that trace an event to its source and run, left out of the events cached for the marts (a mart
     * that needs one reads {@link DatasetRef#EVENT_LINEAGE}).
     */
    static final String[] LINEAGE_COLUMNS = {"raw_ref", "run_id", "content_hash", "source_verb"};

    /** A checked (so cached) mart in as many files as it needs: one per million rows, not one per task. */
    static Dataset<Row> sized(Dataset<Row> cached) {
        long rows = cached.count();
        int files = (int) Math.max(1, Math.min(cached.rdd().getNumPartitions(), (rows + 999_999) / 1_000_000));
        return cached.coalesce(files);
    }

    public List<MartResult> run(List<Mart> marts, MartContext context, String runId) {
        return run(marts, context, runId, DayRebuild.Request.AUTO);
    }

    /**
     * Builds the marts; day-grain marts recompute only the days {@link DayRebuild} finds changed (or all of them
     * when the request is full), every other mart is rebuilt whole.
     */
    public List<MartResult> run(List<Mart> marts, MartContext context, String runId, DayRebuild.Request request) {
        Set<DatasetRef> needed = new LinkedHashSet<>();
        marts.forEach(m -> needed.addAll(m.inputs()));
        Map<DatasetRef, Dataset<Row>> inputs = new HashMap<>();
        for (DatasetRef ref : needed) {
            if (ref.equals(LearnerDays.REF)) {
                continue; // built below, from the events
            }
            Dataset<Row> d = ref.equals(DatasetRef.RUNS) ? warehouse.read(ref, dev.xueqing.jobs.runs.RunLog.SCHEMA)
                    : ref.equals(DatasetRef.RISK_HISTORY)
                    ? warehouse.read(ref, dev.xueqing.jobs.marts.tutor.TutorServiceQualityMart.RISK_HISTORY_SCHEMA)
                    : warehouse.read(ref);
            // the events are cached for all the marts, without the lineage columns no mart reads
            inputs.put(ref, ref.equals(DatasetRef.EVENTS)
                    ? d.drop(LINEAGE_COLUMNS).persist(StorageLevel.MEMORY_AND_DISK()) : d);
        }
        MartInputs martInputs = new MartInputs(inputs, new ScratchFiles(warehouse, runId));
        if (needed.contains(LearnerDays.REF)) {
            buildLearnerDays(context, runId, request, inputs, martInputs);
        }
        // the state of what each mart reads or checks a reference against, named before any mart is published
        Set<DatasetRef> read = new LinkedHashSet<>();
        marts.forEach(m -> read.addAll(readBy(m)));
        Map<DatasetRef, String> states = BuildInputs.read(warehouse, read);
        MartResult[] results = new MartResult[marts.size()];
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(concurrency, marts.size())), builders());
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int i = 0; i < marts.size(); i++) {
                int at = i;
                running.add(pool.submit(() -> {
                    results[at] = build(marts.get(at), context, runId, request, inputs, martInputs, states, true);
                }));
            }
            for (java.util.concurrent.Future<?> f : running) {
                awaitBuild(f);
            }
        } finally {
            pool.shutdownNow();
            martInputs.release();
            inputs.values().forEach(Dataset::unpersist);
            warehouse.cleanScratch(runId);
        }
        return List.of(results);
    }

    /**
     * Brings the per-day fact ({@link LearnerDays}) up to date before the marts that read it, as a day-grain mart:
     * only the days whose events changed are recomputed. When that fails, the marts derive the fact from the events
     * in this build instead (slower, same rows), so a broken state holds no mart back.
     */
    private void buildLearnerDays(MartContext context, String runId, DayRebuild.Request request,
                                  Map<DatasetRef, Dataset<Row>> inputs, MartInputs martInputs) {
        Mart state = LearnerDays.STATE;
        MartResult r = build(state, context, runId, request, inputs, martInputs,
                BuildInputs.read(warehouse, readBy(state)), false);
        if (r.ok()) {
            inputs.put(LearnerDays.REF, warehouse.read(LearnerDays.REF));
        } else {
            LOG.warn("{} could not be brought up to date ({}); the marts derive it from the events instead",
                    LearnerDays.REF.name(), r.error());
        }
    }

    /** Threads that build marts, each in a Spark scheduler pool of its own (fair shares under FAIR scheduling). */
    private java.util.concurrent.ThreadFactory builders() {
        org.apache.spark.SparkContext sc = warehouse.spark().sparkContext();
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            int id = n.incrementAndGet();
            Thread t = new Thread(() -> {
                sc.setLocalProperty("spark.scheduler.pool", "marts-" + id);
                r.run();
            }, "xueqing-marts-" + id);
            t.setDaemon(true);
            return t;
        };
    }

    /** Waits for one mart's build; an Error in it (out of memory) is rethrown as itself. */
    private static void awaitBuild(java.util.concurrent.Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the marts", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * What a mart's rows depend on in the warehouse: the datasets it reads (it can read no other: {@link
     * MartInputs#only}) and those its expectations check references against.
     */
    static Set<DatasetRef> readBy(Mart m) {
        Set<DatasetRef> refs = new LinkedHashSet<>(m.inputs());
        m.spec().allExpectations().stream()
                .filter(e -> e instanceof dev.xueqing.common.schema.Expectation.References)
                .forEach(e -> refs.add(((dev.xueqing.common.schema.Expectation.References) e).ref()));
        return refs;
    }

    /**
     * One mart: plan (day rebuild or whole), transform, check, publish; a failure becomes a failed result.
     *
     * @param announce whether to report its start ({@link #onMartStart}): internal state built like a mart is not
     */
    private MartResult build(Mart m, MartContext context, String runId, DayRebuild.Request request,
                             Map<DatasetRef, Dataset<Row>> inputs, MartInputs martInputs,
                             Map<DatasetRef, String> states, boolean announce) {
        Instant start = Instant.now();
        String name = m.spec().name();
        if (announce) {
            onMartStart.accept(name);
        }
        SparkSessions.label(warehouse.spark(), "MART", name, context.asOf().toString());
        Dataset<Row> out = null;
        DayRebuild.Plan plan = new DayRebuild.Full("not of day grain");
        try {
            String state = DayRebuild.inputsFingerprint(m, context, BuildInputs.states(states, readBy(m)));
            long kept = DayRebuild.unchanged(m, state, warehouse, request);
            if (kept >= 0) {
                Duration took = Duration.between(start, Instant.now());
                LOG.info("MART {} as of {}: {} row(s), {}", name, context.asOf(), kept, UNCHANGED);
                return new MartResult(name, kept, took, null, UNCHANGED);
            }
            plan = DayRebuild.plan(m, context, warehouse, request);
            MartInputs own = martInputs.only(m.inputs());
            java.util.function.Function<Dataset<Row>, Dataset<Row>> check = rows -> {
                ExpectationChecker.require(m.spec(), rows,
                        r -> inputs.containsKey(r) ? inputs.get(r) : warehouse.read(r));
                return rows;
            };
            if (plan instanceof DayRebuild.Days days) {
                out = DayRebuild.rebuild(m, days, own, context, warehouse.read(m.ref()))
                        .persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    check.apply(out);
                } catch (ExpectationChecker.ExpectationFailure e) {
                    // rows kept from the previous version may no longer fit (a learner erased): start over
                    LOG.warn("MART {}: the rebuilt days break an expectation ({}); rebuilding it whole",
                            name, e.getMessage());
                    out.unpersist();
                    out = null;
                    plan = new DayRebuild.Full("kept rows broke an expectation");
                }
            }
            if (out == null) {
                out = check.apply(m.transform(own, context).persist(StorageLevel.MEMORY_AND_DISK()));
            }
            long rows = warehouse.publish(m.ref(), sized(out), runId);
            warehouse.writeVersionNote(m.ref(), DayRebuild.NOTE, DayRebuild.note(m, context, state, rows));
            dev.xueqing.common.io.FaultPoints.reached("mart-published:" + name);
            Duration took = Duration.between(start, Instant.now());
            LOG.info("MART {} as of {}: {} row(s) in {} ms{}", name, context.asOf(), rows, took.toMillis(),
                    m.dayColumn() == null ? "" : ", " + plan.describe());
            return new MartResult(name, rows, took, null, plan.describe());
        } catch (Exception e) {
            // Exception, not RuntimeException: Spark's AnalysisException is a checked exception to Java
            LOG.error("MART {} failed: {}", name, e.getMessage(), e);
            warehouse.cleanStaging(runId);
            return new MartResult(name, 0, Duration.between(start, Instant.now()),
                    dev.xueqing.jobs.runs.RunLog.describe(e), plan.describe());
        } finally {
            if (out != null) {
                out.unpersist();
            }
        }
    }
}
