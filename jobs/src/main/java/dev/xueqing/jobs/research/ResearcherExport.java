package dev.xueqing.jobs.research;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import dev.xueqing.common.config.UsageException;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.LocalFiles;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.privacy.DisclosureControl;
import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.to_json;

/**
 * researcher datasets ({@link ResearcherOutputs}) → an export folder: one folder of Parquet or CSV per dataset, a
 * codebook generated from their specs ({@code codebook.md}, {@code codebook.csv}) and {@code manifest.json} (rule
 * set and version, run id and as-of date of the marts, row counts, SHA-256 of every file). Written into a staging
 * folder beside the target and moved into place, so a failed export leaves the previous one as it was.
 */
public final class ResearcherExport {
    private static final Logger LOG = LoggerFactory.getLogger(ResearcherExport.class);

    public enum Format { parquet, csv }

    public static final String EXPORT = "export";
    public static final String CODEBOOK_MD = "codebook.md";
    public static final String CODEBOOK_CSV = "codebook.csv";
    public static final String MANIFEST = "manifest.json";

    /** What was written: the folder, and per dataset its rows and suppressed rows. */
    public record Result(Path folder, String runId, LocalDate asOf, Map<String, Long> rows,
            Map<String, Long> suppressed) {}

    /** The marts run an export comes from: the latest successful nightly or marts run, or nulls when none. */
    public record Source(String runId, LocalDate asOf) {}

    private final Warehouse warehouse;
    private final XueqingConfig config;

    public ResearcherExport(Warehouse warehouse, XueqingConfig config) {
        this.warehouse = warehouse;
        this.config = config;
    }

    /** The default folder: {@code <warehouse>/export/researcher/<as-of>} (or {@code latest} with no run). */
    public Path defaultFolder(Source source) {
        var fs = warehouse.fs();
        if (!(fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem)) {
            throw new UsageException("The warehouse " + warehouse.root() + " is not on this machine's file system: "
                    + "give the export a local folder with --out DIR.");
        }
        return Path.of(warehouse.root().toUri()).resolve(EXPORT).resolve("researcher")
                .resolve(source.asOf() != null ? source.asOf().toString() : "latest");
    }

    public Source source() {
        if (!warehouse.exists(DatasetRef.RUNS)) {
            return new Source(null, null);
        }
        Row r = new RunLog(warehouse).all()
                .filter(col("status").equalTo(RunLog.SUCCEEDED).and(col("job").isin("nightly", "marts")))
                .agg(max_by(col("run_id"), col("ended_at")), max_by(col("as_of"), col("ended_at"))).first();
        return new Source(r.isNullAt(0) ? null : r.getString(0), r.isNullAt(1) ? null : r.getDate(1).toLocalDate());
    }

