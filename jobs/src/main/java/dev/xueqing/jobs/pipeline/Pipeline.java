package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.io.WarehouseLock;
import dev.xueqing.common.io.FaultPoints;
import dev.xueqing.jobs.ingest.IngestedFiles;
import dev.xueqing.common.privacy.PseudonymKeys;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.ml.risk.RiskJob;
import dev.xueqing.jobs.ml.skills.SkillJob;
import dev.xueqing.jobs.ml.skills.SkillMarts;
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
import dev.xueqing.jobs.report.ReportJob;
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

    /**
     * The outcome of a nightly, ingest or marts command. {@code problem} says why a run that published what it could
     * still failed (no event accepted from the input, so nothing to build dims and marts from); null otherwise.
     */
    public record Summary(String runId, LocalDate asOf, List<IngestOutcome> ingests, Map<String, Long> dims,
                          List<MartsJob.MartResult> marts, Duration took, boolean demoKey, String keyOrigin,
                          String warehouse, String problem, ReportOutcome report) {
        public Summary(String runId, LocalDate asOf, List<IngestOutcome> ingests, Map<String, Long> dims,
                       List<MartsJob.MartResult> marts, Duration took, boolean demoKey, String keyOrigin,
                       String warehouse) {
            this(runId, asOf, ingests, dims, marts, took, demoKey, keyOrigin, warehouse, null, null);
        }

        public Summary(String runId, LocalDate asOf, List<IngestOutcome> ingests, Map<String, Long> dims,
                       List<MartsJob.MartResult> marts, Duration took, boolean demoKey, String keyOrigin,
                       String warehouse, String problem) {
            this(runId, asOf, ingests, dims, marts, took, demoKey, keyOrigin, warehouse, problem, null);
        }

        /** The same summary with the report the nightly wrote after it. */
        public Summary withReport(ReportOutcome r) {
            return new Summary(runId, asOf, ingests, dims, marts, took, demoKey, keyOrigin, warehouse, problem, r);
        }

        public boolean failed() {
            return problem != null || marts.stream().anyMatch(m -> !m.ok()) || (report != null && report.failed());
        }
    }

    /**
     * The supervisor's report a nightly wrote: its index page, or why it could not be written (the marts are
     * published all the same).
     */
    public record ReportOutcome(java.nio.file.Path index, Duration took, String error, String skipped) {
        public boolean failed() {
            return error != null;
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
            fitSparkToEvents();
            if (completed > 0) {
                LOG.warn("Completed {} partition swap(s) that an interrupted run had committed", completed);
            }
            // the ledger's run records and the recorded run ids, read once for the three checks below
            Map<String, String> inLedger = new IngestedFiles(warehouse).runRecords();
            java.util.Set<String> recorded = new java.util.HashSet<>(runLog.runIds());
            recordRecoveredIngests(runId, inLedger, recorded);
            dropOrphanQuarantine(inLedger.keySet(), recorded);
            recordInterrupted(lock.takenOver(), runId, recorded);
            QuarantineRetention.purge(warehouse, config.ops().quarantineRetentionDays(), Instant.now());
            return lock;
        } catch (Exception e) {
            // the run fails before it starts (a damaged ledger or _runs, an unreadable journal): still recorded
            recordFailure(runId, command, Map.of(), null, Instant.now(), Map.of(), e);
            lock.close();
            throw e;
        }
    }

    /**
     * Records the ingest runs that died after recording their files in the ledger but before recording themselves in
     * {@code _runs} (their events are published, the ledger will not read their files again): the ledger kept each
     * one's {@code _runs} row, so it is appended now, exactly as the run would have, and its quarantine stays.
     */
    private void recordRecoveredIngests(String runId, Map<String, String> inLedger, java.util.Set<String> recorded) {
        for (Map.Entry<String, String> e : inLedger.entrySet()) {
            if (!recorded.contains(e.getKey()) && e.getValue() != null) {
                RunLog.Entry entry = RunLog.Entry.fromJson(e.getValue());
                LOG.warn("Recording ingest run {}, whose process died after it had published its events and "
                        + "recorded its files", e.getKey());
                runLog.record(entry.withMessage((entry.message() == null ? "" : entry.message() + "; ")
                        + "recorded by run " + runId + ": the process died after publishing its events and recording "
                        + "its files, before recording itself"));
                recorded.add(e.getKey());
            }
        }
    }

    /**
     * Removes quarantine partitions of ingest runs that never finished (killed before recording themselves in
     * {@code _runs} and before recording their files in the ledger): the next run reads their files again and
     * quarantines the bad records anew, so they would otherwise count twice. A run that the ledger names is not an
     * orphan: its files will not be read again, so its quarantine rows are the only ones.
     */
    private void dropOrphanQuarantine(java.util.Set<String> inLedger, java.util.Set<String> recorded) {
        for (String run : warehouse.partitionValues(dev.xueqing.common.io.DatasetRef.QUARANTINE)) {
            if (!recorded.contains(run) && !inLedger.contains(run)) {
                LOG.warn("Removing the quarantine rows of run {}, which did not finish", run);
                warehouse.dropPartition(dev.xueqing.common.io.DatasetRef.QUARANTINE, run);
            }
        }
    }

    /**
     * A run whose process died (its lock was taken over) recorded nothing: record it as {@code interrupted}, ended at
     * its last heartbeat, so that {@code _runs} and {@code status} show every run that did not finish.
     */
    private void recordInterrupted(WarehouseLock.TakenOver dead, String runId, java.util.Set<String> recorded) {
        if (dead == null || "unknown".equals(dead.holder().runId()) || recorded.contains(dead.holder().runId())) {
            return;
        }
        Instant started;
        try {
            started = Instant.parse(dead.holder().startedAt());
        } catch (java.time.format.DateTimeParseException e) {
            started = dead.lastHeartbeat();
        }
        Instant ended = dead.lastHeartbeat().isBefore(started) ? started : dead.lastHeartbeat();
        runLog.record(dead.holder().runId(), dead.holder().command(),
                Map.of("pid", dead.holder().pid(), "host", dead.holder().host()), null, started, ended,
                RunLog.INTERRUPTED, Map.of(), "the process ended before the run finished (" + dead.reason()
                        + "); run " + runId + " took over the warehouse lock, completed what it had committed and "
                        + "redid the rest");
    }

    /** Records a run that failed with an exception; a failure to record is attached to the exception, not thrown. */
    private void recordFailure(String runId, String job, Map<String, ?> params, LocalDate asOf, Instant start,
                               Map<String, Long> counts, Throwable e) {
        LOG.error("{} run {} failed", job, runId, e);
        try {
            runLog.record(runId, job, params, asOf, start, Instant.now(), RunLog.FAILED, counts, RunLog.describe(e));
        } catch (RuntimeException recordError) {
            LOG.error("Could not record the failed run {} in _runs", runId, recordError);
            e.addSuppressed(recordError);
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
            IngestOutcome outcome = ingestOne(format, paths, tenant, csvMapping, runId, false);
            Map<String, Long> dims = Map.of();
            String problem = null;
            if (!warehouse.exists(dev.xueqing.common.io.DatasetRef.EVENTS)) {
                problem = nothingAccepted(outcome.result()) + "; the warehouse has no events yet, so the dims were "
                        + "not built";
            } else {
                dims = rebuildDimsAfterIngest(runId);
                if (outcome.result().nothingAccepted()) {
                    problem = nothingAccepted(outcome.result());
                }
            }
            return new Summary(runId, null, List.of(outcome), dims, List.of(), Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString(), problem);
        }
    }

    /**
     * Ingests every configured input ({@code xueqing.inputs}) as the nightly does, reading only the files that are
     * new or changed since they were ingested, then rebuilds the dims: the nightly without its marts.
     */
    public Summary ingestConfigured() {
        if (config.inputs().isEmpty()) {
            throw new dev.xueqing.common.config.UsageException(
                    "no input is configured (xueqing.inputs): give the files to read with --input");
        }
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "ingest"); Progress p = begin(config.inputs().size() + 1)) {
            List<IngestOutcome> outcomes = ingestConfiguredInputs(runId);
            if (!warehouse.exists(dev.xueqing.common.io.DatasetRef.EVENTS)) {
                return new Summary(runId, null, outcomes, Map.of(), List.of(), Duration.between(start, Instant.now()),
                        key.demo(), key.origin(), warehouse.root().toString(),
                        "no event was accepted from any input; the warehouse has no events yet, so the dims were "
                                + "not built");
            }
            Map<String, Long> dims = rebuildDimsAfterIngest(runId);
            String problem = outcomes.stream().map(IngestOutcome::result).filter(IngestJob.Result::nothingAccepted)
                    .map(Pipeline::nothingAccepted).findFirst().orElse(null);
            return new Summary(runId, null, outcomes, dims, List.of(), Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString(), problem);
        }
    }

    /** Each configured input, incrementally, with run ids {@code <run>-<format>-<n>}. */
    private List<IngestOutcome> ingestConfiguredInputs(String runId) {
        List<IngestOutcome> outcomes = new ArrayList<>();
        for (XueqingConfig.InputSpec input : config.inputs()) {
            outcomes.add(ingestOne(input.format(), input.paths(), input.tenant(), input.mapping(),
                    runId + "-" + input.format() + "-" + outcomes.size(), true));
        }
        return outcomes;
    }

    /** Why an input gave nothing: what the summary and the run's message say. */
    public static String nothingAccepted(IngestJob.Result r) {
        if (r.read() == 0) {
            return "no event was accepted: the input held no record";
        }
        return String.format(java.util.Locale.ROOT, "no event was accepted: all %,d record(s) read were quarantined"
                + " (%s)", r.quarantined(), r.quarantinedByReason().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
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
                    s.failed() ? RunLog.FAILED : RunLog.SUCCEEDED, Map.of("mart.risk_model_evaluation", results.get(0).rows()),
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
                    s.failed() ? RunLog.FAILED : RunLog.SUCCEEDED, Map.of("mart.learner_risk_scores", results.get(0).rows()),
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
            LOG.error("RISK {} failed: {}", name, e.getMessage(), e);
            warehouse.cleanStaging(runId);
            return new MartsJob.MartResult(name, 0, Duration.between(t0, Instant.now()), RunLog.describe(e));
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
     * Fits the knowledge-tracing model (xueqing train-skills): skill_model and skill_model_evaluation, then scores
     * with it (learner_skill_mastery, learner_next_steps), so that mastery follows the new model at once.
     */
    public Summary trainSkills(LocalDate asOf) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "train-skills")) {
            SkillJob job = new SkillJob(warehouse, config);
            List<MartsJob.MartResult> results = new ArrayList<>(skillStep(SkillMarts.MODEL.name(), runId,
                    () -> job.fit(asOf, runId)));
            if (results.stream().allMatch(MartsJob.MartResult::ok)) {
                results.addAll(skillStep(SkillMarts.MASTERY.name(), runId, () -> job.score(asOf, runId)));
            }
            Summary s = new Summary(runId, asOf, List.of(), Map.of(), results, Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString());
            Map<String, Long> counts = new LinkedHashMap<>();
            results.forEach(m -> counts.put("mart." + m.name(), m.rows()));
            runLog.record(runId, "train-skills", Map.of("date", asOf.toString()), asOf, start, Instant.now(),
                    s.failed() ? RunLog.FAILED : RunLog.SUCCEEDED, counts, s.failed() ? failures(results) : null);
            return s;
        }
    }

    /** A knowledge-tracing step: its marts' results, or one failed result named after its first mart. */
    private List<MartsJob.MartResult> skillStep(String name, String runId,
                                                java.util.function.Supplier<List<MartsJob.MartResult>> step) {
        Instant t0 = Instant.now();
        try {
            return step.get();
        } catch (Exception e) {
            // a failed fit keeps the previous model, a failed scoring the previous marts (publishing is atomic)
            LOG.error("SKILLS {} failed: {}", name, e.getMessage(), e);
            warehouse.cleanStaging(runId);
            return List.of(new MartsJob.MartResult(name, 0, Duration.between(t0, Instant.now()),
                    RunLog.describe(e)));
        }
    }

    /**
     * The nightly knowledge-tracing steps: nothing when no item has a skill; else fit a model when there is none or
     * the current one was fitted more than xueqing.skills.refit-every-days ago (a failed fit keeps the old model),
     * then score with the current model.
     */
    private List<MartsJob.MartResult> nightlySkills(LocalDate asOf, String runId) {
        SkillJob job = new SkillJob(warehouse, config);
        List<MartsJob.MartResult> out = new ArrayList<>();
        if (!job.hasSkills()) {
            LOG.info("SKILLS no item of course_items has a skill: no knowledge tracing (docs/knowledge-tracing.md)");
            out.add(new MartsJob.MartResult(SkillMarts.MASTERY.name(), 0, Duration.ZERO, null,
                    "not built: no item has a skill (see docs/knowledge-tracing.md, Skills)"));
            return out;
        }
        Instant trainedAt = job.currentTrainedAt();
        int every = config.skills().refitEveryDays();
        if (trainedAt == null || trainedAt.isBefore(Instant.now().minus(Duration.ofDays(every)))) {
            LOG.info("SKILLS {}: fitting", trainedAt == null ? "no model yet"
                    : "the model of " + trainedAt + " is older than " + every + " day(s)");
            List<MartsJob.MartResult> fit = skillStep(SkillMarts.MODEL.name(), runId, () -> job.fit(asOf, runId));
            boolean ok = fit.stream().allMatch(MartsJob.MartResult::ok);
            String note = !ok ? (trainedAt == null ? "fit failed: no model to score with"
                    : "fit failed: scoring with the previous model")
                    : trainedAt == null ? "first fit" : "refitted (the model of " + trainedAt + " was older than "
                    + every + " days)";
            fit.forEach(r -> out.add(new MartsJob.MartResult(r.name(), r.rows(), r.took(), r.error(), note)));
            if (!ok && trainedAt == null) {
                return out;
            }
        }
        out.addAll(skillStep(SkillMarts.MASTERY.name(), runId, () -> job.score(asOf, runId)));
        return out;
    }

    /**
     * The knowledge-tracing step of {@link #nightly} alone, under the warehouse lock, without ingest, dims and marts
     * (and without a {@code _runs} row): for tests of fitting, refitting and scoring, which would otherwise rebuild
     * every mart each time.
     */
    List<MartsJob.MartResult> nightlySkillsStep(LocalDate asOf) {
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "nightly-skills")) {
            return nightlySkills(asOf, runId);
        }
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
        return nightly(asOf, request, List.of());
    }

    /**
     * As {@link #nightly(LocalDate, DayRebuild.Request)}, building only the named marts (all when {@code only} is
     * empty). A nightly limited so does not run the risk step: scoring belongs to the whole nightly.
     */
    public Summary nightly(LocalDate asOf, DayRebuild.Request request, List<String> only) {
        int marts = MartsJob.select(MartCatalog.all(), only).size();
        Instant start = Instant.now();
        String runId = RunLog.newRunId(start);
        try (WarehouseLock ignored = lock(runId, "nightly");
             Progress p = begin(config.inputs().size() + 1 + marts)) {
            return nightlyLocked(asOf, start, runId, request, only);
        }
    }

    private Summary nightlyLocked(LocalDate asOf, Instant start, String runId, DayRebuild.Request request,
                                  List<String> only) {
        Map<String, Object> params = new LinkedHashMap<>(Map.of("date", asOf.toString(),
                "inputs", config.inputs().size(), "full", request.full()));
        if (!only.isEmpty()) {
            params.put("only", String.join(",", only));
        }
        try {
            List<IngestOutcome> outcomes = ingestConfiguredInputs(runId);
            Map<String, Long> counts = new LinkedHashMap<>();
            outcomes.forEach(o -> o.result().counts().forEach((k, v) -> counts.merge(k, v, Long::sum)));
            if (!warehouse.exists(dev.xueqing.common.io.DatasetRef.EVENTS)) {
                // nothing to build from: say so instead of failing every dim and mart on the missing events
                String problem = "no event was accepted from any input; the warehouse has no events yet, so the dims "
                        + "and marts were not built";
                Summary s = new Summary(runId, asOf, outcomes, Map.of(), List.of(),
                        Duration.between(start, Instant.now()), key.demo(), key.origin(), warehouse.root().toString(),
                        problem);
                runLog.record(runId, "nightly", params, asOf, start, Instant.now(), RunLog.FAILED, counts, problem);
                return s;
            }
            Map<String, Long> dims = rebuildDims(runId);
            List<MartsJob.MartResult> marts = new ArrayList<>(runMartsInner(asOf, only, runId, request));
            if (only.isEmpty()) {
                marts.addAll(nightlyRisk(asOf, runId));
                marts.addAll(nightlySkills(asOf, runId));
            }
            Summary s = new Summary(runId, asOf, outcomes, dims, marts, Duration.between(start, Instant.now()),
                    key.demo(), key.origin(), warehouse.root().toString());
            marts.forEach(m -> counts.put("mart." + m.name(), m.rows()));
            dims.forEach((k, v) -> counts.put("dim." + k, v));
            runLog.record(runId, "nightly", params, asOf, start, Instant.now(),
                    s.failed() ? RunLog.FAILED : RunLog.SUCCEEDED, counts, s.failed() ? failures(marts) : null);
            // the report comes last, so that its data-quality page shows this nightly's run
            return only.isEmpty() && config.report().enabled() ? s.withReport(writeReport(asOf, runId)) : s;
        } catch (Exception e) {
            // Exception, not RuntimeException: Spark's AnalysisException is checked to Java and is thrown from Scala
            // code that declares nothing; a failed run must be recorded whatever was thrown (rethrown as it was)
            recordFailure(runId, "nightly", params, asOf, start, Map.of(), e);
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
                    runLog.record(runId, "ingest", params, null, start, Instant.now(), RunLog.SUCCEEDED, counts, null);
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
            Map<String, Long> counts = new LinkedHashMap<>(r.counts());
            int unchanged = incremental ? plan.unchanged().size() : 0;
            counts.put("unchanged_files", (long) unchanged);
            // an input that gave nothing is a failed ingest: its quarantine and counts are kept all the same
            RunLog.Entry entry = new RunLog.Entry(runId, "ingest", params, null, start, Instant.now(),
                    r.nothingAccepted() ? RunLog.FAILED : RunLog.SUCCEEDED, counts,
                    r.nothingAccepted() ? nothingAccepted(r) : null);
            // the ledger keeps the run's row: a process that dies between these two writes is recorded by the next
            // run (recordRecoveredIngests) instead of losing its row and, with it, its quarantine rows
            ledger.record(incremental ? plan : new IngestedFiles.Plan(files, plan.changed(), List.of(), plan.stats()),
                    format, t, runId, start, entry.toJson());
            FaultPoints.reached("ingest-recorded");
            runLog.record(entry);
            return new IngestOutcome(files, r, detection, unchanged);
        } catch (Exception e) {
            // Exception, not RuntimeException: see nightlyLocked
            warehouse.cleanStaging(runId);
            recordFailure(runId, "ingest", params, null, start, Map.of(), e);
            throw e;
        }
    }

    /**
     * The dims after an ingest command. Its ingest rows are recorded already (their events are published), so a
     * failure here gets a {@code dims} row of its own before it is rethrown.
     */
    private Map<String, Long> rebuildDimsAfterIngest(String runId) {
        Instant dimsStart = Instant.now();
        try {
            return rebuildDims(runId);
        } catch (Exception e) {
            // Exception, not RuntimeException: see nightlyLocked
            recordFailure(runId + "-dims", "dims", Map.of(), null, dimsStart, Map.of(), e);
            throw e;
        }
    }

    /**
     * Writes the supervisor's report of the marts just built ({@link ReportJob}) and records it in {@code _runs} as
     * job {@code report}; a failure is recorded and returned, not thrown: the marts are published all the same.
     */
    private ReportOutcome writeReport(LocalDate asOf, String nightlyRunId) {
        Instant start = Instant.now();
        String runId = nightlyRunId + "-report";
        Map<String, Object> params = Map.of("date", asOf.toString(), "lang", config.report().locale());
        ReportJob job = new ReportJob(warehouse, config);
        if (!job.local()) {
            String why = "the warehouse " + warehouse.root() + " is not on this machine's file system; write the "
                    + "report with `xueqing report --out DIR`";
            LOG.info("REPORT not written by the nightly: {}", why);
            return new ReportOutcome(null, Duration.ZERO, null, why);
        }
        try {
            ReportJob.Result r = job.run(new ReportJob.Options(asOf, null, null,
                    List.of()));
            runLog.record(runId, "report", params, asOf, start, Instant.now(),
                    r.failed() ? RunLog.FAILED : RunLog.SUCCEEDED, Map.of("pages", (long) r.pages().size(),
                            "bytes", r.pages().stream().mapToLong(ReportJob.PageSize::bytes).sum()), r.problem());
            return new ReportOutcome(r.index(), r.took(), r.problem(), null);
        } catch (Exception e) {
            LOG.error("REPORT {} failed: {}", asOf, e.getMessage(), e);
            runLog.record(runId, "report", params, asOf, start, Instant.now(), RunLog.FAILED, Map.of(),
                    RunLog.describe(e));
            return new ReportOutcome(null, Duration.between(start, Instant.now()), RunLog.describe(e), null);
        }
    }

    /**
     * Fits Spark's settings to the published events ({@link SparkSessions#fitToInput}): at the start of a command,
     * and again after its ingest, before the dims and marts. Before the first ingest the size is unknown and the
     * settings stay as they are.
     *
     * @return whether the events are small ({@code xueqing.spark.small-input}); false when their size is unknown
     */
    private boolean fitSparkToEvents() {
        long bytes = warehouse.bytesOnDisk(dev.xueqing.common.io.DatasetRef.EVENTS);
        if (bytes < 0) {
            return false;
        }
        boolean small = SparkSessions.fitToInput(spark, config.spark(), bytes);
        LOG.info("Events take {} byte(s) on disk: {}", bytes, small
                ? "small-input settings (interpreted expressions, xueqing.spark.small-input)"
                : "Spark's generated code");
        return small;
    }

    private Map<String, Long> rebuildDims(String runId) {
        boolean small = fitSparkToEvents();
        progress.step("dims");
        // small events: the dims straight from them; the kept per-day partials pay only when history is large
        return new DimsJob(warehouse, config.skills().mapping()).run(runId + "-dims", !small);
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
            runLog.record(runId, job, params, asOf, start, Instant.now(), failed ? RunLog.FAILED : RunLog.SUCCEEDED,
                    counts, failed ? failures(results) : null);
            return results;
        } catch (Exception e) {
            // Exception, not RuntimeException: see nightlyLocked
            recordFailure(runId, job, params, asOf, start, Map.of(), e);
            throw e;
        }
    }

    private List<MartsJob.MartResult> runMartsInner(LocalDate asOf, List<String> only, String runId,
                                                    DayRebuild.Request request) {
        List<Mart> marts = MartsJob.select(MartCatalog.all(), only);
        return new MartsJob(warehouse).onMartStart(name -> progress.step("mart " + name))
                .concurrency(config.spark().concurrentMarts())
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
