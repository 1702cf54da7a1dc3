package dev.xueqing.jobs.ingest;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.ActorRoles;
import dev.xueqing.common.schema.EventSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Applies the configured staff and bot accounts ({@code xueqing.staff}) to the events of an adapter: an event of a
 * staff account that the source calls {@code learner} becomes {@code tutor}; an event of a bot account becomes
 * {@code system}, whatever role the source gave (bots are neither learners nor staff). Roles the source gave a staff
 * account (instructor, tutor, system) are kept.
 *
 * <p>Wraps any {@link SourceAdapter}, so every format gets the same rule in one place. The accounts are pseudonymised
 * when the wrapper is built, with the adapter's own {@link SourceAdapter#accountPseudonym} (same prefix and tenant as
 * its learner_key); only the pseudonyms are kept, so no raw id travels to Spark tasks or reaches a log.
 */
public final class StaffAccounts implements SourceAdapter {
    private static final long serialVersionUID = 1L;
    private static final int ROLE = EventSchema.SCHEMA.fieldIndex(EventSchema.ACTOR_ROLE);
    private static final int LEARNER_KEY = EventSchema.SCHEMA.fieldIndex(EventSchema.LEARNER_KEY);
    private static final int EVENT = ParsedRecords.SCHEMA.fieldIndex("event");

    private final SourceAdapter delegate;
    private final Set<String> staff;
    private final Set<String> bots;

    private StaffAccounts(SourceAdapter delegate, Set<String> staff, Set<String> bots) {
        this.delegate = delegate;
        this.staff = staff;
        this.bots = bots;
    }

    /** The adapter itself when no staff or bot account is configured for its format, else the adapter wrapped. */
    public static SourceAdapter wrap(SourceAdapter adapter, XueqingConfig.Staff config) {
        Set<String> staff = pseudonyms(adapter, config.accountsOf(adapter.format()));
        Set<String> bots = pseudonyms(adapter, config.botsOf(adapter.format()));
        return staff.isEmpty() && bots.isEmpty() ? adapter : new StaffAccounts(adapter, staff, bots);
    }

    private static Set<String> pseudonyms(SourceAdapter adapter, java.util.List<String> rawIds) {
        return rawIds.stream().map(adapter::accountPseudonym).collect(Collectors.toUnmodifiableSet());
    }

    /** The role an event of {@code learnerKey} gets, given the role its source gave. */
    String role(String learnerKey, String sourceRole) {
        if (bots.contains(learnerKey)) {
            return ActorRoles.SYSTEM;
        }
        if (staff.contains(learnerKey) && ActorRoles.LEARNER.equals(sourceRole)) {
            return ActorRoles.TUTOR;
        }
        return sourceRole;
    }

    @Override
    public String format() {
        return delegate.format();
    }

    @Override
    public String accountPseudonym(String rawAccountId) {
        return delegate.accountPseudonym(rawAccountId);
    }

    @Override
    public long read(String fileUri, int fileOrdinal, InputStream in, Consumer<Row> out) throws IOException {
        return delegate.read(fileUri, fileOrdinal, in, row -> out.accept(withRole(row)));
    }

    private Row withRole(Row row) {
        if (!ParsedRecords.EVENT.equals(row.getString(0))) {
            return row;
        }
        Row event = row.getStruct(EVENT);
        String role = role(event.getString(LEARNER_KEY), event.getString(ROLE));
        if (role.equals(event.getString(ROLE))) {
            return row;
        }
        return replace(row, EVENT, replace(event, ROLE, role));
    }

    private static Row replace(Row row, int index, Object value) {
        Object[] values = new Object[row.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
        }
        values[index] = value;
        return RowFactory.create(values);
    }
}
