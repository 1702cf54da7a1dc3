package dev.xueqing.jobs.report;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.LocalFiles;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.jobs.report.ReportModel.Notice;
import dev.xueqing.jobs.report.ReportModel.Page;
import dev.xueqing.jobs.report.ReportModel.Section;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;

/**
 * Marts → the supervisor's report: a static site (index.html, data-quality.html, course/*.html, data/*.csv,
 * assets/) that opens from the file system with no server and no network. Written whole into a staging folder and
 * then moved into place, so a failed run leaves the previous report as it was; {@code reports/latest} then points
 * at the newest report of the warehouse.
 */
public final class ReportJob {
    private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);
    /** The reports' folder under the warehouse root. */
    public static final String REPORTS = "reports";
    public static final String LATEST = "latest";

    /**
     * What to write. {@code date}: the report's date and folder name (null: the as-of date of the current marts);
     * {@code lang}: zh-CN or en (null: config); {@code out}: a folder to write into instead of
     * {@code <warehouse>/reports/<date>}; {@code courses}: only these courses (empty: all).
     */
    public record Options(LocalDate date, String lang, Path out, List<String> courses) {
        public Options {
            courses = courses == null ? List.of() : List.copyOf(courses);
        }
    }

    /** One written page and its size. */
    public record PageSize(String file, long bytes) {}

    /**
     * The outcome: the folder and its index page, the pages written, the time taken, and {@code problem} when there
     * was nothing to report (no marts yet): the index page then says so and what to run.
     */
    public record Result(Path folder, Path index, LocalDate date, String lang, List<PageSize> pages, Duration took,
                         String problem) {
        public boolean failed() {
            return problem != null;
        }
    }

    private final Warehouse warehouse;
    private final XueqingConfig config;

    public ReportJob(Warehouse warehouse, XueqingConfig config) {
        this.warehouse = warehouse;
        this.config = config;
    }

    /** Whether the warehouse is on this machine's file system (the report is written beside its marts). */
    public boolean local() {
        FileSystem fs = warehouse.fs();
        return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
    }

    /** The local folder of the warehouse's reports; refused when the warehouse is not on the local file system. */
    public Path reportsFolder() {
        if (!local()) {
            throw new IllegalArgumentException("The warehouse " + warehouse.root() + " is not on this machine's "
                    + "file system: give the report a local folder with --out DIR.");
        }
        return Path.of(warehouse.root().toUri()).resolve(REPORTS);
    }

    public Result run(Options options) {
        Instant start = Instant.now();
        String lang = options.lang() != null ? options.lang() : config.report().locale();
        ReportText t = new ReportText(lang, config.timezone());
        if (options.out() != null && !replaceable(options.out().toAbsolutePath())) {
            throw notAReport(options.out().toAbsolutePath());
        }
        ReportData data = ReportData.load(warehouse, options.courses(), config.report().maxRows(),
                config.tutor().medianResponseHoursMax());
        if (data.anyMart()) {
            List<String> unknown = options.courses().stream().filter(c -> !data.courseIds().contains(c)).toList();
            if (!unknown.isEmpty()) {
                List<String> known = warehouse.exists(DatasetRef.COURSES) ? warehouse.read(DatasetRef.COURSES)
                        .select("course_id").orderBy("course_id").limit(5).collectAsList().stream()
                        .map(r -> r.getString(0)).toList() : List.of();
                throw new IllegalArgumentException("--course: no course " + unknown + " in the warehouse's marts"
                        + (known.isEmpty() ? "." : " (course ids as in the marts, e.g. " + known + ")."));
            }
        }
        LocalDate date = options.date() != null ? options.date()
                : data.asOf() != null ? data.asOf() : LocalDate.now(config.timezone());
        Path target = options.out() != null ? options.out().toAbsolutePath()
                : reportsFolder().resolve(date.toString());
        if (!replaceable(target)) {
            throw notAReport(target);
        }
        Path staging = target.resolveSibling("." + target.getFileName() + ".staging-" + UUID.randomUUID());
        String version = version();
        String generatedAt = t.dateTime(Instant.now());
        ReportWriter w = new ReportWriter(staging);
        List<PageSize> pages = new ArrayList<>();
        String problem = null;
        try {
            w.assets();
            if (!data.anyMart()) {
                problem = t.t("empty.problem", warehouse.root().toString());
                Page page = new Page("index.html", t.t("overview.title"), t.t("report.asof", t.date(date)),
                        List.of(Section.of("empty", t.t("empty.title")).notice(new Notice("missing", problem))
                                .build()), List.of());
                pages.add(new PageSize(page.file(), w.page(page, t, generatedAt, version)));
            } else {
                List<String> courses = data.courseIds();
                pages.add(size(OverviewView.build(data, t), w, t, generatedAt, version));
                pages.add(size(QualityView.build(data, t), w, t, generatedAt, version));
                for (String course : courses) {
                    pages.add(size(CourseView.build(data, t, course, config.report().maxRows()), w, t, generatedAt,
                            version));
                }
                if (data.mart("learner_risk_scores").present()) {
                    Dataset<Row> scores = warehouse.read(DatasetRef.mart("learner_risk_scores"));
                    if (!options.courses().isEmpty()) {
                        scores = scores.filter(col("course_id").isin(options.courses().toArray()));
                    }
                    w.csvPerCourse(scores.orderBy(col("course_id"), col("probability").desc(), col("learner_key")),
                            CourseView::riskCsv);
                }
                if (data.mart("learner_next_steps").present()) {
                    // one row per learner: the next skills and their questions flattened to text for a spreadsheet
                    Dataset<Row> steps = warehouse.read(DatasetRef.mart("learner_next_steps"));
                    if (!options.courses().isEmpty()) {
                        steps = steps.filter(col("course_id").isin(options.courses().toArray()));
                    }
                    w.csvPerCourse(steps.select(col("course_id"), col("learner_key"), col("class_id"),
                                    col("status"), org.apache.spark.sql.functions.expr(
                                            "array_join(transform(steps, s -> s.skill_id), ' | ')").as("next_skills"),
                                    org.apache.spark.sql.functions.expr("array_join(transform(steps, s -> "
                                            + "array_join(s.items, ' ')), ' | ')").as("items"),
                                    col("summary"))
                            .orderBy(col("course_id"), col("status"), col("learner_key")), CourseView::nextStepsCsv);
                }
            }
            publish(staging, target, options.out() == null);
        } catch (RuntimeException e) {
            LocalFiles.deleteTree(staging);
            throw e;
        }
        Duration took = Duration.between(start, Instant.now());
        LOG.info("REPORT {} ({}): {} page(s), {} bytes in {} ms into {}", date, lang, pages.size(),
                pages.stream().mapToLong(PageSize::bytes).sum(), took.toMillis(), target);
        return new Result(target, target.resolve("index.html"), date, lang, List.copyOf(pages), took, problem);
    }

    private static IllegalArgumentException notAReport(Path target) {
        return new IllegalArgumentException("--out " + target + " exists and is not a Xueqing report: give a new or "
                + "empty folder, or the folder of an earlier report (it is replaced whole).");
    }

    /**
     * Whether the target may be replaced: it does not exist, is an empty folder, or holds an earlier report (its
     * index page and the report's script). Anything else is left alone: replacing a folder deletes what it held.
     */
    static boolean replaceable(Path target) {
        if (!Files.exists(target)) {
            return true;
        }
        if (!Files.isDirectory(target)) {
            return false;
        }
        try (Stream<Path> s = Files.list(target)) {
            if (s.findAny().isEmpty()) {
                return true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Files.isRegularFile(target.resolve("index.html")) && Files.isRegularFile(target.resolve("assets/report.js"));
    }

    private static PageSize size(Page page, ReportWriter w, ReportText t, String generatedAt, String version) {
        return new PageSize(page.file(), w.page(page, t, generatedAt, version));
    }

    /**
     * Moves the staged report into place: the previous report at the target is set aside first and deleted after,
     * so the target is never half written. In the warehouse, {@code reports/latest} is then re-pointed at it.
     */
    static void publish(Path staging, Path target, boolean linkLatest) {
        try {
            Path aside = null;
            if (Files.exists(target)) {
                aside = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
                Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            if (aside != null) {
                LocalFiles.deleteTree(aside);
            }
            if (linkLatest) {
                Path latest = target.resolveSibling(LATEST);
                Path newest = newest(target.getParent());
                Path link = target.resolveSibling("." + LATEST + "-" + UUID.randomUUID());
                Files.createSymbolicLink(link, newest.getFileName());
                Files.move(link, latest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not put the report in place at " + target + ": " + e.getMessage(), e);
        }
    }

    /** The report folder with the latest date (folder names are ISO dates). */
    private static Path newest(Path reports) throws IOException {
        try (Stream<Path> s = Files.list(reports)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}"))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
    }

    static String version() {
        String v = ReportJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
