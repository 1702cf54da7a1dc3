package dev.xueqing.jobs.marts;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.schema.EventSchema;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny in-code inputs for mart tests: events with {@link EventSchema#SCHEMA} and dims with the {@link DimSpecs}
 * schemas. Times are written as Asia/Shanghai wall-clock ("2026-11-24 23:50") and stored as UTC instants, so a test
 * reads like the local story it tells; event_date is the local date.
 */
public final class MartTestData {
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    public static final XueqingConfig CONFIG = ConfigLoader.defaults();

    private MartTestData() {}

    /** A UTC instant from a local (Asia/Shanghai) "yyyy-MM-dd HH:mm[:ss]" wall-clock time. */
    public static Timestamp local(String wallClock) {
        String iso = wallClock.replace(' ', 'T');
        if (iso.length() == 16) {
            iso += ":00";
        }
        return Timestamp.from(LocalDateTime.parse(iso).atZone(ZONE).toInstant());
    }

    public static MartContext context(LocalDate asOf) {
        return new MartContext(asOf, CONFIG);
    }

    /** A learner event builder with sensible defaults (learner role, viewed a page). */
    public static final class Ev {
        private static int seq = 0;
        String id = String.format("ev%04d", ++seq);
        String learner;
        String role = "learner";
        String course;
        String classId;
        Timestamp time;
        String action = "viewed";
        String objectId = "page-1";
        String objectType = "page";
        Double scoreScaled;
        Double duration;
        Integer interactions;
        String parent;
        String response;
        String inReplyTo;

        public Ev id(String v) { id = v; return this; }
        public Ev role(String v) { role = v; return this; }
        public Ev classId(String v) { classId = v; return this; }
        public Ev action(String v) { action = v; return this; }
        public Ev object(String id, String type) { objectId = id; objectType = type; return this; }
        public Ev score(double v) { scoreScaled = v; return this; }
        public Ev duration(double v) { duration = v; return this; }
        public Ev interactions(int v) { interactions = v; return this; }
        public Ev parent(String v) { parent = v; return this; }
        public Ev response(String v) { response = v; return this; }
        public Ev replyTo(String v) { inReplyTo = v; return this; }

        Row row() {
            LocalDate date = time.toInstant().atZone(ZONE).toLocalDate();
            return RowFactory.create(id, "test", "t1", learner, role, course, classId, time, action, null,
                    objectId, objectType, parent, null, null, scoreScaled, null, null, duration, response, null, inReplyTo,
                    interactions, "test:" + id, "run-1", "hash-" + id, Date.valueOf(date));
        }
    }

    /** An event of learner in course at local wall-clock time. */
    public static Ev ev(String learner, String course, String localTime) {
        Ev e = new Ev();
        e.learner = learner;
        e.course = course;
        e.time = local(localTime);
        return e;
    }

    public static Dataset<Row> events(List<Ev> evs) {
        return SparkTestBase.spark().createDataFrame(evs.stream().map(Ev::row).toList(), EventSchema.SCHEMA);
    }

    public static Dataset<Row> learners(String... keys) {
        List<Row> rows = new ArrayList<>();
        for (String k : keys) {
            rows.add(RowFactory.create(k, "t1", null, null, null, null, null, null, local("2026-01-01 00:00")));
        }
        return SparkTestBase.spark().createDataFrame(rows, DimSpecs.LEARNERS.schema());
    }

    /** course_id, start_date, end_date (yyyy-MM-dd). */
    public static Row course(String id, String start, String end) {
        return RowFactory.create(id, "t1", "Course " + id, Date.valueOf(start), Date.valueOf(end), 0L);
    }

    public static Dataset<Row> courses(Row... rows) {
        return SparkTestBase.spark().createDataFrame(List.of(rows), DimSpecs.COURSES.schema());
    }

    /** learner, course, class, enrolled (local wall clock), unenrolled (local wall clock or null), outcome. */
    public static Row enrolment(String learner, String course, String classId, String enrolled, String unenrolled,
                                String outcome) {
        return RowFactory.create(learner, course, classId, local(enrolled), unenrolled == null ? null : local(unenrolled),
                "event", outcome);
    }

    public static Dataset<Row> enrollments(Row... rows) {
        return SparkTestBase.spark().createDataFrame(List.of(rows), DimSpecs.ENROLLMENTS.schema());
    }

    /** course, object, type, due (local wall clock or null); no skills. */
    public static Row item(String course, String objectId, String type, String due) {
        return RowFactory.create(course, objectId, type, null, objectId, null, due == null ? null : local(due), null,
                new String[0]);
    }

    public static Dataset<Row> items(Row... rows) {
        return SparkTestBase.spark().createDataFrame(List.of(rows), DimSpecs.COURSE_ITEMS.schema());
    }

    public static MartInputs inputs(Dataset<Row> events, Dataset<Row> learners, Dataset<Row> courses,
                                    Dataset<Row> enrollments, Dataset<Row> items) {
        Map<DatasetRef, Dataset<Row>> m = new HashMap<>();
        m.put(DatasetRef.EVENTS, events);
        m.put(DatasetRef.LEARNERS, learners);
        m.put(DatasetRef.COURSES, courses);
        m.put(DatasetRef.ENROLLMENTS, enrollments);
        m.put(DatasetRef.COURSE_ITEMS, items);
        return new MartInputs(m);
    }

    /** Runs every expectation of the spec on the result, resolving references from the test inputs. */
    public static void requireExpectations(MartSpec spec, Dataset<Row> result, MartInputs inputs) {
        ExpectationChecker.require(spec, result, inputs::get);
    }

    /** Rows keyed by the string values of the given columns joined with '|'. */
    public static Map<String, Row> byKey(Dataset<Row> result, String... keyColumns) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : result.collectAsList()) {
            StringBuilder k = new StringBuilder();
            for (String c : keyColumns) {
                if (k.length() > 0) {
                    k.append('|');
                }
                Object v = r.get(r.fieldIndex(c));
                k.append(v);
            }
            out.put(k.toString(), r);
        }
        return out;
    }

    public static Instant utc(String iso) {
        return Instant.parse(iso);
    }
}
