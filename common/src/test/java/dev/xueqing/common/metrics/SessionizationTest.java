package dev.xueqing.common.metrics;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions and active time per learner, course and local day (DESIGN.md "Active time"), at the edges of the
 * definition: the gap exactly at the cutoff, a gap of zero, local midnight in a zone ahead of UTC, a daylight-saving
 * change, a gap over several midnights, and events that are not learner-initiated. Each test compares the whole
 * output with rows worked out by hand; the last one with an independent java.time walk over random events.
 */
class SessionizationTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** Summer time ends on 2026-11-01 at 02:00 EDT: 01:00-02:00 happens twice and the day has 25 hours. */
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final StructType SCHEMA = new StructType()
            .add("event_id", DataTypes.StringType)
            .add("learner_key", DataTypes.StringType)
            .add("actor_role", DataTypes.StringType)
            .add("course_id", DataTypes.StringType)
            .add("event_time", DataTypes.TimestampType)
            .add("action", DataTypes.StringType);

    /** One output row: a learner's active seconds and session starts in one course on one local day. */
    record Day(String learner, String course, LocalDate date, double activeSeconds, long sessions) {}

    private static Row ev(String id, String learner, String role, String course, Instant at, String action) {
        return RowFactory.create(id, learner, role, course, Timestamp.from(at), action);
    }

    private static Row viewed(String id, String learner, String course, String utc) {
        return ev(id, learner, "learner", course, Instant.parse(utc), "viewed");
    }

    private static Day day(String learner, String course, String date, double seconds, long sessions) {
        return new Day(learner, course, LocalDate.parse(date), seconds, sessions);
    }

    private static List<Day> run(List<Row> rows, ZoneId zone, int cutoffMinutes) {
        Dataset<Row> events = SparkTestBase.spark().createDataFrame(rows, SCHEMA);
        Dataset<Row> out = Sessionization.daily(events, zone, cutoffMinutes);
        assertThat(out.columns()).containsExactly(Sessionization.LEARNER_KEY, Sessionization.COURSE_ID,
                Sessionization.EVENT_DATE, Sessionization.ACTIVE_SECONDS, Sessionization.SESSIONS);
        return out.collectAsList().stream()
                .map(r -> new Day(r.getString(0), r.getString(1), r.getDate(2).toLocalDate(), r.getDouble(3),
                        r.getLong(4)))
                .toList();
    }

    @Test
    void aGapOfExactlyTheCutoffStartsASessionAndOneMicrosecondLessDoesNot() {
        // UTC, cutoff 30 min; one learner, one course, one day:
        //   10:00:00          first event: session 1
        //   10:29:59.999999   gap 1799.999999 s < 1800: active, same session
        //   10:59:59.999999   gap exactly 1800 s: session 2, no active time
        //   10:59:59.999999   (id "e3b") gap 0: neither a session nor active time
        //   11:10:00          gap 600.000001 s: active
        // => 1 day, 2 sessions, 1799.999999 + 600.000001 = 2400 s; session 1 lasts 1799.999999 s (its end - start)
        List<Row> rows = List.of(
                viewed("e1", "a", "C", "2026-03-02T10:00:00Z"),
                viewed("e2", "a", "C", "2026-03-02T10:29:59.999999Z"),
                viewed("e3", "a", "C", "2026-03-02T10:59:59.999999Z"),
                viewed("e3b", "a", "C", "2026-03-02T10:59:59.999999Z"),
                viewed("e4", "a", "C", "2026-03-02T11:10:00Z"));
        List<Day> out = run(rows, ZoneId.of("UTC"), 30);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).date()).isEqualTo(LocalDate.of(2026, 3, 2));
        assertThat(out.get(0).sessions()).isEqualTo(2);
        assertThat(out.get(0).activeSeconds()).isCloseTo(2400.0, org.assertj.core.data.Offset.offset(1e-6));

        // the same events with a cutoff of 31 min: the 1800 s gap is active and there is one session, which lasts
        // from its first event to its last (11:10:00 - 10:00:00)
        List<Day> longer = run(rows, ZoneId.of("UTC"), 31);
        assertThat(longer).hasSize(1);
        assertThat(longer.get(0).sessions()).isEqualTo(1);
        assertThat(longer.get(0).activeSeconds()).isCloseTo(4200.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aGapOverLocalMidnightIsSplitThereAndTheSessionCountsOnItsFirstDay() {
        // Asia/Shanghai (UTC+8), cutoff 30 min. Local times (the UTC date is 11-24 throughout):
        //   11-24 23:50   session 1 on 11-24
        //   11-25 00:10   gap 20 min: 10 min to 11-24, 10 min to 11-25; still session 1
        //   11-25 00:50   gap 40 min: session 2 on 11-25
        //   11-25 00:55   gap 5 min: 300 s on 11-25
        List<Row> rows = List.of(
                viewed("e1", "a", "C", "2026-11-24T15:50:00Z"),
                viewed("e2", "a", "C", "2026-11-24T16:10:00Z"),
                viewed("e3", "a", "C", "2026-11-24T16:50:00Z"),
                viewed("e4", "a", "C", "2026-11-24T16:55:00Z"));
        assertThat(run(rows, SHANGHAI, 30)).containsExactlyInAnyOrder(
                day("a", "C", "2026-11-24", 600.0, 1),
                day("a", "C", "2026-11-25", 900.0, 1));
        // in UTC the same events are one day: 1200 + 300 s, 2 sessions
        assertThat(run(rows, ZoneId.of("UTC"), 30)).containsExactly(day("a", "C", "2026-11-24", 1500.0, 2));
    }

    @Test
    void aDayReachedOnlyByTheTailOfAGapGetsActiveTimeAndNoSession() {
        // Asia/Shanghai, cutoff 120 min: local 11-24 23:00 then 11-25 00:30 (gap 90 min)
        List<Row> rows = List.of(
                viewed("e1", "b", "C", "2026-11-24T15:00:00Z"),
                viewed("e2", "b", "C", "2026-11-24T16:30:00Z"));
        assertThat(run(rows, SHANGHAI, 120)).containsExactlyInAnyOrder(
                day("b", "C", "2026-11-24", 3600.0, 1),
                day("b", "C", "2026-11-25", 1800.0, 0));
    }

    @Test
    void anEventAtLocalMidnightBelongsToTheNewDay() {
        // Asia/Shanghai, cutoff 30 min: 23:40 and 00:00:00 local. The whole gap lies before midnight; the event at
        // midnight is on 11-25 but starts no session there (it continues the one of 11-24), so 11-25 has a row
        // with 0 s and 0 sessions (the learner did act that day).
        List<Row> rows = List.of(
                viewed("e1", "a", "C", "2026-11-24T15:40:00Z"),
                viewed("e2", "a", "C", "2026-11-24T16:00:00Z"));
        assertThat(run(rows, SHANGHAI, 30)).containsExactlyInAnyOrder(
                day("a", "C", "2026-11-24", 1200.0, 1),
                day("a", "C", "2026-11-25", 0.0, 0));
    }

    @Test
    void gapsAreMeasuredBetweenInstantsNotWallClocksWhenSummerTimeEnds() {
        // America/New_York on 2026-11-01, cutoff 30 min:
        //   00:50 EDT (04:50Z) then 01:10 EST (06:10Z): the wall clock says 20 min, the real gap is 80 min
        //     -> two sessions, no active time
        //   01:50 EDT (05:50Z) then 01:10 EST (06:10Z): the wall clock goes back 40 min, the real gap is 20 min
        //     -> one session, 1200 s
        List<Row> rows = List.of(
                viewed("a1", "a", "C", "2026-11-01T04:50:00Z"),
                viewed("a2", "a", "C", "2026-11-01T06:10:00Z"),
                viewed("b1", "b", "C", "2026-11-01T05:50:00Z"),
                viewed("b2", "b", "C", "2026-11-01T06:10:00Z"));
        assertThat(run(rows, NEW_YORK, 30)).containsExactlyInAnyOrder(
                day("a", "C", "2026-11-01", 0.0, 2),
                day("b", "C", "2026-11-01", 1200.0, 1));
    }

    @Test
    void aGapOverSeveralMidnightsFillsEachDayWithItsRealLength() {
        // America/New_York, cutoff 50 h: 10-31 23:00 EDT (11-01 03:00Z) then 11-02 01:00 EST (11-02 06:00Z), 27 h.
        // 10-31 gets 1 h; 11-01 all of its 25 h; 11-02 1 h. One session, on 10-31.
        List<Row> rows = List.of(
                viewed("e1", "a", "C", "2026-11-01T03:00:00Z"),
                viewed("e2", "a", "C", "2026-11-02T06:00:00Z"));
        assertThat(run(rows, NEW_YORK, 50 * 60)).containsExactlyInAnyOrder(
                day("a", "C", "2026-10-31", 3600.0, 1),
                day("a", "C", "2026-11-01", 25 * 3600.0, 0),
                day("a", "C", "2026-11-02", 3600.0, 0));
    }

    @Test
    void onlyLearnerInitiatedEventsCountAndEachLearnerAndCourseIsSeparate() {
        // UTC, cutoff 30 min. Learner a in course C at 10:00 and 10:40 (gap 40 min: two sessions, no active time);
        // an instructor event, a system event and a's own enrolment in between would each have made it two short
        // gaps if they counted. Course D and learner b interleave at 10:20 and are sessions of their own.
        List<Row> rows = List.of(
                viewed("c1", "a", "C", "2026-03-02T10:00:00Z"),
                ev("x1", "a", "instructor", "C", Instant.parse("2026-03-02T10:20:00Z"), "viewed"),
                ev("x2", "a", "system", "C", Instant.parse("2026-03-02T10:20:00Z"), "scored"),
                ev("x3", "a", "learner", "C", Instant.parse("2026-03-02T10:20:00Z"), "enrolled"),
                ev("x4", "a", "learner", "C", Instant.parse("2026-03-02T10:25:00Z"), "unenrolled"),
                viewed("c2", "a", "C", "2026-03-02T10:40:00Z"),
                viewed("d1", "a", "D", "2026-03-02T10:20:00Z"),
                viewed("d2", "a", "D", "2026-03-02T10:35:00Z"),
                viewed("b1", "b", "C", "2026-03-02T10:20:00Z"),
                ev("x5", "t", "instructor", "C", Instant.parse("2026-03-02T10:30:00Z"), "posted"));
        assertThat(run(rows, ZoneId.of("UTC"), 30)).containsExactlyInAnyOrder(
                day("a", "C", "2026-03-02", 0.0, 2),
                day("a", "D", "2026-03-02", 900.0, 1),
                day("b", "C", "2026-03-02", 0.0, 1));
    }

    @Test
    void randomEventsAgreeWithAnIndependentJavaTimeWalk() {
        // 400 events of 3 learners in 2 courses over 10-30 .. 11-03 in New York (summer time ends on 11-01), at
        // whole seconds, many close together; cutoff 30 min. The expectation is computed below without Spark.
        Random random = new Random(20261101);
        Instant from = Instant.parse("2026-10-30T00:00:00Z");
        List<Row> rows = new ArrayList<>();
        List<Object[]> plain = new ArrayList<>();
        Instant[] last = new Instant[6];
        for (int i = 0; i < 400; i++) {
            int stream = random.nextInt(6);
            String learner = "l" + stream / 2;
            String course = "C" + stream % 2;
            Instant t = last[stream] == null ? from.plusSeconds(random.nextInt(86_400))
                    : last[stream].plusSeconds(random.nextInt(10) == 0 ? 3_600 + random.nextInt(40_000)
                            : random.nextInt(2_400));
            last[stream] = t;
            String id = String.format("e%03d", i);
            rows.add(viewed(id, learner, course, t.toString()));
            plain.add(new Object[] {learner, course, t, id});
        }
        List<Day> expected = walk(plain, NEW_YORK, Duration.ofMinutes(30));
        assertThat(expected.stream().mapToLong(Day::sessions).sum()).isGreaterThan(20);
        assertThat(expected).extracting(Day::date).contains(LocalDate.of(2026, 11, 1));
        assertThat(run(rows, NEW_YORK, 30)).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * The definition walked event by event with java.time: per learner and course, in (time, id) order, a gap of at
     * least the cutoff (or the first event) starts a session on the local day of the event; a shorter gap is split
     * at each local midnight between its ends. Days with neither (a zero-length part) are left out.
     */
    private static List<Day> walk(List<Object[]> events, ZoneId zone, Duration cutoff) {
        Map<String, List<Object[]>> streams = events.stream().collect(Collectors.groupingBy(
                e -> e[0] + "|" + e[1], TreeMap::new, Collectors.toList()));
        List<Day> out = new ArrayList<>();
        for (List<Object[]> stream : streams.values()) {
            stream.sort(Comparator.comparing((Object[] e) -> (Instant) e[2]).thenComparing(e -> (String) e[3]));
            Map<LocalDate, long[]> days = new TreeMap<>(); // date -> {active seconds, sessions}
            Instant prev = null;
            for (Object[] e : stream) {
                Instant t = (Instant) e[2];
                if (prev == null || Duration.between(prev, t).compareTo(cutoff) >= 0) {
                    days.computeIfAbsent(LocalDate.ofInstant(t, zone), d -> new long[2])[1]++;
                } else {
                    Instant cursor = prev;
                    while (cursor.isBefore(t)) {
                        ZonedDateTime local = cursor.atZone(zone);
                        Instant nextMidnight = local.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
                        Instant end = nextMidnight.isBefore(t) ? nextMidnight : t;
                        days.computeIfAbsent(local.toLocalDate(), d -> new long[2])[0] +=
                                Duration.between(cursor, end).getSeconds();
                        cursor = end;
                    }
                }
                prev = t;
            }
            Object[] first = stream.get(0);
            days.forEach((d, v) -> out.add(new Day((String) first[0], (String) first[1], d, v[0], v[1])));
        }
        return out;
    }
}
