package dev.xueqing.common.config;

import com.univocity.parsers.common.record.Record;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the two skill files of {@code xueqing.skills} at config load, so that a bad file stops the run at start: the
 * item → skill mapping ({@code item_id,skill_id}) and the prerequisites ({@code skill_id,requires_skill_id}, which
 * must form no cycle). Both are CSV with a header row, UTF-8; blank lines are skipped; a row with an empty field is a
 * configuration error that names the file and line.
 */
public final class SkillFiles {
    private SkillFiles() {}

    /** The mapping file's rows, in file order, duplicates removed. */
    public static List<XueqingConfig.Skills.ItemSkill> mapping(Path file) {
        Set<XueqingConfig.Skills.ItemSkill> rows = new LinkedHashSet<>();
        for (String[] r : read(file, "xueqing.skills.mapping-file", "item_id", "skill_id")) {
            rows.add(new XueqingConfig.Skills.ItemSkill(r[0], r[1]));
        }
        return List.copyOf(rows);
    }

    /**
     * The prerequisites: skill → the skills it requires, in file order. A skill that requires itself, or a chain
     * that comes back to its start, fails with the cycle spelled out ("a → b → a").
     */
    public static Map<String, List<String>> prerequisites(Path file) {
        Map<String, List<String>> requires = new LinkedHashMap<>();
        for (String[] r : read(file, "xueqing.skills.prerequisites-file", "skill_id", "requires_skill_id")) {
            List<String> list = requires.computeIfAbsent(r[0], k -> new ArrayList<>());
            if (!list.contains(r[1])) {
                list.add(r[1]);
            }
        }
        List<String> cycle = findCycle(requires);
        if (cycle != null) {
            throw new ConfigException("xueqing.skills.prerequisites-file (" + file + ") has a cycle: "
                    + String.join(" → ", cycle) + ". A skill cannot be its own prerequisite, directly or through "
                    + "others.");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        requires.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** A cycle of the graph as a path that ends where it starts, or null when there is none (depth-first search). */
    static List<String> findCycle(Map<String, List<String>> requires) {
        Map<String, Integer> state = new LinkedHashMap<>(); // absent: unseen, 1: on the current path, 2: done
        for (String start : requires.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> cycle = visit(start, requires, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static List<String> visit(String skill, Map<String, List<String>> requires, Map<String, Integer> state,
                                      List<String> path) {
        Integer s = state.get(skill);
        if (s != null && s == 2) {
            return null;
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(skill), path.size()));
            cycle.add(skill);
            return cycle;
        }
        state.put(skill, 1);
        path.add(skill);
        for (String next : requires.getOrDefault(skill, List.of())) {
            List<String> cycle = visit(next, requires, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        state.put(skill, 2);
        return null;
    }

    private static List<String[]> read(Path file, String key, String first, String second) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key + " = '" + file + "': no such file.");
        }
        CsvParserSettings settings = new CsvParserSettings();
        settings.setHeaderExtractionEnabled(true);
        settings.setSkipEmptyLines(true);
        settings.setIgnoreLeadingWhitespaces(true);
        settings.setIgnoreTrailingWhitespaces(true);
        settings.getFormat().setLineSeparator("\n");
        settings.setLineSeparatorDetectionEnabled(true);
        CsvParser parser = new CsvParser(settings);
        List<String[]> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            parser.beginParsing(in);
            String[] header = parser.getContext().parsedHeaders();
            if (header == null || header.length < 2 || !first.equals(stripBom(header[0]).trim())
                    || !second.equals(header[1].trim())) {
                throw new ConfigException(key + " (" + file + ") must start with the header " + first + "," + second
                        + (header == null ? " (the file is empty)." : ", not " + String.join(",", header) + "."));
            }
            Record r;
            while ((r = parser.parseNextRecord()) != null) {
                String a = r.getString(0);
                String b = r.getValues().length > 1 ? r.getString(1) : null;
                long line = parser.getContext().currentLine();
                if (a == null || b == null || a.isBlank() || b.isBlank()) {
                    throw new ConfigException(key + " (" + file + ") line " + line + ": both " + first + " and "
                            + second + " must be given.");
                }
                rows.add(new String[] {a, b});
            }
        } catch (IOException e) {
            throw new ConfigException(key + " = '" + file + "' cannot be read: " + e.getMessage(), e);
        } finally {
            parser.stopParsing();
        }
        return rows;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
