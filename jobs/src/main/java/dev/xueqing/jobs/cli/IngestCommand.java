package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.Formats;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code xueqing ingest}: read input files of one format into events and quarantine, then rebuild the dims. Without
 * {@code --input}, the configured inputs are ingested as the nightly does (only new and changed files).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingest input files (file, folder, glob; gzipped or not) into the warehouse, then rebuild the dims.",
                "Without --input: every configured input (xueqing.inputs), reading only the files that are new or "
                        + "changed since they were ingested, as the nightly does, but building no mart."})
final class IngestCommand extends BaseCommand {
    @Option(names = "--format", description = "Input format: ${COMPLETION-CANDIDATES} (default: detected from the content).",
            completionCandidates = KnownFormats.class)
    String format;

    @Option(names = "--mapping", paramLabel = "NAME",
            description = "For --format csv: the column mapping to use, one of xueqing.csv.mappings.")
    String mapping;

    @Option(names = "--input", arity = "1..*", paramLabel = "PATH",
            description = "Files, folders or globs to read, all of them (default: the configured inputs, new and "
                    + "changed files only).")
    List<String> inputs;

    @Option(names = "--tenant", description = "Tenant of these inputs (default: xueqing.tenant).")
    String tenant;

    @Override
    public Integer call() {
        if (format != null && !Formats.KNOWN.contains(format)) {
            throw new ConfigException("Unknown --format '" + format + "': use one of " + Formats.KNOWN + ".");
        }
        if ((inputs == null || inputs.isEmpty()) && (format != null || mapping != null || tenant != null)) {
            throw new dev.xueqing.common.config.UsageException("--format, --mapping and --tenant describe the files "
                    + "of --input; the configured inputs carry their own (xueqing.inputs)");
        }
        try (Pipeline p = new Pipeline(config(), env)) {
            Pipeline.Summary s = inputs == null || inputs.isEmpty() ? p.ingestConfigured()
                    : p.ingest(format, inputs, tenant, mapping);
            SummaryPrinter.print(out(), "Xueqing ingest", s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }

    /** Completion candidates and help text for --format. */
    static final class KnownFormats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Formats.KNOWN.iterator();
        }
    }
}
