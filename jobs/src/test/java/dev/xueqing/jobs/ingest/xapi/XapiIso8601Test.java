package dev.xueqing.jobs.ingest.xapi;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** ISO 8601 durations (seconds, nominal year and month) and xAPI date-times. */
class XapiIso8601Test {

    private static double seconds(String duration) {
        return Iso8601.durationSeconds(duration).orElseThrow();
    }

    @Test
    void timeDurations() {
        assertThat(seconds("PT1H0M0.1S")).isCloseTo(3600.1, within(1e-9));
        assertThat(seconds("PT4H35M59.14S")).isCloseTo(16559.14, within(1e-9));
        assertThat(seconds("PT16559.14S")).isCloseTo(16559.14, within(1e-9));
        assertThat(seconds("PT1.5S")).isEqualTo(1.5);
        assertThat(seconds("PT0,5S")).isEqualTo(0.5);
        assertThat(seconds("PT90M")).isEqualTo(5400);
        assertThat(seconds("PT0S")).isZero();
    }

    @Test
    void calendarDurationsUseNominalLengths() {
        assertThat(seconds("P1D")).isEqualTo(86_400);
        assertThat(seconds("P4W")).isEqualTo(28 * 86_400);
        assertThat(seconds("P1Y2M")).isEqualTo((365 + 60) * 86_400d);
        assertThat(seconds("P3Y1M29DT4H35M59.14S"))
                .isCloseTo((3 * 365 + 30 + 29) * 86_400d + 16559.14, within(1e-6));
        assertThat(seconds("P0.5D")).isEqualTo(43_200);
    }

    @Test
    void invalidDurations() {
        for (String bad : new String[] {"", "P", "PT", "P1YT", "PA1H0M0S", "P4W1D", "1H", "PT1H2S3M", "pt1h",
                "P-1D", "should fail", "PT1.S"}) {
            assertThat(Iso8601.durationSeconds(bad)).as(bad).isEmpty();
        }
        assertThat(Iso8601.durationSeconds(null)).isEmpty();
    }

    @Test
    void dateTimesToUtc() {
        assertThat(Iso8601.parseDateTime("2026-03-01T16:30:00Z")).contains(Instant.parse("2026-03-01T16:30:00Z"));
        assertThat(Iso8601.parseDateTime("2026-03-02T00:30:00+08:00"))
                .contains(Instant.parse("2026-03-01T16:30:00Z"));
        assertThat(Iso8601.parseDateTime("2026-03-02T00:30:00.123456+0800"))
                .contains(Instant.parse("2026-03-01T16:30:00.123456Z"));
        assertThat(Iso8601.parseDateTime("2026-03-01T16:30:00")).contains(Instant.parse("2026-03-01T16:30:00Z"));
        assertThat(Iso8601.parseDateTime("2026-03-01T16:30Z")).contains(Instant.parse("2026-03-01T16:30:00Z"));
        assertThat(Iso8601.parseDateTime("2008-09-15T15:53:00.601+00:00"))
                .contains(Instant.parse("2008-09-15T15:53:00.601Z"));
    }

    @Test
    void invalidDateTimes() {
        for (String bad : new String[] {"should fail", "01/011/2015", "2026-03-01", "2026-02-30T00:00:00Z",
                "2026-03-01T25:00:00Z", "2008-09-15T15:53:00.601-00", "2008-09-15T15:53:00.601-0000",
                "2008-09-15T15:53:00.601-00:00", "2026-03-01 16:30:00Z"}) {
            assertThat(Iso8601.parseDateTime(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void theCommonShapesReadByPositionAsThePatternReadsThem() {
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(
                "2026-03-01T16:30:00Z", "2026-03-01T16:30:00.1Z", "2026-03-01T16:30:00,123456789Z",
                "2026-03-01T16:30:00.1234567891Z", "2026-03-01T16:30:00.Z", "2026-03-02T00:30:00+08:00",
                "2026-03-02T00:30:00.5-05:30", "2026-03-02T00:30:00-00:00", "2026-03-02T00:30:00+00:00",
                "2026-03-02T00:30:00+08:60", "2026-03-02T00:30:00+19:00", "2026-02-29T00:00:00Z",
                "2024-02-29T23:59:59Z", "2026-03-01T24:00:00Z", "2026-03-01T16:60:00Z", "2026-03-01T16:30:60Z",
                "2026-13-01T16:30:00Z", "2026-03-01t16:30:00z", "2026-03-01T16:30:00z", "2026-03-01T16:30:00",
                "2026-03-01T16:30:00+0800", "2026-03-01T16:30:00+08", "2026-03-01T16:3a:00Z", "０２０26-03-01T16:30:00Z",
                "2026-03-01T16:30:00ZZ", "2026-03-01T16:30:00+08:00 ", "-026-03-01T16:30:00Z"));
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 2000; i++) {
            StringBuilder t = new StringBuilder(String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
                    r.nextInt(3000), r.nextInt(14), r.nextInt(33), r.nextInt(26), r.nextInt(62), r.nextInt(62)));
            if (r.nextBoolean()) {
                String fraction = String.format(java.util.Locale.ROOT, "%09d", r.nextInt(1_000_000_000));
                t.append('.').append(fraction, 0, 1 + r.nextInt(9));
            }
            t.append(r.nextInt(3) == 0 ? "Z" : String.format(java.util.Locale.ROOT, "%c%02d:%02d",
                    r.nextBoolean() ? '+' : '-', r.nextInt(20), r.nextInt(61)));
            texts.add(t.toString());
        }
        int read = 0;
        for (String t : texts) {
            assertThat(Iso8601.parseDateTime(t)).as(t).isEqualTo(Iso8601.byPattern(t));
            read += Iso8601.byPattern(t).isPresent() ? 1 : 0;
        }
        assertThat(read).as("valid texts among the random ones").isGreaterThan(500);
    }
}
