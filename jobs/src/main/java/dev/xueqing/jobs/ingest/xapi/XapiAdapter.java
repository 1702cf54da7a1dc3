package dev.xueqing.jobs.ingest.xapi;

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
import java.util.List;
import java.util.function.Consumer;

/** xAPI statements (1.0.x, 2.0) in any JSON layout → canonical events, voided ids, observations, quarantine. */
public final class XapiAdapter implements SourceAdapter {
    private static final long serialVersionUID = 1L;
    public static final String FORMAT = "xapi";

    private final XapiMapper mapper;
    private final String tenant;
    private final String runId;
    private final Instant runStart;

    public XapiAdapter(XueqingConfig.Xapi xapi, List<String> skillExtensions, Pseudonymizer pseudonymizer,
                       ZoneId zone, String tenant, String runId, Instant runStart) {
        this.mapper = new XapiMapper(xapi, skillExtensions, pseudonymizer, zone, tenant, runId);
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
        new JsonRecordReader("statements").read(in, (node, raw, line, error) -> {
            long seq = ParsedRecords.seq(fileOrdinal, n[0]++);
            String rawRef = fileUri + ":" + line;
            if (node == null) {
                out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, QuarantineReason.MALFORMED_JSON,
                        error, raw, runStart, runId));
                return;
            }
            if (!node.isObject()) {
                out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, QuarantineReason.NOT_A_STATEMENT,
                        "expected a JSON object, found " + node.getNodeType().name().toLowerCase(), raw, runStart,
                        runId));
                return;
            }
            XapiMapper.Mapped m = mapper.map(node, rawRef, ids);
            if (m instanceof XapiMapper.Event e) {
                out.accept(ParsedRecords.event(seq, e.event()));
                for (ObjectObservation o : e.observations()) {
                    out.accept(ParsedRecords.observation(seq, o));
                }
            } else if (m instanceof XapiMapper.Voiding v) {
                out.accept(ParsedRecords.voided(seq, v.voidedEventId(), v.voidingEventId(), tenant, v.time(), rawRef,
                        runId));
            } else if (m instanceof XapiMapper.Rejected r) {
                out.accept(ParsedRecords.quarantine(seq, FORMAT, tenant, rawRef, r.reason(), r.detail(), raw,
                        runStart, runId));
            }
        });
        return n[0];
    }
}
