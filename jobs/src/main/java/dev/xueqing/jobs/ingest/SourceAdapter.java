package dev.xueqing.jobs.ingest;

import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * An input format: turns one file's bytes into {@link ParsedRecords} rows. Runs inside Spark tasks, so it is
 * Serializable and holds only configuration. It never throws for a bad record: bad records become quarantine rows.
 * An I/O failure part-way through a file is reported by the caller as one {@code unreadable_input} row.
 */
public interface SourceAdapter extends Serializable {
    /** The adapter's name, the {@code source} column of its events. */
    String format();

    /**
     * Reads one (already decompressed) file.
     *
     * @param fileUri     the file's URI, the prefix of raw_ref
     * @param fileOrdinal the file's position in this run's sorted file list (for {@code seq})
     * @param in          the file's content
     * @param out         receives the rows
     * @return the number of records read (events, quarantined records and voiding records; not observations)
     */
    long read(String fileUri, int fileOrdinal, InputStream in, Consumer<Row> out) throws IOException;

    /**
     * The learner_key this adapter gives the actor whose raw account id is {@code rawAccountId}, written as the
     * source identifies the actor (the forms of {@code xueqing.staff}, docs/ingest-discussions.md). Used to find
     * configured staff and bot accounts without keeping their raw ids.
     */
    String accountPseudonym(String rawAccountId);
}
