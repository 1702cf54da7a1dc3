package dev.xueqing.jobs.pipeline;

import org.apache.spark.SparkStageInfo;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Console progress of a run without flooding the log: one line when a step starts ("[2/9] ingest xapi"), and,
 * while a step runs longer than the interval, one line per interval with its elapsed time, the Spark tasks done
 * and the records read so far (counted as each input file finishes). Lines go to the log (stderr), so
 * {@code --quiet} silences them and {@code --log-format json} structures them.
 */
public final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    static final Duration INTERVAL = Duration.ofSeconds(30);

    private final SparkSession spark;
    private final int total;
    private final Instant runStart = Instant.now();
    private final ScheduledExecutorService timer;
    private final LongAccumulator recordsRead;
    private volatile int current;
    private volatile String name = "";
    private volatile Instant stepStart = Instant.now();

    public Progress(SparkSession spark, int total) {
        this.spark = spark;
        this.total = total;
        this.recordsRead = spark.sparkContext().longAccumulator("xueqing records read");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xueqing-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::beat, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The accumulator that ingest tasks add their records to. */
    public LongAccumulator recordsRead() {
        return recordsRead;
    }

    /** Starts the next step (marts built at the same time start theirs from their own threads). */
    public synchronized void step(String stepName) {
        current++;
        name = stepName;
        stepStart = Instant.now();
        LOG.info("[{}/{}] {} (run time {} s)", current, total, stepName,
                Duration.between(runStart, stepStart).toSeconds());
    }

    private void beat() {
        long secs = Duration.between(stepStart, Instant.now()).toSeconds();
        if (current == 0 || secs < INTERVAL.toSeconds()) {
            return;
        }
        int done = 0;
        int all = 0;
        org.apache.spark.api.java.JavaSparkStatusTracker tracker =
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).statusTracker();
        for (int id : tracker.getActiveStageIds()) {
            SparkStageInfo st = tracker.getStageInfo(id);
            if (st != null) {
                done += st.numCompletedTasks();
                all += st.numTasks();
            }
        }
        LOG.info("[{}/{}] {}: {} s, Spark tasks {}/{} done, {} record(s) read so far", current, total, name, secs,
                done, all, String.format(java.util.Locale.ROOT, "%,d", recordsRead.value()));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
