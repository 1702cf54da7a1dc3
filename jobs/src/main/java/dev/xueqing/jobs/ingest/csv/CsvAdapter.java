package dev.xueqing.jobs.ingest.csv;

import com.univocity.parsers.csv.CsvParser;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.CsvFiles;
import dev.xueqing.jobs.ingest.ParsedRecords;
import dev.xueqing.jobs.ingest.RecordHashes;
import dev.xueqing.jobs.ingest.SourceAdapter;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Any activity CSV, read through a named column mapping ({@code xueqing.csv.mappings}): one row → one canonical
 * event. A file whose header lacks a mapped column is rejected as a whole with one {@code unknown_columns} row that
 * names the missing columns; bad values in a row quarantine that row.
 */
public final class CsvAdapter implements SourceAdapter {
    private static final long serialVersionUID = 1L;
    public static final String FORMAT = "csv";

    private final XueqingConfig.CsvMapping mapping;
    private final Pseudonymizer pseudonymizer;
    private final ZoneId tenantZone;
    private final String tenant;
    private final String runId;
    private final Instant runStart;

    public CsvAdapter(XueqingConfig.CsvMapping mapping, Pseudonymizer pseudonymizer, ZoneId tenantZone, String tenant,
                      String runId, Instant runStart) {
        this.mapping = mapping;
        this.pseudonymizer = pseudonymizer;
        this.tenantZone = tenantZone;
        this.tenant = tenant;
        this.runId = runId;
        this.runStart = runStart;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public long read(String fileUri, int fileOrdinal, InputStream in, Consumer<Row> out) throws IOException {
        CsvParser parser = CsvFiles.parser(mapping.delimiter());
        long records = 0;
        try (Reader reader = new InputStreamReader(in, Charset.forName(mapping.encoding()))) {
            parser.beginParsing(reader);
            String[] header = parser.parseNext();
            if (header == null) {
                return 0;
            }
            List<String> names = CsvFiles.header(header);
            List<String> missing = mapping.columns().values().stream().filter(c -> !names.contains(c)).toList();
            if (!missing.isEmpty()) {
                long skipped = 0;
                while (parser.parseNext() != null) {
                    skipped++;
                }
                out.accept(ParsedRecords.quarantine(ParsedRecords.seq(fileOrdinal, 0), FORMAT, tenant, fileUri + ":1",
                        QuarantineReason.UNKNOWN_COLUMNS, "the header lacks column(s) " + missing + " of mapping '"
                                + mapping.name() + "' (header: " + names + "); the file's " + skipped
                                + " data row(s) were not read", String.join(String.valueOf(mapping.delimiter()), names),
                        runStart, runId));
                return 1;
            }
            Map<String, Integer> index = new HashMap<>();
            mapping.columns().forEach((role, column) -> index.put(role, names.indexOf(column)));
            IdScrubber.Scope ids = scrubber().newScope();
            String[] values;
            while ((values = parser.parseNext()) != null) {
                records++;
                long seq = ParsedRecords.seq(fileOrdinal, records);
                String ref = fileUri + ":" + parser.getContext().currentLine();
                String raw = String.join(String.valueOf(mapping.delimiter()),
                        Arrays.stream(values).map(v -> v == null ? "" : v).toList());
                try {
                    Mapped m = map(values, index, ref, raw, ids);
                    out.accept(ParsedRecords.event(seq, m.event()));
                    if (m.observation() != null) {
                        out.accept(ParsedRecords.observation(seq, m.observation()));
                    }
                } catch (Bad e) {
                    out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, ref, e.reason, e.getMessage(), raw,
                            runStart, runId));
                }
            }
        }
        return records;
    }

    @Override
    public String accountPseudonym(String rawAccountId) {
        return pseudonymizer.pseudonym(tenant, learnerPrefix() + rawAccountId);
    }

    /** Pseudonymizer input of a learner column value: this prefix and the value. */
    private String learnerPrefix() {
        return "csv-" + mapping.name() + ":";
    }

    /** One row's event and what it says about its object. */
    record Mapped(CanonicalEvent event, ObjectObservation observation) {}

    /** Rewrites the mapping's learner ids where they stand in object, course and class ids (a learner column value). */
    private IdScrubber scrubber() {
        String prefix = learnerPrefix();
        return new IdScrubber(pseudonymizer, tenant, (p, segment) -> prefix + segment);
    }

    /** Maps one row; its learner id joins {@code ids} and every id {@code ids} knows is rewritten in its ids. */
    Mapped map(String[] values, Map<String, Integer> index, String ref, String raw, IdScrubber.Scope ids) throws Bad {
        String learner = required(values, index, "learner", QuarantineReason.MISSING_ACTOR);
        String course = required(values, index, "course", QuarantineReason.MISSING_COURSE);
        String object = required(values, index, "object", QuarantineReason.MISSING_OBJECT);
        String sourceAction = required(values, index, "action", QuarantineReason.MISSING_VERB);
        String timeText = required(values, index, "time", QuarantineReason.MISSING_TIMESTAMP);
        Instant time = parseTime(timeText);
        String action = mapping.actions().getOrDefault(sourceAction, Actions.OTHER);
        String typeValue = get(values, index, "object-type");
        String objectType = typeValue == null ? mapping.defaultObjectType()
                : mapping.objectTypes().getOrDefault(typeValue, mapping.defaultObjectType());
        Double score = number(values, index, "score");
        Double max = number(values, index, "score-max");
        if (score != null && max != null && (score < 0 || score > max || max <= 0)) {
            throw new Bad(QuarantineReason.SCORE_OUT_OF_RANGE, "score " + score + " is outside 0.." + max);
        }
        Double duration = number(values, index, "duration");
        if (duration != null && duration < 0) {
            throw new Bad(QuarantineReason.BAD_DURATION, "duration " + duration + " is negative");
        }
        String role = role(get(values, index, "role"));
        String inReplyTo = get(values, index, "in-reply-to");
        String parentId = null;
        if (action.equals(Actions.POSTED) || action.equals(Actions.REPLIED)) {
            // a forum post (docs/ingest-discussions.md): its thread, else an opener's own id, else the post answered
            action = inReplyTo != null ? Actions.REPLIED : action;
            objectType = ObjectTypes.FORUM_POST;
            String thread = get(values, index, "thread");
            parentId = thread != null ? thread : inReplyTo != null ? inReplyTo : object;
        }
        String hash = RecordHashes.sha256Hex(raw);
        String id = get(values, index, "id");
        String eventId = id != null ? "csv:" + mapping.name() + ":" + id
                : RecordHashes.uuidV5(RecordHashes.NAMESPACE, FORMAT + ":" + mapping.name() + ":" + hash).toString();
        CanonicalEvent e = new CanonicalEvent(eventId, FORMAT, tenant,
                pseudonymizer.pseudonym(tenant, learnerPrefix() + learner), role, course,
                get(values, index, "class"), time, action, sourceAction, object, objectType, parentId, score, max,
                score != null && max != null ? score / max : null, null, null, duration,
                get(values, index, "response"), null, inReplyTo, ref, runId, hash,
                time.atZone(tenantZone).toLocalDate());
        ObjectObservation o = new ObjectObservation(course, object, objectType, null, null, max, null, null, tenant,
                time);
        ids.learn(learner, learnerPrefix() + learner);
        return new Mapped(ids.event(e), ids.observation(o));
    }

    private Instant parseTime(String text) throws Bad {
        try {
            return switch (mapping.timestampFormat()) {
                case "epoch-seconds" -> Instant.ofEpochMilli(Math.round(Double.parseDouble(text) * 1000));
                case "epoch-millis" -> Instant.ofEpochMilli(Long.parseLong(text));
                case "iso" -> iso(text);
                default -> {
                    TemporalAccessor t = DateTimeFormatter.ofPattern(mapping.timestampFormat(), Locale.ROOT)
                            .parseBest(text, ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
                    yield t instanceof LocalDateTime l ? l.atZone(mapping.timestampZone()).toInstant()
                            : Instant.from(t);
                }
            };
        } catch (DateTimeException | NumberFormatException e) {
            throw new Bad(QuarantineReason.INVALID_TIMESTAMP, "'" + text + "' does not match the timestamp format "
                    + mapping.timestampFormat() + " of mapping '" + mapping.name() + "'");
        }
    }

    private Instant iso(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(text).atZone(mapping.timestampZone()).toInstant();
        }
    }

    private static String role(String value) {
        if (value == null) {
            return ActorRoles.LEARNER;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "teacher", "instructor", "editingteacher" -> ActorRoles.INSTRUCTOR;
            case "tutor", "ta", "teaching_assistant", "teacher_assistant" -> ActorRoles.TUTOR;
            case "system", "admin", "manager" -> ActorRoles.SYSTEM;
            default -> ActorRoles.LEARNER;
        };
    }

    private static String get(String[] values, Map<String, Integer> index, String role) {
        Integer i = index.get(role);
        if (i == null || i < 0 || i >= values.length || values[i] == null) {
            return null;
        }
        String v = values[i].trim();
        return v.isEmpty() ? null : v;
    }

    private static String required(String[] values, Map<String, Integer> index, String role, QuarantineReason reason)
            throws Bad {
        String v = get(values, index, role);
        if (v == null) {
            throw new Bad(reason, "the " + role + " column is empty");
        }
        return v;
    }

    private static Double number(String[] values, Map<String, Integer> index, String role) throws Bad {
        String v = get(values, index, role);
        if (v == null) {
            return null;
        }
        try {
            return Double.valueOf(v);
        } catch (NumberFormatException e) {
            throw new Bad(role.equals("duration") ? QuarantineReason.BAD_DURATION : QuarantineReason.SCORE_OUT_OF_RANGE,
                    "the " + role + " column '" + v + "' is not a number");
        }
    }

    /** A rejected row. */
    static final class Bad extends Exception {
        final QuarantineReason reason;

        Bad(QuarantineReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
