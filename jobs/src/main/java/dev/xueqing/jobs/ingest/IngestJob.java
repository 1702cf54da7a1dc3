package dev.xueqing.jobs.ingest;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.schema.Datasets;
import dev.xueqing.common.schema.EventSchema;
import dev.xueqing.common.spark.SparkSessions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Input files of one format → {@code events} (partitions it touches replaced), {@code quarantine} (appended),
 * voided ids and object observations (merged). Shared by every adapter: the adapter only parses and maps.
 *
 * <p>De-duplication is per tenant: within the batch, records with the same tenant and event_id are ordered by their position (file, then
 * record); the first is kept, later ones with the same content hash are duplicates, with another hash conflicts
 * ({@code id_conflict}). Against the warehouse, an id already published with the same hash is a duplicate and with
 * another hash a conflict (the published event stays). Voiding removes the target from the batch and from
 * published partitions, and is remembered, so that a re-delivered voided statement stays out.
 *
 * <p>Cost: the records are parsed once and cached; classification (the de-duplication window and the joins with
 * published keys and voided ids) runs on a narrow projection of the events ({@link #CLASSIFIED_COLUMNS}), and only
 * that is cached. The fresh events are then picked from the cached wide rows by their key, against the smaller side
 * of the classification (see {@link #freshEvents}), so the wide rows are not shuffled for de-duplication. The
 * published keys are narrowed to the batch's ids before they are compared (see {@link #classify}), so a small
 * batch does not shuffle the keys of the whole history.
 */
public final class IngestJob {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    /** What one ingest did; the counts go to {@code _runs} and the console summary. */
    public record Result(String runId, String source, String tenant, int files, long read, long accepted,
                         long duplicates, long late, long voidingStatements, long voidedRemoved,
                         Map<String, Long> quarantinedByReason, List<String> touchedDates, Duration took,
                         long replacedRemoved) {
        /** A run that had no new or changed file to read. */
        public static Result nothingNew(String runId, String source, String tenant) {
            return new Result(runId, source, tenant, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), Duration.ZERO, 0);
        }

        public long quarantined() {
            return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * True when files were read but nothing in them was taken: every record quarantined, or the files held no
         * record at all. (A record that gave no event but was not rejected, such as an OULAD course row that only
         * describes its course, was taken.)
         */
        public boolean nothingAccepted() {
            return files > 0 && accepted == 0 && duplicates == 0 && voidingStatements == 0 && quarantined() >= read;
        }

        /** Counts as stored in {@code _runs.counts}. */
        public Map<String, Long> counts() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("files", (long) files);
            m.put("read", read);
            m.put("accepted", accepted);
            m.put("duplicates", duplicates);
            m.put("late", late);
            m.put("voiding_statements", voidingStatements);
            m.put("voided_removed", voidedRemoved);
            m.put("replaced_removed", replacedRemoved);
            m.put("quarantined", quarantined());
            quarantinedByReason.forEach((k, v) -> m.put("quarantined." + k, v));
            return m;
        }
    }

    /** The event columns that classification, counts and conflict rows read; the other columns stay in the cache. */
    static final List<String> CLASSIFIED_COLUMNS = List.of(EventSchema.TENANT, EventSchema.EVENT_ID,
            EventSchema.CONTENT_HASH, EventSchema.RAW_REF, EventSchema.EVENT_DATE);
    /**
     * What identifies an event record of the batch: {@code seq} alone does not, as a record may give several events
     * (an OULAD registration row gives its enrolment and its unenrolment, with one seq).
     */
    private static final String[] RECORD_KEY = {"seq", EventSchema.EVENT_ID};
    /**
     * The side of the fresh-events join is broadcast up to this many keys (seq and a 36-character id each: about
     * 40 MB in the driver at the limit); above, Spark (AQE) chooses.
     */
    static final long MAX_BROADCAST_KEYS = 500_000;

    private final Warehouse warehouse;
    private org.apache.spark.util.LongAccumulator recordsRead;

    public IngestJob(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Counts the records read into the accumulator, for progress reports. */
    public IngestJob reportingTo(org.apache.spark.util.LongAccumulator records) {
        this.recordsRead = records;
        return this;
    }

    /**
     * <p>Accounting: read = accepted + duplicates + quarantined + voiding statements + new events voided in the
     * same run (part of {@link Result#voidedRemoved}).
     *
     * @param lateOnOrBefore events dated on or before this day count as late arrivals (the last processed day), or
     *                       null on a first run
     */
    public Result run(SourceAdapter adapter, List<String> files, String tenant, String runId, Instant start,
                      LocalDate lateOnOrBefore) {
        return run(adapter, files, tenant, runId, start, lateOnOrBefore, List.of());
    }

    /**
     * As {@link #run(SourceAdapter, List, String, String, Instant, LocalDate)}, where {@code replacedFiles} (a subset
     * of {@code files}) changed since an earlier run ingested them: the events they gave then (by raw_ref) are
     * removed in the same publish, so that their new content replaces the old instead of adding to it.
     */
    public Result run(SourceAdapter adapter, List<String> files, String tenant, String runId, Instant start,
                      LocalDate lateOnOrBefore, List<String> replacedFiles) {
        SparkSession spark = warehouse.spark();
        SparkSessions.label(spark, "INGEST", adapter.format(), files.size() + " file(s)");
        Dataset<Row> parsed = parse(spark, adapter, files, tenant, runId, start, recordsRead)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return ingest(parsed, adapter.format(), tenant, files.size(), runId, start, lateOnOrBefore,
                    replacedFiles);
        } finally {
            parsed.unpersist();
        }
    }

    /** Reads the files in parallel (one task per file) into {@link ParsedRecords} rows. */
    public static Dataset<Row> parse(SparkSession spark, SourceAdapter adapter, List<String> files, String tenant,
                              String runId, Instant start) {
        return parse(spark, adapter, files, tenant, runId, start, null);
    }

    static Dataset<Row> parse(SparkSession spark, SourceAdapter adapter, List<String> files, String tenant,
                              String runId, Instant start, org.apache.spark.util.LongAccumulator recordsRead) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Tuple2<Integer, String>> numbered = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            numbered.add(new Tuple2<>(i, files.get(i)));
        }
        FileRecords reader = new FileRecords(adapter,
                new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration()), tenant, runId, start, recordsRead);
        JavaRDD<Row> rows = jsc.parallelize(numbered, Math.max(1, files.size()))
                .flatMap(f -> reader.rows(f._1(), f._2()));
        return spark.createDataFrame(rows, ParsedRecords.SCHEMA);
    }

    private Result ingest(Dataset<Row> parsed, String source, String tenant, int files, String runId, Instant start,
                          LocalDate lateOnOrBefore, List<String> replacedFiles) {
        // 1. One pass for the record counts by kind and quarantine reason.
        Map<String, Long> quarantined = new TreeMap<>();
        long records = 0;
        long voiding = 0;
        long eventRecords = 0;
        for (Row r : parsed.groupBy(col("kind"), col("quarantine.reason").as("reason")).count().collectAsList()) {
            String kind = r.getString(0);
            long n = r.getLong(2);
            if (!ParsedRecords.FACT_KINDS.contains(kind)) {
                records += n;
            }
            if (ParsedRecords.EVENT.equals(kind)) {
                eventRecords += n;
            }
            if (ParsedRecords.QUARANTINE.equals(kind)) {
                quarantined.merge(r.getString(1), n, Long::sum);
            } else if (ParsedRecords.VOIDED.equals(kind)) {
                voiding += n;
            }
        }

        // 2. Compare with what is published.
        Dataset<Row> publishedAll = warehouse.read(DatasetRef.EVENTS, EventSchema.SCHEMA);
        Column fromReplaced = lit(false);
        for (String f : replacedFiles) {
            fromReplaced = fromReplaced.or(col(EventSchema.RAW_REF).startsWith(f + ":")
                    .and(col(EventSchema.TENANT).equalTo(tenant)));
        }
        // the events of changed files as ingested before are neither compared with nor kept
        Dataset<Row> published = replacedFiles.isEmpty() ? publishedAll : publishedAll.filter(functions.not(fromReplaced));
        List<String> replacedDates = new ArrayList<>();
        long replacedRemoved = 0;
        if (!replacedFiles.isEmpty()) {
            for (Row r : publishedAll.filter(fromReplaced).groupBy(EventSchema.EVENT_DATE).count().collectAsList()) {
                replacedDates.add(r.getDate(0).toLocalDate().toString());
                replacedRemoved += r.getLong(1);
            }
        }

        // 3. Voiding: everything voided so far, this batch included.
        Dataset<Row> batchVoided = ofKind(parsed, ParsedRecords.VOIDED).select(col("voided.*"));
        Dataset<Row> voidedIds = warehouse.read(DatasetRef.VOIDED, Datasets.VOIDED)
                .select(col("voided_event_id"), col("tenant").as("voided_tenant"))
                .union(batchVoided.select(col("voided_event_id"), col("tenant").as("voided_tenant"))).distinct();

        // 4. Classify every event record of the batch once, by its fate, on narrow rows; each count and output
        //    below is read from this one cached classification.
        Dataset<Row> classified = classify(parsed, published, voidedIds, eventRecords <= MAX_BROADCAST_KEYS)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> voidedPublished = published.select(EventSchema.EVENT_ID, EventSchema.TENANT, EventSchema.EVENT_DATE)
                .join(batchVoided.select(col("voided_event_id"), col("tenant").as("voided_tenant")), isVoided(),
                        "left_semi");

        try {
            // 5. Counts by fate and the partitions touched, in one job (plus one when the batch voids anything).
            Map<String, Long> byFate = new TreeMap<>();
            List<String> touched = new ArrayList<>();
            long late = 0;
            Column isLate = lit(lateOnOrBefore != null).and(col(EventSchema.EVENT_DATE)
                    .leq(lit(lateOnOrBefore == null ? LocalDate.of(1970, 1, 1) : lateOnOrBefore)));
            for (Row r : classified.groupBy(col("_fate")).agg(count(lit(1)), sum(when(isLate, 1).otherwise(0)),
                    functions.collect_set(col(EventSchema.EVENT_DATE))).collectAsList()) {
                byFate.put(r.getString(0), r.getLong(1));
                if (Fate.FRESH.equals(r.getString(0))) {
                    late = r.isNullAt(2) ? 0 : r.getLong(2);
                    for (Object d : r.getList(3)) {
                        touched.add(((java.sql.Date) d).toLocalDate().toString());
                    }
                }
            }
            long voidedPublishedCount = 0;
            if (voiding > 0) {
                for (Row r : voidedPublished.groupBy(EventSchema.EVENT_DATE).count().collectAsList()) {
                    String d = r.getDate(0).toLocalDate().toString();
                    if (!touched.contains(d)) {
                        touched.add(d);
                    }
                    voidedPublishedCount += r.getLong(1);
                }
            }
            long accepted = byFate.getOrDefault(Fate.FRESH, 0L);
            long notAccepted = byFate.values().stream().mapToLong(Long::longValue).sum() - accepted;
            long duplicates = byFate.getOrDefault(Fate.DUPLICATE, 0L)
                    + byFate.getOrDefault(Fate.PUBLISHED_DUPLICATE, 0L);
            for (String d : replacedDates) {
                if (!touched.contains(d)) {
                    touched.add(d);
                }
            }
            touched.sort(null);
            // events removed by voiding: published ones, and new ones voided before they were published
            long voidedRemoved = voidedPublishedCount + byFate.getOrDefault(Fate.VOIDED, 0L);

            // 6. Conflicts become quarantine rows (the raw text stays in the first record's file).
            Column conflictDetail = when(col("_fate").equalTo(Fate.BATCH_CONFLICT),
                    concat(lit("statement id "), col(EventSchema.EVENT_ID),
                            lit(" was first seen with other content at "), col("_first_ref")))
                    .otherwise(concat(lit("statement id "), col(EventSchema.EVENT_ID),
                            lit(" is already published with other content (from "), col("_pref"), lit(")")));
            Dataset<Row> conflicts = classified
                    .filter(col("_fate").isin(Fate.BATCH_CONFLICT, Fate.PUBLISHED_CONFLICT))
                    .select(lit(source).as("source"), lit(tenant).as("tenant"),
                            col(EventSchema.RAW_REF).as("raw_ref"), lit("id_conflict").as("reason"),
                            conflictDetail.as("detail"), lit(null).cast("string").as("raw"),
                            current_timestamp().as("quarantined_at"), lit(runId).as("run_id"));
            long conflictCount = byFate.getOrDefault(Fate.BATCH_CONFLICT, 0L)
                    + byFate.getOrDefault(Fate.PUBLISHED_CONFLICT, 0L);
            if (conflictCount > 0) {
                quarantined.merge("id_conflict", conflictCount, Long::sum);
            }

            // 7. Publish: events partitions first, then the side datasets.
            dev.xueqing.common.io.FaultPoints.reached("ingest-before-publish");
            if (!touched.isEmpty()) {
                Dataset<Row> keep = published.filter(col(EventSchema.EVENT_DATE).cast("string")
                                .isin(touched.toArray()))
                        .join(voidedIds, isVoided(), "left_anti")
                        .select(eventColumns());
                Dataset<Row> events = accepted == 0 ? keep
                        : keep.unionByName(freshEvents(parsed, classified, accepted, notAccepted));
                warehouse.publishPartitions(DatasetRef.EVENTS, events, touched, runId);
            }
            Dataset<Row> quarantineRows = ofKind(parsed, ParsedRecords.QUARANTINE)
                    .select(col("quarantine.*")).unionByName(conflicts);
            if (!quarantined.isEmpty()) {
                warehouse.append(DatasetRef.QUARANTINE, quarantineRows.coalesce(1));
            }
            if (voiding > 0) {
                warehouse.append(DatasetRef.VOIDED, batchVoided.coalesce(1));
            }
            mergeObservations(ofKind(parsed, ParsedRecords.OBSERVATION).select(col("observation.*")), runId);
            mergeFacts(DatasetRef.ENROLMENT_FACTS, Datasets.ENROLMENT_FACTS, parsed, ParsedRecords.ENROLMENT_FACT,
                    List.of("tenant", "learner_key", "course_id"), runId);
            mergeFacts(DatasetRef.COURSE_FACTS, Datasets.COURSE_FACTS, parsed, ParsedRecords.COURSE_FACT,
                    List.of("tenant", "course_id"), runId);

            Duration took = Duration.between(start, Instant.now());
            LOG.info("INGEST {}: {} file(s), {} record(s), {} accepted, {} duplicate(s), {} quarantined, {} late, "
                            + "{} voiding, {} partition(s) touched in {} s", source, files, records, accepted,
                    duplicates, quarantined.values().stream().mapToLong(Long::longValue).sum(), late, voiding,
                    touched.size(), took.toSeconds());
            if (replacedRemoved > 0) {
                LOG.info("INGEST {}: {} changed file(s) replaced {} event(s) they had given before", source,
                        replacedFiles.size(), replacedRemoved);
            }
            return new Result(runId, source, tenant, files, records, accepted, duplicates, late, voiding,
                    voidedRemoved, quarantined, touched, took, replacedRemoved);
        } finally {
            classified.unpersist();
        }
    }

    /**
     * The fate of every event record of the batch, on narrow rows: {@code seq}, {@link #CLASSIFIED_COLUMNS},
     * {@code _first_ref} (raw_ref of the first record with the same tenant and id), {@code _pref} (raw_ref of the
     * published event with that id, if any) and {@code _fate}. Records are ranked within (tenant, event_id) by seq,
     * then compared with the published events' keys and the voided ids.
     *
     * <p>When {@code batchIdsBroadcast} (the batch has at most {@link #MAX_BROADCAST_KEYS} event records), the
     * published keys are first narrowed to the batch's ids by a broadcast semi join, so that only the published
     * events that share an id with the batch (usually none) are shuffled for the comparison, not every event of the
     * history with its hash and reference. The result is the same either way.
     */
    static Dataset<Row> classify(Dataset<Row> parsed, Dataset<Row> published, Dataset<Row> voidedIds,
                                 boolean batchIdsBroadcast) {
        List<Column> narrow = new ArrayList<>(List.of(col("seq")));
        CLASSIFIED_COLUMNS.forEach(c -> narrow.add(col("event." + c).as(c)));
        WindowSpec byId = Window.partitionBy(EventSchema.TENANT, EventSchema.EVENT_ID).orderBy(col("seq"));
        Dataset<Row> ranked = ofKind(parsed, ParsedRecords.EVENT).select(narrow.toArray(Column[]::new))
                .withColumn("_rank", row_number().over(byId))
                .withColumn("_first_hash", first(EventSchema.CONTENT_HASH).over(byId))
                .withColumn("_first_ref", first(EventSchema.RAW_REF).over(byId));
        Dataset<Row> candidates = published;
        if (batchIdsBroadcast) {
            Dataset<Row> batchIds = ofKind(parsed, ParsedRecords.EVENT)
                    .select(col("event." + EventSchema.EVENT_ID).as("_bid"),
                            col("event." + EventSchema.TENANT).as("_btenant"))
                    .distinct();
            candidates = published.join(functions.broadcast(batchIds), col(EventSchema.EVENT_ID).equalTo(col("_bid"))
                    .and(col(EventSchema.TENANT).equalTo(col("_btenant"))), "left_semi");
        }
        Dataset<Row> publishedKeys = candidates.select(col(EventSchema.EVENT_ID).as("_pid"),
                col(EventSchema.TENANT).as("_ptenant"),
                col(EventSchema.CONTENT_HASH).as("_phash"), col(EventSchema.RAW_REF).as("_pref"));
        Column later = col("_rank").gt(1);
        Column known = col("_pid").isNotNull();
        Column fate = when(later.and(col(EventSchema.CONTENT_HASH).equalTo(col("_first_hash"))), lit(Fate.DUPLICATE))
                .when(later, lit(Fate.BATCH_CONFLICT))
                .when(known.and(col("_phash").equalTo(col(EventSchema.CONTENT_HASH))), lit(Fate.PUBLISHED_DUPLICATE))
                .when(known, lit(Fate.PUBLISHED_CONFLICT))
                .when(col("voided_event_id").isNotNull(), lit(Fate.VOIDED))
                .otherwise(lit(Fate.FRESH));
        return ranked
                .join(publishedKeys, col(EventSchema.EVENT_ID).equalTo(col("_pid"))
                        .and(col(EventSchema.TENANT).equalTo(col("_ptenant"))), "left")
                .join(voidedIds, isVoided(), "left")
                .withColumn("_fate", fate)
                .drop("_rank", "_first_hash", "_pid", "_ptenant", "_phash", "voided_event_id", "voided_tenant");
    }

    /**
     * The fresh events of the batch with all their columns, picked from the cached wide rows by {@link #RECORD_KEY}
     * against the smaller side of the classification: kept if among the fresh keys ({@code left_semi}) when there
     * are no more fresh than other records, else dropped if among the other keys ({@code left_anti}). That side is
     * broadcast when it has at most {@link #MAX_BROADCAST_KEYS} keys, so that the wide rows are not shuffled.
     *
     * @param fresh    the number of fresh records in {@code classified}
     * @param notFresh the number of the other records in {@code classified}
     */
    static Dataset<Row> freshEvents(Dataset<Row> parsed, Dataset<Row> classified, long fresh, long notFresh) {
        boolean byFreshKeys = fresh <= notFresh;
        Column isFresh = col("_fate").equalTo(Fate.FRESH);
        Dataset<Row> keys = classified.filter(byFreshKeys ? isFresh : functions.not(isFresh))
                .select(java.util.Arrays.stream(RECORD_KEY).map(functions::col).toArray(Column[]::new));
        if (Math.min(fresh, notFresh) <= MAX_BROADCAST_KEYS) {
            keys = functions.broadcast(keys);
        }
        return ofKind(parsed, ParsedRecords.EVENT).select(col("seq"), col("event.*"))
                .join(keys, RECORD_KEY, byFreshKeys ? "left_semi" : "left_anti")
                .select(eventColumns());
    }

    /** The columns of {@link EventSchema}, in order. */
    private static Column[] eventColumns() {
        return EventSchema.COLUMNS.stream().map(functions::col).toArray(Column[]::new);
    }

    /** The parsed records of one kind ({@link ParsedRecords#EVENT}, ...). */
    private static Dataset<Row> ofKind(Dataset<Row> parsed, String kind) {
        return parsed.filter(col("kind").equalTo(kind));
    }

    /** What became of an event record of the batch ({@code _fate}). */
    static final class Fate {
        /** New: published by this run. */
        static final String FRESH = "fresh";
        /** A later copy, same content, of an event earlier in the batch. */
        static final String DUPLICATE = "duplicate";
        /** A later record with the id of an event earlier in the batch and other content: id_conflict. */
        static final String BATCH_CONFLICT = "batch_conflict";
        /** Already published with the same content. */
        static final String PUBLISHED_DUPLICATE = "published_duplicate";
        /** Already published with other content: id_conflict, the published event stays. */
        static final String PUBLISHED_CONFLICT = "published_conflict";
        /** Voided (in this batch or before): never published. */
        static final String VOIDED = "voided";

        private Fate() {}
    }

    /**
     * Merges this batch's object observations into the published ones: latest non-null value wins per column
     * (skills too: a later record that names an object's skills replaces the earlier list, one that says nothing
     * keeps it), the largest max_score wins.
     */
    private void mergeObservations(Dataset<Row> batch, String runId) {
        Dataset<Row> all = warehouse.read(DatasetRef.OBJECT_OBSERVATIONS, Datasets.OBJECT_OBSERVATIONS)
                .unionByName(batch);
        Column ts = col("last_seen");
        Dataset<Row> merged = all.groupBy("course_id", "object_id").agg(
                max_by(col("object_type"), ts).as("object_type"),
                latestNonNull("parent_id"),
                latestNonNull("title"),
                max("max_score").as("max_score"),
                latestNonNull("due_time"),
                latestNonNull("weight"),
                max_by(col("tenant"), ts).as("tenant"),
                max(ts).as("last_seen"),
                latestNonNull("skills"))
                .select(Datasets.OBJECT_OBSERVATIONS.fieldNames()[0],
                        java.util.Arrays.copyOfRange(Datasets.OBJECT_OBSERVATIONS.fieldNames(), 1,
                                Datasets.OBJECT_OBSERVATIONS.fieldNames().length))
                .coalesce(1);
        warehouse.publish(DatasetRef.OBJECT_OBSERVATIONS, merged, runId);
    }

    /** An event matches a voided id of its own tenant (statement ids are unique per LRS, not across tenants). */
    private static Column isVoided() {
        return col(EventSchema.EVENT_ID).equalTo(col("voided_event_id"))
                .and(col(EventSchema.TENANT).equalTo(col("voided_tenant")));
    }

    /**
     * Merges this batch's facts of one kind into the published ones: per key, each column takes its latest non-null
     * value by observed_at. Skipped (nothing written) when the batch has none.
     */
    private void mergeFacts(DatasetRef ref, org.apache.spark.sql.types.StructType schema, Dataset<Row> parsed,
                            String kind, List<String> keys, String runId) {
        Dataset<Row> batch = ofKind(parsed, kind).select(col(kind + ".*"));
        if (batch.isEmpty()) {
            return;
        }
        Dataset<Row> all = warehouse.read(ref, schema).unionByName(batch);
        List<Column> aggs = new ArrayList<>();
        for (String f : schema.fieldNames()) {
            if (!keys.contains(f) && !f.equals("observed_at")) {
                aggs.add(max_by(col(f), when(col(f).isNotNull(), col("observed_at"))).as(f));
            }
        }
        aggs.add(max("observed_at").as("observed_at"));
        Dataset<Row> merged = all.groupBy(keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
                .select(java.util.Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
                        .toArray(Column[]::new))
                .coalesce(1);
        warehouse.publish(ref, merged, runId);
    }

    private static Column latestNonNull(String name) {
        return max_by(col(name), when(col(name).isNotNull(), col("last_seen"))).as(name);
    }

    static Column nvl(Column c, Object v) {
        return coalesce(c, lit(v));
    }
}
