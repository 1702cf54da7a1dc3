package dev.xueqing.jobs.ml.risk;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.marts.MartFrames;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.*;

/**
 * events + dims → risk models (train) and learner_risk_scores (score); docs/risk.md.
 *
 * <p>Train: for each N in xueqing.risk.weeks, features of every enrolment, labelled rows split by course run
 * ({@link RiskSplit}); both models are fitted on the training runs without the validation run, and of the three types
 * (logistic, gbt, their blend) the one with the highest validation AUC is chosen; both are refitted on all training
 * runs and the three evaluated on the test runs; what the chosen type needs (always the logistic model, which
 * explains) is saved under {@code <model-dir>/<version>/weeks=N}, and
 * {@code <model-dir>/CURRENT} names the version. Score: with the current version, each course run uses the largest
 * trained N that has elapsed by the run date.
 */
public final class RiskJob {
    private static final Logger LOG = LoggerFactory.getLogger(RiskJob.class);
    public static final String CURRENT = "CURRENT";

    private final Warehouse warehouse;
    private final XueqingConfig config;

    public RiskJob(Warehouse warehouse, XueqingConfig config) {
        this.warehouse = warehouse;
        this.config = config;
    }

    /** One training run's outcome. */
    public record TrainResult(String version, Dataset<Row> evaluation, Map<Integer, Double> testAuc) {}

    public Path modelRoot() {
        Path p = new Path(config.risk().modelDir());
        return p.isAbsolute() || p.toUri().getScheme() != null ? p : new Path(warehouse.root(), p);
    }

    /** Features of every enrolment for N weeks, from the warehouse, with events up to asOf. */
    public Dataset<Row> features(int weeks, LocalDate asOf) {
        return RiskFeatures.build(
                warehouse.read(DatasetRef.EVENTS).filter(col("event_date").leq(lit(java.sql.Date.valueOf(asOf)))),
                warehouse.read(DatasetRef.ENROLLMENTS), warehouse.read(DatasetRef.COURSES),
                warehouse.read(DatasetRef.LEARNERS), warehouse.read(DatasetRef.COURSE_ITEMS), weeks,
                config.timezone(), config.activity().idleCutoffMinutes(), config.risk().runPattern());
    }

