package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.jobs.runs.RunLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * Quarantine retention: deletes the quarantine partitions (one per run, {@code run_id=…}) of runs that started
 * more than {@code xueqing.quarantine.retention-days} before now, and tells the age of the oldest one. A run's
 * start is the time encoded in its id ({@link RunLog#startOf}); a partition whose id encodes none is kept.
 */
public final class QuarantineRetention {
    private static final Logger LOG = LoggerFactory.getLogger(QuarantineRetention.class);

    /** What a purge removed: the runs whose partitions were deleted and their rows. */
    public record Purged(List<String> runs, long rows) {}

    /** The oldest quarantine partition: its run, the run's start and its age in days; the totals kept. */
    public record Oldest(String runId, Instant startedAt, double ageDays, long runs, long rows) {}

    private QuarantineRetention() {}

    /** Deletes the partitions older than {@code retentionDays} (0: none) and logs what it removed. */
    public static Purged purge(Warehouse warehouse, int retentionDays, Instant now) {
        if (retentionDays <= 0 || !warehouse.exists(DatasetRef.QUARANTINE)) {
            return new Purged(List.of(), 0);
        }
        Instant cutoff = now.minus(Duration.ofDays(retentionDays));
        List<String> old = new ArrayList<>();
        for (String run : warehouse.partitionValues(DatasetRef.QUARANTINE)) {
            Optional<Instant> start = RunLog.startOf(run);
            if (start.isPresent() && start.get().isBefore(cutoff)) {
                old.add(run);
            }
        }
        if (old.isEmpty()) {
            return new Purged(List.of(), 0);
        }
        long rows = warehouse.read(DatasetRef.QUARANTINE).filter(col("run_id").isin(old.toArray())).count();
        old.forEach(run -> warehouse.dropPartition(DatasetRef.QUARANTINE, run));
        LOG.info("Quarantine retention ({} days): deleted {} row(s) of {} run(s) started before {}", retentionDays,
                rows, old.size(), cutoff);
        return new Purged(List.copyOf(old), rows);
    }

    /** The oldest quarantine partition (by the start its run id encodes), or empty when there is none. */
    public static Optional<Oldest> oldest(Warehouse warehouse, Instant now) {
        if (!warehouse.exists(DatasetRef.QUARANTINE)) {
            return Optional.empty();
        }
        List<String> runs = warehouse.partitionValues(DatasetRef.QUARANTINE);
        Optional<String> first = runs.stream().filter(r -> RunLog.startOf(r).isPresent())
                .min(Comparator.comparing(r -> RunLog.startOf(r).orElseThrow()));
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Instant start = RunLog.startOf(first.get()).orElseThrow();
        double days = Math.round(Duration.between(start, now).toMinutes() / 144.0) / 10.0;
        long rows = warehouse.read(DatasetRef.QUARANTINE).count();
        return Optional.of(new Oldest(first.get(), start, days, runs.size(), rows));
    }
}
