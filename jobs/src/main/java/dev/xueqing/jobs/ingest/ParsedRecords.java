package dev.xueqing.jobs.ingest;

import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.schema.Datasets;
import dev.xueqing.common.schema.EventSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * The one row type every adapter emits: a tagged union of an event, a quarantine row, a voided id or an object
 * observation, plus {@code seq}, the record's position (file ordinal in the high 24 bits, record number in the
 * low 40), which orders records deterministically for de-duplication.
 */
public final class ParsedRecords {
    public static final String EVENT = "event";
    public static final String QUARANTINE = "quarantine";
    public static final String VOIDED = "voided";
    public static final String OBSERVATION = "observation";
    public static final String ENROLMENT_FACT = "enrolment_fact";
    public static final String COURSE_FACT = "course_fact";

    public static final StructType SCHEMA = new StructType(new StructField[] {
            new StructField("kind", DataTypes.StringType, false, Metadata.empty()),
            new StructField("seq", DataTypes.LongType, false, Metadata.empty()),
            new StructField("event", EventSchema.SCHEMA, true, Metadata.empty()),
            new StructField("quarantine", Datasets.QUARANTINE, true, Metadata.empty()),
            new StructField("voided", Datasets.VOIDED, true, Metadata.empty()),
            new StructField("observation", Datasets.OBJECT_OBSERVATIONS, true, Metadata.empty()),
            new StructField("enrolment_fact", Datasets.ENROLMENT_FACTS, true, Metadata.empty()),
            new StructField("course_fact", Datasets.COURSE_FACTS, true, Metadata.empty()),
    });

    /** Kinds that describe the world (objects, learners, courses) rather than being records of activity. */
    public static final java.util.Set<String> FACT_KINDS = java.util.Set.of(OBSERVATION, ENROLMENT_FACT, COURSE_FACT);

    private ParsedRecords() {}

    public static long seq(int fileOrdinal, long recordNumber) {
        return ((long) fileOrdinal << 40) | (recordNumber & ((1L << 40) - 1));
    }

    public static Row event(long seq, CanonicalEvent e) {
        return RowFactory.create(EVENT, seq, e.toRow(), null, null, null, null, null);
    }

    public static Row observation(long seq, ObjectObservation o) {
        return RowFactory.create(OBSERVATION, seq, null, null, null, o.toRow(), null, null);
    }

    public static Row voided(long seq, String voidedId, String voidingId, String tenant, Instant at, String rawRef,
                             String runId) {
        return RowFactory.create(VOIDED, seq, null, null,
                RowFactory.create(voidedId, voidingId, tenant, at == null ? null : Timestamp.from(at), rawRef, runId),
                null, null, null);
    }

    /** A learner's enrolment facts (values in {@link Datasets#ENROLMENT_FACTS} order). */
    public static Row enrolmentFact(long seq, Object... values) {
        return RowFactory.create(ENROLMENT_FACT, seq, null, null, null, null, RowFactory.create(values), null);
    }

    /** A course's facts (values in {@link Datasets#COURSE_FACTS} order). */
    public static Row courseFact(long seq, Object... values) {
        return RowFactory.create(COURSE_FACT, seq, null, null, null, null, null, RowFactory.create(values));
    }

    /** Quarantine rows keep at most this many characters of the raw record. */
    public static final int MAX_RAW_CHARS = 65_536;

    public static Row quarantine(long seq, String source, String tenant, String rawRef, QuarantineReason reason,
                                 String detail, String raw, Instant at, String runId) {
        String r = raw == null || raw.length() <= MAX_RAW_CHARS ? raw : raw.substring(0, MAX_RAW_CHARS);
        String d = detail == null || detail.length() <= 2000 ? detail : detail.substring(0, 2000);
        return RowFactory.create(QUARANTINE, seq, null,
                RowFactory.create(source, tenant, rawRef, reason.code(), d, r, Timestamp.from(at), runId), null, null,
                null, null);
    }
}
