package dev.xueqing.common.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The warehouse's single-writer lock: the file {@code _lock} at the warehouse root, created only if absent (an
 * atomic create on local, HDFS and object stores alike), holding who took it. While held, its modification time is
 * refreshed every {@link #HEARTBEAT} (the heartbeat). A second run finds the file and stops with a message naming
 * the holder. A lock left by a crashed run is taken over when its holder is provably gone: on the same host, its
 * process no longer exists; from anywhere, its heartbeat is older than the stale age.
 */
public final class WarehouseLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarehouseLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE = "_lock";
    public static final Duration HEARTBEAT = Duration.ofSeconds(20);

    /** Who holds the lock. */
    public record Holder(String runId, String command, long pid, String host, String startedAt) {}

    /** A lock taken over from a run whose process is gone: who held it, its last heartbeat, and why it was stale. */
    public record TakenOver(Holder holder, Instant lastHeartbeat, String reason) {}

    /** Thrown when another live run holds the lock. */
    public static final class LockedException extends RuntimeException {
        public LockedException(String message) {
            super(message);
        }
    }

    private final FileSystem fs;
    private final Path file;
    private final Holder holder;
    private final ScheduledExecutorService heartbeat;
    private final TakenOver takenOver;

    private WarehouseLock(FileSystem fs, Path file, Holder holder, TakenOver takenOver) {
        this.fs = fs;
        this.file = file;
        this.holder = holder;
        this.takenOver = takenOver;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xueqing-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock of the warehouse, or throws {@link LockedException} naming the live holder.
     *
     * @param staleAfter a lock whose heartbeat is older than this is taken over (must exceed {@link #HEARTBEAT})
     */
    public static WarehouseLock acquire(Warehouse warehouse, String runId, String command, Duration staleAfter) {
        FileSystem fs = warehouse.fs();
        Path file = new Path(warehouse.root(), FILE);
        Holder me = new Holder(runId, command, ProcessHandle.current().pid(), host(), Instant.now().toString());
        try {
            fs.mkdirs(warehouse.root());
            TakenOver takenOver = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                if (tryCreate(fs, file, me)) {
                    return new WarehouseLock(fs, file, me, takenOver);
                }
                FileStatus st;
                Holder other;
                try {
                    st = fs.getFileStatus(file);
                    other = read(fs, file);
                } catch (java.io.FileNotFoundException gone) {
                    continue; // released meanwhile
                }
                Duration age = Duration.between(Instant.ofEpochMilli(st.getModificationTime()), Instant.now());
                String why = staleReason(other, age, staleAfter);
                if (why == null) {
                    throw new LockedException("The warehouse " + warehouse.root() + " is in use by another run: "
                            + describe(other) + ", last heartbeat " + age.toSeconds() + " s ago. Wait for it to "
                            + "finish; a lock whose run crashed is taken over automatically once its process is "
                            + "gone (same host) or its heartbeat is older than " + staleAfter.toMinutes()
                            + " min.");
                }
                LOG.warn("Taking over the warehouse lock of a run that is gone ({}): {}", why, describe(other));
                takenOver = new TakenOver(other, Instant.ofEpochMilli(st.getModificationTime()), why);
                fs.delete(file, false);
            }
            throw new LockedException("Could not take the warehouse lock " + file + " (another run took it first)");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot take the warehouse lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** The current holder of a warehouse's lock, or null when it is free. */
    public static Holder holder(Warehouse warehouse) {
        Path file = new Path(warehouse.root(), FILE);
        try {
            return warehouse.fs().exists(file) ? read(warehouse.fs(), file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean tryCreate(FileSystem fs, Path file, Holder me) throws IOException {
        if ("file".equals(file.toUri().getScheme())) {
            // O_EXCL: Hadoop's local file system checks and creates in two steps
            try {
                java.nio.file.Files.write(java.nio.file.Path.of(file.toUri()), JSON.writeValueAsBytes(me),
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (var out = fs.create(file, false)) {
            out.write(JSON.writeValueAsBytes(me));
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false; // some file systems report an existing file with a plain IOException
            }
            throw e;
        }
    }

    private static Holder read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return JSON.readValue(in, Holder.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // written but not yet flushed, or damaged: treat as held by an unknown run
            return new Holder("unknown", "unknown", -1, "unknown", "unknown");
        }
    }

    /** Why a lock can be taken over, or null when its holder may still be alive. */
    static String staleReason(Holder h, Duration heartbeatAge, Duration staleAfter) {
        if (host().equals(h.host()) && h.pid() > 0 && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true)) {
            return "process " + h.pid() + " on this host has ended";
        }
        if (heartbeatAge.compareTo(staleAfter) > 0) {
            return "no heartbeat for " + heartbeatAge.toMinutes() + " min";
        }
        return null;
    }

    private static String describe(Holder h) {
        return "run " + h.runId() + " (" + h.command() + ", process " + h.pid() + " on " + h.host() + ", started "
                + h.startedAt() + ")";
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private void beat() {
        try {
            fs.setTimes(file, System.currentTimeMillis(), -1);
        } catch (IOException e) {
            LOG.warn("Could not refresh the warehouse lock {}: {}", file, e.getMessage());
        }
    }

    public Holder holderInfo() {
        return holder;
    }

    /** The dead run whose lock this one took over, or null when the lock was free. */
    public TakenOver takenOver() {
        return takenOver;
    }

    /** Releases the lock if this run still holds it. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            Holder now = fs.exists(file) ? read(fs, file) : null;
            if (now != null && holder.runId().equals(now.runId())) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            LOG.warn("Could not release the warehouse lock {}: {}", file, e.getMessage());
        }
    }
}
