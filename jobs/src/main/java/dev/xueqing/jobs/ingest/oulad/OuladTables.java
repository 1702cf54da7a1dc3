package dev.xueqing.jobs.ingest.oulad;

import com.univocity.parsers.csv.CsvParser;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.jobs.ingest.CsvFiles;
import dev.xueqing.jobs.ingest.InputFiles;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two small OULAD lookup tables that activity rows need: assessments (id → course, presentation, type) and vle
 * (site → kind). Read once on the driver from the run's input files and shipped to the tasks with the adapter.
 */
public final class OuladTables implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One assessment of the assessments table. */
    public record Assessment(String courseId, String presentation, String type) implements Serializable {}

    private final Map<String, Assessment> assessments;
    private final Map<String, String> vleTypes;

    public OuladTables(Map<String, Assessment> assessments, Map<String, String> vleTypes) {
        this.assessments = Map.copyOf(assessments);
        this.vleTypes = Map.copyOf(vleTypes);
    }

    public static OuladTables empty() {
        return new OuladTables(Map.of(), Map.of());
    }

    Assessment assessment(String id) {
        return assessments.get(id);
    }

    /** The object type of a VLE site (page when the vle table does not list it). */
    String typeOfSite(String site) {
        return vleTypes.getOrDefault(site, ObjectTypes.PAGE);
    }

    public int assessmentCount() {
        return assessments.size();
    }

    /** OULAD activity_type → object_type: quizzes, forums, the rest is content viewed as pages. */
    static String objectTypeOf(String activityType) {
        if (activityType == null) {
            return ObjectTypes.PAGE;
        }
        return switch (activityType.trim().toLowerCase(Locale.ROOT)) {
            case "quiz", "externalquiz", "questionnaire" -> ObjectTypes.QUIZ;
            case "forumng" -> ObjectTypes.FORUM_THREAD;
            case "ouelluminate", "ouwiki", "dataplus", "repeatactivity" -> ObjectTypes.ACTIVITY;
            default -> ObjectTypes.PAGE;
        };
    }

    /** Finds the assessments and vle tables among the files (by header) and reads them. */
    public static OuladTables load(List<String> files, Configuration hadoop) {
        Map<String, Assessment> assessments = new HashMap<>();
        Map<String, String> vle = new HashMap<>();
        for (String f : files) {
            try {
                try (InputStream in = dev.xueqing.jobs.ingest.FileRecordsAccess.decompress(InputFiles.open(f, hadoop));
                     Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    CsvParser parser = CsvFiles.parser(',');
                    parser.beginParsing(r);
                    String[] header = parser.parseNext();
                    if (header == null) {
                        continue;
                    }
                    List<String> names = CsvFiles.header(header);
                    OuladAdapter.Table table = OuladAdapter.Table.of(names);
                    if (table == OuladAdapter.Table.ASSESSMENTS) {
                        int m = names.indexOf("code_module");
                        int pr = names.indexOf("code_presentation");
                        int id = names.indexOf("id_assessment");
                        int t = names.indexOf("assessment_type");
                        String[] v;
                        while ((v = parser.parseNext()) != null) {
                            if (v.length > Math.max(Math.max(m, pr), Math.max(id, t)) && v[id] != null) {
                                assessments.put(v[id].trim(), new Assessment(v[m] + "-" + v[pr], v[pr], v[t]));
                            }
                        }
                    } else if (table == OuladAdapter.Table.VLE) {
                        int site = names.indexOf("id_site");
                        int type = names.indexOf("activity_type");
                        String[] v;
                        while ((v = parser.parseNext()) != null) {
                            if (v.length > Math.max(site, type) && v[site] != null) {
                                vle.put(v[site].trim(), objectTypeOf(v[type]));
                            }
                        }
                    } else {
                        parser.stopParsing();
                    }
                }
            } catch (IOException e) {
                throw new InputFiles.NoInputException("Cannot read OULAD table " + f + ": " + e.getMessage());
            }
        }
        return new OuladTables(assessments, vle);
    }
}
