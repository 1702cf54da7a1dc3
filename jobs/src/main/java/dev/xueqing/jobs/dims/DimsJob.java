package dev.xueqing.jobs.dims;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.config.XueqingConfig.Skills.ItemSkill;
import dev.xueqing.common.io.BuildInputs;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.schema.Datasets;
import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.spark.SparkSessions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

/**
 * events + object observations → the four dims (learners, courses, enrollments, course_items), rebuilt whole
 * whenever what they are built from changed, so that they always agree with the published events. When nothing did
 * (the datasets read, the skill mapping, the definitions: see {@link #inputsFingerprint}), the versions are kept.
 * The events are read through their per-day partial aggregates ({@link DimPartials}), which a run recomputes only
 * for the days whose events changed.
 */
public final class DimsJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DimsJob.class);
    private final Warehouse warehouse;
    private final List<ItemSkill> skillMapping;

    /** The dims with no item → skill mapping file (items keep the skills their sources give). */
    public DimsJob(Warehouse warehouse) {
        this(warehouse, List.of());
    }

    /** @param skillMapping the rows of {@code xueqing.skills.mapping-file} ({@link XueqingConfig.Skills#mapping}) */
    public DimsJob(Warehouse warehouse, List<ItemSkill> skillMapping) {
        this.warehouse = warehouse;
        this.skillMapping = List.copyOf(skillMapping);
    }

    /** The four dims, in publishing order (courses and learners before the dims that reference them). */
    public record Dims(Dataset<Row> learners, Dataset<Row> courses, Dataset<Row> enrollments, Dataset<Row> items) {}

    /** The event columns {@link #transform} reads. */
    static final List<String> EVENT_COLUMNS = List.of("tenant", "learner_key", "actor_role",
            "event_time", "event_date", "course_id", "class_id", "action", "object_id", "object_type", "parent_id",
            "score_max");

    /** Builds, checks and publishes the dims through the kept per-day partials; returns row counts by dim name. */
    public Map<String, Long> run(String runId) {
        return run(runId, true);
    }

    /**
     * Builds, checks and publishes the dims; returns row counts by dim name.
     *
     * @param keepPartials whether to read the events through the kept per-day partials ({@link DimPartials#maintain}),
     *     which pays when history is large; when false (small inputs: keeping them costs a commit and a dozen Spark
     *     jobs more than it saves) the partials are taken from every event and not kept. Partials left by an earlier
     *     run stay valid: the days written since their commit are recomputed when they are next used.
     */
    public Map<String, Long> run(String runId, boolean keepPartials) {
        SparkSessions.label(warehouse.spark(), "DIMS", "all", null);
        String inputs = inputsFingerprint();
        Map<String, Long> kept = unchanged(inputs);
        if (kept != null) {
            LOG.info("DIMS {}: {}", kept, UNCHANGED);
            return kept;
        }
        // the per-day partial aggregates (kept: recomputed for the days whose events changed), then cached: the dims
        // read them four times, and they are several times fewer rows than the events
        Dataset<Row> events = warehouse.read(DatasetRef.EVENTS)
                .select(EVENT_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
        Dataset<Row> partials = (keepPartials ? DimPartials.maintain(warehouse, events, runId) : DimPartials.of(events))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> observations = warehouse.read(DatasetRef.OBJECT_OBSERVATIONS, Datasets.OBJECT_OBSERVATIONS);
            Dims dims = fromPartials(partials, observations,
                    warehouse.read(DatasetRef.ENROLMENT_FACTS, Datasets.ENROLMENT_FACTS),
                    warehouse.read(DatasetRef.COURSE_FACTS, Datasets.COURSE_FACTS), skillMapping);
            Map<String, Long> counts = new LinkedHashMap<>();
            Map<DatasetRef, Dataset<Row>> built = Map.of(DatasetRef.LEARNERS, dims.learners(),
                    DatasetRef.COURSES, dims.courses(), DatasetRef.ENROLLMENTS, dims.enrollments(),
                    DatasetRef.COURSE_ITEMS, dims.items());
            java.util.Set<DatasetRef> published = new java.util.HashSet<>();
            for (MartSpec spec : DimSpecs.ALL) {
                DatasetRef ref = DatasetRef.dim(spec.name());
                Dataset<Row> data = built.get(ref).persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    // a dim published a moment ago is read back (a few small files) rather than computed again
                    ExpectationChecker.require(spec, data, r -> built.containsKey(r) && !published.contains(r)
                            ? built.get(r) : warehouse.read(r));
                    long rows = warehouse.publish(ref, data.coalesce(1), runId);
                    counts.put(spec.name(), rows);
                    if (inputs != null) {
                        warehouse.writeVersionNote(ref, NOTE, BuildInputs.note(inputs, rows));
                    }
                    published.add(ref);
                } finally {
                    // a cached plan left behind would be reused by the next run in the same session: stale dims
                    data.unpersist();
                }
            }
            return counts;
        } finally {
            partials.unpersist();
        }
    }

    /** The datasets the dims are built from. */
    static final List<DatasetRef> INPUTS = List.of(DatasetRef.EVENTS, DatasetRef.OBJECT_OBSERVATIONS,
            DatasetRef.ENROLMENT_FACTS, DatasetRef.COURSE_FACTS);
    /** The note kept beside each dim's version: the inputs it was built from and its rows. */
    static final String NOTE = "build.json";
    /** How dims not rebuilt are described. */
    public static final String UNCHANGED = "inputs unchanged since the last build, versions kept";

    /**
     * The inputs of the dims, named ({@link BuildInputs}): the datasets read, the skill mapping, the dims'
     * definitions and Xueqing's version; null when a dataset of the old layout has no state to name.
     */
    String inputsFingerprint() {
        String states = BuildInputs.states(warehouse, INPUTS);
        if (states == null) {
            return null;
        }
        StringBuilder s = new StringBuilder("dims|mapping=").append(BuildInputs.canonical(skillMapping));
        for (MartSpec spec : DimSpecs.ALL) {
            s.append('|').append(spec.name());
            spec.columns().forEach(c -> s.append(',').append(c.name()).append(':').append(c.type().simpleString()));
        }
        String version = DimsJob.class.getPackage().getImplementationVersion();
        return BuildInputs.sha256(s.append("|version=").append(version == null ? "dev" : version).append(states)
                .toString());
    }

    /** The rows of each dim when every one was last built from exactly these inputs, or null. */
    private Map<String, Long> unchanged(String inputs) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (MartSpec spec : DimSpecs.ALL) {
            long kept = BuildInputs.keptRows(warehouse, DatasetRef.dim(spec.name()), NOTE, inputs);
            if (kept < 0) {
                return null;
            }
            rows.put(spec.name(), kept);
        }
        return rows;
    }

    /** Pure transform without source facts (sources that only have events) and without a skill mapping. */
    public static Dims transform(Dataset<Row> events, Dataset<Row> observations) {
        return transform(events, observations, List.of());
    }

    /** Pure transform without source facts (sources that only have events). */
    public static Dims transform(Dataset<Row> events, Dataset<Row> observations, List<ItemSkill> skillMapping) {
        SparkSessionHolder h = new SparkSessionHolder(events);
        return transform(events, observations, h.empty(Datasets.ENROLMENT_FACTS), h.empty(Datasets.COURSE_FACTS),
                skillMapping);
    }

    /**
     * Pure transform: events, observations, source facts and the item → skill mapping to the dims. Demographics
     * come from the latest enrolment facts of each learner; a source's final result wins over the outcome derived
     * from events; a source's course calendar wins over the first and last event day; an item's skills are those
     * of the mapping rows that match it, else its source's ({@link #withSkills}).
     */
    public static Dims transform(Dataset<Row> events, Dataset<Row> observations, Dataset<Row> enrolmentFacts,
                                 Dataset<Row> courseFacts, List<ItemSkill> skillMapping) {
        return fromPartials(DimPartials.of(events), observations, enrolmentFacts, courseFacts, skillMapping);
    }

    /**
     * As {@link #transform}, from the per-day partial aggregates of the events ({@link DimPartials}) instead of the
     * events: each aggregate is taken again over the days (a minimum of minima, a maximum of maxima, the latest of
     * the latest), so the dims are the same.
     */
    public static Dims fromPartials(Dataset<Row> partials, Dataset<Row> observations, Dataset<Row> enrolmentFacts,
                                    Dataset<Row> courseFacts, List<ItemSkill> skillMapping) {
        Column factTime = col("observed_at");
        Dataset<Row> demographics = enrolmentFacts.groupBy(col("learner_key").as("_dl")).agg(
                latest("region", factTime), latest("gender", factTime), latest("age_band", factTime),
                latest("education", factTime), latest("imd_band", factTime), latest("disability", factTime));
        // Aggregates that keep a string (first, max_by) make Spark sort every event by the group key; grouping by
        // the string first (a hash aggregate) leaves few rows for the second, sorting step. Same results.
        Dataset<Row> learners = DimPartials.ofKind(partials, DimPartials.LEARNER)
                .groupBy("learner_key", "tenant").agg(min("t_min").as("_first"))
                .groupBy("learner_key").agg(
                        min_by(col("tenant"), col("_first")).as("tenant"), min("_first").as("first_seen"))
                .join(demographics, col("learner_key").equalTo(col("_dl")), "left")
                .select(col("learner_key"), col("tenant"), col("region"), col("gender"), col("age_band"),
                        col("education"), col("imd_band"), col("disability"), col("first_seen"));

        Dataset<Row> derived = enrollments(partials);
        Dataset<Row> finalResults = enrolmentFacts.filter(col("outcome").isNotNull())
                .select(col("learner_key").as("_fl"), col("course_id").as("_fc"), col("outcome").as("_fo"));
        Dataset<Row> enrollments = derived
                .join(finalResults, col("learner_key").equalTo(col("_fl")).and(col("course_id").equalTo(col("_fc"))),
                        "left")
                .withColumn("outcome", coalesce(col("_fo"), col("outcome")))
                .drop("_fl", "_fc", "_fo");

        Dataset<Row> titles = observations.filter(col("object_type").equalTo(ObjectTypes.COURSE)
                        .and(col("object_id").equalTo(col("course_id"))))
                .select(col("course_id").as("_cid"), col("title"));
        Dataset<Row> learnersPerCourse = enrollments.groupBy(col("course_id").as("_lcid"))
                .agg(countDistinct("learner_key").as("learners"));
        Dataset<Row> calendar = courseFacts.select(col("course_id").as("_kc"), col("title").as("_kt"),
                col("start_date").as("_ks"), col("end_date").as("_ke"));
        Dataset<Row> courses = DimPartials.ofKind(partials, DimPartials.COURSE).groupBy("course_id", "tenant")
                .agg(max("t_max").as("_last"), min("event_date").as("_first_day"), max("event_date").as("_last_day"))
                .groupBy("course_id").agg(
                        max_by(col("tenant"), col("_last")).as("tenant"),
                        min("_first_day").as("first_day"), max("_last_day").as("last_day"))
                .join(titles, col("course_id").equalTo(col("_cid")), "left")
                .join(learnersPerCourse, col("course_id").equalTo(col("_lcid")), "left")
                .join(calendar, col("course_id").equalTo(col("_kc")), "left")
                .select(col("course_id"), col("tenant"), coalesce(col("title"), col("_kt")).as("title"),
                        coalesce(col("_ks"), col("first_day")).as("start_date"),
                        coalesce(col("_ke"), col("last_day")).as("end_date"),
                        coalesce(col("learners"), lit(0L)).as("learners"));

        Dataset<Row> seen = DimPartials.ofKind(partials, DimPartials.ITEM)
                .groupBy("course_id", "object_id", "object_type", "parent_id")
                .agg(max("t_max").as("_last"), max("score_max").as("_max"))
                .groupBy("course_id", "object_id").agg(
                        max_by(col("object_type"), col("_last")).as("seen_type"),
                        max_by(col("parent_id"), when(col("parent_id").isNotNull(), col("_last")))
                                .as("seen_parent"),
                        max("_max").as("seen_max"));
        Dataset<Row> obs = observations.filter(col("object_type").isin(ObjectTypes.COURSE, ObjectTypes.CLASS)
                        .unary_$bang())
                .select(col("course_id").as("o_course"), col("object_id").as("o_object"),
                        col("object_type").as("o_type"), col("parent_id").as("o_parent"), col("title"),
                        col("max_score").as("o_max"), col("due_time"), col("weight"), col("skills").as("o_skills"));
        Column sameKey = col("course_id").equalTo(col("o_course")).and(col("object_id").equalTo(col("o_object")));
        Dataset<Row> items = seen.join(obs, sameKey, "full_outer")
                .select(coalesce(col("course_id"), col("o_course")).as("course_id"),
                        coalesce(col("object_id"), col("o_object")).as("object_id"),
                        coalesce(col("o_type"), col("seen_type")).as("object_type"),
                        coalesce(col("o_parent"), col("seen_parent")).as("parent_id"),
                        col("title"),
                        greatestNonNull(col("o_max"), col("seen_max")).as("max_score"),
                        col("due_time"), col("weight"), col("o_skills"))
                .join(courses.select(col("course_id").as("_c")), col("course_id").equalTo(col("_c")), "left_semi");
        return new Dims(learners, courses, enrollments, withSkills(items, "o_skills", skillMapping));
    }

    /**
     * Adds {@code skills} to the items in place of their source skills (column {@code sourceSkills}, null where no
     * source said anything): where rows of the mapping file match an item's object_id, the skills of those rows
     * (they replace the source's); else the source's; sorted and distinct, an empty array when there are none.
     *
     * <p>A pattern without {@code *} or {@code ?} is an object id: those rows (usually most of the file) are a
     * broadcast hash join on object_id. The glob patterns become one expression of {@code rlike} tests against
     * literal regexes ({@link #globRegex}), compiled once per task: a join on {@code object_id RLIKE pattern} with
     * the pattern a column would compile a regex for every item × pattern pair, and a UDF would hide the matching
     * from the plan. The expression grows with the number of distinct glob patterns, which a mapping file has few
     * of (one per quiz or course, not one per item).
     */
    static Dataset<Row> withSkills(Dataset<Row> items, String sourceSkills, List<ItemSkill> mapping) {
        Column none = lit(new String[0]);
        Column fromSource = array_sort(array_distinct(coalesce(col(sourceSkills), none)));
        if (mapping.isEmpty()) {
            return items.withColumn("skills", fromSource).drop(sourceSkills);
        }
        Map<String, Set<String>> byId = new TreeMap<>();
        Map<String, Set<String>> byGlob = new TreeMap<>();
        for (ItemSkill m : mapping) {
            boolean glob = m.itemPattern().indexOf('*') >= 0 || m.itemPattern().indexOf('?') >= 0;
            (glob ? byGlob : byId).computeIfAbsent(m.itemPattern(), k -> new TreeSet<>()).add(m.skillId());
        }
        Dataset<Row> joined = items;
        Column mapped = none;
        if (!byId.isEmpty()) {
            List<Row> rows = new ArrayList<>();
            byId.forEach((id, skills) -> rows.add(RowFactory.create(id, skills.toArray(String[]::new))));
            Dataset<Row> ids = items.sparkSession().createDataFrame(rows, new StructType()
                    .add("_map_id", DataTypes.StringType, false)
                    .add("_map_skills", DataTypes.createArrayType(DataTypes.StringType, false), false));
            joined = items.join(broadcast(ids), col("object_id").equalTo(col("_map_id")), "left");
            mapped = coalesce(col("_map_skills"), none);
        }
        for (Map.Entry<String, Set<String>> g : byGlob.entrySet()) {
            mapped = concat(mapped, when(col("object_id").rlike(globRegex(g.getKey())),
                    lit(g.getValue().toArray(String[]::new))).otherwise(none));
        }
        Column mappedSkills = array_sort(array_distinct(mapped));
        Column skills = when(size(mappedSkills).gt(0), mappedSkills).otherwise(fromSource);
        List<Column> out = new ArrayList<>();
        for (String c : items.columns()) {
            if (!c.equals(sourceSkills)) {
                out.add(col(c));
            }
        }
        out.add(skills.as("skills"));
        return joined.select(out.toArray(Column[]::new));
    }

    /**
     * The regex of a mapping-file glob over a whole object id: {@code *} any run of characters (also none),
     * {@code ?} one character, everything else literal ({@code "*}{@code /quiz/3/*"} →
     * {@code \A.*\Q/quiz/3/\E.*\z}).
     */
    static String globRegex(String glob) {
        StringBuilder re = new StringBuilder("(?s)\\A");
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return re.append("\\z").toString();
    }

    /**
     * Learner × course enrolments: enrolled_at from the first enrolment event, else the first activity;
     * unenrolled_at when the last unenrolment is after the last enrolment; outcome from the latest course-level
     * passed/failed event about the learner (grades are often logged with the system role), else withdrawn when
     * unenrolled. Learners with only system-role events (a grade but no activity) have no enrolment row.
     */
    static Dataset<Row> enrollments(Dataset<Row> partials) {
        // by class first, then per enrolment over the few rows left (see transform)
        Dataset<Row> agg = DimPartials.ofKind(partials, DimPartials.ENROLMENT)
                .groupBy("learner_key", "course_id", "class_id").agg(
                        max("t_max").as("_last"),
                        min("t_first_enrol").as("_first_enrol"),
                        max("t_last_enrol").as("_last_enrol"),
                        max("t_last_unenrol").as("_last_unenrol"),
                        min("t_min").as("_first_event"))
                .groupBy("learner_key", "course_id").agg(
                        max_by(col("class_id"), when(col("class_id").isNotNull(), col("_last"))).as("class_id"),
                        min("_first_enrol").as("first_enrol"),
                        max("_last_enrol").as("last_enrol"),
                        max("_last_unenrol").as("last_unenrol"),
                        min("_first_event").as("first_event"));
        Dataset<Row> outcomes = DimPartials.ofKind(partials, DimPartials.OUTCOME)
                .groupBy(col("learner_key").as("_ol"), col("course_id").as("_oc"))
                .agg(max_by(col("action"), col("t_max")).as("outcome_action"));
        agg = agg.join(outcomes, col("learner_key").equalTo(col("_ol")).and(col("course_id").equalTo(col("_oc"))),
                "left");
        Column unenrolledAt = when(col("last_unenrol").isNotNull()
                .and(col("last_enrol").isNull().or(col("last_unenrol").gt(col("last_enrol")))), col("last_unenrol"));
        return agg.select(col("learner_key"), col("course_id"), col("class_id"),
                coalesce(col("first_enrol"), col("first_event")).as("enrolled_at"),
                unenrolledAt.as("unenrolled_at"),
                when(col("first_enrol").isNotNull(), lit("event")).otherwise(lit("first_activity"))
                        .as("enrolment_source"),
                when(col("outcome_action").equalTo(Actions.PASSED), lit("pass"))
                        .when(col("outcome_action").equalTo(Actions.FAILED), lit("fail"))
                        .when(unenrolledAt.isNotNull(), lit("withdrawn"))
                        .as("outcome"));
    }

    private static Column latest(String name, Column time) {
        return max_by(col(name), when(col(name).isNotNull(), time)).as(name);
    }

    /** Empty datasets of a schema on the events' session (for sources without facts). */
    private record SparkSessionHolder(Dataset<Row> any) {
        Dataset<Row> empty(org.apache.spark.sql.types.StructType schema) {
            return any.sparkSession().createDataFrame(new ArrayList<Row>(), schema);
        }
    }

    private static Column greatestNonNull(Column a, Column b) {
        return when(a.isNull(), b).when(b.isNull(), a).otherwise(org.apache.spark.sql.functions.greatest(a, b));
    }
}
