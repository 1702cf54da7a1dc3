package dev.xueqing.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.marts.LearnerDays;
import dev.xueqing.jobs.marts.MartsJob;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code bin/bench}: generates xAPI input once (or takes a folder), then measures in one JVM: ingest, each mart,
 * the whole nightly on a fresh warehouse, and the same ingest plus learner_daily_activity in DuckDB; first, in a JVM
 * of its own, the sample nightly a newcomer runs ({@link SmallNightly}); on request, the incremental day. Reports
 * events per second, the JVM heap peak and the process's peak RSS per phase, and the number and size of output
 * files; writes a JSON result and prints a table, with issue 15's targets judged on what was measured
 * ({@link Targets}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Xueqing on generated xAPI data, against DuckDB doing the same ingest and daily mart.")
public final class Bench implements Callable<Integer> {
    @Option(names = "--events", description = "Approximate statements to generate (default: ${DEFAULT-VALUE}).")
    long events = 1_000_000;

    @Option(names = "--input", paramLabel = "DIR", description = "Use these xAPI files instead of generating.")
    Path input;

    @Option(names = "--work", paramLabel = "DIR", description = "Work folder (default: ${DEFAULT-VALUE}).")
    Path work = Path.of("target/bench");

    @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default: <work>/result.json).")
    Path out;

    @Option(names = "--seed", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Option(names = "--no-duckdb", description = "Skip the DuckDB reference.")
    boolean noDuckDb;

    @Option(names = "--no-nightly", description = "Skip the whole-nightly phase.")
    boolean noNightly;

    @Option(names = "--no-small", description = "Skip the small nightly: `xueqing nightly` over data-samples/ in a "
            + "fresh JVM (needs XUEQING_HOME, which bin/bench sets).")
    boolean noSmall;

    @Option(names = "--skills-answers", paramLabel = "N", description = "Also measure knowledge tracing on N first "
            + "answers simulated from BKT (docs/knowledge-tracing.md); 0 skips it (default: ${DEFAULT-VALUE}).")
    long skillsAnswers = 0;

    @Option(names = "--skills", paramLabel = "S", description = "Skills of the knowledge-tracing phase "
            + "(default: ${DEFAULT-VALUE}); each learner answers 10 questions per skill.")
    int skills = 100;

    @Option(names = "--incremental", description = "Also measure the incremental day: a nightly over the input's "
            + "history, then a nightly that brings one more day in (docs/performance.md).")
    boolean incremental;

    @Option(names = "--only-incremental", description = "Measure the incremental day only (no steps, whole nightly "
            + "or DuckDB).")
    boolean onlyIncremental;

    @Option(names = "--growth", split = ",", paramLabel = "N[,N...]", description = "Measure the incremental day "
            + "over generated inputs of these sizes (statements), one after the other, and print the growth table. "
            + "Alone, only that; with --incremental, after the whole run (whose own size is one of the rows).")
    List<Long> growth = List.of();

    @Option(names = "--only-skills", description = "Measure knowledge tracing only (no ingest, marts or DuckDB).")
    boolean onlySkills;

    /**
     * One measured phase. {@code cpuSeconds} is the CPU time of the whole process during the phase (all threads,
     * DuckDB's native ones included), or null for a part of a phase: unlike the wall time it does not grow when
     * something else runs on the machine, and cpuSeconds / seconds is the number of cores the phase kept busy.
     */
    record Phase(String name, double seconds, Double cpuSeconds, Long records, Double recordsPerSecond,
                 long heapPeakBytes, long rssPeakBytes, Integer files, Long bytes) {}

    private final List<Phase> phases = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        if (onlySkills) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("cores", Runtime.getRuntime().availableProcessors());
            result.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            knowledgeTracing(ConfigLoader.load(null, List.of(), System.getenv()), result);
            return finish(result);
        }
        if (!growth.isEmpty() && !incremental) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("cores", Runtime.getRuntime().availableProcessors());
            result.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            XueqingConfig base = ConfigLoader.load(null, List.of(), System.getenv());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (long n : growth) {
                rows.add(incrementalDay(generate(n), base));
            }
            result.put("incremental_growth", rows);
            return finish(result);
        }
        Path data = input != null ? input : generate(events);
        if (onlyIncremental) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("input", data.toAbsolutePath().toString());
            result.put("cores", Runtime.getRuntime().availableProcessors());
            result.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            result.put("incremental_growth", List.of(incrementalDay(data,
                    ConfigLoader.load(null, List.of(), System.getenv()))));
            return finish(result);
        }
        long inputBytes = sizeOf(data, "");
        XueqingConfig base = ConfigLoader.load(null, List.of(), System.getenv());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", data.toAbsolutePath().toString());
        result.put("input_bytes", inputBytes);
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        result.put("spark_master", base.spark().master());

        // 0. the small case: the README's nightly over data-samples/ in a fresh JVM
        if (!noSmall) {
            smallNightly(result);
        }

        // 1. ingest into a fresh warehouse, 2. every mart on it
        Path wh1 = clean(work.resolve("warehouse-steps"));
        // one mart at a time in this phase, so that each mart's time is its own; the nightly and the incremental day
        // below build them as an operator's run does (xueqing.spark.concurrent-marts)
        XueqingConfig stepConfig = ConfigLoader.load(null, List.of("warehouse=" + wh1, "spark.concurrent-marts=1"),
                System.getenv());
        long accepted;
        LocalDate asOf;
        double dailySeconds = 0;
        double ingestSeconds;
        try (Pipeline p = new Pipeline(stepConfig, System.getenv())) {
            Meter m = Meter.start();
            Pipeline.Summary s = p.ingest("xapi", List.of(data.toString()), null, null);
            var r = s.ingests().get(0).result();
            accepted = r.accepted();
            result.put("statements_read", r.read());
            result.put("events_accepted", accepted);
            result.put("duplicates", r.duplicates());
            result.put("quarantined", r.quarantinedByReason().values().stream().mapToLong(Long::longValue).sum());
            Path events = wh1.resolve("events").resolve(dev.xueqing.common.io.DeltaTables.CURRENT_LINK);
            Phase ingested = m.stop("ingest (incl. dims)", r.read(), filesOf(events), sizeOf(events, ".parquet"));
            phases.add(ingested);
            ingestSeconds = ingested.seconds();
            result.put("ingest_statements_per_second", round(ingested.recordsPerSecond()));
            List<String> days = p.warehouse().partitionValues(DatasetRef.EVENTS);
            asOf = LocalDate.parse(days.get(days.size() - 1));
            Meter mm = Meter.start();
            Instant martsStarted = Instant.now();
            Pipeline.Summary marts = p.marts(asOf, List.of());
            Phase all = mm.stop("all marts", accepted, null, null);
            // the per-day fact the activity marts read is built first, before any mart, and is not a mart's result:
            // from the start of the build to its commit (it also fills the events cache the marts share). The daily
            // mart's comparable time is the fact's plus its own.
            Instant factCommitted = p.warehouse().committedAt(LearnerDays.REF);
            double factSeconds = factCommitted == null || factCommitted.isBefore(martsStarted) ? 0
                    : Duration.between(martsStarted, factCommitted).toMillis() / 1000.0;
            Path factDir = wh1.resolve(LearnerDays.REF.relative()).resolve("current");
            phases.add(new Phase("mart " + LearnerDays.REF.name() + " (the per-day fact, built first)", factSeconds,
                    null, null, null, 0, 0, filesOf(factDir), sizeOf(factDir, ".parquet")));
            for (MartsJob.MartResult mr : marts.marts()) {
                Path dir = wh1.resolve("marts").resolve(mr.name()).resolve("current");
                phases.add(new Phase("mart " + mr.name() + (mr.ok() ? "" : " FAILED"), mr.took().toMillis() / 1000.0,
                        null, mr.rows(), null, 0, 0, filesOf(dir), sizeOf(dir, ".parquet")));
                if (mr.name().equals("learner_daily_activity")) {
                    dailySeconds = factSeconds + mr.took().toMillis() / 1000.0;
                }
            }
            phases.add(all);
        }
        result.put("as_of", asOf.toString());

        // 3. the whole nightly on a fresh warehouse
        if (!noNightly) {
            Path wh2 = clean(work.resolve("warehouse-nightly"));
            // the report is measured as its own phase below, not inside the nightly's time
            XueqingConfig nightly = ConfigLoader.load(null, List.of("warehouse=" + wh2,
                    "inputs=[{format=xapi,paths=[\"" + data.toAbsolutePath() + "\"]}]", "report.enabled=false"),
                    System.getenv());
            try (Pipeline p = new Pipeline(nightly, System.getenv())) {
                Meter m = Meter.start();
                Pipeline.Summary s = p.nightly(asOf);
                Phase whole = m.stop("nightly (ingest, dims, " + s.marts().size() + " marts)", accepted,
                        filesOf(wh2), sizeOf(wh2, ".parquet"));
                phases.add(whole);
                if (s.failed()) {
                    result.put("nightly_failed", s.problem() != null ? s.problem() : s.marts().stream()
                            .filter(x -> !x.ok()).map(x -> x.name() + ": " + x.error()).toList().toString());
                } else {
                    result.put("nightly_seconds", round(whole.seconds()));
                }
                // 3b. the supervisor's report over those marts
                Meter r = Meter.start();
                dev.xueqing.jobs.report.ReportJob.Result report = new dev.xueqing.jobs.report.ReportJob(
                        p.warehouse(), nightly).run(new dev.xueqing.jobs.report.ReportJob.Options(asOf, null, null,
                        List.of()));
                long largest = report.pages().stream().mapToLong(dev.xueqing.jobs.report.ReportJob.PageSize::bytes)
                        .max().orElse(0);
                phases.add(r.stop("report (" + report.pages().size() + " pages, largest " + largest / 1024
                        + " KiB)", accepted, report.pages().size(), sizeOf(report.folder(), ".html")));
            }
        }

        // 4. DuckDB doing the same ingest and daily mart
        double sparkComparable = ingestSeconds + dailySeconds;
        result.put("spark_ingest_plus_daily_seconds", round(sparkComparable));
        if (!noDuckDb) {
            Meter m = Meter.start();
            DuckDbReference.Result d = DuckDbReference.run(data, clean(work.resolve("duckdb")), base.xapi().verbs(),
                    base.timezone().getId(), base.activity().idleCutoffMinutes());
            Phase whole = m.stop("duckdb ingest + learner_daily_activity", d.events(), null, null);
            phases.add(new Phase("duckdb ingest", d.ingest().toMillis() / 1000.0, null, d.events(),
                    d.events() / Math.max(0.001, d.ingest().toMillis() / 1000.0), 0, 0,
                    filesOf(work.resolve("duckdb/events")), sizeOf(work.resolve("duckdb/events"), ".parquet")));
            phases.add(new Phase("duckdb learner_daily_activity", d.daily().toMillis() / 1000.0, null, d.dailyRows(),
                    null,
                    0, 0, 1, sizeOf(work.resolve("duckdb"), "learner_daily_activity.parquet")));
            phases.add(whole);
            result.put("duckdb_events", d.events());
            result.put("duckdb_ingest_plus_daily_seconds", round(d.total().toMillis() / 1000.0));
            result.put("spark_to_duckdb_time_ratio", round(sparkComparable / (d.total().toMillis() / 1000.0)));
        }
        if (incremental) {
            List<Map<String, Object>> rows = new ArrayList<>();
            rows.add(incrementalDay(data, base));
            for (long n : growth) {
                if (input != null || n != events) {
                    rows.add(incrementalDay(generate(n), base));
                }
            }
            rows.sort(java.util.Comparator.comparingLong(r -> ((Number) r.get("history_statements")).longValue()));
            result.put("incremental_growth", rows);
        }
        if (skillsAnswers > 0) {
            knowledgeTracing(base, result);
        }
        return finish(result);
    }

    /**
     * The incremental day on {@code data}: cut into a history and one more day ({@link DaySplit}), a nightly over
     * the history into a fresh warehouse (as of the day before), then a nightly that reads the history's folder and
     * the day's (as of the day): its ingest reads only the day's file, the rest is what the pipeline does with one
     * more day in a warehouse that holds the history. Each nightly runs in its own {@link Pipeline}, as two nightly
     * commands would; the report is off in both, as in the whole-nightly phase.
     */
    private Map<String, Object> incrementalDay(Path data, XueqingConfig base) throws Exception {
        DaySplit.Result split = new DaySplit(base.timezone()).split(data,
                work.resolve("split-" + data.getFileName()));
        Path wh = clean(work.resolve("warehouse-incremental"));
        List<String> history = List.of("warehouse=" + wh, "report.enabled=false",
                "inputs=[{format=xapi,paths=[\"" + split.history().toAbsolutePath() + "\"]}]");
        List<String> withDay = List.of("warehouse=" + wh, "report.enabled=false",
                "inputs=[{format=xapi,paths=[\"" + split.history().toAbsolutePath() + "\",\""
                        + split.day().toAbsolutePath() + "\"]}]");
        Phase full;
        try (Pipeline p = new Pipeline(ConfigLoader.load(null, history, System.getenv()), System.getenv())) {
            Meter m = Meter.start();
            Pipeline.Summary s = p.nightly(split.date().minusDays(1));
            full = m.stop(String.format(Locale.ROOT, "incremental day: first nightly, %,d statements",
                    split.historyLines()), split.historyLines(), filesOf(wh), sizeOf(wh, ".parquet"));
            requireOk(s, "the history's nightly");
        }
        phases.add(full);
        Phase day;
        try (Pipeline p = new Pipeline(ConfigLoader.load(null, withDay, System.getenv()), System.getenv())) {
            Meter m = Meter.start();
            Pipeline.Summary s = p.nightly(split.date());
            day = m.stop(String.format(Locale.ROOT, "incremental day: %s, %,d more", split.date(),
                    split.dayLines()), split.dayLines(), filesOf(wh), sizeOf(wh, ".parquet"));
            requireOk(s, "the incremental day's nightly");
        }
        phases.add(day);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("input", data.toAbsolutePath().toString());
        row.put("history_statements", split.historyLines());
        row.put("day", split.date().toString());
        row.put("day_statements", split.dayLines());
        row.put("later_statements_left_out", split.laterLines());
        row.put("first_nightly_seconds", round(full.seconds()));
        row.put("incremental_day_seconds", round(day.seconds()));
        row.put("incremental_to_first_ratio", round(day.seconds() / full.seconds()));
        return row;
    }

    private static void requireOk(Pipeline.Summary s, String what) {
        if (s.failed()) {
            throw new IllegalStateException(what + " failed: " + (s.problem() != null ? s.problem()
                    : s.marts().stream().filter(m -> !m.ok()).map(m -> m.name() + ": " + m.error()).toList()));
        }
    }

    /**
     * Knowledge tracing on {@link #skillsAnswers} first answers simulated from BKT over {@link #skills} skills: the
     * fit of every skill (the model), then the fit with the k-fold evaluation of BKT, PFA and the floor (what a
     * training run does), and how far the fitted parameters are from the truth.
     */
    private void knowledgeTracing(XueqingConfig base, Map<String, Object> result) throws Exception {
        Path wh = clean(work.resolve("warehouse-skills"));
        XueqingConfig config = ConfigLoader.load(null, List.of("warehouse=" + wh), System.getenv());
        try (Pipeline p = new Pipeline(config, System.getenv())) {
            org.apache.spark.sql.SparkSession spark = p.warehouse().spark();
            var settings = config.skills();
            var opportunities = dev.xueqing.jobs.ml.skills.SimulatedAnswers.opportunities(spark, skillsAnswers,
                    skills, 10, seed).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            long n = opportunities.count();
            result.put("skills_answers", n);
            result.put("skills", skills);
            Meter m = Meter.start();
            List<org.apache.spark.sql.Row> fits = dev.xueqing.jobs.ml.skills.SkillTraining.fit(
                    opportunities.withColumn("fold", dev.xueqing.jobs.ml.skills.SkillTraining.fold(settings)),
                    settings).drop("predictions").collectAsList();
            phases.add(m.stop("knowledge tracing: BKT fit with " + settings.folds() + "-fold predictions ("
                    + skills + " skills)", n, null, null));
            double[] err = new double[4];
            for (org.apache.spark.sql.Row r : fits) {
                var truth = dev.xueqing.jobs.ml.skills.SimulatedAnswers.truth(seed,
                        Integer.parseInt(r.getString(1).substring("skill-".length())));
                err[0] += Math.abs(r.<Double>getAs("prior") - truth.prior());
                err[1] += Math.abs(r.<Double>getAs("learn") - truth.learn());
                err[2] += Math.abs(r.<Double>getAs("guess") - truth.guess());
                err[3] += Math.abs(r.<Double>getAs("slip") - truth.slip());
            }
            Map<String, Object> error = new LinkedHashMap<>();
            String[] names = {"prior", "learn", "guess", "slip"};
            for (int i = 0; i < names.length; i++) {
                error.put(names[i], round(err[i] / fits.size()));
            }
            result.put("skills_mean_abs_error", error);
            Meter e = Meter.start();
            var fit = dev.xueqing.jobs.ml.skills.SkillTraining.fromOpportunities(opportunities, settings, "bench",
                    java.sql.Timestamp.from(Instant.now()),
                    dev.xueqing.jobs.marts.MartInputs.Materialiser.CACHE);
            List<org.apache.spark.sql.Row> overall = fit.evaluation()
                    .filter(org.apache.spark.sql.functions.col("skill_id").equalTo("*")).collectAsList();
            phases.add(e.stop("knowledge tracing: fit + evaluation with PFA (" + skills + " skills)", n, null, null));
            Map<String, Object> auc = new LinkedHashMap<>();
            overall.forEach(r -> auc.put(r.getString(r.fieldIndex("model")), round(r.getDouble(r.fieldIndex("auc")))));
            result.put("skills_auc", auc);
            opportunities.unpersist();
        }
    }

    /**
     * The small nightly ({@link SmallNightly}) into {@code <work>/warehouse-small}, as a phase and as
     * {@code small_nightly} in the result; skipped, with the reason in the result, when there is no project home.
     */
    private void smallNightly(Map<String, Object> result) throws Exception {
        String homeVar = System.getenv("XUEQING_HOME");
        Path home = homeVar == null || homeVar.isBlank() ? null : Path.of(homeVar);
        if (SmallNightly.samples(home) == null) {
            result.put("small_nightly", "skipped: no data-samples/ under XUEQING_HOME (" + homeVar + ")");
            System.out.println("The small nightly is skipped: no data-samples/ under XUEQING_HOME (" + homeVar + ")");
            return;
        }
        Path wh = clean(work.resolve("warehouse-small"));
        SmallNightly.Result r = SmallNightly.run(home, wh, work.resolve("small-nightly.log"), System.getenv());
        Map<String, Object> small = new LinkedHashMap<>();
        small.put("time_taken_seconds", r.timeTakenSeconds());
        small.put("command_seconds", round(r.commandSeconds()));
        small.put("log", r.log().toAbsolutePath().toString());
        result.put("small_nightly", small);
        phases.add(new Phase(String.format(Locale.ROOT, "small nightly: data-samples/, fresh JVM (Time taken %.1f s)",
                r.timeTakenSeconds()), r.commandSeconds(), null, null, null, 0, 0, filesOf(wh),
                sizeOf(wh, ".parquet")));
    }

    private int finish(Map<String, Object> result) throws java.io.IOException {
        result.put("phases", phases);
        if (!onlySkills) {
            result.put("targets", Targets.judge(result));
        }

        Path json = out != null ? out : work.resolve("result.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
        System.out.println(table(result));
        System.out.println("Result: " + json.toAbsolutePath());
        return 0;
    }

    /** Calls {@code xueqing generate} with a shape that gives about {@code events} statements. */
    private Path generate(long events) {
        Path dir = work.resolve("input-" + events + "-" + seed);
        if (Files.isDirectory(dir) && Files.exists(dir.resolve("_SUCCESS"))) {
            System.out.println("Using the input generated before: " + dir);
            return dir;
        }
        int weeks = 16;
        int perWeek = 10;
        int courses = 20;
        long learners = Math.max(20, events / (weeks * perWeek));
        String[] args = {"generate", "--learners", Long.toString(learners), "--courses", Integer.toString(courses),
                "--weeks", Integer.toString(weeks), "--events-per-learner-week", Integer.toString(perWeek),
                "--format", "xapi", "--seed", Long.toString(seed), "--out", dir.toString(),
                // ingest reads one file per task: at least 16 files keep every core busy
                "--lines-per-file", Long.toString(Math.max(50_000, events / 16))};
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        Instant t = Instant.now();
        int code = XueqingCli.execute(args, System.getenv(), new PrintWriter(o), new PrintWriter(e));
        if (code != 0) {
            throw new IllegalStateException("xueqing " + String.join(" ", args) + " failed (" + code + "): " + e + o);
        }
        System.out.printf(Locale.ROOT, "Generated %s in %.1f s%n", dir, Duration.between(t, Instant.now()).toMillis() / 1000.0);
        try {
            Files.createFile(dir.resolve("_SUCCESS"));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return dir;
    }

    static String table(Map<String, Object> result) {
        StringBuilder b = new StringBuilder();
        if (result.get("statements_read") != null) {
            b.append(String.format(Locale.ROOT, "%nInput: %s (%,d bytes), %,d statements read, %,d events%n",
                    result.get("input"), result.get("input_bytes"), result.get("statements_read"),
                    result.get("events_accepted")));
        } else if (result.get("skills_answers") != null) {
            b.append(String.format(Locale.ROOT, "%nInput: %,d first answers simulated from BKT over %d skills"
                    + " (mean absolute error of the fit %s; cross-validated AUC %s)%n", result.get("skills_answers"),
                    result.get("skills"), result.get("skills_mean_abs_error"), result.get("skills_auc")));
        }
        b.append(String.format(Locale.ROOT, "%-52s %9s %9s %12s %12s %10s %10s %7s %12s%n", "phase", "seconds",
                "CPU s", "records", "records/s", "heap MiB", "RSS MiB", "files", "bytes"));
        @SuppressWarnings("unchecked")
        List<Phase> ps = (List<Phase>) result.get("phases");
        for (Phase p : ps) {
            b.append(String.format(Locale.ROOT, "%-52s %9.1f %9s %12s %12s %10s %10s %7s %12s%n", p.name(),
                    p.seconds(), p.cpuSeconds() == null ? "" : String.format(Locale.ROOT, "%.1f", p.cpuSeconds()),
                    p.records() == null ? "" : String.format(Locale.ROOT, "%,d", p.records()),
                    p.recordsPerSecond() == null ? "" : String.format(Locale.ROOT, "%,.0f", p.recordsPerSecond()),
                    p.heapPeakBytes() == 0 ? "" : Long.toString(p.heapPeakBytes() >> 20),
                    p.rssPeakBytes() == 0 ? "" : Long.toString(p.rssPeakBytes() >> 20),
                    p.files() == null ? "" : p.files().toString(),
                    p.bytes() == null ? "" : String.format(Locale.ROOT, "%,d", p.bytes())));
        }
        if (result.get("incremental_growth") instanceof List<?> rows && !rows.isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nIncremental day%n%-14s %-11s %10s %14s %14s %8s%n", "history",
                    "day", "day stmts", "first nightly", "one more day", "ratio"));
            for (Object o : rows) {
                Map<?, ?> r = (Map<?, ?>) o;
                b.append(String.format(Locale.ROOT, "%,14d %-11s %,10d %12.1f s %12.1f s %8.2f%n",
                        r.get("history_statements"), r.get("day"), r.get("day_statements"),
                        r.get("first_nightly_seconds"), r.get("incremental_day_seconds"),
                        r.get("incremental_to_first_ratio")));
            }
        }
        if (result.containsKey("spark_to_duckdb_time_ratio")) {
            b.append(String.format(Locale.ROOT, "Spark ingest + learner_daily_activity %.1f s, DuckDB %.1f s: "
                            + "ratio %.2f%n", result.get("spark_ingest_plus_daily_seconds"),
                    result.get("duckdb_ingest_plus_daily_seconds"), result.get("spark_to_duckdb_time_ratio")));
        }
        if (result.get("targets") instanceof List<?> targets) {
            @SuppressWarnings("unchecked")
            List<Targets.Target> ts = (List<Targets.Target>) targets;
            b.append(Targets.table(ts));
        }
        return b.toString();
    }

    /**
     * Wall time, process CPU time, heap peak and process RSS peak (VmHWM) of one phase. The heap is sampled every 50 ms (used bytes
     * of the whole heap); the sum of the pools' own peaks would add peaks of different moments.
     */
    static final class Meter {
        private static final java.util.concurrent.atomic.AtomicLong PEAK = new java.util.concurrent.atomic.AtomicLong();

        static {
            Thread t = new Thread(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (true) {
                    PEAK.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-sampler");
            t.setDaemon(true);
            t.start();
        }

        private final Instant began;
        private final long cpuAtStart;

        private Meter(Instant began, long cpuAtStart) {
            this.began = began;
            this.cpuAtStart = cpuAtStart;
        }

        /** CPU time of the whole process so far, in nanoseconds (-1 when the JVM cannot tell). */
        static long processCpuNanos() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
        }

        static Meter start() {
            System.gc();
            PEAK.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            try {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM to the current RSS
            } catch (IOException | RuntimeException e) {
                // not Linux, or not allowed: the peak is then the process's since start
            }
            return new Meter(Instant.now(), processCpuNanos());
        }

        Phase stop(String name, Long records, Integer files, Long bytes) {
            double s = Duration.between(began, Instant.now()).toMillis() / 1000.0;
            long cpu = processCpuNanos();
            Double cpuSeconds = cpu < 0 || cpuAtStart < 0 ? null : (cpu - cpuAtStart) / 1e9;
            return new Phase(name, s, cpuSeconds, records, records == null ? null : records / Math.max(0.001, s),
                    PEAK.get(), rssPeak(), files, bytes);
        }

        static long rssPeak() {
            try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
                return lines.filter(l -> l.startsWith("VmHWM:")).findFirst()
                        .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).orElse(0L);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }

    static Path clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    static Integer filesOf(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = dataFiles(dir)) {
            return (int) walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    static long sizeOf(Path dir, String suffix) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = dataFiles(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix))
                    .mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * The files under a folder (a table's {@code current} link resolved first), without the folders of hard links
     * behind the tables' {@code current} views, which would count each current file twice.
     */
    private static Stream<Path> dataFiles(Path dir) throws IOException {
        Path root = dir.toRealPath();
        return Files.walk(root).filter(p -> {
            for (Path part : root.relativize(p)) {
                if (part.toString().startsWith("_current-")) {
                    return false;
                }
            }
            return true;
        });
    }
}
