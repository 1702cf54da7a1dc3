package dev.xueqing.jobs.ingest.caliper;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.privacy.IdScrubber;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.JsonRecordReader;
import dev.xueqing.jobs.ingest.ParsedRecords;
import dev.xueqing.jobs.ingest.SourceAdapter;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Consumer;

/**
 * IMS Caliper 1.1 / 1.2 events and envelopes ({@code {"sensor","sendTime","dataVersion","data":[...]}}) in any
 * JSON layout (JSON lines, arrays, pretty-printed documents, gzipped or not) → canonical events, observations and
 * quarantine rows. Each element of an envelope's {@code data} is one record.
 */
public final class CaliperAdapter implements SourceAdapter {
    private static final long serialVersionUID = 1L;
    public static final String FORMAT = "caliper";

    private final CaliperMapper mapper;
    private final String tenant;
    private final String runId;
    private final Instant runStart;

    public CaliperAdapter(XueqingConfig.Caliper mapping, Pseudonymizer pseudonymizer, ZoneId zone, String tenant,
                          String runId, Instant runStart) {
        this.mapper = new CaliperMapper(mapping, pseudonymizer, zone, tenant, runId);
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
        long[] n = {0};
        IdScrubber.Scope ids = mapper.newScope();
        new JsonRecordReader("data").read(in, (node, raw, line, error) -> {
            long seq = ParsedRecords.seq(fileOrdinal, n[0]++);
            String rawRef = fileUri + ":" + line;
            if (node == null) {
                out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, QuarantineReason.MALFORMED_JSON,
                        error, raw, runStart, runId));
                return;
            }
            CaliperMapper.Mapped m = mapper.map(node, rawRef, ids);
            if (m instanceof CaliperMapper.Event e) {
                out.accept(ParsedRecords.event(seq, e.event()));
                for (ObjectObservation o : e.observations()) {
                    out.accept(ParsedRecords.observation(seq, o));
                }
            } else if (m instanceof CaliperMapper.Rejected r) {
                out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, r.reason(), r.detail(), raw,
                        runStart, runId));
            }
        });
        return n[0];
    }
}
