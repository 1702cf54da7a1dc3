package dev.xueqing.common.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points in a run where a fault-injection test can stop the process dead, as {@code kill -9} would: when the
 * system property {@code xueqing.fault-at} names the point, reaching it halts the JVM at once with exit code 137,
 * without shutdown hooks or {@code finally} blocks. Unset, as in production, a point costs one string comparison.
 * <p>Only a system property given on the {@code java} command line arms it (the fault-injection tests start a child
 * JVM with {@code -Dxueqing.fault-at=POINT}); no environment variable or configuration key does, so an application
 * that embeds Xueqing cannot be halted by a variable inherited from its environment. The points are listed in
 * docs/operations.md.
 */
public final class FaultPoints {
    private static final Logger LOG = LoggerFactory.getLogger(FaultPoints.class);
    private static final String TARGET = target();

    private FaultPoints() {}

    /** The system property that arms a point (test JVMs only). */
    public static final String PROPERTY = "xueqing.fault-at";

    private static String target() {
        String p = System.getProperty(PROPERTY);
        return p == null || p.isBlank() ? null : p;
    }

    /** True when this point is the one named for fault injection. */
    public static boolean armed(String point) {
        return TARGET != null && TARGET.equals(point);
    }

    /**
     * The rows unchanged, except that when the point is armed the process halts inside the Spark task that writes
     * them, after its first row: a kill in the middle of writing files.
     */
    public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> haltWhileWriting(
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> data, String point) {
        if (!armed(point)) {
            return data;
        }
        return data.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<
                org.apache.spark.sql.Row, org.apache.spark.sql.Row>) rows -> new java.util.Iterator<>() {
                    private int seen;

                    @Override
                    public boolean hasNext() {
                        if (seen > 0) {
                            reached(point);
                        }
                        return rows.hasNext();
                    }

                    @Override
                    public org.apache.spark.sql.Row next() {
                        seen++;
                        return rows.next();
                    }
                }, org.apache.spark.sql.Encoders.row(data.schema()));
    }

    /** Halts the process when this point is the one named for fault injection. */
    public static void reached(String point) {
        if (TARGET != null && TARGET.equals(point)) {
            LOG.error("FAULT INJECTION: halting at {}", point);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
