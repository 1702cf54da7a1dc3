package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.BuildInputs;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.marts.ScratchFiles;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

/**
 * events + dims → the knowledge-tracing marts (docs/knowledge-tracing.md). {@link #fit} writes skill_model (the
 * model: its parameters are the published rows) and adds the fit's rows to skill_model_evaluation; {@link #score}
 * applies the current skill_model to every learner's answers up to the run date and writes learner_skill_mastery and
 * learner_next_steps. Each mart is checked against its spec before it is published.
 */
public final class SkillJob {
    private static final Logger LOG = LoggerFactory.getLogger(SkillJob.class);

    public static final DatasetRef MODEL = DatasetRef.mart(SkillMarts.MODEL.name());
    public static final DatasetRef EVALUATION = DatasetRef.mart(SkillMarts.EVALUATION.name());
    public static final DatasetRef MASTERY = DatasetRef.mart(SkillMarts.MASTERY.name());
    public static final DatasetRef NEXT_STEPS = DatasetRef.mart(SkillMarts.NEXT_STEPS.name());

    private final Warehouse warehouse;
    private final XueqingConfig config;

    public SkillJob(Warehouse warehouse, XueqingConfig config) {
        this.warehouse = warehouse;
        this.config = config;
    }

    /** True when some item of course_items has a skill: without one there is nothing to fit or score. */
    public boolean hasSkills() {
        return warehouse.exists(DatasetRef.COURSE_ITEMS) && !warehouse.read(DatasetRef.COURSE_ITEMS)
                .filter(col("skills").isNotNull().and(size(col("skills")).gt(0))).limit(1).isEmpty();
    }

    /** When the current model was fitted, or null when there is none (no skill_model, or one with no rows). */
    public Instant currentTrainedAt() {
        if (!warehouse.exists(MODEL)) {
            return null;
        }
        List<Row> r = warehouse.read(MODEL).agg(org.apache.spark.sql.functions.max("trained_at")).collectAsList();
        return r.isEmpty() || r.get(0).isNullAt(0) ? null : r.get(0).getTimestamp(0).toInstant();
    }

    /** Fits a new model as of the date: publishes skill_model and adds to skill_model_evaluation. */
    public List<MartsJob.MartResult> fit(LocalDate asOf, String runId) {
        Instant start = Instant.now();
        String version = "skills-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                .format(start);
        SparkSessions.label(warehouse.spark(), "SKILLS", "fit " + version, asOf.toString());
        MartInputs in = inputs(SkillOpportunities.INPUTS, runId);
        try {
            MartContext ctx = new MartContext(asOf, config);
            SkillTraining.Result r = SkillTraining.transform(in, ctx, version, Timestamp.from(start));
            List<MartsJob.MartResult> out = new ArrayList<>();
            out.add(publish(SkillMarts.MODEL, r.model(), runId, start));
            Instant evalStart = Instant.now();
            Dataset<Row> all = r.evaluation();
            if (warehouse.exists(EVALUATION)) {
                all = warehouse.read(EVALUATION).filter(col("model_run_id").notEqual(version)).unionByName(all);
            }
            out.add(publish(SkillMarts.EVALUATION, all, runId, evalStart));
            r.evaluation().filter(col("skill_id").equalTo(SkillMarts.ALL_SKILLS)).collectAsList().forEach(e ->
                    LOG.info("SKILLS {} {}: AUC {} RMSE {} over {} prediction(s)", version,
                            e.getString(e.fieldIndex("model")), e.get(e.fieldIndex("auc")),
                            e.get(e.fieldIndex("rmse")), e.get(e.fieldIndex("predictions"))));
            return out;
        } finally {
            in.release();
            warehouse.cleanScratch(runId);
        }
    }

