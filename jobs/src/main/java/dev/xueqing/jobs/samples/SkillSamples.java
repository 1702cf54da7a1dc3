package dev.xueqing.jobs.samples;

import dev.xueqing.jobs.samples.SampleDataGenerator.SkillDef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.xueqing.jobs.samples.Xapi.HOME;

/**
 * The skill files of the samples → {@code <out>/skills/}: {@code prerequisites.csv} (what {@code conf/application.conf}
 * reads) and {@code mapping.csv}, an example mapping file that no configuration reads by default.
 *
 * <p>The xAPI samples' questions carry their skills in their definitions ({@link SampleDataGenerator#SKILLS},
 * {@link HandCourse#SKILLS}); the prerequisites file lists what those skills require, so the two cannot drift.
 * The Caliper and edX samples (two courses of the scale generator, {@link FormatSamples}) have no skills in their
 * events: the example mapping file gives their quiz questions skills by glob over each format's question ids
 * (questions 1–2 of every weekly quiz practise {@code recall}, questions 3–6 {@code application}, which requires
 * it; those prerequisites are in the prerequisites file too). No randomness: the same files every time.
 */
public final class SkillSamples {
    static final String FOLDER = "skills";
    static final String PREREQUISITES = "prerequisites.csv";
    static final String MAPPING = "mapping.csv";

    /** The example mapping's skills of a generated course, in prerequisite order: names and the questions. */
    static final List<SkillDef> GENERATED_SKILLS = List.of(new SkillDef("recall", List.of()),
            new SkillDef("application", List.of("recall")));

    private SkillSamples() {}

    /** What was written: rows of each file, header not counted. */
    public record Summary(int prerequisites, int mappingRows) {}

    /** Writes {@code outDir/skills/prerequisites.csv} and {@code outDir/skills/mapping.csv}. */
    public static Summary generate(Path outDir) {
        List<String> prerequisites = new ArrayList<>();
        for (int ci = 0; ci < SampleDataGenerator.SKILLS.size(); ci++) {
            prerequisites.addAll(rows(SampleDataGenerator.courseId(ci), SampleDataGenerator.SKILLS.get(ci)));
        }
        prerequisites.addAll(rows(HandCourse.COURSE, HandCourse.SKILLS));
        List<String> mapping = new ArrayList<>();
        for (int c = 1; c <= FormatSamples.COURSES; c++) {
            String code = String.format(Locale.ROOT, "GEN%03d-2026A", c);
            String course = HOME + "/course/" + code;
            prerequisites.addAll(rows(course, GENERATED_SKILLS));
            String edxProblem = "block-v1:Xueqing+" + code.replace('-', '+') + "+type@problem+block@quiz_w*_q";
            for (String prefix : List.of(course + "/quiz/*/q", edxProblem)) {   // Caliper (the generator's ids), edX
                for (int q = 1; q <= 6; q++) {
                    String skill = SampleDataGenerator.skillId(course, GENERATED_SKILLS.get(q <= 2 ? 0 : 1).name());
                    mapping.add(prefix + q + "," + skill);
                }
            }
        }
        try {
            Path dir = Files.createDirectories(outDir.resolve(FOLDER));
            write(dir.resolve(PREREQUISITES), "skill_id,requires_skill_id", prerequisites);
            write(dir.resolve(MAPPING), "item_id,skill_id", mapping);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Summary(prerequisites.size(), mapping.size());
    }

    /** {@code skill_id,requires_skill_id} rows of a course's skills. */
    private static List<String> rows(String courseId, List<SkillDef> skills) {
        List<String> out = new ArrayList<>();
        for (SkillDef s : skills) {
            for (String required : s.requires()) {
                out.add(SampleDataGenerator.skillId(courseId, s.name()) + ","
                        + SampleDataGenerator.skillId(courseId, required));
            }
        }
        return out;
    }

    private static void write(Path file, String header, List<String> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(header);
            w.write('\n');
            for (String row : rows) {
                w.write(row);
                w.write('\n');
            }
        }
    }
}
