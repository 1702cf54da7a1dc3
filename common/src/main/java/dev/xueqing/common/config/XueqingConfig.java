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
        Xapi xapi) implements Serializable {

    public enum Mode { DEVELOPMENT, PRODUCTION }

    /** One configured input of {@code nightly}. */
    public record InputSpec(String format, List<String> paths, String tenant) implements Serializable {}

    public record Pseudonym(String keyEnv, String keyFile) implements Serializable {}

    public record SparkSettings(String master, String appName, int shufflePartitions, Map<String, String> conf)
            implements Serializable {}

    /** Sessionisation and inactivity settings shared by every mart. */
    public record Activity(int idleCutoffMinutes, int inactiveDays) implements Serializable {}

    public record Progress(double behindMissedShare) implements Serializable {}

    /** Thresholds of the course quality flags. */
    public record Quality(
            double activeRateMin,
            double submissionRateMin,
            double onTimeRateMin,
            double meanScoreMin,
            double passRateMin,
            double inactiveShareMax,
            double dropoutRateMax) implements Serializable {}

    /** xAPI mapping tables and context rules. */
    public record Xapi(
            Map<String, String> verbs,
            Map<String, String> activityTypes,
            boolean courseFallbackToGrouping,
            List<String> roleExtensions,
            List<String> dueTimeExtensions,
            List<String> weightExtensions,
            List<String> videoLengthExtensions) implements Serializable {}

    /** A copy with another warehouse root (the CLI's --warehouse). */
    public XueqingConfig withWarehouse(String newWarehouse) {
        return new XueqingConfig(mode, timezone, newWarehouse, tenant, inputs, pseudonym, spark, activity, progress,
                quality, retentionMaxWeeks, xapi);
    }
}
