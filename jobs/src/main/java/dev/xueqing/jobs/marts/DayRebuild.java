package dev.xueqing.jobs.marts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.io.BuildInputs;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

/**
 * Which days of a day-grain mart ({@link Mart#dayColumn()}) a build recomputes, and the recomputation itself.
 *
 * <p>The rule: a day D is <em>changed</em> when its event partition was written after the mart's current version
 * was committed (new, late or replaced events, voiding, an interrupted earlier run whose swap was completed), when
 * D lies after the as-of date of the previous build, when the previous version has rows for D but the events no
 * longer have a partition for it, or when a backfill names it. A row of day D depends on the events of D−1, D and
 * D+1: a session that starts before midnight carries into D, and the gap from D's last event to an event just after
 * midnight is active time of D up to midnight. So a changed day recomputes itself and its two neighbours, from the
 * events of those days and one more on each side; every other row is taken from the previous version as it was (its
 * class refreshed from the dims). Nothing depends on the run having seen the ingest: the state is
 * read from the warehouse, so a crash between ingest and marts is caught up by the next build.
 *
 * <p>A full rebuild is chosen instead, with the reason logged, when there is no previous build to start from, when
 * its definition or settings (columns, time zone, idle cutoff, Xueqing version) differ, when the as-of date goes
 * back before the previous build's, when the idle cutoff is a day or longer, or when a full rebuild is asked for.
 */
public final class DayRebuild {
    /** The note kept beside each version of a mart: as-of date and the fingerprint of what built it. */
    public static final String NOTE = "build.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DayRebuild() {}

    /** What a build was asked for: a full rebuild, or the automatic rule plus any days named (backfill). */
    public record Request(boolean full, Set<LocalDate> days) {
        public static final Request AUTO = new Request(false, Set.of());
        public static final Request FULL = new Request(true, Set.of());

