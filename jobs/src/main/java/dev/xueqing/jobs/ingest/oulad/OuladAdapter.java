package dev.xueqing.jobs.ingest.oulad;

import com.univocity.parsers.csv.CsvParser;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.Actions;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.common.model.QuarantineReason;
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
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Open University Learning Analytics Dataset (OULAD) tables → canonical events, course items, learner and
 * course facts. Each CSV file is recognised by its header, so the files may have any names; studentAssessment and
 * studentVle rows are resolved against the assessments and vle tables, which must be among the same run's inputs
 * (they are passed in by {@link OuladTables}).
 *
 * <p>Dates are days from the start of the module presentation: a day d becomes local noon of start + d in the
 * tenant's time zone (noon keeps the calendar day whatever the zone). The start of each presentation comes from
 * {@code xueqing.oulad} (explicit dates, else February 1 for B and October 1 for J presentations).
 */
public final class OuladAdapter implements SourceAdapter {
    private static final long serialVersionUID = 1L;
    public static final String FORMAT = "oulad";
    static final LocalTime DAY_TIME = LocalTime.NOON;

    /** The tables, by the columns that identify them (a file's header must contain all of them). */
    enum Table {
        COURSES("code_module", "code_presentation", "module_presentation_length"),
        ASSESSMENTS("code_module", "code_presentation", "id_assessment", "assessment_type", "date", "weight"),
        VLE("id_site", "code_module", "code_presentation", "activity_type"),
        STUDENT_INFO("code_module", "code_presentation", "id_student", "gender", "region", "highest_education",
                "imd_band", "age_band", "num_of_prev_attempts", "studied_credits", "disability", "final_result"),
        STUDENT_REGISTRATION("code_module", "code_presentation", "id_student", "date_registration",
                "date_unregistration"),
        STUDENT_ASSESSMENT("id_assessment", "id_student", "date_submitted", "is_banked", "score"),
        STUDENT_VLE("code_module", "code_presentation", "id_student", "id_site", "date", "sum_click");

        final List<String> columns;

        Table(String... columns) {
            this.columns = List.of(columns);
        }

        /** The most specific table whose columns the header has, or null. */
        static Table of(List<String> header) {
            Table best = null;
            for (Table t : values()) {
                if (header.containsAll(t.columns) && (best == null || t.columns.size() > best.columns.size())) {
                    best = t;
                }
            }
            return best;
        }
    }

    private final XueqingConfig.Oulad calendar;
    private final Pseudonymizer pseudonymizer;
    private final ZoneId zone;
    private final String tenant;
    private final String runId;
    private final Instant runStart;
    private final OuladTables tables;

    public OuladAdapter(XueqingConfig.Oulad calendar, Pseudonymizer pseudonymizer, ZoneId zone, String tenant,
                        String runId, Instant runStart, OuladTables tables) {
        this.calendar = calendar;
        this.pseudonymizer = pseudonymizer;
        this.zone = zone;
        this.tenant = tenant;
        this.runId = runId;
        this.runStart = runStart;
        this.tables = tables;
    }

