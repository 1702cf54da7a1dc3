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
 * when the run ends, whether it succeeded or failed. Status is {@code succeeded}, {@code failed} (with the error as
 * message), or {@code interrupted}: the process died (killed, out of memory, machine lost) and the next run that
 * took over the warehouse lock recorded it.
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

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";

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

    /**
     * One row of {@code _runs} before it is appended. The ingest ledger keeps it as JSON ({@link #toJson()}), so that
     * a run killed between recording its files and recording itself is recorded, exactly, by the next run.
     */
    public record Entry(String runId, String job, Map<String, ?> parameters, LocalDate asOf, Instant start,
                        Instant end, String status, Map<String, Long> counts, String message) {
        public Entry {
            parameters = new TreeMap<>(parameters);
            counts = new TreeMap<>(counts);
        }

        /** The same row with another message. */
        public Entry withMessage(String m) {
            return new Entry(runId, job, parameters, asOf, start, end, status, counts, m);
        }

        public String toJson() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("run_id", runId);
            m.put("job", job);
            m.put("parameters", parameters);
            m.put("as_of", asOf == null ? null : asOf.toString());
            m.put("started_at", start.toString());
            m.put("ended_at", end.toString());
            m.put("status", status);
            m.put("counts", counts);
            m.put("message", message);
            try {
                return JSON.writeValueAsString(m);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write a run row as JSON", e);
            }
        }

        public static Entry fromJson(String json) {
            try {
                var n = JSON.readTree(json);
                Map<String, Object> params = JSON.convertValue(n.get("parameters"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
                Map<String, Long> counts = JSON.convertValue(n.get("counts"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>>() { });
                return new Entry(n.get("run_id").asText(), n.get("job").asText(), params,
                        n.get("as_of").isNull() ? null : LocalDate.parse(n.get("as_of").asText()),
                        Instant.parse(n.get("started_at").asText()), Instant.parse(n.get("ended_at").asText()),
                        n.get("status").asText(), counts, n.get("message").isNull() ? null : n.get("message").asText());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("not a run row: " + json, e);
            }
        }
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
        record(new Entry(runId, job, parameters, asOf, start, end, status, counts, message));
    }

    /** Appends the row. */
    public void record(Entry e) {
        String params;
        try {
            params = JSON.writeValueAsString(e.parameters());
        } catch (JsonProcessingException ex) {
            params = String.valueOf(e.parameters());
        }
        Row row = RowFactory.create(e.runId(), e.job(), params,
                e.asOf() == null ? null : java.sql.Date.valueOf(e.asOf()),
                Timestamp.from(e.start()), Timestamp.from(e.end()), e.status(),
                scala.jdk.javaapi.CollectionConverters.asScala(e.counts()), e.message());
        Dataset<Row> df = warehouse.spark().createDataFrame(List.of(row), SCHEMA).coalesce(1);
        warehouse.append(DatasetRef.RUNS, df);
    }

    /** The run ids recorded so far (empty when none). */
    public java.util.Set<String> runIds() {
        if (!warehouse.exists(DatasetRef.RUNS)) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(all().select("run_id").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList());
    }

    /**
     * The text stored as a failed run's message: the exception's message (its class when it has none) and, when
     * different, the message of its root cause.
     */
    public static String describe(Throwable e) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
            m += " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return m;
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
