package dev.xueqing.jobs.ingest.moodle;

import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.RecordHashes;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Maps one row of Moodle's log report export (columns Time, User full name, Affected user, Event context,
 * Component, Event name, Description, Origin, IP address; names lowercased) to a canonical event or a rejection.
 * The export has no ids: the learner is the pseudonym of the full name ({@code moodle-fullname:}), the course is
 * the name in a {@code Course: <name>} context, a user shown as {@code -} (user id 0: guest, cli, cron) is the
 * system, a module context ({@code Assignment: Project}) is the object but
 * does not name its course (→ {@code missing_course}), as does the front page or system context.
 */
public final class MoodleReportMapper implements Serializable {
    private static final long serialVersionUID = 1L;

    private final MoodleMapping.Report report;
    private final Pseudonymizer pseudonymizer;
    private final ZoneId zone;
    private final String tenant;
    private final String runId;

    public MoodleReportMapper(MoodleMapping.Report report, Pseudonymizer pseudonymizer, ZoneId zone, String tenant,
                              String runId) {
        this.report = Objects.requireNonNull(report);
        this.pseudonymizer = Objects.requireNonNull(pseudonymizer);
        this.zone = Objects.requireNonNull(zone);
        this.tenant = Objects.requireNonNull(tenant);
        this.runId = Objects.requireNonNull(runId);
    }

    /** True for the header of a log report export: "Event name" and no "eventname" column. */
    public static boolean isReportHeader(java.util.Collection<String> lowercasedHeader) {
        return lowercasedHeader.contains("event name") && !lowercasedHeader.contains("eventname");
    }

    public MoodleMapper.Mapped map(Map<String, String> row, String rawRef) {
        String eventName = value(row, "event name");
        if (eventName == null) {
            return new MoodleMapper.Rejected(QuarantineReason.MISSING_VERB, "Event name is empty");
        }
        String user = value(row, "user full name");
        if (user == null) {
            return new MoodleMapper.Rejected(QuarantineReason.MISSING_ACTOR, "User full name is empty");
        }
        String t = value(row, "time");
        if (t == null) {
            return new MoodleMapper.Rejected(QuarantineReason.MISSING_TIMESTAMP, "Time is empty");
        }
        Instant time = parseTime(t);
        if (time == null) {
            return new MoodleMapper.Rejected(QuarantineReason.INVALID_TIMESTAMP,
                    "Time '" + t + "' matches none of the patterns " + report.timePatterns());
        }
        String context = value(row, "event context");
        if (context == null || !context.startsWith("Course: ")) {
            return new MoodleMapper.Rejected(QuarantineReason.MISSING_COURSE, "Event context '" + context
                    + "' names no course (only 'Course: <name>' contexts do in a log report export)");
        }
        String courseId = report.coursePrefix() + context.substring("Course: ".length()).trim();
        String raw = MoodleMapper.rawJson(row);
        String contentHash = RecordHashes.sha256Hex(raw);
        String eventId = RecordHashes.uuidV5(RecordHashes.NAMESPACE, MoodleMapper.SOURCE + ":" + contentHash)
                .toString();
        String action = report.events().getOrDefault(eventName, Actions.OTHER);
        CanonicalEvent e = new CanonicalEvent(eventId, MoodleMapper.SOURCE, tenant,
                pseudonymizer.pseudonym(tenant, report.userPrefix() + user),
                user.equals("-") ? ActorRoles.SYSTEM : ActorRoles.LEARNER, courseId, null,
                time, action, eventName, courseId, ObjectTypes.COURSE, null, null, null, null, null, null, null, null,
                null, null, rawRef, runId, contentHash, LocalDate.ofInstant(time, zone));
        return new MoodleMapper.Event(e);
    }

    private Instant parseTime(String t) {
        for (String p : report.timePatterns()) {
            try {
                return LocalDateTime.parse(t, DateTimeFormatter.ofPattern(p, Locale.ENGLISH)).atZone(zone)
                        .toInstant();
            } catch (DateTimeParseException | IllegalArgumentException ignored) {
                // try the next pattern
            }
        }
        return null;
    }

    private static String value(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