    /** Writes the export into {@code target} (null: {@link #defaultFolder}). */
    public Result run(Path target, Format format) {
        List<ResearcherOutputs.Output> outputs = ResearcherOutputs.build(warehouse, config);
        if (outputs.isEmpty()) {
            throw new UsageException("The warehouse " + warehouse.root() + " has none of the marts a researcher "
                    + "export is made from (" + String.join(", ", ResearcherOutputs.NAMES) + "). Run `xueqing "
                    + "nightly` first.");
        }
        Source source = source();
        Path folder = (target != null ? target : defaultFolder(source)).toAbsolutePath().normalize();
        if (Files.isDirectory(folder) && !Files.exists(folder.resolve(MANIFEST)) && !isEmpty(folder)) {
            throw new UsageException("The folder " + folder + " exists and holds no researcher export (no "
                    + MANIFEST + "): give an empty or new folder, or a previous export to replace.");
        }
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new UsageException(folder + " is a file: give a folder to write the export into.");
        }
        Path staging = folder.resolveSibling("." + folder.getFileName() + ".tmp-" + UUID.randomUUID());
        DisclosureControl.Rules rules = DisclosureControl.Rules.of(config.disclosure());
        try {
            Files.createDirectories(staging);
            Map<String, Long> rows = new LinkedHashMap<>();
            Map<String, Long> suppressed = new LinkedHashMap<>();
            List<Map<String, Object>> datasets = new ArrayList<>();
            for (ResearcherOutputs.Output o : outputs) {
                Dataset<Row> data = o.rows().persist();
                try {
                    long n = data.count();
                    Long hidden = hasSuppressedColumn(data)
                            ? data.filter(col(DisclosureControl.SUPPRESSED)).count() : null;
                    write(format == Format.csv ? flatten(data) : data, staging.resolve(o.name()), format);
                    rows.put(o.name(), n);
                    suppressed.put(o.name(), hidden);
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("name", o.name());
                    d.put("rows", n);
                    d.put("suppressed_rows", hidden);
                    d.put("disclosure_control", o.passedThrough() ? "applied by the mart" : "applied by the export");
                    d.put("files", files(staging, staging.resolve(o.name())));
                    datasets.add(d);
                    LOG.info("Researcher export {}: {} rows, {} suppressed", o.name(), n, hidden);
                } finally {
                    data.unpersist();
                }
            }
            List<MartSpec> specs = outputs.stream().map(ResearcherOutputs.Output::spec).toList();
            Files.writeString(staging.resolve(CODEBOOK_MD), codebookMarkdown(specs, rules), StandardCharsets.UTF_8);
            try (Writer w = Files.newBufferedWriter(staging.resolve(CODEBOOK_CSV), StandardCharsets.UTF_8)) {
                codebookCsv(specs, w);
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("export", "researcher");
            manifest.put("format", format.name());
            manifest.put("created_at", Instant.now().toString());
            manifest.put("run_id", source.runId());
            manifest.put("as_of", source.asOf() == null ? null : source.asOf().toString());
            Map<String, Object> disclosure = new LinkedHashMap<>();
            disclosure.put("version", DisclosureControl.Rules.VERSION);
            disclosure.put("rules", rules.describe());
            disclosure.put("min_learners", rules.minLearners());
            disclosure.put("round_to", rules.roundTo());
            disclosure.put("min_share_denominator", rules.minShareDenominator());
            manifest.put("disclosure", disclosure);
            manifest.put("datasets", datasets);
            manifest.put("codebook", List.of(fileEntry(staging, staging.resolve(CODEBOOK_MD)),
                    fileEntry(staging, staging.resolve(CODEBOOK_CSV))));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(staging.resolve(MANIFEST).toFile(), manifest);
            publish(staging, folder);
            return new Result(folder, source.runId(), source.asOf(), rows, suppressed);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the researcher export to " + folder + ": "
                    + e.getMessage(), e);
        } finally {
            LocalFiles.deleteTree(staging);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasSuppressedColumn(Dataset<Row> data) {
        return List.of(data.columns()).contains(DisclosureControl.SUPPRESSED);
    }

    /** One file per dataset (researcher aggregates are small); Spark's checksum and marker files removed. */
    private static void write(Dataset<Row> data, Path dir, Format format) throws IOException {
        var writer = data.coalesce(1).write().mode(SaveMode.ErrorIfExists);
        String uri = dir.toUri().toString();
        if (format == Format.csv) {
            writer.option("header", "true").option("escape", "\"").csv(uri);
        } else {
            writer.parquet(uri);
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".crc") || n.equals("_SUCCESS")) {
                    Files.delete(p);
                }
            }
        }
    }

    /** For CSV: arrays, maps and structs as JSON text. */
    static Dataset<Row> flatten(Dataset<Row> data) {
        List<Column> cols = new ArrayList<>();
        for (StructField f : data.schema().fields()) {
            boolean nested = f.dataType() instanceof ArrayType || f.dataType() instanceof MapType
                    || f.dataType() instanceof StructType;
            cols.add(nested ? to_json(col(f.name())).as(f.name()) : col(f.name()));
        }
        return data.select(cols.toArray(Column[]::new));
    }

    private static List<Map<String, Object>> files(Path root, Path dir) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.add(fileEntry(root, p));
            }
        }
        return out;
    }

    private static Map<String, Object> fileEntry(Path root, Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", root.relativize(file).toString().replace('\\', '/'));
        m.put("bytes", Files.size(file));
        m.put("sha256", sha256(file));
        return m;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The codebook in Markdown: the rules, then per dataset its grain, description and every column. */
    static String codebookMarkdown(List<MartSpec> specs, DisclosureControl.Rules rules) {
        StringBuilder sb = new StringBuilder("# Researcher export: codebook\n\n");
        sb.append("Generated from the dataset specs. Disclosure control: ").append(rules.describe())
                .append(". A suppressed row is kept, with its values null, `suppressed` true and the rule in "
                        + "`suppression_rule`.\n\n");
        for (MartSpec s : specs) {
            sb.append("## ").append(s.name()).append("\n\n");
            if (!s.grain().isEmpty()) {
                sb.append("Grain: **").append(String.join(" × ", s.grain())).append("**\n\n");
            }
            sb.append(s.description().strip()).append("\n\n");
            sb.append("| column | type | null | definition |\n|---|---|---|---|\n");
            for (ColumnSpec c : s.columns()) {
                sb.append("| `").append(c.name()).append("` | ").append(c.type().simpleString()).append(" | ")
                        .append(c.nullable() ? "yes" : "no").append(" | ")
                        .append(c.description().replace("|", "\\|").replace("\n", " ")).append(" |\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The codebook as CSV: dataset, column, type, nullable, definition. */
    static void codebookCsv(List<MartSpec> specs, Writer out) {
        CsvWriter w = new CsvWriter(out, new CsvWriterSettings());
        w.writeHeaders("dataset", "column", "type", "nullable", "definition");
        for (MartSpec s : specs) {
            for (ColumnSpec c : s.columns()) {
                w.writeRow(s.name(), c.name(), c.type().simpleString(), String.valueOf(c.nullable()), c.description());
            }
        }
        w.flush();
    }

    /** Moves the staging folder to the target; a previous export there is set aside first and deleted after. */
    private static void publish(Path staging, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path aside = null;
        if (Files.exists(target)) {
            aside = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        if (aside != null) {
            LocalFiles.deleteTree(aside);
        }
    }

}
