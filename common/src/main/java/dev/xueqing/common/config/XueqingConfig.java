package dev.xueqing.common.config;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The typed, validated configuration of one run. Built once by {@link ConfigLoader}; job code reads these records
 * and never a raw {@code Config}.
 */
public record XueqingConfig(
        Mode mode,
        ZoneId timezone,
        String warehouse,
        String tenant,
        List<InputSpec> inputs,
        Pseudonym pseudonym,
        SparkSettings spark,
        Activity activity,
        Progress progress,
        Quality quality,
        int retentionMaxWeeks,
        Xapi xapi,
        Oulad oulad,
        Map<String, CsvMapping> csvMappings,
        Ops ops,
        Assessment assessment,
        Caliper caliper,
        Edx edx,
        Moodle moodle,
        Segments segments,
        Risk risk,
        Report report,
        Tutor tutor,
        Staff staff,
        Index index,
        Disclosure disclosure,
        Skills skills) implements Serializable {

    public enum Mode { DEVELOPMENT, PRODUCTION }

    /** One configured input of {@code nightly}. */
    public record InputSpec(String format, List<String> paths, String tenant, String mapping) implements Serializable {}

    /**
     * How to read one kind of activity CSV (format {@code csv}): column names by role, timestamp format and zone,
     * value maps for actions and object types.
     */
    public record CsvMapping(String name, char delimiter, String encoding, Map<String, String> columns,
                             String timestampFormat, ZoneId timestampZone, Map<String, String> actions,
                             Map<String, String> objectTypes, String defaultObjectType) implements Serializable {
        /** Column roles a mapping must name. */
        public static final List<String> REQUIRED = List.of("learner", "time", "action", "object", "course");
        /** Every column role a mapping may name. */
        public static final List<String> ROLES = List.of("learner", "time", "action", "object", "course", "class",
                "object-type", "score", "score-max", "duration", "response", "role", "id", "thread", "in-reply-to");
    }

    public record Pseudonym(String keyEnv, String keyFile) implements Serializable {}

    /**
     * The Spark section: master, app name, shuffle partitions, extra settings, how many marts are built at the same
     * time, and the size of events (bytes on disk) under which a run uses the small-input settings
     * ({@code SparkSessions.fitToInput}).
     */
    public record SparkSettings(String master, String appName, int shufflePartitions, Map<String, String> conf,
                                int concurrentMarts, long smallInputBytes) implements Serializable {
        /** Settings building one mart at a time, small-input settings under 256 MiB of events (the defaults). */
        public SparkSettings(String master, String appName, int shufflePartitions, Map<String, String> conf) {
            this(master, appName, shufflePartitions, conf, 1, 256L << 20);
        }
    }

    /** Sessionisation and inactivity settings shared by every mart. */
    /** Classical item statistics: the minimum data and the flag thresholds (DESIGN.md "Definitions"). */
    public record Assessment(int minResponses, double facilityMin, double facilityMax, double discriminationMin,
                             double alphaMin) implements Serializable {}

    /**
     * At-risk early warning ({@code xueqing.risk}): the feature windows (weeks from course start), the temporal split
     * (the latest {@code testRuns} presentations are tested on, the earlier ones trained on; or explicit lists),
     * the band thresholds on the probability, the alert threshold, the model folder and the retraining period.
     */
    public record Risk(List<Integer> weeks, int testRuns, List<String> trainRuns, List<String> testRunList,
                       String runPattern, double alertThreshold, double mediumMin, double highMin,
                       String modelDir, int retrainEveryDays, int gbtIterations, int gbtMaxDepth, long seed)
            implements Serializable {}

    /** Operations: versions kept, lock takeover, freshness alerting. */
    /**
     * Operations: versions kept, lock staleness, mart age for {@code status}, and how many days quarantine rows are
     * kept ({@code xueqing.quarantine.retention-days}; 0 keeps them forever).
     */
    public record Ops(int keepVersions, int lockStaleMinutes, double maxMartAgeHours, int quarantineRetentionDays)
            implements Serializable {}

    /**
     * The supervisor's report: whether {@code nightly} writes it, its default language, and how many rows a long list
     * shows on a page (the full list goes to the page's CSV).
     */
    public record Report(boolean enabled, String locale, int maxRows) implements Serializable {
        /** The languages the report is written in. */
        public static final List<String> LOCALES = List.of("zh-CN", "en");
    }

    public record Activity(int idleCutoffMinutes, int inactiveDays) implements Serializable {}

    /**
     * Tutor service ({@code xueqing.tutor}): the response-time SLA and the clock it is measured on, the tenant's
     * working calendar for business hours, the at-risk follow-up window, and the thresholds of the course (and
     * class) flags on questions (course_weekly_quality, course_quality_summary).
     *
     * @param slaHours                 a question is answered within the SLA when its first staff response comes
     *                                 within this many hours
     * @param slaOnBusinessClock       the SLA counts business hours instead of calendar hours
     * @param calendar                 working days, hours, holidays and make-up working days
     * @param followUpDays             a high-risk learner is followed up when staff contact them within this many
     *                                 days of the week's start
     * @param questionsAskedMin        questions asked below this are flagged (0: never)
     * @param withinSlaShareMin        share of questions answered within the SLA below this is flagged
     * @param unansweredMax            questions open at the period's end above this are flagged
     * @param oldestUnansweredHoursMax the oldest open question older than this (hours) at the period's end is flagged
     * @param medianResponseHoursMax   a staff member's median first-response time above this (hours, on the SLA's
     *                                 clock) in a week is flagged
     */
    public record Tutor(double slaHours, boolean slaOnBusinessClock, dev.xueqing.common.metrics.BusinessCalendar calendar,
                        int followUpDays, double questionsAskedMin, double withinSlaShareMin, double unansweredMax,
                        double oldestUnansweredHoursMax, double medianResponseHoursMax) implements Serializable {}

    /**
     * The learning index (docs/learning-index.md).
     *
     * @param units          unit types: tenant, course, class, or a learner attribute of the learners dim
     * @param periods        period types: month, term, week
     * @param termPattern    the term of a course run is the first capture group of this pattern on its course_id
     * @param indicators     the indicators of the index, in order
     * @param subIndices     sub-index name → its indicators (a subset of {@code indicators})
     * @param negative       indicators whose higher values are worse
     * @param normalisation  min-max, z-score or rank
     * @param weighting      equal, sub-index (equal per sub-index, split equally inside it), config or pca
     * @param weights        indicator → weight (weighting = config), adding up to 1
     * @param aggregation    arithmetic or geometric
     */
    public record Index(List<String> units, List<String> periods, String termPattern, List<String> indicators,
                        Map<String, List<String>> subIndices, java.util.Set<String> negative, String normalisation,
                        String weighting, Map<String, Double> weights, String aggregation) implements Serializable {
        public static final List<String> UNIT_TYPES = List.of("tenant", "course", "class", "region", "gender",
                "age_band", "education", "imd_band", "disability");
        public static final List<String> PERIOD_TYPES = List.of("month", "term", "week");
        public static final List<String> INDICATORS = List.of("participation", "intensity", "regularity",
                "persistence", "achievement", "pass_rate", "interaction");
        public static final List<String> NORMALISATIONS = List.of("min-max", "z-score", "rank");
        public static final List<String> WEIGHTINGS = List.of("equal", "sub-index", "config", "pca");
        public static final List<String> AGGREGATIONS = List.of("arithmetic", "geometric");
    }

    /**
     * Disclosure control of researcher-facing outputs (docs/privacy.md).
     *
     * @param minLearners         k: rows about fewer learners are suppressed (at least 2)
     * @param roundTo             counts are rounded to the nearest multiple of this (1: no rounding)
     * @param minShareDenominator shares whose denominator is below this are suppressed
     */
    public record Disclosure(int minLearners, int roundTo, int minShareDenominator) implements Serializable {}

    public record Progress(double behindMissedShare) implements Serializable {}

    /**
     * Knowledge tracing ({@code xueqing.skills}, docs/knowledge-tracing.md): the item → skill mapping read from the
     * mapping file (patterns are globs over object ids), the prerequisites read from their file (acyclic: checked at
     * load), the xAPI extensions that carry skills, and the BKT fit, mastery, evaluation and next-step settings.
     *
     * @param prerequisites skill → the skills it requires, in file order
     */
    public record Skills(String mappingFile, String prerequisitesFile, List<String> extensions,
                         List<ItemSkill> mapping, Map<String, List<String>> prerequisites,
                         double masteryThreshold, int minLearners, double minMeanOpportunities,
                         double tolerance, int maxIterations, int restarts, double maxGuess, double maxSlip,
                         boolean forgets, int folds, long seed, int refitEveryDays,
                         int nextSkills, int nextItems) implements Serializable {
        /** One row of the mapping file: an object id or a glob over object ids, and a skill it practises. */
        public record ItemSkill(String itemPattern, String skillId) implements Serializable {}
    }

    /**
     * Learner segmentation (learner_segments): k is chosen in [kMin, kMax] by the gap statistic; no segmentation
     * below minLearners learner × course rows; KMeans seed; days before a due date that count as last-minute
     * activity; the model search runs in the driver up to driverMaxRows rows, with MLlib above.
     */
    public record Segments(int kMin, int kMax, int minLearners, long seed, int lastMinuteDays, int driverMaxRows)
            implements Serializable {}

    /** Thresholds of the course quality flags. */
    public record Quality(
            double activeRateMin,
            double submissionRateMin,
            double onTimeRateMin,
            double meanScoreMin,
            double passRateMin,
            double inactiveShareMax,
            double dropoutRateMax) implements Serializable {}

    /**
     * xAPI mapping tables and context rules; {@code threadActivityTypes} are the activity types of a discussion
     * thread, whose context activity is the thread (parent_id) of a post.
     */
    public record Xapi(
            Map<String, String> verbs,
            Map<String, String> activityTypes,
            boolean courseFallbackToGrouping,
            List<String> roleExtensions,
            List<String> dueTimeExtensions,
            List<String> weightExtensions,
            List<String> videoLengthExtensions,
            List<String> threadActivityTypes) implements Serializable {}

    /**
     * Configured staff and bot accounts ({@code xueqing.staff}) of sources without (complete) roles: per source name,
     * the raw account ids as that source identifies its actors. They are only read to compute their pseudonyms when
     * an adapter is built; {@link #toString()} never shows them.
     */
    public record Staff(Map<String, List<String>> accounts, Map<String, List<String>> bots) implements Serializable {
        /** The sources whose accounts can be listed. */
        public static final List<String> SOURCES = List.of("xapi", "caliper", "edx", "moodle", "csv");

        /** The staff accounts of a source (empty when none are listed). */
        public List<String> accountsOf(String source) {
            return accounts.getOrDefault(source, List.of());
        }

        /** The bot accounts of a source (empty when none are listed). */
        public List<String> botsOf(String source) {
            return bots.getOrDefault(source, List.of());
        }

        /** Counts only: raw account ids are personal identifiers. */
        @Override
        public String toString() {
            return "Staff[accounts=" + counts(accounts) + ", bots=" + counts(bots) + "]";
        }

        private static String counts(Map<String, List<String>> bySource) {
            StringBuilder b = new StringBuilder("{");
            bySource.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append(": ").append(v.size())
                    .append(" id(s)"));
            return b.append('}').toString();
        }
    }

    /**
     * IMS Caliper mapping tables ({@code xueqing.caliper}): {@code "<EventType>.<Action>"} or {@code "<Action>"} →
     * canonical action, entity type → object_type, membership role prefix → actor_role. Values are validated.
     */
    public record Caliper(Map<String, String> actions, Map<String, String> objectTypes, Map<String, String> roles)
            implements Serializable {}

    /**
     * Open edX tracking-log mapping tables ({@code xueqing.edx}): event_type → canonical action (and the browser
     * copy's action where the server event is the one that counts), event_type → object_type, the event-type
     * prefixes and URL path fragments that mark staff activity, and the forum and course roles an event names
     * ({@code user_forums_roles}, {@code user_course_roles}) → actor_role.
     */
    public record Edx(Map<String, String> actions, Map<String, String> browserActions,
                      Map<String, String> objectTypes, List<String> instructorPrefixes,
                      List<String> instructorPaths, Map<String, String> forumRoles,
                      Map<String, String> courseRoles) implements Serializable {}

    /**
     * Moodle log mapping tables ({@code xueqing.moodle}): event name (without its leading backslash) → action,
     * suffix rules in order, the events about the related user, component and object table → object_type, and the
     * log report export's time patterns and event names; the optional role assignments export (a file path, null
     * when not set) and its role short name → actor_role table.
     */
    public record Moodle(Map<String, String> events, List<Suffix> suffixes, List<String> learnerIsRelatedUser,
                         Map<String, String> components, Map<String, String> objectTables,
                         List<String> reportTimePatterns, Map<String, String> reportEvents,
                         String roleAssignmentsFile, Map<String, String> roleMap) implements Serializable {
        /** Event names ending with {@code suffix} (and not in the events table) get {@code action}. */
        public record Suffix(String suffix, String action) implements Serializable {}
    }

    /** OULAD presentation calendar: explicit start dates, else the B/J rule. */
    public record Oulad(Map<String, java.time.LocalDate> presentationStarts, java.time.MonthDay bStart,
                        java.time.MonthDay jStart) implements Serializable {
        /** The start date of a presentation code such as 2013J, or null when the code has no known start. */
        public java.time.LocalDate startOf(String presentation) {
            java.time.LocalDate explicit = presentationStarts.get(presentation);
            if (explicit != null) {
                return explicit;
            }
            if (presentation != null && presentation.matches("\\d{4}[BJ]")) {
                int year = Integer.parseInt(presentation.substring(0, 4));
                return (presentation.endsWith("B") ? bStart : jStart).atYear(year);
            }
            return null;
        }
    }

    /** The named CSV mapping, or a ConfigException listing the known ones. */
    public CsvMapping csvMapping(String name) {
        if (name == null) {
            throw new ConfigException("The csv format needs a column mapping: give --mapping NAME (or mapping = NAME on "
                    + "the input), one of " + csvMappings.keySet() + " defined under xueqing.csv.mappings.");
        }
        CsvMapping m = csvMappings.get(name);
        if (m == null) {
            throw new ConfigException("Unknown CSV mapping '" + name + "': define it under xueqing.csv.mappings."
                    + name + " (known: " + csvMappings.keySet() + ").");
        }
        return m;
    }

    /** A copy with another warehouse root (the CLI's --warehouse). */
    public XueqingConfig withWarehouse(String newWarehouse) {
        return new XueqingConfig(mode, timezone, newWarehouse, tenant, inputs, pseudonym, spark, activity, progress,
                quality, retentionMaxWeeks, xapi, oulad, csvMappings, ops, assessment, caliper, edx, moodle, segments, risk,
                report, tutor, staff, index, disclosure, skills);
    }
}
