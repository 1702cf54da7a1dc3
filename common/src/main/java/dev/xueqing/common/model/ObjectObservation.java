package dev.xueqing.common.model;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * What an adapter learned about a learning object from one record (its title, due time, weight, maximum score,
 * skills), in {@link dev.xueqing.common.schema.Datasets#OBJECT_OBSERVATIONS} order. A course's own observation has
 * objectId = courseId and objectType {@code course}. {@code skills} is null when the record says nothing about the
 * object's skills, and a list (possibly empty) of skill ids as the source gives them when it does.
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
        Instant lastSeen,
        List<String> skills) {

    public ObjectObservation {
        skills = skills == null ? null : List.copyOf(skills);
    }

    /** An observation that says nothing about the object's skills. */
    public ObjectObservation(String courseId, String objectId, String objectType, String parentId, String title,
                             Double maxScore, Instant dueTime, Double weight, String tenant, Instant lastSeen) {
        this(courseId, objectId, objectType, parentId, title, maxScore, dueTime, weight, tenant, lastSeen, null);
    }

    public Row toRow() {
        return RowFactory.create(courseId, objectId, objectType, parentId, title, maxScore,
                dueTime == null ? null : Timestamp.from(dueTime), weight, tenant, Timestamp.from(lastSeen),
                skills == null ? null : skills.toArray(String[]::new));
    }
}
