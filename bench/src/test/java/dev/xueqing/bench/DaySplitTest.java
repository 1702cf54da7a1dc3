package dev.xueqing.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The incremental-day cut of the bench: which day, what goes where, dates in the warehouse's zone. */
class DaySplitTest {
    private static String statement(String id, String timestamp) {
        return "{\"id\":\"" + id + "\",\"timestamp\":\"" + timestamp + "\"}";
    }

    @Test
    void theDayIsTheLatestWithEnoughStatementsAndLaterOnesAreLeftOut(@TempDir Path tmp) throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        List<String> a = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            a.add(statement("h" + i, "2026-10-0" + (1 + i % 3) + "T10:00:00+08:00"));
        }
        List<String> b = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            b.add(statement("d" + i, "2026-10-04T12:00:00+08:00"));
        }
        // 00:30 in Shanghai on 2026-10-05 is 2026-10-04 in UTC: its date is the zone's, not UTC's
        b.add(statement("z", "2026-10-04T16:30:00Z"));
        b.add(statement("late", "2026-10-06T09:00:00+08:00")); // one statement: too few to be the day
        b.add("{not json");
        Files.write(in.resolve("part-00000.jsonl"), a);
        Files.write(in.resolve("part-00001.jsonl"), b);

        DaySplit.Result r = new DaySplit(ZoneId.of("Asia/Shanghai")).split(in, tmp.resolve("split"));
        assertThat(r.date()).isEqualTo(LocalDate.of(2026, 10, 4));
        assertThat(r.historyLines()).isEqualTo(301); // 300 statements and the malformed line
        assertThat(r.dayLines()).isEqualTo(100);
        assertThat(r.laterLines()).isEqualTo(2); // z (2026-10-05 in Shanghai) and late
        assertThat(lines(r.history().resolve("part-00001.jsonl"))).containsExactly("{not json");
        assertThat(lines(r.day().resolve("day-2026-10-04.jsonl.gz"))).hasSize(100).allMatch(l -> l.contains("\"d"));

        // a second call reuses the split it made
        Files.delete(in.resolve("part-00000.jsonl"));
        assertThat(new DaySplit(ZoneId.of("Asia/Shanghai")).split(in, tmp.resolve("split"))).isEqualTo(r);
    }

    @Test
    void inputWithoutASecondDayIsRefused(@TempDir Path tmp) throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.write(in.resolve("a.jsonl"), List.of(statement("1", "2026-10-01T10:00:00+08:00")));
        assertThatThrownBy(() -> new DaySplit(ZoneId.of("UTC")).split(in, tmp.resolve("split")))
                .hasMessageContaining("too little input");
    }

    private static List<String> lines(Path f) throws IOException {
        try (InputStream raw = Files.newInputStream(f);
             InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : List.of(s.split("\n"));
        }
    }
}
