package dev.xueqing.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 15's targets judged against one bench result (docs/performance.md "Targets"): each target, what it asks, what
 * the run measured and the verdict. The targets are set at 10M statements; a run on less says so in its verdict
 * instead of judging a target at a size it is not set for. A phase the run skipped is "not measured".
 */
final class Targets {
    /** Statements from which a run counts as the 10M benchmark (the generator's 10M gives 12.8M lines). */
    static final long AT_SCALE = 10_000_000;
    /** "Flat": the incremental day at the largest history measured takes at most this many times the smallest's. */
    static final double FLAT = 1.5;

    private Targets() {}

    /** One row of the table. */
    record Target(String name, String goal, String figure, String verdict) {}

    /**
     * The verdicts. Reads: {@code small_nightly} (time_taken_seconds, command_seconds), {@code statements_read},
     * {@code max_heap_bytes}, {@code ingest_statements_per_second}, {@code nightly_seconds} (or {@code nightly_failed}),
     * {@code spark_to_duckdb_time_ratio} and {@code incremental_growth} (rows of history_statements,
     * first_nightly_seconds, incremental_day_seconds); any may be missing.
     */
    static List<Target> judge(Map<String, Object> result) {
        List<Target> out = new ArrayList<>();
        Map<?, ?> small = result.get("small_nightly") instanceof Map<?, ?> m ? m : null;
        out.add(small == null ? notMeasured("small: nightly over data-samples/", "Time taken ≤ 20 s")
                : verdict("small: nightly over data-samples/", "Time taken ≤ 20 s",
                        String.format(Locale.ROOT, "%.1f s", num(small.get("time_taken_seconds"))),
                        num(small.get("time_taken_seconds")) <= 20, true));
        out.add(small == null ? notMeasured("small: the command, once built", "≤ 35 s")
                : verdict("small: the command, once built", "≤ 35 s",
                        String.format(Locale.ROOT, "%.1f s", num(small.get("command_seconds"))),
                        num(small.get("command_seconds")) <= 35, true));

        List<Map<?, ?>> days = days(result);
        if (days.isEmpty()) {
            out.add(notMeasured("incremental day", "≤ 0.15 of the first nightly at 10M"));
        } else {
            Map<?, ?> largest = days.get(days.size() - 1);
            long history = (long) num(largest.get("history_statements"));
            // from the seconds, not the ratio the row prints rounded to two places (0.154 would round to "met")
            double ratio = num(largest.get("incremental_day_seconds")) / num(largest.get("first_nightly_seconds"));
            out.add(verdict("incremental day", "≤ 0.15 of the first nightly at 10M",
                    String.format(Locale.ROOT, "%.2f (%.1f s) over %s of history", ratio,
                            num(largest.get("incremental_day_seconds")), millions(history)),
                    ratio <= 0.15, history >= AT_SCALE));
        }

        Object statements = result.get("statements_read");
        boolean full = statements != null;
        boolean atScale = full && num(statements) >= AT_SCALE;
        String size = full ? " (" + millions((long) num(statements)) + " statements)" : "";
        Object nightly = result.get("nightly_seconds");
        double heapGiB = num(result.getOrDefault("max_heap_bytes", 0)) / (1L << 30);
        out.add(result.get("nightly_failed") != null ? new Target("full: the nightly",
                "< 5 min with a heap ≤ 4 GiB at 10M", "failed: " + result.get("nightly_failed"), "NOT MET")
                : nightly == null ? notMeasured("full: the nightly", "< 5 min with a heap ≤ 4 GiB at 10M")
                : verdict("full: the nightly", "< 5 min with a heap ≤ 4 GiB at 10M",
                        String.format(Locale.ROOT, "%.1f s, heap %.1f GiB%s", num(nightly), heapGiB, size),
                        num(nightly) < 300 && heapGiB <= 4.0 + 1e-9, atScale));
        Object ingest = result.get("ingest_statements_per_second");
        out.add(ingest == null ? notMeasured("full: ingest (incl. dims)", "≥ 100,000 statements/s at 10M")
                : verdict("full: ingest (incl. dims)", "≥ 100,000 statements/s at 10M",
                        String.format(Locale.ROOT, "%,.0f statements/s%s", num(ingest), size),
                        num(ingest) >= 100_000, atScale));
        Object duck = result.get("spark_to_duckdb_time_ratio");
        out.add(duck == null ? notMeasured("full: ingest + learner_daily_activity", "≤ 3× DuckDB at 10M")
                : verdict("full: ingest + learner_daily_activity", "≤ 3× DuckDB at 10M",
                        String.format(Locale.ROOT, "%.1f× DuckDB%s", num(duck), size), num(duck) <= 3, atScale));

        if (days.size() < 2) {
            out.add(notMeasured("growth: the incremental day", "flat from 1M to 10M"));
        } else {
            Map<?, ?> first = days.get(0);
            Map<?, ?> last = days.get(days.size() - 1);
            double factor = num(last.get("incremental_day_seconds")) / num(first.get("incremental_day_seconds"));
            StringBuilder figure = new StringBuilder();
            for (Map<?, ?> d : days) {
                figure.append(figure.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s: %.1f s",
                        millions((long) num(d.get("history_statements"))), num(d.get("incremental_day_seconds"))));
            }
            figure.append(String.format(Locale.ROOT, " (%.1f×)", factor));
            out.add(verdict("growth: the incremental day", "flat (≤ " + FLAT + "×) from 1M to 10M",
                    figure.toString(), factor <= FLAT, num(last.get("history_statements")) >= AT_SCALE));
        }
        return out;
    }

    /** The table as printed after the phases. */
    static String table(List<Target> targets) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%nTargets (issue 15)%n%-40s %-38s %-60s %s%n",
                "target", "asks", "measured", "verdict"));
        for (Target t : targets) {
            b.append(String.format(Locale.ROOT, "%-40s %-38s %-60s %s%n", t.name(), t.goal(), t.figure(),
                    t.verdict()));
        }
        return b.toString();
    }

    private static List<Map<?, ?>> days(Map<String, Object> result) {
        List<Map<?, ?>> days = new ArrayList<>();
        if (result.get("incremental_growth") instanceof List<?> rows) {
            rows.forEach(r -> days.add((Map<?, ?>) r));
        }
        days.sort(Comparator.comparingDouble(d -> num(d.get("history_statements"))));
        return days;
    }

    private static Target verdict(String name, String goal, String figure, boolean met, boolean atScale) {
        String v = met ? "met" : "NOT MET";
        return new Target(name, goal, figure, atScale ? v : v + " at this size (the target is at 10M)");
    }

    private static Target notMeasured(String name, String goal) {
        return new Target(name, goal, "", "not measured in this run");
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** 14.8M; below a million the count itself. */
    static String millions(long n) {
        return n < 1_000_000 ? String.format(Locale.ROOT, "%,d", n) : String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }
}
