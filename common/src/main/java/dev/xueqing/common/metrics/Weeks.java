package dev.xueqing.common.metrics;

import org.apache.spark.sql.Column;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;

import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.next_day;

/**
 * ISO weeks (DESIGN.md "Week"): a week starts on Monday, in the tenant's time zone, so it is computed from a local
 * date (event_date, or {@link TenantTime#localDate}).
 *
 * <pre>
 *   weekStart(d) = next_day(d, 'Mon') - 7 days      (next_day is strictly after d, so a Monday maps to itself)
 *   e.g. Wed 2026-11-25 -> Mon 2026-11-23;  Mon 2026-11-23 -> 2026-11-23;  Sun 2026-11-29 -> 2026-11-23
 * </pre>
 */
public final class Weeks {
    private Weeks() {}

    /** The Monday that starts the ISO week of a local date column. */
    public static Column weekStart(Column localDate) {
        return date_sub(next_day(localDate, "Mon"), 7);
    }

    /** The Monday that starts the ISO week of a local date. */
    public static LocalDate weekStart(LocalDate localDate) {
        return localDate.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }
}
