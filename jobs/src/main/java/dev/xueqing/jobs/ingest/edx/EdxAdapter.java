package dev.xueqing.jobs.ingest.edx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.ParsedRecords;
import dev.xueqing.jobs.ingest.SourceAdapter;
import org.apache.spark.sql.Row;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Consumer;

/**
 * Open edX tracking logs (one JSON event a line, optionally gzipped) → canonical events, observations, quarantine.
 * Each non-blank line is one record, parsed by Jackson on its own, so a broken line never affects its neighbours.
 * Blank lines are not records (they are not counted).
 */
public final class EdxAdapter implements SourceAdapter {
    private static final long serialVersionUID = 1L;
    public static final String FORMAT = EdxMapper.SOURCE;
    private static final ObjectMapper LINE = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final EdxMapper mapper;
    private final String tenant;
    private final String runId;
    private final Instant runStart;

    public EdxAdapter(XueqingConfig.Edx mapping, Pseudonymizer pseudonymizer, ZoneId zone, String tenant, String runId,
                      Instant runStart) {
        this.mapper = new EdxMapper(mapping, pseudonymizer, zone, tenant, runId);
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
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        long n = 0;
        long lineNo = 0;
        IdScrubber.Scope ids = mapper.newScope();
        String line;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            long seq = ParsedRecords.seq(fileOrdinal, n++);
            String rawRef = fileUri + ":" + lineNo;
            JsonNode node;
            try {
                node = LINE.readTree(line);
            } catch (JsonProcessingException e) {
                String m = e.getOriginalMessage();
                out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, QuarantineReason.MALFORMED_JSON,
                        m == null ? e.getClass().getSimpleName() : (m.length() > 300 ? m.substring(0, 300) : m),
                        line, runStart, runId));
                continue;
            }
            EdxMapper.Mapped m = mapper.map(node, rawRef, ids);
            if (m instanceof EdxMapper.Event e) {
                out.accept(ParsedRecords.event(seq, e.event()));
                for (ObjectObservation o : e.observations()) {
                    out.accept(ParsedRecords.observation(seq, o));
                }
            } else if (m instanceof EdxMapper.Rejected r) {
                out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, r.reason(), r.detail(), line,
                        runStart, runId));
            }
        }
        return n;
    }
}
