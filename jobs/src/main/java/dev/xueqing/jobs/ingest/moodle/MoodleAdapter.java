package dev.xueqing.jobs.ingest.moodle;

import com.univocity.parsers.csv.CsvParser;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.CsvFiles;
import dev.xueqing.jobs.ingest.ParsedRecords;
import dev.xueqing.jobs.ingest.SourceAdapter;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Moodle's standard log ({@code logstore_standard_log}) exported as CSV with a header row of its column names →
 * canonical events and quarantine rows. The header row is not a record (not counted); every other row is one
 * record. Parsing is univocity's (quoted cells, embedded newlines and commas). A file whose header is that of the
 * log report export (see {@link MoodleReportMapper#isReportHeader}) is mapped by {@link MoodleReportMapper}.
 */
public final class MoodleAdapter implements SourceAdapter {
    private static final long serialVersionUID = 1L;
    public static final String FORMAT = MoodleMapper.SOURCE;

    private final MoodleMapper mapper;
    private final MoodleReportMapper reportMapper;
    private final String tenant;
    private final String runId;
    private final Instant runStart;

    public MoodleAdapter(XueqingConfig.Moodle config, Pseudonymizer pseudonymizer, ZoneId zone, String tenant,
                         String runId, Instant runStart) {
        MoodleMapping mapping = MoodleMapping.of(config);
        this.mapper = new MoodleMapper(mapping, pseudonymizer, zone, tenant, runId);
        this.reportMapper = new MoodleReportMapper(mapping.report(), pseudonymizer, zone, tenant, runId);
        this.tenant = tenant;
        this.runId = runId;
        this.runStart = runStart;
    }

    @Override
    public String accountPseudonym(String rawAccountId) {
        return mapper.accountPseudonym(rawAccountId);
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public long read(String fileUri, int fileOrdinal, InputStream in, Consumer<Row> out) throws IOException {
        CsvParser parser = CsvFiles.parser(',');
        parser.beginParsing(new InputStreamReader(in, StandardCharsets.UTF_8));
        long n = 0;
        IdScrubber.Scope ids = mapper.newScope();
        try {
            String[] header = null;
            boolean report = false;
            String[] cells;
            while ((cells = parser.parseNext()) != null) {
                long line = parser.getContext().currentLine();
                if (header == null) {
                    header = new String[cells.length];
                    for (int i = 0; i < cells.length; i++) {
                        String h = cells[i] == null ? "" : cells[i].trim();
                        header[i] = (i == 0 && h.startsWith("\uFEFF") ? h.substring(1) : h).toLowerCase(Locale.ROOT);
                    }
                    report = MoodleReportMapper.isReportHeader(java.util.Arrays.asList(header));
                    continue;
                }
                long seq = ParsedRecords.seq(fileOrdinal, n++);
                String rawRef = fileUri + ":" + line;
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < Math.min(header.length, cells.length); i++) {
                    row.put(header[i], cells[i]);
                }
                if (cells.length != header.length) {
                    out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, QuarantineReason.MALFORMED_CSV,
                            "the row has " + cells.length + " cells, the header " + header.length,
                            MoodleMapper.rawJson(row), runStart, runId));
                    continue;
                }
                MoodleMapper.Mapped m = report ? reportMapper.map(row, rawRef) : mapper.map(row, rawRef, ids);
                if (m instanceof MoodleMapper.Event e) {
                    out.accept(ParsedRecords.event(seq, e.event()));
                } else if (m instanceof MoodleMapper.Rejected r) {
                    out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, r.reason(), r.detail(),
                            MoodleMapper.rawJson(row), runStart, runId));
                }
            }
        } finally {
            parser.stopParsing();
        }
        return n;
    }
}
