package dev.xueqing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Cuts generated xAPI input into a history and one more day, for the bench's "incremental day" phase: the day is
 * the latest date (in the warehouse's time zone) that holds at least {@link #MIN_DAY_SHARE} of the statements, the
 * history is every statement before it, and statements after it are left out (they have not happened yet when that
 * day's nightly runs). Lines that are not JSON statements with a readable timestamp stay in the history, where the
 * ingest quarantines them as it would have.
 *
 * <p>The history keeps the input's file names and order, so it is ingested like the input; the day is one file
 * written into a second folder that the second nightly reads besides the history.
 */
final class DaySplit {
    /** The smallest share of all statements a day must hold to be the bench's "one more day". */
    static final double MIN_DAY_SHARE = 0.005;

    record Result(Path history, Path day, LocalDate date, long historyLines, long dayLines, long laterLines) {}

    private final ObjectMapper json = new ObjectMapper();
    private final ZoneId zone;

    DaySplit(ZoneId zone) {
        this.zone = zone;
    }

    /** Splits {@code input} into {@code out/history} and {@code out/day}, or reuses a split made before. */
    Result split(Path input, Path out) throws IOException {
        Path done = out.resolve("_SUCCESS");
        if (Files.exists(done)) {
            // "date history-lines day-lines later-lines", written when the split finished
            String[] f = Files.readString(done).trim().split(" ");
            LocalDate d = LocalDate.parse(f[0]);
            return new Result(out.resolve("history"), out.resolve("day-" + d), d, Long.parseLong(f[1]),
                    Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
        List<Path> files = inputFiles(input);
        TreeMap<LocalDate, Long> perDay = new TreeMap<>();
        long[] total = {0};
        for (Path f : files) {
            forEachLine(f, line -> {
                total[0]++;
                LocalDate d = dateOf(line);
                if (d != null) {
                    perDay.merge(d, 1L, Long::sum);
                }
            });
        }
        LocalDate day = null;
        for (Map.Entry<LocalDate, Long> e : perDay.descendingMap().entrySet()) {
            if (e.getValue() >= MIN_DAY_SHARE * total[0]) {
                day = e.getKey();
                break;
            }
        }
        if (day == null || day.equals(perDay.firstKey())) {
            throw new IllegalStateException("no day of " + input + " holds " + MIN_DAY_SHARE * 100
                    + "% of its statements after a first day: too little input for an incremental day");
        }
        Path history = out.resolve("history");
        Path dayDir = out.resolve("day-" + day);
        Bench.clean(out);
        Files.createDirectories(history);
        Files.createDirectories(dayDir);
        long[] counts = new long[3];
        LocalDate cut = day;
        try (BufferedWriter dayOut = writer(dayDir.resolve("day-" + day + ".jsonl.gz"))) {
            for (Path f : files) {
                try (BufferedWriter historyOut = writer(history.resolve(f.getFileName().toString()))) {
                    forEachLine(f, line -> {
                        LocalDate d = dateOf(line);
                        try {
                            if (d == null || d.isBefore(cut)) {
                                historyOut.write(line);
                                historyOut.newLine();
                                counts[0]++;
                            } else if (d.equals(cut)) {
                                dayOut.write(line);
                                dayOut.newLine();
                                counts[1]++;
                            } else {
                                counts[2]++;
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
        Files.writeString(done, day + " " + counts[0] + " " + counts[1] + " " + counts[2] + "\n");
        return new Result(history, dayDir, day, counts[0], counts[1], counts[2]);
    }

    /** The statement's date in the warehouse's zone, or null for a line that is not a statement with a timestamp. */
    LocalDate dateOf(String line) {
        try {
            JsonNode ts = json.readTree(line).path("timestamp");
            return ts.isTextual() ? OffsetDateTime.parse(ts.asText()).atZoneSameInstant(zone).toLocalDate() : null;
        } catch (IOException | DateTimeParseException e) {
            return null;
        }
    }

    private static List<Path> inputFiles(Path input) throws IOException {
        try (Stream<Path> s = Files.list(input)) {
            List<Path> files = new ArrayList<>(s.filter(p -> {
                String n = p.getFileName().toString();
                return Files.isRegularFile(p) && (n.endsWith(".jsonl.gz") || n.endsWith(".jsonl"));
            }).sorted().toList());
            if (files.isEmpty()) {
                throw new IllegalStateException("no xAPI JSON-lines files (*.jsonl.gz, *.jsonl) in " + input);
            }
            return files;
        }
    }

    private static void forEachLine(Path f, Consumer<String> each) throws IOException {
        var in = Files.newInputStream(f);
        var decoded = f.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(decoded, StandardCharsets.UTF_8), 1 << 16)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    each.accept(line);
                }
            }
        }
    }

    /** A writer of {@code f}, gzip-compressed when its name ends in {@code .gz} (as the input's files are). */
    private static BufferedWriter writer(Path f) throws IOException {
        var out = Files.newOutputStream(f);
        return new BufferedWriter(new OutputStreamWriter(f.getFileName().toString().endsWith(".gz")
                ? new GZIPOutputStream(out, 1 << 16) : out, StandardCharsets.UTF_8), 1 << 16);
    }
}
