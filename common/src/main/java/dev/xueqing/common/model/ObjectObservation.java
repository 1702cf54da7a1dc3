package dev.xueqing.common.model;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * What an adapter learned about a learning object from one record (its title, due time, weight, maximum score),
 * in {@link dev.xueqing.common.schema.Datasets#OBJECT_OBSERVATIONS} order. A course's own observation has
 * objectId = courseId and objectType {@code course}.
 */
public record ObjectObservation(
        String courseId,
        String objectId,
        String objectType,
        String parentId,
        String title,
        Double maxScore,
        Instant dueTime,
        Double weight,
        String tenant,
        Instant lastSeen) {

    public Row toRow() {
        return RowFactory.create(courseId, objectId, objectType, parentId, title, maxScore,
                dueTime == null ? null : Timestamp.from(dueTime), weight, tenant, Timestamp.from(lastSeen));
    }
}
