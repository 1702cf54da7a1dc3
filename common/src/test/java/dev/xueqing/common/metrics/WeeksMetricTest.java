package dev.xueqing.common.metrics;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/** Pins the ISO week start, local dates and local midnights (Weeks, TenantTime). */
class WeeksMetricTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void weekStartIsTheMondayOnOrBefore() {
        // 2026-11-23 is a Monday. Sun 11-22 -> Mon 11-16; Mon 11-23 -> 11-23; Wed 11-25 -> 11-23; Sun 11-29 -> 11-23.
        StructType schema = new StructType().add("d", DataTypes.DateType);
        List<Row> rows = List.of("2026-11-22", "2026-11-23", "2026-11-25", "2026-11-29").stream()
                .map(s -> RowFactory.create(Date.valueOf(s))).toList();
        List<LocalDate> out = SparkTestBase.spark().createDataFrame(rows, schema)
                .select(Weeks.weekStart(col("d"))).orderBy(col("d")).collectAsList().stream()
                .map(r -> r.getDate(0).toLocalDate()).toList();
        assertThat(out).containsExactly(LocalDate.of(2026, 11, 16), LocalDate.of(2026, 11, 23),
                LocalDate.of(2026, 11, 23), LocalDate.of(2026, 11, 23));
        assertThat(Weeks.weekStart(LocalDate.of(2026, 11, 29))).isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(Weeks.weekStart(LocalDate.of(2026, 11, 23))).isEqualTo(LocalDate.of(2026, 11, 23));
    }

    @Test
    void localDateAndMidnightsInTheTenantZone() {
        // 2026-11-24T16:30Z is 11-25 00:30 in Shanghai; local midnight starting 11-25 is 2026-11-24T16:00Z,
        // and the end of 11-25 is 2026-11-25T16:00Z.
        StructType schema = new StructType().add("t", DataTypes.TimestampType).add("d", DataTypes.DateType);
        Row r = SparkTestBase.spark().createDataFrame(List.of(RowFactory.create(
                        Timestamp.from(Instant.parse("2026-11-24T16:30:00Z")), Date.valueOf("2026-11-25"))), schema)
                .select(TenantTime.localDate(col("t"), SHANGHAI), TenantTime.startOfLocalDay(col("d"), SHANGHAI),
                        TenantTime.endOfLocalDay(col("d"), SHANGHAI),
                        TenantTime.endOfLocalDay(LocalDate.of(2026, 11, 25), SHANGHAI))
                .first();
        assertThat(r.getDate(0).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 25));
        assertThat(r.getTimestamp(1).toInstant()).isEqualTo(Instant.parse("2026-11-24T16:00:00Z"));
        assertThat(r.getTimestamp(2).toInstant()).isEqualTo(Instant.parse("2026-11-25T16:00:00Z"));
        assertThat(r.getTimestamp(3).toInstant()).isEqualTo(Instant.parse("2026-11-25T16:00:00Z"));
    }
}
