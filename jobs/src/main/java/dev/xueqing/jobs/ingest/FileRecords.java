package dev.xueqing.jobs.ingest;

import dev.xueqing.common.model.QuarantineReason;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/**
 * Runs an adapter over one file inside a Spark task and hands its rows out as an Iterator, in constant memory:
 * the adapter pushes rows from a reader thread into a bounded queue. Gzip is detected from the magic bytes, not
 * the name. A read error part-way (corrupt gzip, truncated file) ends the file with one {@code unreadable_input}
 * quarantine row; the rows read before it are kept. A file that is not text ({@link InputContent}: empty, binary,
 * UTF-16) is not read: it gives one {@code unreadable_input} row that says what it is.
 *
 * <p>When the Spark task ends before the file does (cancelled, failed, or its consumer stopped early), the reader
 * thread is interrupted and the file closed, by a task completion listener; a task cancelled without an interrupt
 * (Spark's default) notices at its next row, or within {@value #POLL_MS} ms while it waits for one.
 */
final class FileRecords implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Object END = new Object();
    private static final Logger LOG = LoggerFactory.getLogger(FileRecords.class);
    /** Reader threads are named this plus the file's ordinal. */
    static final String READER_THREAD_PREFIX = "xueqing-read-";
    /** How often a waiting task checks whether it was cancelled. */
    private static final long POLL_MS = 200;

    private final SourceAdapter adapter;
    private final SerializableHadoopConf hadoop;
    private final String tenant;
    private final String runId;
    private final Instant runStart;
    /** Records read, for progress reports (added when a file is done); may be null. */
    private final org.apache.spark.util.LongAccumulator recordsRead;

    FileRecords(SourceAdapter adapter, SerializableHadoopConf hadoop, String tenant, String runId, Instant runStart,
                org.apache.spark.util.LongAccumulator recordsRead) {
        this.recordsRead = recordsRead;
        this.adapter = adapter;
        this.hadoop = hadoop;
        this.tenant = tenant;
        this.runId = runId;
        this.runStart = runStart;
    }

    Iterator<Row> rows(int ordinal, String uri) {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4096);
        AtomicReference<Closeable> open = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                produce(ordinal, uri, queue, open);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                try {
                    queue.put(t);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            try {
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, READER_THREAD_PREFIX + ordinal);
        producer.setDaemon(true);
        TaskContext task = TaskContext.get(); // null when called outside a Spark task
        Runnable stop = () -> {
            if (producer.isAlive()) {
                producer.interrupt();
                closeQuietly(open.get());
            }
        };
        if (task != null) {
            // a task that ends early (cancelled, failed, or not reading to the end) stops its reader and closes the file
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> stop.run());
        }
        producer.start();
        return new Iterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                if (task != null && task.isInterrupted()) {
                    // cancelled without an interrupt (Spark's default): stop now rather than at the file's end
                    LOG.info("Reading {} stopped: its task was cancelled", uri);
                    stop.run();
                    task.killTaskIfInterrupted();
                }
                while (next == null) {
                    try {
                        next = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        stop.run();
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while reading " + uri, e);
                    }
                    if (next == null && task != null && task.isInterrupted()) {
                        return hasNext(); // cancelled while waiting for the reader
                    }
                }
                if (next instanceof Throwable t) {
                    throw new IllegalStateException("Reading " + uri + " failed: " + t, t);
                }
                return next != END;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = (Row) next;
                next = null;
                return r;
            }
        };
    }

    private void produce(int ordinal, String uri, BlockingQueue<Object> queue, AtomicReference<Closeable> open)
            throws InterruptedException {
        long[] emitted = {0};
        IOException failure = null;
        InputContent.Problem notText = null;
        ObservationCombiner observations = new ObservationCombiner();
        try (InputStream raw = tracked(InputFiles.open(uri, hadoop.get()), open);
             BufferedInputStream buffered = new BufferedInputStream(decompress(raw), 1 << 16)) {
            notText = InputContent.problem(buffered);
            if (notText == null) {
                try (TolerantStream in = new TolerantStream(buffered)) {
                    adapter.read(uri, ordinal, in, row -> {
                        if (ParsedRecords.OBSERVATION.equals(row.getString(0))) {
                            observations.add(row);
                            return;
                        }
                        try {
                            queue.put(row);
                            emitted[0]++;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    });
                    failure = in.failure;
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        for (Row o : observations.rows()) {
            queue.put(o);
        }
        if (recordsRead != null) {
            recordsRead.add(emitted[0]);
        }
        if (notText != null) {
            queue.put(ParsedRecords.quarantine(ParsedRecords.seq(ordinal, (1L << 40) - 1), adapter.format(), tenant,
                    uri + ":1", QuarantineReason.UNREADABLE_INPUT, notText.message() + "; the file was not read", null,
                    runStart, runId));
        } else if (failure != null) {
            String what = failure instanceof java.util.zip.ZipException ? "corrupt gzip data"
                    : failure instanceof java.io.EOFException ? "unexpected end of file (truncated?)"
                    : failure.getClass().getSimpleName();
            queue.put(ParsedRecords.quarantine(ParsedRecords.seq(ordinal, (1L << 40) - 1), adapter.format(), tenant,
                    uri + ":after-row-" + emitted[0], QuarantineReason.UNREADABLE_INPUT,
                    what + ": " + failure.getMessage() + "; the records before this point were read", null, runStart,
                    runId));
        }
    }

    /** The stream, remembered so that stopping the reader can close it. */
    private static InputStream tracked(InputStream in, AtomicReference<Closeable> open) {
        open.set(in);
        return in;
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                // the reader is being stopped: a close that fails changes nothing
            }
        }
    }

    /**
     * Turns a read error into a clean end of stream (remembered in {@link #failure}), so that the text decoder
     * above it does not throw away the characters it already decoded in the same read call.
     */
    static final class TolerantStream extends java.io.FilterInputStream {
        IOException failure;

        TolerantStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (failure != null) {
                return -1;
            }
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                return -1;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                return -1;
            }
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                return -1;
            }
        }

        @Override
        public int available() throws IOException {
            return failure != null ? 0 : super.available();
        }
    }

    static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }
}
