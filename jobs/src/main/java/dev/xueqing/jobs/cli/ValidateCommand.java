package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.Formats;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.PseudonymKeys;
import dev.xueqing.common.spark.SparkSessions;
import dev.xueqing.jobs.ingest.FormatDetector;
import dev.xueqing.jobs.ingest.IngestJob;
import dev.xueqing.jobs.ingest.InputFiles;
import dev.xueqing.jobs.ingest.ParsedRecords;
import dev.xueqing.jobs.pipeline.Adapters;
import dev.xueqing.jobs.runs.RunLog;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** {@code xueqing validate}: check inputs without writing anything. Exit 0 when every record is valid, 1 if not. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check input files without writing anything: counts by quarantine reason and the first examples "
                + "of each. Exit 0 when every record is valid, 1 when some are not.")
final class ValidateCommand extends BaseCommand {
    @Option(names = "--format", description = "Input format: ${COMPLETION-CANDIDATES} (default: detected from the content).",
            completionCandidates = IngestCommand.KnownFormats.class)
    String format;

    @Option(names = "--mapping", paramLabel = "NAME",
            description = "For --format csv: the column mapping to use, one of xueqing.csv.mappings.")
    String mapping;

    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH", description = "Files, folders or globs.")
    List<String> inputs;

    @Option(names = "--examples", description = "Examples shown per reason (default: ${DEFAULT-VALUE}).")
    int examples = 3;

    @Override
    public Integer call() {
        if (format != null && !Formats.KNOWN.contains(format)) {
            throw new ConfigException("Unknown --format '" + format + "': use one of " + Formats.KNOWN + ".");
        }
        XueqingConfig config = config();
        try (SparkSessions.Handle handle = SparkSessions.acquire(config)) {
            SparkSession spark = handle.session();
            List<String> files = InputFiles.expand(inputs, spark.sparkContext().hadoopConfiguration());
            if (format == null) {
                FormatDetector.Detection d = FormatDetector.detect(files, spark.sparkContext().hadoopConfiguration());
                format = d.format();
                out().println("Format " + format + ": " + d.reason() + ".");
            }
            Instant start = Instant.now();
            String runId = "validate-" + RunLog.newRunId(start);
            // Nothing is written, so pseudonyms never leave this process: the demo key is fine here.
            var adapter = Adapters.create(format, config, PseudonymKeys.demo().pseudonymizer(), config.tenant(),
                    runId, start, files, spark.sparkContext().hadoopConfiguration(), mapping);
            Dataset<Row> parsed = IngestJob.parse(spark, adapter, files, config.tenant(), runId, start)
                    .filter(col("kind").isin(ParsedRecords.FACT_KINDS.toArray()).unary_$bang())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            Row totals = parsed.agg(count(lit(1)),
                    sum(when(col("kind").equalTo(ParsedRecords.EVENT), 1).otherwise(0)),
                    sum(when(col("kind").equalTo(ParsedRecords.VOIDED), 1).otherwise(0)),
                    countDistinct(col("event.event_id"))).first();
            long records = totals.getLong(0);
            long events = totals.isNullAt(1) ? 0 : totals.getLong(1);
            long voiding = totals.isNullAt(2) ? 0 : totals.getLong(2);
            long distinctIds = totals.getLong(3);
            Dataset<Row> events2 = parsed.filter(col("kind").equalTo(ParsedRecords.EVENT))
                    .select(col("seq"), col("event.event_id").as("id"), col("event.content_hash").as("h"),
                            col("event.raw_ref").as("ref"));
            long conflicts = events2.withColumn("_hashes",
                            org.apache.spark.sql.functions.size(org.apache.spark.sql.functions.collect_set("h")
                                    .over(Window.partitionBy("id"))))
                    .filter(col("_hashes").gt(1)).select("id").distinct().count();

            var out = out();
            out.printf("Validated %d file(s), %,d record(s): %,d valid event(s), %,d voiding statement(s), "
                    + "%,d duplicate id(s) within the input, %,d id(s) with conflicting content.%n",
                    files.size(), records, events, voiding, events - distinctIds, conflicts);
            List<Row> reasons = parsed.filter(col("kind").equalTo(ParsedRecords.QUARANTINE))
                    .groupBy(col("quarantine.reason").as("reason"))
                    .agg(count(lit(1)).as("n"), slice(collect_list(struct(col("quarantine.raw_ref"),
                            col("quarantine.detail"))), 1, examples).as("ex"))
                    .orderBy(col("n").desc(), col("reason")).collectAsList();
            long invalid = 0;
            for (Row r : reasons) {
                String reason = r.getString(0);
                long n = r.getLong(1);
                invalid += n;
                String description = Arrays.stream(QuarantineReason.values()).filter(q -> q.code().equals(reason))
                        .map(QuarantineReason::description).findFirst().orElse("");
                out.printf("%n%-22s %,8d  (%s)%n", reason, n, description);
                for (Row ex : r.<Row>getList(2)) {
                    out.printf("    %s%n      %s%n", ex.getString(0), ex.isNullAt(1) ? "" : ex.getString(1));
                }
            }
            parsed.unpersist();
            if (invalid == 0 && conflicts == 0) {
                out.println("All records are valid.");
                return XueqingCli.OK;
            }
            out.printf("%n%,d record(s) would be quarantined%s.%n", invalid,
                    conflicts > 0 ? " (plus the later copies of " + conflicts + " conflicting id(s))" : "");
            return XueqingCli.FAILED;
        }
    }
}
