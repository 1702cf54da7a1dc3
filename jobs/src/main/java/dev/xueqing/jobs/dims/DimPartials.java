package dev.xueqing.jobs.dims;

import dev.xueqing.common.io.BuildInputs;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.jobs.marts.DayRebuild;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

/**
 * events → per-day partial aggregates of the dims ({@link #REF}, partitioned by event_date): every
 * aggregate the dims take over the events is a minimum, a maximum or a latest value, so it can be taken per day and
 * then over the days. The dims are then built from these rows ({@link DimsJob#fromPartials}) instead of from every
 * event, and a nightly recomputes only the days whose event partitions changed ({@link #maintain}).
 *
 * <p>One row per group and day, by {@code kind}:
 * <ul>
 *   <li>{@code learner}: learner_key, tenant; t_min = first event_time of the learner's own (learner-role) events;</li>
 *   <li>{@code enrolment}: learner_key, course_id, class_id of learner-role events; t_min, t_max = first and last
 *       event_time, t_first_enrol, t_last_enrol = first and last enrolled event, t_last_unenrol = last unenrolled
 *       event;</li>
 *   <li>{@code outcome}: learner_key, course_id; action = the passed or failed event on the course itself (by a
 *       learner or the system) latest in the day, t_max = its time;</li>
 *   <li>{@code course}: course_id, tenant of any event; t_max = last event_time (the day is event_date);</li>
 *   <li>{@code item}: course_id, object_id, object_type, parent_id of events on objects other than a course, class,
 *       agent or statement; t_max = last event_time, score_max = the largest score_max.</li>
 * </ul>
 */
