package dev.xueqing.common.io;

import java.util.List;

/**
 * A logical dataset name and where it lives under the warehouse root (dbt's {@code ref}). Jobs declare their inputs
 * and outputs as refs; marts meet through refs, never by calling each other.
 *
 * @param name       logical name, also the view name in {@code sql}
 * @param kind       events, dim, mart, quarantine or internal
 * @param relative   folder under the warehouse root
 * @param partitions partition columns, outermost first
 */
public record DatasetRef(String name, Kind kind, String relative, List<String> partitions) {
    public enum Kind { EVENTS, DIM, MART, QUARANTINE, INTERNAL }

    public static final DatasetRef EVENTS = new DatasetRef("events", Kind.EVENTS, "events", List.of("event_date"));
    public static final DatasetRef QUARANTINE = new DatasetRef("quarantine", Kind.QUARANTINE, "quarantine", List.of("run_id"));
    public static final DatasetRef VOIDED = new DatasetRef("voided", Kind.INTERNAL, "_state/voided", List.of());
    public static final DatasetRef OBJECT_OBSERVATIONS =
            new DatasetRef("object_observations", Kind.INTERNAL, "_state/object_observations", List.of());
    public static final DatasetRef ENROLMENT_FACTS =
            new DatasetRef("enrolment_facts", Kind.INTERNAL, "_state/enrolment_facts", List.of());
    public static final DatasetRef COURSE_FACTS =
            new DatasetRef("course_facts", Kind.INTERNAL, "_state/course_facts", List.of());
    public static final DatasetRef INGESTED_FILES =
            new DatasetRef("ingested_files", Kind.INTERNAL, "_state/ingested_files", List.of());
    /**
     * The events with their lineage columns (run_id, raw_ref), uncached: marts read the few columns they need from it
     * (the shared, cached {@link #EVENTS} of a mart build leaves the lineage out).
     */
    public static final DatasetRef EVENT_LINEAGE =
            new DatasetRef("event_lineage", Kind.INTERNAL, "events", List.of("event_date"));
    /** Each nightly's risk bands (learner × course × as_of), for follow-up of learners who were at risk. */
    public static final DatasetRef RISK_HISTORY =
            new DatasetRef("learner_risk_history", Kind.INTERNAL, "_state/risk_history", List.of("as_of"));
    public static final DatasetRef RUNS = new DatasetRef("_runs", Kind.INTERNAL, "_runs", List.of());

    public static final DatasetRef LEARNERS = dim("learners");
    public static final DatasetRef COURSES = dim("courses");
    public static final DatasetRef ENROLLMENTS = dim("enrollments");
    public static final DatasetRef COURSE_ITEMS = dim("course_items");
    public static final List<DatasetRef> DIMS = List.of(LEARNERS, COURSES, ENROLLMENTS, COURSE_ITEMS);

    public static DatasetRef dim(String name) {
        return new DatasetRef(name, Kind.DIM, "dims/" + name, List.of());
    }

    public static DatasetRef mart(String name) {
        return new DatasetRef(name, Kind.MART, "marts/" + name, List.of());
    }
}
