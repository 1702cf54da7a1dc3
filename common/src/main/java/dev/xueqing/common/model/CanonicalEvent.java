package dev.xueqing.common.model;

import dev.xueqing.common.schema.EventSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One canonical learning event as an adapter produces it, before Spark. {@link #toRow()} gives a Row in
 * {@link EventSchema#SCHEMA} order. Adapters fill every non-null column of that schema.
 */
public record CanonicalEvent(
        String eventId,
        String source,
        String tenant,
        String learnerKey,
        String actorRole,
        String courseId,
        String classId,
        Instant eventTime,
        String action,
        String sourceVerb,
        String objectId,
        String objectType,
        String parentId,
        Double scoreRaw,
        Double scoreMax,
        Double scoreScaled,
        Boolean success,
        Boolean completion,
        Double durationS,
        String response,
        Integer attempt,
        String inReplyTo,
        String rawRef,
        String runId,
        String contentHash,
        LocalDate eventDate) {

    public Row toRow() {
        return RowFactory.create(eventId, source, tenant, learnerKey, actorRole, courseId, classId,
                Timestamp.from(eventTime), action, sourceVerb, objectId, objectType, parentId, scoreRaw, scoreMax,
                scoreScaled, success, completion, durationS, response, attempt, inReplyTo, rawRef, runId, contentHash,
                Date.valueOf(eventDate));
    }

    static {
        if (EventSchema.SCHEMA.fieldNames().length != 26) {
            throw new AssertionError("CanonicalEvent is out of step with EventSchema");
        }
    }
}
