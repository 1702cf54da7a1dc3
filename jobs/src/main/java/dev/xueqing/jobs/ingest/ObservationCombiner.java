package dev.xueqing.jobs.ingest;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines the object observations of one file before they leave the reading task: a statement names three or
 * four objects (the object, its parent, the course, the class), so a file of n statements would otherwise emit about
 * 4n observation rows, most of them repeating what the file already said. The rule is the one the published
 * observations are merged with ({@code IngestJob.mergeObservations}): per (course_id, object_id), each optional
 * column takes its latest non-null value by {@code last_seen}, {@code max_score} its maximum, and
 * {@code object_type} and {@code tenant} the value of the latest observation ({@code skills} is an optional column:
 * the latest list given wins whole, lists are not merged). Memory is one row per distinct object
 * of the file.
 */
final class ObservationCombiner {
    // positions in Datasets.OBJECT_OBSERVATIONS
    private static final int COURSE = 0;
    private static final int OBJECT = 1;
    private static final int TYPE = 2;
    private static final int MAX_SCORE = 5;
    private static final int TENANT = 8;
    private static final int LAST_SEEN = 9;
    // skills (10) follows the default rule: latest non-null
    private static final int WIDTH = dev.xueqing.common.schema.Datasets.OBJECT_OBSERVATIONS.size();
    /** Position of the observation struct in a {@link ParsedRecords#SCHEMA} row. */
    private static final int OBSERVATION_FIELD = ParsedRecords.SCHEMA.fieldIndex(ParsedRecords.OBSERVATION);

    private final Map<List<String>, Object[]> latest = new LinkedHashMap<>();
    private final Map<List<String>, Long> firstSeq = new LinkedHashMap<>();

    /** Adds one {@link ParsedRecords#OBSERVATION} row. */
    void add(Row parsedRecord) {
        Row o = parsedRecord.getStruct(OBSERVATION_FIELD);
        List<String> key = List.of(o.getString(COURSE), o.getString(OBJECT));
        Object[] incoming = new Object[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            incoming[i] = o.get(i);
        }
        Object[] current = latest.get(key);
        if (current == null) {
            latest.put(key, incoming);
            firstSeq.put(key, parsedRecord.getLong(1));
        } else {
            latest.put(key, merge(current, incoming));
        }
    }

    /** The combined rows, one per distinct object, in the order the objects were first seen. */
    List<Row> rows() {
        List<Row> out = new ArrayList<>(latest.size());
        latest.forEach((key, v) -> out.add(RowFactory.create(ParsedRecords.OBSERVATION, firstSeq.get(key), null, null,
                null, RowFactory.create(v), null, null)));
        return out;
    }

    int size() {
        return latest.size();
    }

    /** Two observations of one object → one, by the rule in the class comment. */
    static Object[] merge(Object[] a, Object[] b) {
        boolean bLater = ((Timestamp) b[LAST_SEEN]).after((Timestamp) a[LAST_SEEN]);
        Object[] newer = bLater ? b : a;
        Object[] older = bLater ? a : b;
        Object[] out = new Object[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            if (i == MAX_SCORE) {
                Double x = (Double) a[i];
                Double y = (Double) b[i];
                if (x == null || y == null) {
                    out[i] = x == null ? y : x;
                } else {
                    out[i] = Math.max(x, y);
                }
            } else if (i == COURSE || i == OBJECT || i == TYPE || i == TENANT || i == LAST_SEEN) {
                out[i] = newer[i];
            } else {
                out[i] = newer[i] != null ? newer[i] : older[i];
            }
        }
        return out;
    }
}
