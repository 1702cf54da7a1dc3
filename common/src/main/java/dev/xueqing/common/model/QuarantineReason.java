package dev.xueqing.common.model;

/**
 * Why a record was rejected. The code is what the {@code quarantine} dataset and the {@code data_quality} mart
 * hold; the description is what docs and {@code validate} print.
 */
public enum QuarantineReason {
    MALFORMED_JSON("malformed_json", "the record is not valid JSON"),
    NOT_A_STATEMENT("not_a_statement", "the JSON value is not a statement object"),
    UNKNOWN_PROPERTY("unknown_property", "a property the xAPI specification does not define"),
    INVALID_ID("invalid_id", "the record's id is missing or malformed: an xAPI statement id or Caliper event id that is not a UUID, a Caliper entity id that is not an IRI"),
    MISSING_ACTOR("missing_actor", "no actor"),
    INVALID_ACTOR("invalid_actor", "the actor (or another agent/group) has no valid identifier, or several"),
    MISSING_VERB("missing_verb", "no verb"),
    INVALID_VERB("invalid_verb", "the verb has no IRI id or an invalid display"),
    MISSING_OBJECT("missing_object", "no object"),
    INVALID_OBJECT("invalid_object", "the object is not a valid activity, agent, group, statement reference or sub-statement"),
    INVALID_RESULT("invalid_result", "the result is malformed"),
    SCORE_OUT_OF_RANGE("score_out_of_range", "scaled outside [-1,1], raw outside [min,max], or min not below max"),
    BAD_DURATION("bad_duration", "a duration (xAPI result, Caliper Attempt, Session, MediaObject, …) is not an ISO 8601 duration"),
    INVALID_CONTEXT("invalid_context", "the context is malformed (xAPI: the statement's context; Caliper: an @context that is not a Caliper context)"),
    MISSING_TIMESTAMP("missing_timestamp", "neither timestamp nor stored is present"),
    INVALID_TIMESTAMP("invalid_timestamp", "the timestamp, or another date-time property (a Caliper entity's dateCreated, startedAtTime, …), is not an ISO 8601 date-time"),
    INVALID_VERSION("invalid_version", "the version is not a supported 1.0.x or 2.0.x version"),
    INVALID_LANGUAGE_MAP("invalid_language_map", "a language map has a key that is not an RFC 5646 tag, or a non-string value"),
    INVALID_EXTENSION("invalid_extension", "an extension key is not an absolute IRI (xAPI), or extensions is not a JSON object (Caliper)"),
    INVALID_ATTACHMENT("invalid_attachment", "an attachment is malformed"),
    INVALID_VOIDING("invalid_voiding", "a voiding statement whose object is not a statement reference"),
    MISSING_COURSE("missing_course", "no course can be found in the context activities or the object"),
    ID_CONFLICT("id_conflict", "the same statement id arrived with different content"),
    UNREADABLE_INPUT("unreadable_input", "the rest of a file could not be read (corrupt gzip, truncated file, I/O error), or the file is not text (empty, binary, UTF-16): the detail says which"),
    UNKNOWN_COLUMNS("unknown_columns", "a CSV file whose header matches no table or mapping the adapter knows; the detail names the missing columns"),
    NOT_AN_EVENT("not_an_event", "the JSON value is not an event of the source format (no event type; for Caliper, a valid entity on its own: a fact, not an activity)"),
    UNKNOWN_EVENT_TYPE("unknown_event_type", "the event has no type, or a type the source's specification does not define"),
    INVALID_ACTION("invalid_action", "the event has no action, an unknown action, or one its event type does not allow"),
    INVALID_ENTITY("invalid_entity", "a property holds neither an IRI nor an entity of a type the specification allows there"),
    INVALID_PROFILE("invalid_profile", "the event names a profile the specification does not define"),
    UNKNOWN_ENTITY_TYPE("unknown_entity_type", "a Caliper entity on its own with no type, or a type the specification does not define"),
    INVALID_VALUE_TYPE("invalid_value_type", "a property holds the wrong kind of JSON value: a number where the specification asks for a string, a string for a list, a list for a single value, …"),
    UNKNOWN_VALUE("unknown_value", "a property's value is not one of the terms the specification enumerates for it (a Caliper membership role or status, a metric, an identifier type, an LTI message type)"),
    MISSING_PROPERTY("missing_property", "a property the specification requires is missing or null (other than the id, type, actor, object and time of an event, which have their own reasons)"),
    MALFORMED_CSV("malformed_csv", "a CSV row whose cells do not line up with the header (too many or too few)");

    private final String code;
    private final String description;

    QuarantineReason(String code, String description) {
        this.code = code;
        this.description = description;
    }

    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
