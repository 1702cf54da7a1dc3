package dev.xueqing.common.schema;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * The canonical {@code events} dataset (DESIGN.md "Canonical event"), partitioned by {@code event_date}.
 * Three columns beyond the design table: {@code source_verb} (the source's own verb IRI or event name, so an
 * unmapped verb is never lost), {@code interactions} (how many platform interactions, such as clicks, one event
 * stands for when the source only gives aggregates; null for the usual single interaction) and
 * {@code content_hash} (SHA-256 of the normalised source record, used to tell a re-delivered duplicate from a
 * conflicting record with the same id).
 */
public final class EventSchema {
    public static final String EVENT_ID = "event_id";
    public static final String SOURCE = "source";
    public static final String TENANT = "tenant";
    public static final String LEARNER_KEY = "learner_key";
    public static final String ACTOR_ROLE = "actor_role";
    public static final String COURSE_ID = "course_id";
    public static final String CLASS_ID = "class_id";
    public static final String EVENT_TIME = "event_time";
    public static final String EVENT_DATE = "event_date";
    public static final String ACTION = "action";
    public static final String SOURCE_VERB = "source_verb";
    public static final String OBJECT_ID = "object_id";
    public static final String OBJECT_TYPE = "object_type";
    public static final String PARENT_ID = "parent_id";
    public static final String SCORE_RAW = "score_raw";
    public static final String SCORE_MAX = "score_max";
    public static final String SCORE_SCALED = "score_scaled";
    public static final String SUCCESS = "success";
    public static final String COMPLETION = "completion";
    public static final String DURATION_S = "duration_s";
    public static final String RESPONSE = "response";
    public static final String ATTEMPT = "attempt";
    public static final String IN_REPLY_TO = "in_reply_to";
    public static final String INTERACTIONS = "interactions";
    public static final String RAW_REF = "raw_ref";
    public static final String RUN_ID = "run_id";
    public static final String CONTENT_HASH = "content_hash";

    /** Column order of the dataset; event_date last because it is the partition column. */
    public static final StructType SCHEMA = new StructType(new StructField[] {
            field(EVENT_ID, DataTypes.StringType, false),
            field(SOURCE, DataTypes.StringType, false),
            field(TENANT, DataTypes.StringType, false),
            field(LEARNER_KEY, DataTypes.StringType, false),
            field(ACTOR_ROLE, DataTypes.StringType, false),
            field(COURSE_ID, DataTypes.StringType, false),
            field(CLASS_ID, DataTypes.StringType, true),
            field(EVENT_TIME, DataTypes.TimestampType, false),
            field(ACTION, DataTypes.StringType, false),
            field(SOURCE_VERB, DataTypes.StringType, true),
            field(OBJECT_ID, DataTypes.StringType, false),
            field(OBJECT_TYPE, DataTypes.StringType, false),
            field(PARENT_ID, DataTypes.StringType, true),
            field(SCORE_RAW, DataTypes.DoubleType, true),
            field(SCORE_MAX, DataTypes.DoubleType, true),
            field(SCORE_SCALED, DataTypes.DoubleType, true),
            field(SUCCESS, DataTypes.BooleanType, true),
            field(COMPLETION, DataTypes.BooleanType, true),
            field(DURATION_S, DataTypes.DoubleType, true),
            field(RESPONSE, DataTypes.StringType, true),
            field(ATTEMPT, DataTypes.IntegerType, true),
            field(IN_REPLY_TO, DataTypes.StringType, true),
            field(INTERACTIONS, DataTypes.IntegerType, true),
            field(RAW_REF, DataTypes.StringType, false),
            field(RUN_ID, DataTypes.StringType, false),
            field(CONTENT_HASH, DataTypes.StringType, false),
            field(EVENT_DATE, DataTypes.DateType, false),
    });

    public static final List<String> COLUMNS = List.of(SCHEMA.fieldNames());

    private EventSchema() {}

    static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
        return new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty());
    }
}
