package dev.xueqing.jobs.ingest.xapi;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the two ISO 8601 forms xAPI uses: date-times (timestamp, stored) and durations (result.duration).
 *
 * <p>Date-times: {@code YYYY-MM-DDThh:mm[:ss[.f+]][Z|±hh[:mm]|±hhmm]}; the calendar date and the time must exist
 * (checked with java.time). The offsets {@code -00}, {@code -0000} and {@code -00:00} are refused as xAPI requires
 * (RFC 3339 uses them for "offset unknown"). A date-time without an offset is read as UTC.
 *
 * <p>Durations: {@code PnYnMnDTnHnMnS} with any subset of components (at least one, {@code T} only before a time
 * component), or {@code PnW} alone; every number may have a decimal fraction ({@code .} or {@code ,}).
 * {@link java.time.Duration#parse} accepts only days and smaller, hence this parser. For seconds, nominal lengths
 * are used: a year is 365 days, a month 30 days, a week 7 days, a day 86,400 s.
 */
public final class Iso8601 {
    private static final Pattern DATE_TIME = Pattern.compile(
            "^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9})\\d*)?)?"
                    + "(Z|[+-]\\d{2}(?::?\\d{2})?)?$");

    private static final String NUM = "(\\d+(?:[.,]\\d+)?)";
    private static final Pattern DURATION = Pattern.compile(
            "^P(?:" + NUM + "W|(?=\\d|T\\d)(?:" + NUM + "Y)?(?:" + NUM + "M)?(?:" + NUM + "D)?"
                    + "(?:T(?=\\d)(?:" + NUM + "H)?(?:" + NUM + "M)?(?:" + NUM + "S)?)?)$");

    private static final double[] SECONDS = {
            7 * 86_400d, 365 * 86_400d, 30 * 86_400d, 86_400d, 3_600d, 60d, 1d};

    private Iso8601() {}

    /** The instant of an xAPI date-time, or empty when it is not one (or uses a negative zero offset). */
    public static Optional<Instant> parseDateTime(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Optional<Instant> common = commonShape(text);
        return common != null ? common : byPattern(text);
    }

    /** {@link #parseDateTime} by the regular expression alone, whatever the shape (package-private for tests). */
    static Optional<Instant> byPattern(String text) {
        Matcher m = DATE_TIME.matcher(text.length() > 10 && text.charAt(10) == 't'
                ? text.substring(0, 10) + 'T' + text.substring(11).replace('z', 'Z') : text.replace('z', 'Z'));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            int nanos = 0;
            if (m.group(7) != null) {
                String frac = (m.group(7) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(frac);
            }
            LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
            ZoneOffset offset = ZoneOffset.UTC;
            String off = m.group(8);
            if (off != null && !off.equals("Z")) {
                String digits = off.substring(1).replace(":", "");
                int hours = Integer.parseInt(digits.substring(0, 2));
                int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
                if (off.charAt(0) == '-' && hours == 0 && minutes == 0) {
                    return Optional.empty();
                }
                if (minutes > 59) {
                    return Optional.empty();
                }
                int sign = off.charAt(0) == '-' ? -1 : 1;
                offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
            }
            return Optional.of(LocalDateTime.of(date, time).toInstant(offset));
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The shapes nearly every statement uses, {@code YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm)}, read by position
     * without the regular expression (a fifth of the time spent on each statement's timestamp went into it); null
     * for any other text, which the pattern then decides. The calendar and offset checks are the same java.time
     * calls, so a text reads the same either way.
     */
    private static Optional<Instant> commonShape(String t) {
        int n = t.length();
        if (n < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (t.charAt(i) == '.' || t.charAt(i) == ',') {
            int start = ++i;
            while (i < n && i - start < 10 && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 9) {
                return null;
            }
            nanos = digits(t, start, i);
            for (int k = len; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && t.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (t.charAt(i) == '+' || t.charAt(i) == '-') && t.charAt(i + 3) == ':') {
            int oh = digits(t, i + 1, i + 3);
            int om = digits(t, i + 4, i + 6);
            if ((oh | om) < 0 || om > 59 || (t.charAt(i) == '-' && oh == 0 && om == 0)) {
                return null;
            }
            offsetSeconds = (t.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        try {
            return Optional.of(LocalDateTime.of(LocalDate.of(year, month, day), LocalTime.of(hour, minute, second,
                    nanos)).toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The ASCII digits {@code t[from, to)} as a number, or -1 when one of them is not a digit. */
    private static int digits(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Whether {@code text} is an ISO 8601 duration as xAPI allows. */
    public static boolean isDuration(String text) {
        return durationSeconds(text).isPresent();
    }

    /** The length of an ISO 8601 duration in seconds (nominal year/month lengths), or empty when invalid. */
    public static OptionalDouble durationSeconds(String text) {
        if (text == null) {
            return OptionalDouble.empty();
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return OptionalDouble.empty();
        }
        double total = 0;
        for (int g = 1; g <= 7; g++) {
            String part = m.group(g);
            if (part != null) {
                total += Double.parseDouble(part.replace(',', '.')) * SECONDS[g - 1];
            }
        }
        return OptionalDouble.of(total);
    }
}