    @Override
    public String accountPseudonym(String rawAccountId) {
        return pseudonymizer.pseudonym(tenant, "oulad-student:" + rawAccountId);
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public long read(String fileUri, int fileOrdinal, InputStream in, Consumer<Row> out) throws IOException {
        CsvParser parser = CsvFiles.parser(',');
        long records = 0;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            parser.beginParsing(reader);
            String[] header = parser.parseNext();
            if (header == null) {
                return 0;
            }
            List<String> names = CsvFiles.header(header);
            Table table = Table.of(names);
            if (table == null) {
                long skipped = 0;
                while (parser.parseNext() != null) {
                    skipped++;
                }
                out.accept(ParsedRecords.quarantine(ParsedRecords.seq(fileOrdinal, 0), FORMAT, tenant, fileUri + ":1",
                        QuarantineReason.UNKNOWN_COLUMNS, "header " + names + " is none of the OULAD tables "
                                + closest(names) + "; its " + skipped + " data row(s) were not read",
                        String.join(",", names), runStart, runId));
                return 1;
            }
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                index.put(names.get(i), i);
            }
            String[] values;
            while ((values = parser.parseNext()) != null) {
                long line = parser.getContext().currentLine();
                records++;
                Rec rec = new Rec(values, index, fileUri + ":" + line, ParsedRecords.seq(fileOrdinal, records));
                try {
                    map(table, rec, out);
                } catch (Bad e) {
                    out.accept(ParsedRecords.quarantine(rec.seq, FORMAT, tenant, rec.ref, e.reason, e.getMessage(),
                            rec.raw(), runStart, runId));
                }
            }
        }
        return records;
    }

    private static String closest(List<String> header) {
        Table best = null;
        long bestHits = -1;
        for (Table t : Table.values()) {
            long hits = t.columns.stream().filter(header::contains).count();
            if (hits > bestHits) {
                best = t;
                bestHits = hits;
            }
        }
        List<String> missing = best.columns.stream().filter(c -> !header.contains(c)).toList();
        return "(closest: " + best.name().toLowerCase(Locale.ROOT) + ", missing " + missing + ")";
    }

    private void map(Table table, Rec r, Consumer<Row> out) throws Bad {
        switch (table) {
            case COURSES -> courses(r, out);
            case ASSESSMENTS -> assessments(r, out);
            case VLE -> vle(r, out);
            case STUDENT_INFO -> studentInfo(r, out);
            case STUDENT_REGISTRATION -> registration(r, out);
            case STUDENT_ASSESSMENT -> studentAssessment(r, out);
            case STUDENT_VLE -> studentVle(r, out);
            default -> throw new IllegalStateException(table.name());
        }
    }

    // --- reference tables: facts and course items -------------------------------------------------------------

    private void courses(Rec r, Consumer<Row> out) throws Bad {
        String course = courseId(r);
        LocalDate start = start(r);
        int length = r.integer("module_presentation_length", true);
        String title = r.get("code_module") + " " + r.get("code_presentation");
        out.accept(ParsedRecords.courseFact(r.seq, tenant, course, title, Date.valueOf(start),
                Date.valueOf(start.plusDays(Math.max(0, length - 1))), Timestamp.from(runStart)));
        out.accept(ParsedRecords.observation(r.seq, new ObjectObservation(course, course, ObjectTypes.COURSE, null,
                title, null, null, null, tenant, runStart)));
    }

    private void assessments(Rec r, Consumer<Row> out) throws Bad {
        String course = courseId(r);
        LocalDate start = start(r);
        Integer due = r.integer("date", false);
        Double weight = r.decimal("weight");
        String type = r.get("assessment_type");
        out.accept(ParsedRecords.observation(r.seq, new ObjectObservation(course,
                assessmentId(r.get("id_assessment")), assessmentType(type), null,
                (type == null ? "Assessment" : type) + " " + r.get("id_assessment"), 100.0,
                due == null ? null : endOfDay(start.plusDays(due)), weight, tenant, runStart)));
    }

    private void vle(Rec r, Consumer<Row> out) throws Bad {
        String course = courseId(r);
        String site = r.required("id_site", QuarantineReason.MISSING_OBJECT);
        String kind = r.get("activity_type");
        out.accept(ParsedRecords.observation(r.seq, new ObjectObservation(course, vleId(site), OuladTables.objectTypeOf(kind),
                null, kind + " " + site, null, null, null, tenant, runStart)));
    }

    private void studentInfo(Rec r, Consumer<Row> out) throws Bad {
        String course = courseId(r);
        String learner = learner(r);
        String result = r.get("final_result");
        String outcome = result == null ? null : switch (result.trim().toLowerCase(Locale.ROOT)) {
            case "pass" -> "pass";
            case "distinction" -> "distinction";
            case "fail" -> "fail";
            case "withdrawn" -> "withdrawn";
            default -> throw new Bad(QuarantineReason.INVALID_RESULT, "final_result '" + result
                    + "' is not Pass, Distinction, Fail or Withdrawn");
        };
        out.accept(ParsedRecords.enrolmentFact(r.seq, tenant, learner, course, r.get("region"), r.get("gender"),
                r.get("age_band"), r.get("highest_education"), r.get("imd_band"), r.get("disability"),
                r.integer("num_of_prev_attempts", false), r.integer("studied_credits", false), outcome,
                Timestamp.from(runStart)));
    }

    // --- activity tables: events -----------------------------------------------------------------------------

    private void registration(Rec r, Consumer<Row> out) throws Bad {
        String course = courseId(r);
        LocalDate start = start(r);
        String learner = learner(r);
        Integer registered = r.integer("date_registration", false);
        Integer unregistered = r.integer("date_unregistration", false);
        String verb = registered == null ? "studentRegistration:date_registration-missing" : "studentRegistration";
        out.accept(ParsedRecords.event(r.seq, event(r, "enrolled", learner, course, Actions.ENROLLED, verb,
                course, ObjectTypes.COURSE, start.plusDays(registered == null ? 0 : registered), null, null)));
        if (unregistered != null) {
            out.accept(ParsedRecords.event(r.seq, event(r, "unenrolled", learner, course, Actions.UNENROLLED,
                    "studentRegistration:date_unregistration", course, ObjectTypes.COURSE,
                    start.plusDays(unregistered), null, null)));
        }
    }

    private void studentAssessment(Rec r, Consumer<Row> out) throws Bad {
        String learner = learner(r);
        String id = r.required("id_assessment", QuarantineReason.MISSING_OBJECT);
        OuladTables.Assessment a = tables.assessment(id);
        if (a == null) {
            throw new Bad(QuarantineReason.MISSING_OBJECT, "id_assessment " + id + " is not in the assessments "
                    + "table of this run (ingest assessments.csv together with studentAssessment.csv)");
        }
        LocalDate start = startOf(a.presentation());
        int day = r.integer("date_submitted", true);
        Double score = r.decimal("score");
        if (score != null && (score < 0 || score > 100)) {
            throw new Bad(QuarantineReason.SCORE_OUT_OF_RANGE, "score " + score + " is outside 0..100");
        }
        boolean banked = "1".equals(r.get("is_banked"));
        out.accept(ParsedRecords.event(r.seq, new CanonicalEvent(
                id(r, "submitted"), FORMAT, tenant, learner, ActorRoles.LEARNER, a.courseId(), null,
                instant(start.plusDays(day)), Actions.SUBMITTED,
                banked ? "studentAssessment:banked" : "studentAssessment", assessmentId(id), assessmentType(a.type()),
                null, score, score == null ? null : 100.0, score == null ? null : score / 100.0, null, null, null,
                null, null, null, r.ref, runId, hash(r, "submitted"), start.plusDays(day))));
    }

    private void studentVle(Rec r, Consumer<Row> out) throws Bad {
        String course = courseId(r);
        LocalDate start = start(r);
        String learner = learner(r);
        String site = r.required("id_site", QuarantineReason.MISSING_OBJECT);
        int day = r.integer("date", true);
        Integer clicks = r.integer("sum_click", true);
        if (clicks < 1) {
            throw new Bad(QuarantineReason.INVALID_RESULT, "sum_click " + clicks + " is not a positive click count");
        }
        out.accept(ParsedRecords.event(r.seq, event(r, "viewed", learner, course, Actions.VIEWED, "studentVle",
                vleId(site), tables.typeOfSite(site), start.plusDays(day), null, clicks)));
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private CanonicalEvent event(Rec r, String what, String learner, String course, String action, String verb,
                                 String objectId, String objectType, LocalDate day, String parent,
                                 Integer interactions) {
        return new CanonicalEvent(id(r, what), FORMAT, tenant, learner, ActorRoles.LEARNER, course, null,
                instant(day), action, verb, objectId, objectType, parent, null, null, null, null, null, null, null,
                null, null, interactions, r.ref, runId, hash(r, what), day);
    }

    private String id(Rec r, String what) {
        return RecordHashes.uuidV5(RecordHashes.NAMESPACE, FORMAT + ":" + what + ":" + r.raw()).toString();
    }

    private static String hash(Rec r, String what) {
        return RecordHashes.sha256Hex(what + "\n" + r.raw());
    }

    private Instant instant(LocalDate day) {
        return day.atTime(DAY_TIME).atZone(zone).toInstant();
    }

    private Instant endOfDay(LocalDate day) {
        return day.plusDays(1).atStartOfDay(zone).toInstant().minusSeconds(1);
    }

    private String learner(Rec r) throws Bad {
        return pseudonymizer.pseudonym(tenant, "oulad-student:" + r.required("id_student", QuarantineReason.MISSING_ACTOR));
    }

    private static String courseId(Rec r) throws Bad {
        return r.required("code_module", QuarantineReason.MISSING_COURSE) + "-"
                + r.required("code_presentation", QuarantineReason.MISSING_COURSE);
    }

    private LocalDate start(Rec r) throws Bad {
        return startOf(r.get("code_presentation"));
    }

    private LocalDate startOf(String presentation) throws Bad {
        LocalDate s = calendar.startOf(presentation);
        if (s == null) {
            throw new Bad(QuarantineReason.INVALID_TIMESTAMP, "no start date is known for presentation '"
                    + presentation + "': set xueqing.oulad.presentation-starts.\"" + presentation + "\"");
        }
        return s;
    }

    static String assessmentId(String id) {
        return "oulad:assessment:" + id;
    }

    static String vleId(String site) {
        return "oulad:vle:" + site;
    }

    /** TMA (tutor-marked) is an assignment; CMA (computer-marked) and the exam are quizzes. */
    static String assessmentType(String type) {
        return type != null && type.trim().equalsIgnoreCase("TMA") ? ObjectTypes.ASSIGNMENT : ObjectTypes.QUIZ;
    }

    /** A rejected row: the reason and what was wrong. */
    static final class Bad extends Exception {
        final QuarantineReason reason;

        Bad(QuarantineReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    /** One CSV row with typed accessors that reject bad values with a reason. */
    static final class Rec {
        final String[] values;
        final Map<String, Integer> index;
        final String ref;
        final long seq;

        Rec(String[] values, Map<String, Integer> index, String ref, long seq) {
            this.values = values;
            this.index = index;
            this.ref = ref;
            this.seq = seq;
        }

        String get(String column) {
            Integer i = index.get(column);
            if (i == null || i >= values.length || values[i] == null) {
                return null;
            }
            String v = values[i].trim();
            return v.isEmpty() ? null : v;
        }

        String required(String column, QuarantineReason reason) throws Bad {
            String v = get(column);
            if (v == null) {
                throw new Bad(reason, column + " is empty");
            }
            return v;
        }

        Integer integer(String column, boolean required) throws Bad {
            String v = get(column);
            if (v == null) {
                if (required) {
                    throw new Bad(column.startsWith("date") || column.startsWith("module_presentation")
                            ? QuarantineReason.INVALID_TIMESTAMP : QuarantineReason.INVALID_RESULT,
                            column + " is empty");
                }
                return null;
            }
            try {
                return Integer.valueOf(v);
            } catch (NumberFormatException e) {
                throw new Bad(column.startsWith("date") ? QuarantineReason.INVALID_TIMESTAMP
                        : QuarantineReason.INVALID_RESULT, column + " '" + v + "' is not a whole number");
            }
        }

        Double decimal(String column) throws Bad {
            String v = get(column);
            if (v == null) {
                return null;
            }
            try {
                return Double.valueOf(v);
            } catch (NumberFormatException e) {
                throw new Bad(QuarantineReason.SCORE_OUT_OF_RANGE, column + " '" + v + "' is not a number");
            }
        }

        String raw() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(values[i] == null ? "" : values[i]);
            }
            return sb.toString();
        }
    }

    /** For tests: the column index of a header. */
    static Map<String, Integer> indexOf(String... header) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
            m.put(header[i], i);
        }
        return m;
    }
}
