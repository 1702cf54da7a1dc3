package dev.xueqing.jobs.ingest;

import java.io.IOException;
import java.io.InputStream;

/** Gives adapters that read side tables on the driver the same gzip detection as the ingest engine. */
public final class FileRecordsAccess {
    private FileRecordsAccess() {}

    public static InputStream decompress(InputStream raw) throws IOException {
        return FileRecords.decompress(raw);
    }
}