    public TrainResult train(LocalDate asOf, String runId) throws IOException {
        XueqingConfig.Risk risk = config.risk();
        SparkSession spark = warehouse.spark();
        String version = "risk-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path dir = new Path(modelRoot(), version);
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        List<Row> rows = new ArrayList<>();
        Map<Integer, Double> aucs = new TreeMap<>();
        for (int weeks : risk.weeks()) {
            SparkSessions.label(spark, "RISK", "train weeks=" + weeks, asOf.toString());
            Dataset<Row> labelled = features(weeks, asOf).filter(col("label").isNotNull())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            List<String> runs = labelled.select("run_key").distinct().as(org.apache.spark.sql.Encoders.STRING())
                    .collectAsList();
            RiskSplit split = RiskSplit.of(runs, risk.testRuns(), risk.trainRuns(), risk.testRunList());
            Dataset<Row> train = labelled.filter(col("run_key").isin(split.train().toArray()));
            Dataset<Row> test = labelled.filter(col("run_key").isin(split.test().toArray()));
            Dataset<Row> fitRows;
            Dataset<Row> validRows;
            if (split.validation().isEmpty()) {
                Dataset<Row>[] parts = train.randomSplit(new double[] {0.8, 0.2}, risk.seed());
                fitRows = parts[0];
                validRows = parts[1];
            } else {
                fitRows = train.filter(col("run_key").isin(split.fit().toArray()));
                validRows = train.filter(col("run_key").isin(split.validation().toArray()));
            }
            // each type's validation AUC: the two models fitted without the validation run, the blend their mean
            PipelineModel validLogistic = fit(RiskModels.LOGISTIC, fitRows);
            PipelineModel validGbt = fit(RiskModels.GBT, fitRows);
            Map<String, Double> validationAuc = new TreeMap<>();
            for (String type : RiskModels.TYPES) {
                validationAuc.put(type, RiskModels.auc(RiskModels.predict(type, validLogistic, validGbt, validRows)));
            }
            String chosen = RiskModels.choose(validationAuc);
            long trainRows = train.count();
            PipelineModel logistic = fit(RiskModels.LOGISTIC, train);
            PipelineModel gbt = fit(RiskModels.GBT, train);
            for (String type : RiskModels.TYPES) {
                RiskModels.Metrics t = RiskModels.evaluate(RiskModels.predict(type, logistic, gbt, test),
                        risk.alertThreshold());
                LOG.info("RISK weeks={} {}: train {} row(s) on {}, test {} row(s) on {}: AUC {} (validation {}), "
                                + "Brier {}, ECE {}{}", weeks, type, trainRows, split.train(), t.rows(), split.test(),
                        round(t.auc()), round(validationAuc.get(type)), round(t.brier()), round(t.ece()),
                        type.equals(chosen) ? " chosen" : "");
                if (type.equals(chosen)) {
                    aucs.put(weeks, t.auc());
                }
                List<Row> cal = t.calibration().stream().map(c -> RowFactory.create(c.getInt(0), c.getLong(1),
                        c.isNullAt(2) ? null : c.getDouble(2), c.isNullAt(3) ? null : c.getDouble(3))).toList();
                rows.add(RowFactory.create(version, null, weeks, type,
                        scala(split.train()), scala(split.validation()), scala(split.test()), trainRows, t.rows(),
                        t.positiveRate(), validationAuc.get(type), t.auc(), risk.alertThreshold(), t.precision(),
                        t.recall(), scala(cal), t.brier(), t.ece(), type.equals(chosen)));
            }
            RiskModels.save(fs, new Path(dir, "weeks=" + weeks), logistic, gbt,
                    new RiskModels.Saved(version, Instant.now().toString(), weeks, chosen, RiskFeatures.FEATURES,
                            split.train(), split.test(), aucs.get(weeks)));
            labelled.unpersist();
        }
        try (FSDataOutputStream out = fs.create(new Path(modelRoot(), CURRENT), true)) {
            out.write(version.getBytes(StandardCharsets.UTF_8));
        }
        Timestamp at = Timestamp.from(Instant.now());
        List<Row> stamped = rows.stream().map(r -> {
            Object[] v = new Object[r.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = i == 1 ? at : r.get(i);
            }
            return RowFactory.create(v);
        }).toList();
        Dataset<Row> eval = spark.createDataFrame(stamped, RiskMarts.EVALUATION.schema());
        DatasetRef ref = DatasetRef.mart(RiskMarts.EVALUATION.name());
        Dataset<Row> all = eval;
        if (warehouse.exists(ref)) {
            // rows of older versions may lack later columns (brier, ece): they stay, with nulls
            all = warehouse.read(ref).filter(col("model_run_id").notEqual(version)).unionByName(eval, true);
        }
        all = MartFrames.conform(all, RiskMarts.EVALUATION).localCheckpoint();
        ExpectationChecker.require(RiskMarts.EVALUATION, all, warehouse::read);
        warehouse.publish(ref, all, runId);
        LOG.info("RISK trained {}: test AUC by N {}", version, aucs);
        return new TrainResult(version, eval, aucs);
    }

    private PipelineModel fit(String type, Dataset<Row> rows) {
        return RiskModels.fit(type, rows, config.risk().gbtIterations(), config.risk().gbtMaxDepth(),
                config.risk().seed());
    }

