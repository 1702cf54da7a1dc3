package dev.xueqing.jobs.samples;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small deterministic samples of the table formats: the OULAD tables of one invented module presentation
 * ({@code oulad/}, with studentVle, which the shared OULAD copy lacks) and a campus LMS activity export with
 * Chinese headers read through the {@code campus-lms} CSV mapping of {@code conf/samples-all-formats.conf}
 * ({@code csv/}). Learners have a latent engagement that drives their activity, scores and final result, so the
 * marts have something to show. Written with univocity-parsers; same seed, same bytes.
 */
public final class TableSamples {
    /** Counts of what was written, by file name. */
    public record Summary(Map<String, Integer> rowsPerFile) {}

    static final String MODULE = "XQA";
    static final String PRESENTATION = "2026B";
    static final int LENGTH_DAYS = 120;
    static final int STUDENTS = 60;

    private final Random rng;
    private final Map<String, Integer> rows = new LinkedHashMap<>();

    private TableSamples(long seed) {
        this.rng = new Random(seed);
    }

    public static Summary generate(Path outDir, long seed) {
        TableSamples t = new TableSamples(seed);
        try {
            t.oulad(outDir.resolve("oulad"));
            t.csv(outDir.resolve("csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Summary(Map.copyOf(t.rows));
    }

    // ------------------------------------------------------------------------------------------------ OULAD

    private void oulad(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("courses.csv"), List.of("code_module", "code_presentation", "module_presentation_length"),
                List.<Object[]>of(row(MODULE, PRESENTATION, LENGTH_DAYS)));

        int[] tmaDays = {25, 55, 85};
        List<Object[]> assessments = new ArrayList<>();
        for (int i = 0; i < tmaDays.length; i++) {
            assessments.add(row(MODULE, PRESENTATION, 90001 + i, "TMA", tmaDays[i], 20));
        }
        assessments.add(row(MODULE, PRESENTATION, 90004, "CMA", 40, 0));
        assessments.add(row(MODULE, PRESENTATION, 90005, "Exam", null, 100));
        write(dir.resolve("assessments.csv"), List.of("code_module", "code_presentation", "id_assessment",
                "assessment_type", "date", "weight"), assessments);

        String[] kinds = {"homepage", "oucontent", "oucontent", "resource", "url", "quiz", "forumng", "subpage",
                "oucontent", "resource"};
        List<Object[]> vle = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            vle.add(row(80001 + i, MODULE, PRESENTATION, kinds[i], null, null));
        }
        write(dir.resolve("vle.csv"), List.of("id_site", "code_module", "code_presentation", "activity_type",
                "week_from", "week_to"), vle);

        String[] regions = {"Scotland", "Wales", "London Region", "North Region", "South East Region"};
        String[] education = {"A Level or Equivalent", "Lower Than A Level", "HE Qualification"};
        String[] imd = {"0-10%", "10-20", "20-30%", "30-40%", "40-50%", "50-60%", "60-70%", "70-80%", "80-90%",
                "90-100%"};
        String[] ages = {"0-35", "35-55", "55<="};
        List<Object[]> info = new ArrayList<>();
        List<Object[]> registration = new ArrayList<>();
        List<Object[]> submissions = new ArrayList<>();
        List<Object[]> clicks = new ArrayList<>();
        for (int s = 0; s < STUDENTS; s++) {
            int id = 700001 + s;
            double engagement = rng.nextDouble();
            boolean withdraws = engagement < 0.2;
            int withdrawDay = withdraws ? 10 + rng.nextInt(60) : -1;
            int lastDay = withdraws ? withdrawDay : LENGTH_DAYS;
            registration.add(row(MODULE, PRESENTATION, id, -1 - rng.nextInt(60), withdraws ? withdrawDay : null));
            double total = 0;
            int counted = 0;
            for (int a = 0; a < tmaDays.length; a++) {
                if (tmaDays[a] > lastDay || rng.nextDouble() > 0.4 + engagement) {
                    continue;
                }
                int late = rng.nextDouble() < 0.15 ? 1 + rng.nextInt(5) : 0;
                int score = (int) Math.max(0, Math.min(100, Math.round(40 + 55 * engagement + rng.nextGaussian() * 10)));
                submissions.add(row(90001 + a, id, tmaDays[a] - rng.nextInt(5) + late, 0, score));
                total += score;
                counted++;
            }
            for (int day = 0; day < lastDay; day++) {
                if (rng.nextDouble() < 0.08 + 0.3 * engagement) {
                    // one row per student × site × day, as in OULAD's studentVle
                    int first = rng.nextInt(kinds.length);
                    int sites = 1 + rng.nextInt(3);
                    for (int k = 0; k < sites; k++) {
                        clicks.add(row(MODULE, PRESENTATION, id, 80001 + (first + k) % kinds.length, day,
                                1 + rng.nextInt(12)));
                    }
                }
            }
            double mean = counted == 0 ? 0 : total / counted;
            String result = withdraws ? "Withdrawn" : counted < 2 || mean < 45 ? "Fail" : mean >= 85 ? "Distinction"
                    : "Pass";
            info.add(row(MODULE, PRESENTATION, id, rng.nextBoolean() ? "F" : "M", regions[rng.nextInt(regions.length)],
                    education[rng.nextInt(education.length)], imd[rng.nextInt(imd.length)], ages[rng.nextInt(ages.length)],
                    rng.nextDouble() < 0.15 ? 1 : 0, 60, rng.nextDouble() < 0.1 ? "Y" : "N", result));
        }
        write(dir.resolve("studentInfo.csv"), List.of("code_module", "code_presentation", "id_student", "gender",
                "region", "highest_education", "imd_band", "age_band", "num_of_prev_attempts", "studied_credits",
                "disability", "final_result"), info);
        write(dir.resolve("studentRegistration.csv"), List.of("code_module", "code_presentation", "id_student",
                "date_registration", "date_unregistration"), registration);
        write(dir.resolve("studentAssessment.csv"), List.of("id_assessment", "id_student", "date_submitted",
                "is_banked", "score"), submissions);
        write(dir.resolve("studentVle.csv"), List.of("code_module", "code_presentation", "id_student", "id_site",
                "date", "sum_click"), clicks);
    }

    // ------------------------------------------------------------------------------------------------ CSV

    private void csv(Path dir) throws IOException {
        Files.createDirectories(dir);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
        LocalDateTime termStart = LocalDateTime.of(2026, 9, 7, 8, 0);
        String course = "CAMPUS-MATH-2026A";
        String[] classes = {"一班", "二班"};
        String[][] resources = {{"v-01", "视频"}, {"v-02", "视频"}, {"d-01", "文档"}, {"d-02", "文档"},
                {"hw-01", "作业"}, {"hw-02", "作业"}};
        List<Object[]> out = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            String student = String.format("2026%04d", s + 1);
            String klass = classes[s % 2];
            double engagement = rng.nextDouble();
            for (int day = 0; day < 28; day++) {
                if (rng.nextDouble() > 0.15 + 0.5 * engagement) {
                    continue;
                }
                LocalDateTime t = termStart.plusDays(day).plusHours(rng.nextInt(12)).plusMinutes(rng.nextInt(60));
                out.add(row(student, f.format(t), "登录", "portal", "门户", course, klass, null, null, null));
                int steps = 1 + rng.nextInt(4);
                for (int k = 0; k < steps; k++) {
                    t = t.plusMinutes(2 + rng.nextInt(20));
                    String[] r = resources[rng.nextInt(resources.length)];
                    boolean work = r[1].equals("作业");
                    Integer score = work ? (int) Math.round(Math.max(0, Math.min(10, 4 + 6 * engagement
                            + rng.nextGaussian()))) : null;
                    out.add(row(student, f.format(t), work ? "提交" : r[1].equals("视频") ? "观看" : "浏览", r[0], r[1],
                            course, klass, score, work ? 10 : null, r[1].equals("视频") ? 60 + rng.nextInt(600) : null));
                }
            }
        }
        out.add(row("20260099", "明天", "登录", "portal", "门户", course, "一班", null, null, null));
        write(dir.resolve("campus-lms-export.csv"), List.of("学号", "时间", "行为", "资源", "资源类型", "课程", "班级",
                "得分", "满分", "时长"), out);
    }

    // ------------------------------------------------------------------------------------------------ io

    private static Object[] row(Object... values) {
        return values;
    }

    private void write(Path file, List<String> header, List<Object[]> data) throws IOException {
        CsvWriterSettings settings = new CsvWriterSettings();
        settings.getFormat().setLineSeparator("\n");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            CsvWriter csv = new CsvWriter(w, settings);
            csv.writeHeaders(header);
            for (Object[] r : data) {
                csv.writeRow(r);
            }
            csv.close();
        }
        rows.put(file.getParent().getFileName() + "/" + file.getFileName(), data.size());
    }
}
