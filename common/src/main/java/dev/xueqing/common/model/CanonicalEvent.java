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
 * {@link EventSchema#SCHEMA} order. Adapters fill every non-null column of that schema. Most sources record one
 * interaction per event and use the constructor without {@code interactions}; a source that aggregates (OULAD's
 * studentVle: clicks per learner, site and day) gives the count.
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
        Integer interactions,
        String rawRef,
        String runId,
        String contentHash,
        LocalDate eventDate) {

    /** An event that stands for a single interaction ({@code interactions} null). */
    public CanonicalEvent(String eventId, String source, String tenant, String learnerKey, String actorRole,
                          String courseId, String classId, Instant eventTime, String action, String sourceVerb,
                          String objectId, String objectType, String parentId, Double scoreRaw, Double scoreMax,
                          Double scoreScaled, Boolean success, Boolean completion, Double durationS,
                          String response, Integer attempt, String inReplyTo, String rawRef, String runId,
                          String contentHash, LocalDate eventDate) {
        this(eventId, source, tenant, learnerKey, actorRole, courseId, classId, eventTime, action, sourceVerb,
                objectId, objectType, parentId, scoreRaw, scoreMax, scoreScaled, success, completion, durationS,
                response, attempt, inReplyTo, null, rawRef, runId, contentHash, eventDate);
    }

    public Row toRow() {
        return RowFactory.create(eventId, source, tenant, learnerKey, actorRole, courseId, classId,
                Timestamp.from(eventTime), action, sourceVerb, objectId, objectType, parentId, scoreRaw, scoreMax,
                scoreScaled, success, completion, durationS, response, attempt, inReplyTo, interactions, rawRef, runId,
                contentHash,
                Date.valueOf(eventDate));
    }

    static {
        if (EventSchema.SCHEMA.fieldNames().length != 27) {
            throw new AssertionError("CanonicalEvent is out of step with EventSchema");
        }
    }
}
