package dev.xueqing.common.schema;

import dev.xueqing.common.io.DatasetRef;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.DateType;

/** Specs of the four dims (DESIGN.md "Dims and other datasets"), rebuilt from events and observations. */
public final class DimSpecs {
    public static final String AREA = "学情数据分析 learning-situation analysis (dimension)";

    public static final MartSpec LEARNERS = new MartSpec("learners", AREA, List.of("learner_key"),
            "Every learner (actor_role = learner) seen in events, by pseudonym. Demographic columns are filled by "
                    + "sources that carry them (OULAD studentInfo) and are null otherwise.",
            List.of(
                    key("learner_key", StringType, "pseudonym: HMAC-SHA256 of tenant and raw learner id"),
                    key("tenant", StringType, "institution or platform"),
                    col("region", StringType, "region, where the source has it"),
                    col("gender", StringType, "gender, where the source has it"),
                    col("age_band", StringType, "age band, where the source has it"),
                    col("education", StringType, "highest prior education, where the source has it"),
                    col("imd_band", StringType, "deprivation index band, where the source has it"),
                    col("disability", StringType, "declared disability (Y/N), where the source has it"),
                    key("first_seen", TimestampType, "time of the learner's first event (UTC)")),
            List.of());

    public static final MartSpec COURSES = new MartSpec("courses", AREA, List.of("course_id"),
            "Every course run seen in events. start_date and end_date come from the source where it has them, "
                    + "else from the first and last event day (tenant time zone).",
            List.of(
                    key("course_id", StringType, "course run id as in events"),
                    key("tenant", StringType, "institution or platform"),
                    col("title", StringType, "course title from the source (latest seen), null when none"),
                    key("start_date", DateType, "first day of the course run"),
                    key("end_date", DateType, "last day of the course run (last event day while it is running)"),
                    key("learners", org.apache.spark.sql.types.DataTypes.LongType, "learners with an enrolment")),
            List.of(new Expectation.Holds("start_date <= end_date", "start before end")));

    public static final MartSpec ENROLLMENTS = new MartSpec("enrollments", AREA, List.of("learner_key", "course_id"),
            "One row per learner and course: enrolled_at from the first enrolment event, else the first activity; "
                    + "unenrolled_at from the last unenrolment after the last enrolment; outcome from course-level "
                    + "passed/failed events (pass, fail), unenrolment (withdrawn), or the source's final result.",
            List.of(
                    key("learner_key", StringType, "pseudonymous learner"),
                    key("course_id", StringType, "course run"),
                    col("class_id", StringType, "class / group inside the course (latest seen)"),
                    key("enrolled_at", TimestampType, "enrolment time (UTC), or first activity when no enrolment event"),
                    col("unenrolled_at", TimestampType, "withdrawal time (UTC), null while enrolled"),
                    key("enrolment_source", StringType, "event: from an enrolment event; first_activity: inferred"),
                    col("outcome", StringType, "pass, distinction, fail, withdrawn, or null while in progress")),
            List.of(
                    new Expectation.InSet("outcome", List.of("pass", "distinction", "fail", "withdrawn")),
                    new Expectation.InSet("enrolment_source", List.of("event", "first_activity")),
                    new Expectation.References("learner_key", DatasetRef.LEARNERS, "learner_key"),
                    new Expectation.References("course_id", DatasetRef.COURSES, "course_id")));

    public static final MartSpec COURSE_ITEMS = new MartSpec("course_items", AREA, List.of("course_id", "object_id"),
            "Every learning object seen in a course: its kind, parent, title, maximum score, due time and weight "
                    + "where the source says so, and the skills it practises. An object used in two courses has a "
                    + "row in each.",
            List.of(
                    key("course_id", StringType, "course run"),
                    key("object_id", StringType, "learning object id as in events"),
                    key("object_type", StringType, "course, module, page, video, quiz, question, assignment, forum_thread, forum_post, ..."),
                    col("parent_id", StringType, "containing object (the quiz of a question)"),
                    col("title", StringType, "title from the source (latest seen)"),
                    col("max_score", DoubleType, "largest maximum score seen for the object"),
                    col("due_time", TimestampType, "due time (UTC) of an assessment, where known"),
                    col("weight", DoubleType, "weight in the course grade, where known"),
                    key("skills", createArrayType(StringType, false), "skill ids the item practises, "
                            + "sorted: from the rows of xueqing.skills.mapping-file whose item_id (an id or a glob) "
                            + "matches object_id, which replace the source's; else from the source (an xAPI "
                            + "definition extension of xueqing.skills.extensions, Caliper learningObjectives); "
                            + "empty when neither says")),
            List.of(new Expectation.References("course_id", DatasetRef.COURSES, "course_id"),
                    new Expectation.Between("max_score", 0, Double.MAX_VALUE)));

    public static final List<MartSpec> ALL = List.of(LEARNERS, COURSES, ENROLLMENTS, COURSE_ITEMS);

    private DimSpecs() {}
}