public final class DimPartials {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DimPartials.class);

    /** Where the partials live: internal state, partitioned by event_date like the events they summarise. */
    public static final DatasetRef REF =
            new DatasetRef("dim_partials", DatasetRef.Kind.INTERNAL, "_state/dim_partials", List.of("event_date"));

    static final String LEARNER = "learner";
    static final String ENROLMENT = "enrolment";
    static final String OUTCOME = "outcome";
    static final String COURSE = "course";
    static final String ITEM = "item";

    /** The columns of {@link #REF}, the partition column last. */
    public static final StructType SCHEMA = new StructType()
            .add("kind", DataTypes.StringType, false)
            .add("tenant", DataTypes.StringType, true)
            .add("learner_key", DataTypes.StringType, true)
            .add("course_id", DataTypes.StringType, true)
            .add("class_id", DataTypes.StringType, true)
            .add("object_id", DataTypes.StringType, true)
            .add("object_type", DataTypes.StringType, true)
            .add("parent_id", DataTypes.StringType, true)
            .add("action", DataTypes.StringType, true)
            .add("t_min", DataTypes.TimestampType, true)
            .add("t_max", DataTypes.TimestampType, true)
            .add("t_first_enrol", DataTypes.TimestampType, true)
            .add("t_last_enrol", DataTypes.TimestampType, true)
            .add("t_last_unenrol", DataTypes.TimestampType, true)
            .add("score_max", DataTypes.DoubleType, true)
            .add("event_date", DataTypes.DateType, false);

    /** The note kept beside each version: the fingerprint of the definition the rows were computed with. */
    static final String NOTE = "partials.json";

    private DimPartials() {}

    /** Pure transform: events ({@link DimsJob#EVENT_COLUMNS}) → partial rows of {@link #SCHEMA}, per day. */
    public static Dataset<Row> of(Dataset<Row> events) {
        Column t = col("event_time");
        Dataset<Row> learnerEvents = events.filter(col("actor_role").equalTo(ActorRoles.LEARNER));
        Column isEnrol = col("action").equalTo(Actions.ENROLLED);
        Column isUnenrol = col("action").equalTo(Actions.UNENROLLED);

        Dataset<Row> learners = learnerEvents.groupBy("event_date", "learner_key", "tenant")
                .agg(min(t).as("t_min"))
                .withColumn("kind", lit(LEARNER));
        Dataset<Row> enrolments = learnerEvents.groupBy("event_date", "learner_key", "course_id", "class_id").agg(
                        min(t).as("t_min"), max(t).as("t_max"),
                        min(when(isEnrol, t)).as("t_first_enrol"), max(when(isEnrol, t)).as("t_last_enrol"),
                        max(when(isUnenrol, t)).as("t_last_unenrol"))
                .withColumn("kind", lit(ENROLMENT));
        Column courseOutcome = col("object_id").equalTo(col("course_id"))
                .and(col("action").isin(Actions.PASSED, Actions.FAILED));
        Dataset<Row> outcomes = events.filter(col("actor_role").isin(ActorRoles.LEARNER, ActorRoles.SYSTEM)
                        .and(courseOutcome))
                .groupBy("event_date", "learner_key", "course_id")
                .agg(max_by(col("action"), t).as("action"), max(t).as("t_max"))
                .withColumn("kind", lit(OUTCOME));
        Dataset<Row> courses = events.groupBy("event_date", "course_id", "tenant").agg(max(t).as("t_max"))
                .withColumn("kind", lit(COURSE));
        Dataset<Row> items = events.filter(col("object_type").isin(ObjectTypes.COURSE, ObjectTypes.CLASS,
                        ObjectTypes.AGENT, ObjectTypes.STATEMENT).unary_$bang())
                .groupBy("event_date", "course_id", "object_id", "object_type", "parent_id")
                .agg(max(t).as("t_max"), max("score_max").as("score_max"))
                .withColumn("kind", lit(ITEM));
        return conform(learners).unionByName(conform(enrolments)).unionByName(conform(outcomes))
                .unionByName(conform(courses)).unionByName(conform(items));
    }

    /** The rows of one kind, every column of {@link #SCHEMA} (null where the kind has none), in its order. */
    private static Dataset<Row> conform(Dataset<Row> rows) {
        List<String> have = List.of(rows.columns());
        return rows.select(java.util.Arrays.stream(SCHEMA.fields())
                .map(f -> (have.contains(f.name()) ? col(f.name()) : lit(null)).cast(f.dataType()).as(f.name()))
                .toArray(Column[]::new));
    }

    /** The rows of one kind. */
    static Dataset<Row> ofKind(Dataset<Row> partials, String kind) {
        return partials.filter(col("kind").equalTo(kind));
    }

    /** The fingerprint of this definition: the schema and Xueqing's version (a change recomputes every day). */
    static String fingerprint() {
        String version = DimPartials.class.getPackage().getImplementationVersion();
        return BuildInputs.sha256("dim-partials|" + SCHEMA.json() + "|version=" + (version == null ? "dev" : version));
    }

    /**
     * Brings {@link #REF} up to date with the published events and returns it (read back): the
     * days whose event partition was written after the partials' version was committed are recomputed from their
     * events, the days that no longer have events are dropped, the others are kept. Without partials, or with
     * partials of another definition, every day is computed. The state is read from the warehouse, as for the
     * day-grain marts, so a run that died after publishing events is caught up by the next one.
     *
     * @param events the published events ({@link DimsJob#EVENT_COLUMNS}); only the changed days are read from them
     */
    static Dataset<Row> maintain(Warehouse warehouse, Dataset<Row> events, String runId) {
        Map<String, Instant> eventDays = warehouse.partitionsWrittenAt(DatasetRef.EVENTS);
        boolean whole = !warehouse.exists(REF) || !fingerprint().equals(warehouse.readVersionNote(REF, NOTE));
        if (whole) {
            LOG.info("DIMS partials: every day computed ({} day(s) of events)", eventDays.size());
            try {
                // derived state of another definition (or a half-made first one): made again from the events
                warehouse.fs().delete(warehouse.path(REF), true);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("Could not remove the old " + REF.name(), e);
            }
            // every event is read by the five aggregates: cached once (only the columns the dims read)
            Dataset<Row> cached = events.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            try {
                warehouse.publishPartitions(REF, of(cached), eventDays.keySet(), runId);
            } finally {
                cached.unpersist();
            }
            warehouse.writeVersionNote(REF, NOTE, fingerprint());
            return warehouse.read(REF);
        }
        List<String> kept = warehouse.partitionValues(REF);
        SortedSet<String> replace = DayRebuild.changedDays(eventDays, warehouse.committedAt(REF), kept);
        long gone = kept.stream().filter(d -> !eventDays.containsKey(d)).count();
        if (!replace.isEmpty()) {
            Object[] days = replace.stream().map(d -> java.sql.Date.valueOf(d)).toArray();
            LOG.info("DIMS partials: {} day(s) recomputed, {} day(s) without events dropped (days {} .. {})",
                    replace.size() - gone, gone, replace.first(), replace.last());
            warehouse.publishPartitions(REF, of(events.filter(col("event_date").isin(days))), replace, runId);
            warehouse.writeVersionNote(REF, NOTE, fingerprint());
        }
        return warehouse.read(REF);
    }
}
