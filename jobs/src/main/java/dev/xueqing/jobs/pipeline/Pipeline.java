package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.io.WarehouseLock;
import dev.xueqing.common.io.FaultPoints;
import dev.xueqing.jobs.ingest.IngestedFiles;
import dev.xueqing.common.privacy.PseudonymKeys;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.ml.risk.RiskJob;
import dev.xueqing.jobs.dims.DimsJob;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.FormatDetector;
import dev.xueqing.jobs.ingest.InputFiles;
import dev.xueqing.jobs.ingest.SourceAdapter;
import dev.xueqing.jobs.marts.DayRebuild;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.SparkSession;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the jobs in order for the CLI: ingest (per input) → dims → marts, recording every run in {@code _runs}.
 * Holds the run's SparkSession, warehouse and pseudonym key; close it to stop Spark.
 */
public final class Pipeline implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Pipeline.class);
    private final XueqingConfig config;
    private final PseudonymKeys.Key key;
    private final SparkSessions.Handle sparkHandle;
    private final SparkSession spark;
    private final Warehouse warehouse;
    private final RunLog runLog;
    /** Progress of the command in progress (one step per input, the dims, each mart). */
    private Progress progress;

    /** The outcome of ingesting one input. */
    public record IngestOutcome(List<String> files, IngestJob.Result result, String detection, int unchangedFiles) {}

    /** The outcome of a nightly, ingest or marts command. */
    public record Summary(String runId, LocalDate asOf, List<IngestOutcome> ingests, Map<String, Long> dims,
                          List<MartsJob.MartResult> marts, Duration took, boolean demoKey, String keyOrigin,
                          String warehouse) {
        public boolean failed() {
            return marts.stream().anyMatch(m -> !m.ok());
        }
    }

    public Pipeline(XueqingConfig config, Map<String, String> env) {
        this.config = config;
        this.key = PseudonymKeys.resolve(config, env);
        this.sparkHandle = SparkSessions.acquire(config);
        this.spark = sparkHandle.session();
        this.warehouse = new Warehouse(spark, config.warehouse(), config.ops().keepVersions());
        this.runLog = new RunLog(warehouse);
    }

    public Warehouse warehouse() {
        return warehouse;
    }

    public XueqingConfig config() {
        return config;
    }

    public PseudonymKeys.Key key() {
        return key;
    }

    /**
     * Takes the warehouse lock for a writing command and completes what an interrupted run had committed
     * ({@link Warehouse#recover()}); the lock is released when the command ends, however it ends.
     */
    private WarehouseLock lock(String runId, String command) {
        WarehouseLock lock = WarehouseLock.acquire(warehouse, runId, command,
                Duration.ofMinutes(config.ops().lockStaleMinutes()));
        try {
            int completed = warehouse.recover();
            if (completed > 0) {
                LOG.warn("Completed {} partition swap(s) that an interrupted run had committed", completed);
            }
            dropOrphanQuarantine();
            QuarantineRetention.purge(warehouse, config.ops().quarantineRetentionDays(), Instant.now());
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Removes quarantine partitions of ingest runs that never finished (killed before recording themselves in
     * {@code _runs}): the next run reads their files again and quarantines the bad records anew, so they would
     * otherwise count twice.
     */
    private void dropOrphanQuarantine() {
        List<String> partitions = warehouse.partitionValues(dev.xueqing.common.io.DatasetRef.QUARANTINE);
        if (partitions.isEmpty()) {
            return;
        }
        java.util.Set<String> recorded = new java.util.HashSet<>();
        if (warehouse.exists(dev.xueqing.common.io.DatasetRef.RUNS)) {
            runLog.all().select("run_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()
                    .forEach(recorded::add);
        }
        for (String run : partitions) {
            if (!recorded.contains(run)) {
                LOG.warn("Removing the quarantine rows of run {}, which did not finish", run);
                warehouse.dropPartition(dev.xueqing.common.io.DatasetRef.QUARANTINE, run);
            }
        }
    }

    private Progress begin(int steps) {
        progress = new Progress(spark, steps);
        return progress;
    }

    /** Ingests the given paths of one format (null: detect it from the content), then rebuilds the dims. */
    public Summary ingest(String format, List<String> paths, String tenant, String csvMapping) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "ingest"); Progress p = begin(2)) {
            List<IngestOutcome> outcomes = List.of(ingestOne(format, paths, tenant, csvMapping, runId, false));
            Map<String, Long> dims = rebuildDims(runId);
            return new Summary(runId, null, outcomes, dims, List.of(), Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString());
        }
    }

    /** Builds the marts (all, or the named ones) as of a date; day-grain marts recompute only changed days. */
    public Summary marts(LocalDate asOf, List<String> only) {
        return marts(asOf, only, DayRebuild.Request.AUTO);
    }

    /** Builds the marts as of a date; the request says whether to rebuild whole or which days to backfill. */
    public Summary marts(LocalDate asOf, List<String> only, DayRebuild.Request request) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "marts");
             Progress p = begin(MartsJob.select(MartCatalog.all(), only).size())) {
            List<MartsJob.MartResult> results = runMarts(asOf, only, runId, start, "marts", request);
            return new Summary(runId, asOf, List.of(), Map.of(), results, Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString());
        }
    }

    /** Trains the risk models (xueqing train-risk): risk_model_evaluation and a new current model. */
    public Summary trainRisk(LocalDate asOf) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "train-risk")) {
            List<MartsJob.MartResult> results = List.of(riskStep("risk_model_evaluation", runId,
                    () -> new RiskJob(warehouse, config).train(asOf, runId).evaluation().count()));
            Summary s = new Summary(runId, asOf, List.of(), Map.of(), results, Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString());
            runLog.record(runId, "train-risk", Map.of("date", asOf.toString()), asOf, start, Instant.now(),
                    s.failed() ? "failed" : "succeeded", Map.of("mart.risk_model_evaluation", results.get(0).rows()),
                    s.failed() ? failures(results) : null);
            return s;
        }
    }

    /** Scores with the current risk model (xueqing score-risk): learner_risk_scores. */
    public Summary scoreRisk(LocalDate asOf) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "score-risk")) {
            List<MartsJob.MartResult> results = List.of(riskStep("learner_risk_scores", runId,
                    () -> new RiskJob(warehouse, config).score(asOf, runId)));
            Summary s = new Summary(runId, asOf, List.of(), Map.of(), results, Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString());
            runLog.record(runId, "score-risk", Map.of("date", asOf.toString()), asOf, start, Instant.now(),
                    s.failed() ? "failed" : "succeeded", Map.of("mart.learner_risk_scores", results.get(0).rows()),
                    s.failed() ? failures(results) : null);
            return s;
        }
    }

    /** A risk step that may throw IOException. */
    private interface RiskStep {
        long run() throws java.io.IOException;
    }

    private MartsJob.MartResult riskStep(String name, String runId, RiskStep step) {
        Instant t0 = Instant.now();
        try {
            long rows = step.run();
            return new MartsJob.MartResult(name, rows, Duration.between(t0, Instant.now()), null);
        } catch (Exception e) {
            // Exception, not only RuntimeException: Spark's AnalysisException is a checked exception to Java, and a
            // failed step must become a failed result (the nightly goes on scoring with the previous model)
            LOG.error("RISK {} failed: {}", name, e.getMessage());
            warehouse.cleanStaging(runId);
            return new MartsJob.MartResult(name, 0, Duration.between(t0, Instant.now()), e.getMessage());
        }
    }

    /**
     * The nightly risk steps: when a current model exists, retrain it if it was trained (metadata trained_at) more
     * than xueqing.risk.retrain-every-days ago (a failed retraining keeps the old model), then score with it. Without
     * a model nothing is trained or scored (the first model is trained with train-risk); the summary says so in a
     * learner_risk_scores line with 0 rows and a note.
     */
    private List<MartsJob.MartResult> nightlyRisk(LocalDate asOf, String runId) {
        RiskJob job = new RiskJob(warehouse, config);
        List<MartsJob.MartResult> out = new ArrayList<>();
        Instant trainedAt;
        try {
            trainedAt = job.currentTrainedAt();
        } catch (java.io.IOException e) {
            out.add(new MartsJob.MartResult("learner_risk_scores", 0, Duration.ZERO, e.getMessage()));
            return out;
        }
        if (trainedAt == null) {
            LOG.info("RISK no model in {}: not scoring (train one with xueqing train-risk)", job.modelRoot());
            out.add(new MartsJob.MartResult("learner_risk_scores", 0, Duration.ZERO, null,
                    "not scored: no risk model yet (train one with xueqing train-risk)"));
            return out;
        }
        int every = config.risk().retrainEveryDays();
        if (trainedAt.isBefore(Instant.now().minus(Duration.ofDays(every)))) {
            LOG.info("RISK model trained {} is older than {} day(s): retraining", trainedAt, every);
            MartsJob.MartResult r = riskStep("risk_model_evaluation", runId,
                    () -> job.train(asOf, runId).evaluation().count());
            if (!r.ok()) {
                LOG.warn("RISK retraining failed; scoring with the previous model");
            }
            out.add(new MartsJob.MartResult(r.name(), r.rows(), r.took(), r.error(), r.ok()
                    ? "retrained (the model of " + trainedAt + " was older than " + every + " days)"
                    : "retraining failed: scoring with the previous model"));
        }
        out.add(riskStep("learner_risk_scores", runId, () -> job.score(asOf, runId)));
        return out;
    }

    /**
     * The risk step of {@link #nightly} alone, under the warehouse lock, without ingest, dims and marts (and without a
     * {@code _runs} row): for tests of retraining and its failure, which would otherwise rebuild every mart each time.
     */
    List<MartsJob.MartResult> nightlyRiskStep(LocalDate asOf) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "nightly-risk")) {
            return nightlyRisk(asOf, runId);
        }
    }

    /** Ingests every configured input, rebuilds the dims, builds every mart as of the date. */
    public Summary nightly(LocalDate asOf) {
        return nightly(asOf, DayRebuild.Request.AUTO);
    }

    /** As {@link #nightly(LocalDate)}, with a full rebuild of every mart when the request says so. */
    public Summary nightly(LocalDate asOf, DayRebuild.Request request) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "nightly");
             Progress p = begin(config.inputs().size() + 1 + MartCatalog.all().size())) {
            return nightlyLocked(asOf, start, runId, request);
        }
    }

    private Summary nightlyLocked(LocalDate asOf, Instant start, String runId, DayRebuild.Request request) {
        Map<String, Object> params = Map.of("date", asOf.toString(), "inputs", config.inputs().size(),
                "full", request.full());
        try {
            List<IngestOutcome> outcomes = new ArrayList<>();
            for (XueqingConfig.InputSpec input : config.inputs()) {
                outcomes.add(ingestOne(input.format(), input.paths(), input.tenant(), input.mapping(),
                        runId + "-" + input.format() + "-" + outcomes.size(), true));
            }
            Map<String, Long> dims = rebuildDims(runId);
            List<MartsJob.MartResult> marts = new ArrayList<>(runMartsInner(asOf, List.of(), runId, request));
            marts.addAll(nightlyRisk(asOf, runId));
            Summary s = new Summary(runId, asOf, outcomes, dims, marts, Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString());
            Map<String, Long> counts = new LinkedHashMap<>();
            outcomes.forEach(o -> o.result().counts().forEach((k, v) -> counts.merge(k, v, Long::sum)));
            marts.forEach(m -> counts.put("mart." + m.name(), m.rows()));
            dims.forEach((k, v) -> counts.put("dim." + k, v));
            runLog.record(runId, "nightly", params, asOf, start, Instant.now(), s.failed() ? "failed" : "succeeded",
                    counts, s.failed() ? failures(marts) : null);
            return s;
        } catch (RuntimeException e) {
            runLog.record(runId, "nightly", params, asOf, start, Instant.now(), "failed", Map.of(), e.getMessage());
            throw e;
        }
    }

    /**
     * Ingests one input. Incremental (nightly): only files the ledger does not have unchanged are read. Otherwise
     * (the ingest command) every named file is read. Either way changed files replace what they gave before, and
     * the ledger records what was read.
     */
    private IngestOutcome ingestOne(String format, List<String> paths, String tenant, String csvMapping,
                                    String runId, boolean incremental) {
        Instant start = Instant.now();
        String t = tenant == null ? config.tenant() : tenant;
        progress.step("ingest " + (format == null ? "(format detected)" : format) + " " + String.join(",", paths));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("source", format == null ? "detect" : format);
        params.put("tenant", t);
        params.put("paths", String.join(",", paths));
        if (csvMapping != null) {
            params.put("mapping", csvMapping);
        }
        try {
            List<String> files = InputFiles.expand(paths, spark.sparkContext().hadoopConfiguration());
            IngestedFiles ledger = new IngestedFiles(warehouse);
            IngestedFiles.Plan plan = ledger.plan(files, t);
            if (incremental) {
                params.put("unchanged_files", plan.unchanged().size());
                if (plan.nothingToRead()) {
                    String f = format == null ? "detect" : format;
                    LOG.info("INGEST {}: nothing new ({} file(s) unchanged since they were ingested)", f,
                            plan.unchanged().size());
                    IngestJob.Result r = IngestJob.Result.nothingNew(runId, f, t);
                    Map<String, Long> counts = new LinkedHashMap<>(r.counts());
                    counts.put("unchanged_files", (long) plan.unchanged().size());
                    runLog.record(runId, "ingest", params, null, start, Instant.now(), "succeeded", counts, null);
                    return new IngestOutcome(List.of(), r, null, plan.unchanged().size());
                }
                files = plan.toRead();
            }
            String detection = null;
            if (format == null) {
                FormatDetector.Detection d = FormatDetector.detect(files, spark.sparkContext().hadoopConfiguration());
                format = d.format();
                detection = d.reason();
                params.put("source", format);
            }
            SourceAdapter adapter = Adapters.create(format, config, key.pseudonymizer(), t, runId, start, files,
                    spark.sparkContext().hadoopConfiguration(), csvMapping);
            IngestJob.Result r = new IngestJob(warehouse).reportingTo(progress.recordsRead())
                    .run(adapter, files, t, runId, start,
                    runLog.lastProcessedDate(), plan.changed());
            ledger.record(incremental ? plan : new IngestedFiles.Plan(files, plan.changed(), List.of(), plan.stats()),
                    format, t, runId, start);
            FaultPoints.reached("ingest-recorded");
            Map<String, Long> counts = new LinkedHashMap<>(r.counts());
            int unchanged = incremental ? plan.unchanged().size() : 0;
            counts.put("unchanged_files", (long) unchanged);
            runLog.record(runId, "ingest", params, null, start, Instant.now(), "succeeded", counts, null);
            return new IngestOutcome(files, r, detection, unchanged);
        } catch (RuntimeException e) {
            warehouse.cleanStaging(runId);
            runLog.record(runId, "ingest", params, null, start, Instant.now(), "failed", Map.of(), e.getMessage());
            throw e;
        }
    }

    private Map<String, Long> rebuildDims(String runId) {
        progress.step("dims");
        return new DimsJob(warehouse).run(runId + "-dims");
    }

    private List<MartsJob.MartResult> runMarts(LocalDate asOf, List<String> only, String runId, Instant start,
                                               String job, DayRebuild.Request request) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("date", asOf.toString());
        params.put("only", String.join(",", only));
        params.put("full", request.full());
        if (!request.days().isEmpty()) {
            params.put("backfill", request.days().stream().min(LocalDate::compareTo).orElseThrow() + ".."
                    + request.days().stream().max(LocalDate::compareTo).orElseThrow());
        }
        try {
            List<MartsJob.MartResult> results = runMartsInner(asOf, only, runId, request);
            Map<String, Long> counts = new LinkedHashMap<>();
            results.forEach(m -> counts.put("mart." + m.name(), m.rows()));
            boolean failed = results.stream().anyMatch(m -> !m.ok());
            runLog.record(runId, job, params, asOf, start, Instant.now(), failed ? "failed" : "succeeded", counts,
                    failed ? failures(results) : null);
            return results;
        } catch (RuntimeException e) {
            runLog.record(runId, job, params, asOf, start, Instant.now(), "failed", Map.of(), e.getMessage());
            throw e;
        }
    }

    private List<MartsJob.MartResult> runMartsInner(LocalDate asOf, List<String> only, String runId,
                                                    DayRebuild.Request request) {
        List<Mart> marts = MartsJob.select(MartCatalog.all(), only);
        return new MartsJob(warehouse).onMartStart(name -> progress.step("mart " + name))
                .run(marts, new MartContext(asOf, config), runId, request);
    }

    private static String failures(List<MartsJob.MartResult> results) {
        return String.join("; ", results.stream().filter(m -> !m.ok()).map(m -> m.name() + ": " + m.error()).toList());
    }

    @Override
    public void close() {
        sparkHandle.close();
    }
}