    /**
     * Applies the current skill_model: publishes learner_skill_mastery and learner_next_steps. When both marts'
     * current versions were scored from exactly the inputs of this scoring ({@link #scoringInputs}: the same events,
     * items, enrolments and model, the same date and settings), they are what a scoring would write again and are
     * kept, as the other marts are.
     */
    public List<MartsJob.MartResult> score(LocalDate asOf, String runId) {
        if (!warehouse.exists(MODEL)) {
            throw new IllegalStateException("No skill_model in the warehouse: run xueqing train-skills first.");
        }
        Instant start = Instant.now();
        String inputs = scoringInputs(asOf);
        List<MartsJob.MartResult> kept = unchanged(inputs, start);
        if (kept != null) {
            kept.forEach(r -> LOG.info("SKILLS {} as of {}: {} row(s), {}", r.name(), asOf, r.rows(),
                    MartsJob.UNCHANGED));
            return kept;
        }
        SparkSessions.label(warehouse.spark(), "SKILLS", "score", asOf.toString());
        MartInputs in = inputs(SkillScoring.INPUTS, runId);
        try {
            MartContext ctx = new MartContext(asOf, config);
            Dataset<Row> model = in.derivedCached("skill-model", () -> warehouse.read(MODEL));
            Dataset<Row> mastery = in.derivedCached("learner-skill-mastery:" + asOf,
                    () -> SkillScoring.mastery(in, ctx, model));
            List<MartsJob.MartResult> out = new ArrayList<>();
            out.add(publish(SkillMarts.MASTERY, mastery, runId, start, inputs));
            Instant nextStart = Instant.now();
            out.add(publish(SkillMarts.NEXT_STEPS, SkillScoring.nextSteps(in, ctx, model, mastery), runId,
                    nextStart, inputs));
            return out;
        } finally {
            in.release();
            warehouse.cleanScratch(runId);
        }
    }

    /** The note kept beside each scored mart's version: the inputs it was scored from and its rows. */
    static final String NOTE = "build.json";
    private static final List<MartSpec> SCORED = List.of(SkillMarts.MASTERY, SkillMarts.NEXT_STEPS);

    /**
     * What the scored marts are a function of, named ({@link BuildInputs}): the datasets scoring reads (with the
     * model) and those its expectations check against, the date, the whole typed config (thresholds, prerequisites,
     * language of the reasons), the marts' columns and Xueqing's version. Null when a dataset has no state to name.
     */
    String scoringInputs(LocalDate asOf) {
        Set<DatasetRef> refs = new LinkedHashSet<>(SkillScoring.INPUTS);
        refs.add(MODEL);
        StringBuilder s = new StringBuilder("skills-score|asOf=").append(asOf);
        for (MartSpec spec : SCORED) {
            s.append('|').append(spec.name());
            spec.columns().forEach(c -> s.append(',').append(c.name()).append(':').append(c.type().simpleString()));
            spec.allExpectations().stream()
                    .filter(e -> e instanceof dev.xueqing.common.schema.Expectation.References)
                    .forEach(e -> refs.add(((dev.xueqing.common.schema.Expectation.References) e).ref()));
        }
        String states = BuildInputs.states(warehouse, refs);
        if (states == null) {
            return null;
        }
        String version = SkillJob.class.getPackage().getImplementationVersion();
        return BuildInputs.sha256(s.append("|config=").append(BuildInputs.canonical(config))
                .append("|version=").append(version == null ? "dev" : version).append(states).toString());
    }

    /** The kept results when both scored marts' current versions were scored from these inputs, or null. */
    private List<MartsJob.MartResult> unchanged(String inputs, Instant start) {
        List<MartsJob.MartResult> out = new ArrayList<>();
        for (MartSpec spec : SCORED) {
            long kept = BuildInputs.keptRows(warehouse, DatasetRef.mart(spec.name()), NOTE, inputs);
            if (kept < 0) {
                return null;
            }
            out.add(new MartsJob.MartResult(spec.name(), kept, Duration.between(start, Instant.now()), null,
                    MartsJob.UNCHANGED));
        }
        return out;
    }

    private MartInputs inputs(List<DatasetRef> refs, String runId) {
        Set<DatasetRef> needed = new LinkedHashSet<>(refs);
        Map<DatasetRef, Dataset<Row>> m = new HashMap<>();
        for (DatasetRef ref : needed) {
            m.put(ref, warehouse.read(ref));
        }
        return new MartInputs(m, new ScratchFiles(warehouse, runId));
    }

    private MartsJob.MartResult publish(MartSpec spec, Dataset<Row> rows, String runId, Instant start) {
        return publish(spec, rows, runId, start, null);
    }

    /** Checks and publishes; with inputs, keeps the note that names them beside the new version. */
    private MartsJob.MartResult publish(MartSpec spec, Dataset<Row> rows, String runId, Instant start,
                                        String inputs) {
        Dataset<Row> checked = rows.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            ExpectationChecker.require(spec, checked, warehouse::read);
            DatasetRef ref = DatasetRef.mart(spec.name());
            long n = warehouse.publish(ref, checked, runId);
            if (inputs != null) {
                warehouse.writeVersionNote(ref, NOTE, BuildInputs.note(inputs, n));
            }
            Duration took = Duration.between(start, Instant.now());
            LOG.info("SKILLS {} as of run {}: {} row(s) in {} ms", spec.name(), runId, n, took.toMillis());
            return new MartsJob.MartResult(spec.name(), n, took, null);
        } finally {
            checked.unpersist();
        }
    }
}
