package dev.xueqing.jobs.cli;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;
import dev.xueqing.jobs.research.ResearcherOutputs;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code xueqing sql}: read-only Spark SQL over events, quarantine, dims, marts and _runs (role supervisor), or
 * over the researcher outputs alone, after disclosure control (role researcher), checked by {@link SqlSandbox}
 * before anything runs; csv and json stream the rows, table shows a bounded number.
 */
@CommandLine.Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run a read-only Spark SQL query over the views events, quarantine, _runs, every dim and every "
                + "mart (--role supervisor), or only the researcher outputs after disclosure control (--role "
                + "researcher); anything that writes, sets, reflects or reads other views or files is refused "
                + "(exit 2).")
final class SqlCommand extends BaseCommand {
    enum Format { table, csv, json }

    /** Who is asking: what the views are. */
    enum Role { supervisor, researcher }

    @Parameters(index = "0", paramLabel = "QUERY",
            description = "A query over the views: SELECT, WITH, VALUES, TABLE; or EXPLAIN <query>, SHOW TABLES, "
                    + "DESCRIBE <view>. Nothing else runs (see docs/privacy.md).")
    String query;

    @Option(names = "--format", description = "Output: ${COMPLETION-CANDIDATES} (default: table).")
    Format format = Format.table;

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N rows, N >= 0 (default: 100 for table, every row for csv/json, streamed).")
    Integer limit;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "supervisor (default): every dataset; researcher: only the learning index marts and the "
                    + "de-identified aggregates, after disclosure control (as `export --researcher` writes them).")
    Role role = Role.supervisor;

    /** Rows the table format shows when no --limit is given. */
    static final int TABLE_ROWS = 100;

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit < 0) {
            err().println("error: --limit must be 0 or more (got " + limit + "). Leave it out for every row (csv, "
                    + "json) or the first " + TABLE_ROWS + " (table).");
            return XueqingCli.USAGE;
        }
        XueqingConfig config = config();
        try (SparkSessions.Handle handle = SparkSessions.acquire(config)) {
            SparkSession spark = handle.session();
            Warehouse wh = new Warehouse(spark, config.warehouse());
            List<String> views = role == Role.researcher ? registerResearcherViews(wh, config) : registerViews(wh);
            if (views.isEmpty()) {
                err().println("error: the warehouse " + wh.root() + " has no " + (role == Role.researcher
                        ? "researcher outputs (" + String.join(", ", ResearcherOutputs.NAMES) + ")"
                        : "datasets") + " yet. Run `xueqing nightly` "
                        + "(or `xueqing ingest`) first, or point --warehouse at an existing warehouse.");
                return XueqingCli.FAILED;
            }
            Dataset<Row> result;
            try {
                result = (role == Role.researcher ? new SqlSandbox(views, RESEARCHER_READS_ONLY, false)
                        : new SqlSandbox(views)).dataset(spark, query);
            } catch (SqlSandbox.RefusedException e) {
                err().println("error: " + e.getMessage());
                return XueqingCli.USAGE;
            } catch (AnalysisException e) {
                if (role != Role.researcher) {
                    throw e;
                }
                // Spark appends the analysed plan, which shows what the researcher views are made from
                err().println("error: " + e.getSimpleMessage());
                return XueqingCli.FAILED;
            }
            if (format == Format.table) {
                int max = limit != null ? limit : TABLE_ROWS;
                List<Row> rows = result.limit(max == Integer.MAX_VALUE ? max : max + 1).collectAsList();
                boolean truncated = rows.size() > max;
                printTable(out(), result.columns(), truncated ? rows.subList(0, max) : rows, truncated);
            } else {
                Iterator<Row> rows = (limit != null ? result.limit(limit) : result).toLocalIterator();
                if (format == Format.csv) {
                    printCsv(out(), result.columns(), rows);
                } else {
                    while (rows.hasNext()) {
                        out().println(rows.next().json());
                    }
                }
            }
            out().flush();
            return XueqingCli.OK;
        }
    }

    /** The start of the researcher role's refusal of any other relation (the views' names follow). */
    static final String RESEARCHER_READS_ONLY = "`xueqing sql --role researcher` reads only the researcher outputs, "
            + "after disclosure control (no events, quarantine, dims, learner-level marts, _runs, files or paths)";

    /**
     * Registers the researcher outputs that exist as views (each built through disclosure control, so its plan reads
     * the marts; the sandbox never looks inside a view), and drops the supervisor's views from the session.
     */
    static List<String> registerResearcherViews(Warehouse wh, XueqingConfig config) {
        SparkSession spark = wh.spark();
        for (DatasetRef ref : allRefs()) {
            spark.catalog().dropTempView(ref.name());
        }
        List<String> names = new ArrayList<>();
        for (ResearcherOutputs.Output o : ResearcherOutputs.build(wh, config)) {
            o.rows().createOrReplaceTempView(o.name());
            names.add(o.name());
        }
        return names;
    }

    /** Registers every published dataset as a view; returns the names. */
    static List<String> registerViews(Warehouse wh) {
        List<String> names = new ArrayList<>();
        for (DatasetRef ref : allRefs()) {
            if (wh.exists(ref)) {
                wh.read(ref).createOrReplaceTempView(ref.name());
                names.add(ref.name());
            }
        }
        return names;
    }

    private static List<DatasetRef> allRefs() {
        List<DatasetRef> refs = new ArrayList<>();
        refs.add(DatasetRef.EVENTS);
        refs.add(DatasetRef.QUARANTINE);
        refs.add(DatasetRef.RUNS);
        refs.addAll(DatasetRef.DIMS);
        for (Mart m : MartCatalog.all()) {
            refs.add(m.ref());
        }
        for (var spec : dev.xueqing.jobs.ml.risk.RiskMarts.ALL) {
            refs.add(DatasetRef.mart(spec.name()));
        }
        for (var spec : dev.xueqing.jobs.ml.skills.SkillMarts.ALL) {
            refs.add(DatasetRef.mart(spec.name()));
        }
        return refs;
    }

    /** Writes the rows as CSV as they come (the result is never held in memory). */
    static void printCsv(PrintWriter out, String[] columns, Iterator<Row> rows) {
        CsvWriter w = new CsvWriter(out, new CsvWriterSettings());
        w.writeHeaders(columns);
        while (rows.hasNext()) {
            Row r = rows.next();
            Object[] vals = new Object[r.length()];
            for (int i = 0; i < vals.length; i++) {
                vals[i] = r.isNullAt(i) ? null : cell(r.get(i));
            }
            w.writeRow(vals);
        }
        w.flush();
    }

    static void printTable(PrintWriter out, String[] columns, List<Row> rows, boolean truncated) {
        int[] width = new int[columns.length];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            width[i] = columns[i].length();
        }
        for (Row r : rows) {
            String[] c = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                c[i] = r.isNullAt(i) ? "NULL" : cell(r.get(i));
                if (c[i].length() > 60) {
                    c[i] = c[i].substring(0, 57) + "...";
                }
                width[i] = Math.max(width[i], c[i].length());
            }
            cells.add(c);
        }
        StringBuilder sep = new StringBuilder("+");
        for (int w : width) {
            sep.append("-".repeat(w + 2)).append('+');
        }
        out.println(sep);
        out.println(line(columns, width));
        out.println(sep);
        for (String[] c : cells) {
            out.println(line(c, width));
        }
        out.println(sep);
        out.println(rows.size() + " row(s)" + (truncated ? " (more rows exist; raise --limit)" : ""));
    }

    private static String line(String[] c, int[] width) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < c.length; i++) {
            sb.append(' ').append(c[i]).append(" ".repeat(width[i] - c[i].length())).append(" |");
        }
        return sb.toString();
    }

    private static String cell(Object v) {
        if (v instanceof scala.collection.Iterable<?> it) {
            return scala.jdk.javaapi.CollectionConverters.asJava(it.toList()).toString();
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d) : String.format("%.4f", d);
        }
        return String.valueOf(v);
    }
}