    /** The current model version, or null when none was trained. */
    public String currentVersion() throws IOException {
        Path p = new Path(modelRoot(), CURRENT);
        FileSystem fs = p.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
        if (!fs.exists(p)) {
            return null;
        }
        try (var in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    /**
     * When the current model set was trained, or null when none: the earliest {@code trained_at} in the
     * {@code metadata.json} of its weeks=N models. File modification times are not used: a copied or restored model
     * folder gets new ones, and object stores often report none for folders (every model would look stale or fresh).
     * Falls back to them only when no metadata.json can be read.
     */
    public Instant currentTrainedAt() throws IOException {
        String v = currentVersion();
        if (v == null) {
            return null;
        }
        Path p = new Path(modelRoot(), v);
        FileSystem fs = p.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
        Instant earliest = null;
        Instant latestModified = null;
        for (var st : fs.listStatus(p)) {
            Instant m = Instant.ofEpochMilli(st.getModificationTime());
            latestModified = latestModified == null || m.isAfter(latestModified) ? m : latestModified;
            Path meta = new Path(st.getPath(), "metadata.json");
            if (!st.getPath().getName().startsWith("weeks=") || !fs.exists(meta)) {
                continue;
            }
            Instant t = RiskModels.trainedAt(fs, meta);
            if (t != null) {
                earliest = earliest == null || t.isBefore(earliest) ? t : earliest;
            }
        }
        if (earliest == null) {
            LOG.warn("RISK model {} has no readable trained_at in its metadata.json: using the folder's modification "
                    + "time", p);
            return latestModified;
        }
        return earliest;
    }

    /** Scores with the current model into learner_risk_scores; returns rows written. */
    public long score(LocalDate asOf, String runId) throws IOException {
        String version = currentVersion();
        if (version == null) {
            throw new IllegalStateException("No risk model in " + modelRoot() + ": run xueqing train-risk first.");
        }
        Path dir = new Path(modelRoot(), version);
        FileSystem fs = dir.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
        Map<Integer, RiskModels.Loaded> models = new TreeMap<>();
        for (var st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (name.startsWith("weeks=")) {
                models.put(Integer.parseInt(name.substring(6)),
                        RiskModels.load(fs, st.getPath(), RiskFeatures.FEATURES));
            }
        }
        if (models.isEmpty()) {
            throw new IllegalStateException("The risk model " + dir + " holds no weeks=N model: retrain.");
        }
        Dataset<Row> scored = transformScores(models, asOf);
        scored = MartFrames.conform(scored, RiskMarts.SCORES).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            ExpectationChecker.require(RiskMarts.SCORES, scored, warehouse::read);
            long n = warehouse.publish(DatasetRef.mart(RiskMarts.SCORES.name()), scored, runId);
            // the day's bands join the history, so that later marts know who was at risk at a week's start
            warehouse.publishPartitions(DatasetRef.RISK_HISTORY, scored.select("learner_key", "course_id", "band",
                    "probability", "as_of"), List.of(asOf.toString()), runId);
            LOG.info("RISK scores as of {} with {}: {} row(s)", asOf, version, n);
            return n;
        } finally {
            scored.unpersist();
        }
    }

    /**
     * learner_risk_scores rows: each course run with the largest trained N whose cutoff (start + 7N days) is on or
     * before the day after asOf.
     */
    public Dataset<Row> transformScores(Map<Integer, RiskModels.Loaded> models, LocalDate asOf) {
        XueqingConfig.Risk risk = config.risk();
        Dataset<Row> courses = warehouse.read(DatasetRef.COURSES)
                .withColumn("_elapsed_weeks", floor(datediff(lit(java.sql.Date.valueOf(asOf.plusDays(1))),
                        col("start_date")).divide(7)));
        Dataset<Row> out = null;
        List<Integer> ns = new ArrayList<>(models.keySet());
        for (int i = 0; i < ns.size(); i++) {
            int weeks = ns.get(i);
            Integer next = i + 1 < ns.size() ? ns.get(i + 1) : null;
            var cond = col("_elapsed_weeks").geq(weeks);
            if (next != null) {
                cond = cond.and(col("_elapsed_weeks").lt(next));
            }
            Dataset<Row> runs = courses.filter(cond).select("course_id");
            RiskModels.Loaded m = models.get(weeks);
            Dataset<Row> f = features(weeks, asOf).join(runs, "course_id");
            Dataset<Row> p = RiskExplanations.explain(m.predict(f), m.logistic(), weeks)
                    .join(warehouse.read(DatasetRef.ENROLLMENTS).select("learner_key", "course_id", "outcome"),
                            new String[] {"learner_key", "course_id"}, "left")
                    .select(col("learner_key"), col("course_id"), lit(java.sql.Date.valueOf(asOf)).as("as_of"),
                            lit(weeks).as("weeks"), lit(m.meta().version()).as("model_version"),
                            lit(m.meta().chosenType()).as("model_type"), col("probability_risk").as("probability"),
                            when(col("probability_risk").geq(risk.highMin()), "high")
                                    .when(col("probability_risk").geq(risk.mediumMin()), "medium").otherwise("low")
                                    .as("band"),
                            col("top_features"), col("explanations"), col("outcome"));
            out = out == null ? p : out.unionByName(p);
        }
        return out;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static <T> scala.collection.immutable.Seq<T> scala(List<T> xs) {
        return scala.jdk.javaapi.CollectionConverters.asScala(xs).toList();
    }
}
