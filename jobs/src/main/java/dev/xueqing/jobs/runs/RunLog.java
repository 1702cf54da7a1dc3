package dev.xueqing.jobs.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

/**
 * The {@code _runs} dataset: one row per job run (job, parameters, start, end, status, counts, message), appended
 * when the run ends, whether it succeeded or failed.
 */
public final class RunLog {
    public static final StructType SCHEMA = new StructType(new StructField[] {
            new StructField("run_id", DataTypes.StringType, false, Metadata.empty()),
            new StructField("job", DataTypes.StringType, false, Metadata.empty()),
            new StructField("parameters", DataTypes.StringType, true, Metadata.empty()),
            new StructField("as_of", DataTypes.DateType, true, Metadata.empty()),
            new StructField("started_at", DataTypes.TimestampType, false, Metadata.empty()),
            new StructField("ended_at", DataTypes.TimestampType, false, Metadata.empty()),
            new StructField("status", DataTypes.StringType, false, Metadata.empty()),
            new StructField("counts", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true,
                    Metadata.empty()),
            new StructField("message", DataTypes.StringType, true, Metadata.empty()),
    });

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Warehouse warehouse;

    public RunLog(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** A new run id: sortable by time, unique ("20261128T101500Z-3f9a1c2b"). */
    public static String newRunId(Instant start) {
        return ID_TIME.format(start) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The start time encoded in a run id ({@link #newRunId}), or empty when the id does not start with one. */
    public static java.util.Optional<Instant> startOf(String runId) {
        if (runId == null || runId.length() < 16) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Instant.from(ID_TIME.parse(runId.substring(0, 16))));
        } catch (java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    public void record(String runId, String job, Map<String, ?> parameters, LocalDate asOf, Instant start,
                       Instant end, String status, Map<String, Long> counts, String message) {
        String params;
        try {
            params = JSON.writeValueAsString(new TreeMap<>(parameters));
        } catch (JsonProcessingException e) {
            params = String.valueOf(parameters);
        }
        Row row = RowFactory.create(runId, job, params, asOf == null ? null : java.sql.Date.valueOf(asOf),
                Timestamp.from(start), Timestamp.from(end), status,
                scala.jdk.javaapi.CollectionConverters.asScala(new TreeMap<>(counts)), message);
        Dataset<Row> df = warehouse.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1);
        warehouse.append(DatasetRef.RUNS, df);
    }

    /** All runs so far (empty when none). */
    public Dataset<Row> all() {
        return warehouse.read(DatasetRef.RUNS, SCHEMA);
    }

    /**
     * The latest as-of date of a successful nightly or marts run before this one, or null. Events accepted later
     * for a day on or before it are late arrivals.
     */
    public LocalDate lastProcessedDate() {
        if (!warehouse.exists(DatasetRef.RUNS)) {
            return null;
        }
        Row r = all().filter(col("status").equalTo("succeeded").and(col("job").isin("nightly", "marts")))
                .agg(max("as_of")).first();
        return r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
    }
}
