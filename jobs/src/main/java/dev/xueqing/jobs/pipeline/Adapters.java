package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.Formats;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.SourceAdapter;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;

import java.time.Instant;

/** The adapter of each input format. */
public final class Adapters {
    private Adapters() {}

    public static SourceAdapter create(String format, XueqingConfig config, Pseudonymizer pseudonymizer,
                                       String tenant, String runId, Instant start) {
        if (Formats.XAPI.equals(format)) {
            return new XapiAdapter(config.xapi(), pseudonymizer, config.timezone(), tenant, runId, start);
        }
        if (Formats.MOODLE.equals(format)) {
            return new dev.xueqing.jobs.ingest.moodle.MoodleAdapter(pseudonymizer, config.timezone(), tenant, runId, start);
        }
        throw new ConfigException("Unknown input format '" + format + "': use one of " + Formats.KNOWN + ".");
    }
}
