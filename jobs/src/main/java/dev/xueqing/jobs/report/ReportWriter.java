package dev.xueqing.jobs.report;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import dev.xueqing.jobs.report.ReportModel.CsvFile;
import dev.xueqing.jobs.report.ReportModel.Page;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a report folder: the pages from the FreeMarker template (HTML auto-escaped), the CSV downloads (univocity,
 * UTF-8 with a byte-order mark so that spreadsheet programs read Chinese right), and the assets the pages load
 * (ECharts from its webjar, the report's script and style sheet). Nothing is fetched from elsewhere.
 */
final class ReportWriter {
    /** ECharts inside its webjar (the version pinned in the parent pom). */
    static final String ECHARTS = "META-INF/resources/webjars/echarts/";
    static final List<String> ASSETS = List.of("report.js", "report.css");

    private final Path dir;
    private final Configuration freemarker;

    ReportWriter(Path dir) {
        this.dir = dir;
        this.freemarker = new Configuration(Configuration.VERSION_2_3_34);
        freemarker.setClassLoaderForTemplateLoading(ReportWriter.class.getClassLoader(), "report/templates");
        freemarker.setDefaultEncoding("UTF-8");
        freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        freemarker.setLogTemplateExceptions(false);
        freemarker.setWrapUncheckedExceptions(true);
        freemarker.setFallbackOnNullLoopVariable(false);
    }

    /** Renders one page and writes its CSV files; returns the page's size in bytes. */
    long page(Page page, ReportText t, String generatedAt, String version) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", page);
        model.put("t", t);
        model.put("root", page.file().contains("/") ? "../" : "");
        model.put("generatedAt", generatedAt);
        model.put("version", version);
        Path file = dir.resolve(page.file());
        try {
            Files.createDirectories(file.getParent());
            Template template = freemarker.getTemplate("page.ftlh");
            try (Writer w = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
                template.process(model, w);
            }
            for (CsvFile csv : page.csvFiles()) {
                csv(csv.path(), csv.header(), csv.rows().iterator());
            }
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TemplateException e) {
            throw new IllegalStateException("The report template failed on " + page.file() + ": " + e.getMessage(), e);
        }
    }

    /** Writes a CSV of raw values (dates, times and numbers as their plain strings; lists and maps as JSON-like). */
    void csv(String path, List<String> header, Iterator<List<Object>> rows) {
        Path file = dir.resolve(path);
        try {
            Files.createDirectories(file.getParent());
            try (Writer w = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
                w.write('\uFEFF');
                CsvWriter csv = new CsvWriter(w, new CsvWriterSettings());
                csv.writeHeaders(header);
                while (rows.hasNext()) {
                    csv.writeRow(rows.next().stream().map(v -> v == null ? null : v.toString()).toArray());
                }
                csv.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the rows of a Dataset sorted by course, one CSV per course (the full list of learners at risk), as they
     * come from Spark: the whole mart is never held in memory.
     */
    void csvPerCourse(Dataset<Row> sorted, java.util.function.Function<String, String> pathOf) {
        List<String> header = List.of(sorted.columns());
        Iterator<Row> it = sorted.toLocalIterator();
        String course = null;
        CsvWriter csv = null;
        Writer w = null;
        try {
            while (it.hasNext()) {
                Row r = it.next();
                String c = r.getAs("course_id");
                if (!c.equals(course)) {
                    if (csv != null) {
                        csv.close();
                    }
                    course = c;
                    Path file = dir.resolve(pathOf.apply(c));
                    Files.createDirectories(file.getParent());
                    w = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8);
                    w.write('\uFEFF');
                    csv = new CsvWriter(w, new CsvWriterSettings());
                    csv.writeHeaders(header);
                }
                Object[] vals = new Object[r.length()];
                for (int i = 0; i < vals.length; i++) {
                    Object v = r.isNullAt(i) ? null : MartRows.java(r.get(i));
                    vals[i] = v == null ? null : v.toString();
                }
                csv.writeRow(vals);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (csv != null) {
                csv.close();
            }
        }
    }

    /** Copies ECharts and the report's own script and style into assets/. */
    void assets() {
        try {
            Path assets = dir.resolve("assets");
            Files.createDirectories(assets);
            copy(ECHARTS + echartsVersion() + "/echarts.min.js", assets.resolve("echarts.min.js"));
            for (String a : ASSETS) {
                copy("report/assets/" + a, assets.resolve(a));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version of the ECharts webjar on the class path (its Maven properties name it). */
    static String echartsVersion() {
        try (InputStream in = ReportWriter.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/echarts/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("ECharts (org.webjars:echarts) is not on the class path");
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = ReportWriter.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The report asset " + resource + " is not on the class path");
            }
            Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