        public static Request backfill(LocalDate from, LocalDate to) {
            if (to.isBefore(from)) {
                throw new dev.xueqing.common.config.UsageException("--to " + to + " is before --from " + from);
            }
            Set<LocalDate> days = new TreeSet<>();
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                days.add(d);
            }
            return new Request(false, days);
        }
    }

    /** The decision for one mart. */
    public sealed interface Plan permits Full, Days {
        String describe();
    }

    public record Full(String reason) implements Plan {
        @Override
        public String describe() {
            return "full rebuild (" + reason + ")";
        }
    }

    /** Recompute these days (reading the events of {@code read}); keep every other row. */
    public record Days(SortedSet<LocalDate> recompute, SortedSet<LocalDate> read) implements Plan {
        @Override
        public String describe() {
            return recompute.isEmpty() ? "no day changed, rows kept"
                    : recompute.size() + " day(s) recomputed (" + recompute.first() + " .. " + recompute.last() + ")";
        }
    }

    /**
     * The build note: as-of date, {@link #fingerprint}, the {@link #inputsFingerprint} of the inputs it was built
     * from and its rows (those two are null in notes written before builds could be skipped).
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record Note(String asOf, String fingerprint, String inputs, Long rows) {}

    /** The fingerprint of a mart's definition and of the settings its rows depend on. */
    public static String fingerprint(Mart mart, MartContext ctx) {
        StringBuilder s = new StringBuilder(mart.spec().name());
        mart.spec().columns().forEach(c -> s.append('|').append(c.name()).append(':').append(c.type().simpleString()));
        s.append("|tz=").append(ctx.config().timezone().getId())
                .append("|idle=").append(ctx.config().activity().idleCutoffMinutes())
                .append("|version=").append(version());
        return BuildInputs.sha256(s.toString());
    }

    private static String version() {
        String v = DayRebuild.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The note to keep beside a version built as of the context's date (inputs unknown). */
    public static String note(Mart mart, MartContext ctx) {
        return note(mart, ctx, null, -1);
    }

    /** The note to keep beside a version built as of the context's date from the named inputs, with its rows. */
    public static String note(Mart mart, MartContext ctx, String inputs, long rows) {
        try {
            return JSON.writeValueAsString(new Note(ctx.asOf().toString(), fingerprint(mart, ctx), inputs,
                    rows < 0 ? null : rows));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Everything a mart's rows are a function of, hashed: its {@link #fingerprint definition}, the as-of date, the
     * whole typed config (thresholds, calendars, mappings: any change rebuilds), and the states of the datasets the
     * build read ({@link BuildInputs#states}). Null when the states are null (a dataset of the old layout): such a
     * mart is always built.
     */
    public static String inputsFingerprint(Mart mart, MartContext ctx, String states) {
        return states == null ? null : BuildInputs.sha256(fingerprint(mart, ctx) + "|asOf=" + ctx.asOf()
                + "|config=" + BuildInputs.canonical(ctx.config()) + states);
    }

    /**
     * The rows of the mart's current version when it was built from exactly these inputs (so it is what a build
     * now would write), or -1: no note, an older note, other inputs, or a full rebuild or backfill asked for.
     */
    public static long unchanged(Mart mart, String inputs, Warehouse warehouse, Request request) {
        if (inputs == null || request.full() || !request.days().isEmpty()) {
            return -1;
        }
        String text = warehouse.readVersionNote(mart.ref(), NOTE);
        if (text == null) {
            return -1;
        }
        try {
            Note note = JSON.readValue(text, Note.class);
            return inputs.equals(note.inputs()) && note.rows() != null ? note.rows() : -1;
        } catch (JsonProcessingException e) {
            return -1;
        }
    }

    /** Decides full or which days, from the warehouse's state. */
    public static Plan plan(Mart mart, MartContext ctx, Warehouse warehouse, Request request) {
        String dayColumn = mart.dayColumn();
        if (dayColumn == null) {
            return new Full("not of day grain");
        }
        if (request.full()) {
            return new Full("asked for");
        }
        if (ctx.config().activity().idleCutoffMinutes() >= 24 * 60) {
            return new Full("idle cutoff of a day or longer");
        }
        String text = warehouse.readVersionNote(mart.ref(), NOTE);
        if (text == null) {
            return new Full("no earlier build to start from");
        }
        Note note;
        try {
            note = JSON.readValue(text, Note.class);
        } catch (JsonProcessingException e) {
            return new Full("unreadable build note");
        }
        if (!fingerprint(mart, ctx).equals(note.fingerprint())) {
            return new Full("definition or settings changed since the last build");
        }
        LocalDate previousAsOf = LocalDate.parse(note.asOf());
        if (ctx.asOf().isBefore(previousAsOf)) {
            return new Full("as-of date before the last build's " + previousAsOf);
        }
        Map<String, Instant> partitions = warehouse.partitionsWrittenAt(DatasetRef.EVENTS);
        List<String> kept = warehouse.read(mart.ref()).select(col(dayColumn)).distinct().collectAsList().stream()
                .map(r -> r.getDate(0).toLocalDate().toString()).toList();
        SortedSet<LocalDate> changed = new TreeSet<>(request.days());
        changedDays(partitions, warehouse.committedAt(mart.ref()), kept).forEach(d -> changed.add(LocalDate.parse(d)));
        partitions.keySet().stream().map(LocalDate::parse).filter(d -> d.isAfter(previousAsOf)).forEach(changed::add);
        return days(changed, ctx.asOf());
    }

    /**
     * The days that state derived per day from the events must recompute (the day-grain marts, the dims' partials):
     * those whose event partition was written after the state was committed, and those the state holds that no
     * longer have an event partition (their rows are dropped).
     *
     * @param eventPartitions the events' day partitions and when each was last written
     * @param committed when the derived state was committed
     * @param keptDays the days the derived state holds
     */
    public static SortedSet<String> changedDays(Map<String, Instant> eventPartitions, Instant committed,
                                                Collection<String> keptDays) {
        SortedSet<String> changed = new TreeSet<>();
        eventPartitions.forEach((day, written) -> {
            if (written.isAfter(committed)) {
                changed.add(day);
            }
        });
        keptDays.stream().filter(d -> !eventPartitions.containsKey(d)).forEach(changed::add);
        return changed;
    }

    /** Each changed day with the days before and after it, up to the as-of date; read with one more day each side. */
    public static Days days(Set<LocalDate> changed, LocalDate asOf) {
        SortedSet<LocalDate> recompute = new TreeSet<>();
        changed.forEach(d -> recompute.addAll(neighbours(d)));
        recompute.removeIf(d -> d.isAfter(asOf));
        SortedSet<LocalDate> read = new TreeSet<>();
        recompute.forEach(d -> read.addAll(neighbours(d)));
        read.removeIf(d -> d.isAfter(asOf));
        return new Days(recompute, read);
    }

    private static List<LocalDate> neighbours(LocalDate d) {
        return List.of(d.minusDays(1), d, d.plusDays(1));
    }

    /**
     * The mart's rows after recomputing the planned days: the previous version's other days (refreshed by
     * {@link Mart#refreshKept}) and the recomputed ones, computed from the events of the days to read alone.
     */
    public static Dataset<Row> rebuild(Mart mart, Days plan, MartInputs inputs, MartContext ctx,
                                       Dataset<Row> previous) {
        Column day = col(mart.dayColumn());
        Object[] recompute = plan.recompute().stream().map(java.sql.Date::valueOf).toArray();
        Object[] read = plan.read().stream().map(java.sql.Date::valueOf).toArray();
        MartInputs narrowed = inputs.with(DatasetRef.EVENTS,
                inputs.get(DatasetRef.EVENTS).filter(col("event_date").isin(read)));
        Dataset<Row> fresh = mart.transform(narrowed, ctx).filter(day.isin(recompute));
        Dataset<Row> kept = previous.filter(not(day.isin(recompute))
                .and(day.leq(MartFrames.asOfDate(ctx))));
        return mart.refreshKept(kept, inputs, ctx).unionByName(fresh);
    }
}
