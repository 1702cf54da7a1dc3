package dev.xueqing.common.metrics;

import org.apache.spark.sql.Column;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;

import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_timestamp;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.year;

/**
 * Conversions between UTC instants and the tenant's local calendar. Spark's session time zone is UTC (the
 * project's session factory sets it), so a local wall-clock time is {@code from_utc_timestamp(t, zone)}.
 *
 * <pre>
 *   localDate(t)        = to_date(from_utc_timestamp(t, zone))            (the tenant-local calendar day of t)
 *   startOfLocalDay(d)  = the UTC instant of local midnight starting day d = make_timestamp(y, m, d, 0, 0, 0, zone)
 *   endOfLocalDay(d)    = startOfLocalDay(d + 1)   (exclusive: "on or before the end of day d" is t &lt; endOfLocalDay(d))
 * </pre>
 * Midnights are computed as real instants in the zone, so days of a zone with daylight saving have their true length.
 */
public final class TenantTime {
    private TenantTime() {}

    /** The tenant-local calendar date of a UTC timestamp column. */
    public static Column localDate(Column utcTimestamp, ZoneId zone) {
        return to_date(from_utc_timestamp(utcTimestamp, zone.getId()));
    }

    /** The UTC instant at which local date {@code date} begins in {@code zone}. */
    public static Column startOfLocalDay(Column date, ZoneId zone) {
        return make_timestamp(year(date), month(date), dayofmonth(date), lit(0), lit(0), lit(0), lit(zone.getId()));
    }

    /** The UTC instant at which the local day after {@code date} begins (exclusive end of {@code date}). */
    public static Column endOfLocalDay(Column date, ZoneId zone) {
        return startOfLocalDay(org.apache.spark.sql.functions.date_add(date, 1), zone);
    }

    /** The exclusive end of local day {@code date} as a timestamp literal (e.g. "by the end of the as-of day"). */
    public static Column endOfLocalDay(LocalDate date, ZoneId zone) {
        return lit(Timestamp.from(date.plusDays(1).atStartOfDay(zone).toInstant()));
    }
}
