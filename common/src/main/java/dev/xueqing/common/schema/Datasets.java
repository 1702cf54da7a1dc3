package dev.xueqing.common.schema;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import static dev.xueqing.common.schema.EventSchema.field;

/** Schemas of the warehouse datasets other than events and marts: quarantine, voided ids, observations, runs. */
public final class Datasets {

    /** Every rejected record. Partitioned by run_id. */
    public static final StructType QUARANTINE = new StructType(new org.apache.spark.sql.types.StructField[] {
            field("source", DataTypes.StringType, false),
            field("tenant", DataTypes.StringType, false),
            field("raw_ref", DataTypes.StringType, false),
            field("reason", DataTypes.StringType, false),
            field("detail", DataTypes.StringType, true),
            field("raw", DataTypes.StringType, true),
            field("quarantined_at", DataTypes.TimestampType, false),
            field("run_id", DataTypes.StringType, false),
    });

    /** Ids voided by xAPI voiding statements, kept so that a voided statement stays voided when re-delivered. */
    public static final StructType VOIDED = new StructType(new org.apache.spark.sql.types.StructField[] {
            field("voided_event_id", DataTypes.StringType, false),
            field("voiding_event_id", DataTypes.StringType, false),
            field("tenant", DataTypes.StringType, false),
            field("voided_at", DataTypes.TimestampType, true),
            field("raw_ref", DataTypes.StringType, false),
            field("run_id", DataTypes.StringType, false),
    });

    /**
     * What ingest saw of each learning object besides its events: names, due times, weights, maximum scores,
     * skills. One row per course × object, merged on every ingest; the dims job turns it into {@code course_items}.
     * A row with object_type {@code course} carries the course title. {@code skills} is null where no source said
     * anything about them (and in observations written before the column existed: see {@code Warehouse}).
     */
    public static final StructType OBJECT_OBSERVATIONS = new StructType(new org.apache.spark.sql.types.StructField[] {
            field("course_id", DataTypes.StringType, false),
            field("object_id", DataTypes.StringType, false),
            field("object_type", DataTypes.StringType, false),
            field("parent_id", DataTypes.StringType, true),
            field("title", DataTypes.StringType, true),
            field("max_score", DataTypes.DoubleType, true),
            field("due_time", DataTypes.TimestampType, true),
            field("weight", DataTypes.DoubleType, true),
            field("tenant", DataTypes.StringType, false),
            field("last_seen", DataTypes.TimestampType, false),
            field("skills", DataTypes.createArrayType(DataTypes.StringType, false), true),
    });

    /**
     * What a source says about a learner's enrolment beyond events: demographics (OULAD studentInfo), prior attempts,
     * credits, and the final result. One row per tenant × learner × course, merged on every ingest (latest wins);
     * the dims job fills {@code learners} and {@code enrollments.outcome} from it.
     */
    public static final StructType ENROLMENT_FACTS = new StructType(new org.apache.spark.sql.types.StructField[] {
            field("tenant", DataTypes.StringType, false),
            field("learner_key", DataTypes.StringType, false),
            field("course_id", DataTypes.StringType, false),
            field("region", DataTypes.StringType, true),
            field("gender", DataTypes.StringType, true),
            field("age_band", DataTypes.StringType, true),
            field("education", DataTypes.StringType, true),
            field("imd_band", DataTypes.StringType, true),
            field("disability", DataTypes.StringType, true),
            field("prior_attempts", DataTypes.IntegerType, true),
            field("studied_credits", DataTypes.IntegerType, true),
            field("outcome", DataTypes.StringType, true),
            field("observed_at", DataTypes.TimestampType, false),
    });

    /** What a source says about a course run: title and calendar (OULAD courses). Merged like ENROLMENT_FACTS. */
    public static final StructType COURSE_FACTS = new StructType(new org.apache.spark.sql.types.StructField[] {
            field("tenant", DataTypes.StringType, false),
            field("course_id", DataTypes.StringType, false),
            field("title", DataTypes.StringType, true),
            field("start_date", DataTypes.DateType, true),
            field("end_date", DataTypes.DateType, true),
            field("observed_at", DataTypes.TimestampType, false),
    });

    /**
     * Every input file that an ingest has read, per tenant: its size, modification time and SHA-256 when read, so
     * that {@code nightly} reads only new files and re-reads changed ones. Replaced whole on each ingest.
     */
    public static final StructType INGESTED_FILES = new StructType(new org.apache.spark.sql.types.StructField[] {
            field("tenant", DataTypes.StringType, false),
            field("path", DataTypes.StringType, false),
            field("format", DataTypes.StringType, false),
            field("size", DataTypes.LongType, false),
            field("modified_at", DataTypes.TimestampType, false),
            field("content_hash", DataTypes.StringType, false),
            field("run_id", DataTypes.StringType, false),
            field("ingested_at", DataTypes.TimestampType, false),
            // the ingest run's _runs row as JSON: recorded by the next run if the process died before recording it
            field("run_record", DataTypes.StringType, true),
    });

    private Datasets() {}
}
