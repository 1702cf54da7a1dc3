package dev.xueqing.common.metrics;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Hand-counted business hours in Asia/Shanghai, Mon–Fri 09:00–18:00 (2026-11-27 is a Friday). */
class BusinessCalendarTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    private static final BusinessCalendar CAL = new BusinessCalendar(WEEKDAYS, LocalTime.of(9, 0), LocalTime.of(18, 0),
            Set.of(), Set.of(), ZONE);

    private static Instant at(String local) {
        return LocalDateTime.parse(local).atZone(ZONE).toInstant();
    }

    @Test
    void overAWeekendOnlyFridaysAndMondaysWorkingHoursCount() {
        // Fri 17:00-18:00 (1 h) + Mon 09:00-10:00 (1 h)
        assertThat(CAL.hoursBetween(at("2026-11-27T17:00"), at("2026-11-30T10:00"))).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void acrossLocalMidnightOutsideWorkingHoursIsZero() {
        assertThat(CAL.hoursBetween(at("2026-11-25T23:30"), at("2026-11-26T00:30"))).isZero();
        // the evening before and the morning after: 1 h of Wednesday and 30 min of Thursday
        assertThat(CAL.hoursBetween(at("2026-11-25T17:00"), at("2026-11-26T09:30"))).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void withinOneWorkingDayItIsTheClockTime() {
        assertThat(CAL.hoursBetween(at("2026-11-30T11:00"), at("2026-11-30T13:30"))).isCloseTo(2.5, within(1e-9));
        assertThat(CAL.hoursBetween(at("2026-11-30T13:30"), at("2026-11-30T11:00"))).isZero();
    }

    @Test
    void holidaysAreOffAndMakeUpDaysAreWorked() {
        // National Day week 2026: Thu 10-01 and Fri 10-02 off, Sun 09-27 a make-up working day
        BusinessCalendar cal = new BusinessCalendar(WEEKDAYS, LocalTime.of(9, 0), LocalTime.of(18, 0),
                Set.of(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2)), Set.of(LocalDate.of(2026, 9, 27)), ZONE);
        assertThat(cal.isWorkingDay(LocalDate.of(2026, 9, 27))).isTrue();
        assertThat(cal.isWorkingDay(LocalDate.of(2026, 10, 1))).isFalse();
        // Wed 09-30 17:00 -> Mon 10-05 10:00: 1 h Wednesday + 1 h Monday
        assertThat(cal.hoursBetween(at("2026-09-30T17:00"), at("2026-10-05T10:00"))).isCloseTo(2.0, within(1e-9));
        // Sat 09-26 12:00 -> Sun 09-27 12:00: 3 h of the make-up Sunday
        assertThat(cal.hoursBetween(at("2026-09-26T12:00"), at("2026-09-27T12:00"))).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void aDaylightSavingDayHasItsRealLength() {
        // Europe/Berlin springs forward on Sun 2026-03-29 at 02:00: a 00:00-06:00 working window lasts 5 hours
        BusinessCalendar cal = new BusinessCalendar(EnumSet.allOf(DayOfWeek.class), LocalTime.of(0, 0),
                LocalTime.of(6, 0), Set.of(), Set.of(), ZoneId.of("Europe/Berlin"));
        Instant from = LocalDateTime.parse("2026-03-29T00:00").atZone(ZoneId.of("Europe/Berlin")).toInstant();
        Instant to = LocalDateTime.parse("2026-03-29T07:00").atZone(ZoneId.of("Europe/Berlin")).toInstant();
        assertThat(cal.hoursBetween(from, to)).isCloseTo(5.0, within(1e-9));
    }
}
