package dev.xueqing.jobs.samples;

import java.util.Locale;
import java.util.Random;

/**
 * How the scale generator writes one {@link SimEvent} in an input format that Xueqing's adapter of the same name
 * reads back: the line, the file header (CSV formats), the file name suffix and a deliberately broken line.
 */
interface EventFormat {
    /** The format name, as given to {@code --format} of {@code generate} and {@code ingest}. */
    String name();

    /** File name suffix, e.g. {@code .jsonl.gz}. */
    String suffix();

    /** The first line of each file (CSV header), or null. */
    String header();

    /** The event as one line (no line break), or null when the format has no record for this kind of event. */
    String render(SimEvent e);

    /** A broken copy of a good line that the adapter must quarantine ({@code r} is the learner's stream). */
    String malformed(String goodLine, SimEvent e, Random r);

    /** The quarantine reason the adapter gives to {@link #malformed} lines. */
    String malformedReason();

    static EventFormat of(String name) {
        return of(name, true);
    }

    /** The format; {@code threads} false keeps Caliper's messages directly in the forum (the committed samples). */
    static EventFormat of(String name, boolean threads) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "xapi" -> new XapiEventFormat();
            case "csv" -> new CsvEventFormat();
            case "edx" -> new EdxEventFormat();
            case "moodle" -> new MoodleEventFormat();
            case "caliper" -> new CaliperEventFormat(threads);
            default -> throw new dev.xueqing.common.config.UsageException("Unknown --format '" + name + "' for generate: use one of "
                    + ScaleGenerator.FORMATS + ".");
        };
    }

    /** Half of a JSON line: never valid JSON, since the closing brace is gone. */
    static String cutJson(String line) {
        return line.substring(0, line.length() / 2);
    }
}
