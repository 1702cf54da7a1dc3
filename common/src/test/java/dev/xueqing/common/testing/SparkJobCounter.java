package dev.xueqing.common.testing;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the Spark jobs started while it is open (no UI needed): {@code try (SparkJobCounter jobs =
 * SparkJobCounter.start(spark())) { ...; jobs.count(); }}. For tests that pin how many jobs a step costs.
 */
public final class SparkJobCounter extends SparkListener implements AutoCloseable {
    private final SparkSession spark;
    private final AtomicInteger jobs = new AtomicInteger();

    private SparkJobCounter(SparkSession spark) {
        this.spark = spark;
    }

    /** A counter registered on the session's listener bus. */
    public static SparkJobCounter start(SparkSession spark) {
        SparkJobCounter counter = new SparkJobCounter(spark);
        spark.sparkContext().addSparkListener(counter);
        return counter;
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
    }

    /**
     * Jobs started so far. Listener events are delivered asynchronously, so the bus is drained first
     * (listenerBus() is package-private in Scala, public in bytecode; Spark's own tests wait the same way).
     */
    public int count() {
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } catch (TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain", e);
        }
        return jobs.get();
    }

    @Override
    public void close() {
        spark.sparkContext().removeSparkListener(this);
    }
}
