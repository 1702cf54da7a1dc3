package dev.xueqing.jobs.pipeline;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.Formats;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.SourceAdapter;
import dev.xueqing.jobs.ingest.StaffAccounts;
import dev.xueqing.jobs.ingest.edx.EdxAdapter;
import dev.xueqing.jobs.ingest.caliper.CaliperAdapter;
import dev.xueqing.jobs.ingest.moodle.MoodleAdapter;
import dev.xueqing.jobs.ingest.xapi.XapiAdapter;

import dev.xueqing.jobs.ingest.csv.CsvAdapter;
import dev.xueqing.jobs.ingest.oulad.OuladAdapter;
import dev.xueqing.jobs.ingest.oulad.OuladTables;
import org.apache.hadoop.conf.Configuration;

import java.time.Instant;
import java.util.List;

/** The adapter of each input format. */
public final class Adapters {
    private Adapters() {}

    /**
     * The adapter for a run over these files (adapters that need lookup tables read them here, on the driver), with
     * the configured staff and bot accounts applied ({@link StaffAccounts}).
     */
    public static SourceAdapter create(String format, XueqingConfig config, Pseudonymizer pseudonymizer,
                                       String tenant, String runId, Instant start, List<String> files,
                                       Configuration hadoop, String csvMapping) {
        if (Formats.CSV.equals(format)) {
            return StaffAccounts.wrap(new CsvAdapter(config.csvMapping(csvMapping), pseudonymizer, config.timezone(),
                    tenant, runId, start), config.staff());
        }
        if (Formats.OULAD.equals(format)) {
            return StaffAccounts.wrap(new OuladAdapter(config.oulad(), pseudonymizer, config.timezone(), tenant,
                    runId, start, OuladTables.load(files, hadoop)), config.staff());
        }
        return create(format, config, pseudonymizer, tenant, runId, start);
    }

    /** The adapter of a format that needs no lookup tables, with the configured staff and bot accounts applied. */
    public static SourceAdapter create(String format, XueqingConfig config, Pseudonymizer pseudonymizer,
                                       String tenant, String runId, Instant start) {
        return StaffAccounts.wrap(plain(format, config, pseudonymizer, tenant, runId, start), config.staff());
    }

    private static SourceAdapter plain(String format, XueqingConfig config, Pseudonymizer pseudonymizer,
                                       String tenant, String runId, Instant start) {
        if (Formats.XAPI.equals(format)) {
            return new XapiAdapter(config.xapi(), config.skills().extensions(), pseudonymizer, config.timezone(),
                    tenant, runId, start);
        }
        if (Formats.EDX.equals(format)) {
            return new EdxAdapter(config.edx(), pseudonymizer, config.timezone(), tenant, runId, start);
        }
        if (Formats.CALIPER.equals(format)) {
            return new CaliperAdapter(config.caliper(), pseudonymizer, config.timezone(), tenant, runId, start);
        }
        if (Formats.MOODLE.equals(format)) {
            return new MoodleAdapter(config.moodle(), pseudonymizer, config.timezone(), tenant, runId, start);
        }
        throw new ConfigException("Unknown input format '" + format + "': use one of " + Formats.KNOWN + ".");
    }
}
