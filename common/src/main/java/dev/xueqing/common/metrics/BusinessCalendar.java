package dev.xueqing.common.metrics;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;

/**
 * A tenant's working calendar, for response times in business hours: working days of the week, the working hours
 * of each working day (tenant-local), holidays taken off, and make-up working days (调休: a weekend day worked in
 * exchange for a holiday). Time outside the working hours of working days does not count.
 *
 * <pre>
 *   working(d)        = (d's day of week ∈ workingDays AND d ∉ holidays) OR d ∈ extraWorkingDays
 *   hours(a, b)       = Σ over tenant-local days d with working(d) of |[a, b] ∩ [d dayStart, d dayEnd]| in hours,
 *                       0 when b ≤ a; the day's bounds are resolved in the zone (a DST day has its real length)
 * </pre>
 *
 * @param workingDays      days of the week that are working days
 * @param dayStart         start of the working hours (inclusive)
 * @param dayEnd           end of the working hours (exclusive), after dayStart
 * @param holidays         dates off work even on a working day of the week
 * @param extraWorkingDays dates worked even on a day of the week off (take precedence over holidays)
 * @param zone             the tenant's time zone
 */
public record BusinessCalendar(Set<DayOfWeek> workingDays, LocalTime dayStart, LocalTime dayEnd,
                               Set<LocalDate> holidays, Set<LocalDate> extraWorkingDays, ZoneId zone)
        implements Serializable {

    public BusinessCalendar {
        if (!dayEnd.isAfter(dayStart)) {
            throw new IllegalArgumentException("The working day must end after it starts: " + dayStart + " to "
                    + dayEnd);
        }
        workingDays = Set.copyOf(workingDays);
        holidays = Set.copyOf(holidays);
        extraWorkingDays = Set.copyOf(extraWorkingDays);
    }

    /** Whether the tenant-local date is a working day. */
    public boolean isWorkingDay(LocalDate d) {
        return extraWorkingDays.contains(d) || (workingDays.contains(d.getDayOfWeek()) && !holidays.contains(d));
    }

    /** Business hours from {@code from} to {@code to}: 0 when {@code to} is not after {@code from}. */
    public double hoursBetween(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return 0.0;
        }
        LocalDate last = LocalDate.ofInstant(to, zone);
        long millis = 0;
        for (LocalDate d = LocalDate.ofInstant(from, zone); !d.isAfter(last); d = d.plusDays(1)) {
            if (!isWorkingDay(d)) {
                continue;
            }
            Instant open = d.atTime(dayStart).atZone(zone).toInstant();
            Instant close = d.atTime(dayEnd).atZone(zone).toInstant();
            Instant a = from.isAfter(open) ? from : open;
            Instant b = to.isBefore(close) ? to : close;
            if (b.isAfter(a)) {
                millis += Duration.between(a, b).toMillis();
            }
        }
        return millis / 3_600_000.0;
    }
}
