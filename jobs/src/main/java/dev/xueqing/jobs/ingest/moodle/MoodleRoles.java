package dev.xueqing.jobs.ingest.moodle;

import com.univocity.parsers.csv.CsvParser;
import dev.xueqing.common.config.ConfigException;
import dev.xueqing.jobs.ingest.CsvFiles;
import dev.xueqing.jobs.ingest.RoleRanks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads Moodle's role assignments export ({@code xueqing.moodle.role-assignments-file}: CSV with the header
 * {@code userid,courseid,roleshortname}, the output of the SQL in docs/moodle.md) into actor_role per
 * (user, course), through the role short name table ({@code xueqing.moodle.role-map}). A user with several roles
 * in a course gets the highest ({@link RoleRanks}); short names the table does not list are ignored (counted in
 * the log). A missing file, a wrong header or a bad row stops the run with a {@link ConfigException} naming the
 * file and the line.
 */
public final class MoodleRoles {
    private static final Logger LOG = LoggerFactory.getLogger(MoodleRoles.class);
    private static final String KEY = "xueqing.moodle.role-assignments-file";
    static final List<String> COLUMNS = List.of("userid", "courseid", "roleshortname");

    private MoodleRoles() {}

    /** The key of a (user, course) pair in the map {@link #load} returns. */
    static String key(long userId, long courseId) {
        return userId + "@" + courseId;
    }

    /** actor_role by {@link #key}; empty when {@code file} is null. */
    public static Map<String, String> load(String file, Map<String, String> roleMap) {
        if (file == null) {
            return Map.of();
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(KEY + " = '" + file + "': no such file. Export the role assignments with the SQL"
                    + " in docs/moodle.md, or leave the key empty.");
        }
        Map<String, String> roles = new HashMap<>();
        Map<String, Integer> ignored = new TreeMap<>();
        CsvParser parser = CsvFiles.parser(',');
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            parser.beginParsing(in);
            String[] cells = parser.parseNext();
            List<String> header = cells == null ? List.of()
                    : CsvFiles.header(cells).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            if (!header.equals(COLUMNS)) {
                throw new ConfigException(KEY + " = '" + file + "' line 1: the header must be "
                        + String.join(",", COLUMNS) + ", found " + String.join(",", header) + ".");
            }
            while ((cells = parser.parseNext()) != null) {
                long line = parser.getContext().currentLine();
                String where = KEY + " = '" + file + "' line " + line + ": ";
                if (cells.length != COLUMNS.size()) {
                    throw new ConfigException(where + "expected 3 cells (userid,courseid,roleshortname), found "
                            + cells.length + ".");
                }
                Long user = positive(cells[0]);
                Long course = positive(cells[1]);
                String shortName = cells[2] == null ? "" : cells[2].trim();
                if (user == null || course == null) {
                    throw new ConfigException(where + (user == null ? "userid" : "courseid")
                            + " is not a positive integer.");
                }
                if (shortName.isEmpty()) {
                    throw new ConfigException(where + "roleshortname is empty.");
                }
                String role = roleMap.get(shortName);
                if (role == null) {
                    ignored.merge(shortName, 1, Integer::sum);
                    continue;
                }
                roles.merge(key(user, course), role, RoleRanks::higher);
            }
        } catch (IOException e) {
            throw new ConfigException(KEY + " = '" + file + "' cannot be read: " + e.getMessage(), e);
        } finally {
            parser.stopParsing();
        }
        LOG.info("Moodle role assignments: {} (user, course) pairs from {}; role short names not in "
                + "xueqing.moodle.role-map, ignored: {}", roles.size(), file, ignored);
        return Map.copyOf(roles);
    }

    private static Long positive(String s) {
        try {
            long v = Long.parseLong(s == null ? "" : s.trim());
            return v > 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
