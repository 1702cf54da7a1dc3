package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.ml.skills.Bkt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xueqing generate}'s skills: a DAG of 6–8 skills per course with true BKT parameters in the truth files, a
 * mapping file whose globs match exactly each skill's practice questions, a config snippet the real loader reads,
 * practice answers that follow BKT (first-opportunity and later correct rates as the truth predicts) and carry the
 * skills extension in xAPI, and every other event the same with or without skills.
 */
class GeneratedSkillsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    /** 300 learners, 2 courses, 10 weeks, xAPI: the world of SegmentsRecoverProfilesTest. */
    static Path world;
    static Map<String, SkillTruth> truth;
    /** skill → learner → the learner's practice answers (1 correct) in time order. */
    static Map<String, Map<String, List<Integer>>> answers;

    record SkillTruth(String course, String id, double prior, double learn, double guess, double slip,
            List<String> requires, int questions) {
        /** P(correct) at opportunity t (1-based): P(known) = 1 − (1 − prior)(1 − learn)^(t − 1). */
        double correct(int t) {
            double known = 1 - (1 - prior) * Math.pow(1 - learn, t - 1);
            return known * (1 - slip) + (1 - known) * guess;
        }
    }

    @BeforeAll
    static void generate() throws IOException {
        world = dir.resolve("world");
        ScaleGenerator.generate(new ScaleGenerator.Options(300, 2, 10, world, "xapi", 17, 8, 0.005, 0.01, 0.003,
                1_000_000));
        truth = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(world.resolve("_truth/skills.csv"));
        assertThat(lines.get(0)).isEqualTo("course_id,skill_id,prior,learn,guess,slip,prerequisites,questions,"
                + "first_week,last_week");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            truth.put(f[1], new SkillTruth(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    f[6].isEmpty() ? List.of() : List.of(f[6].split(";")), Integer.parseInt(f[7])));
        }
        // first answer of each statement id (duplicates are exact copies), in time order per learner and skill
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (String line : lines(world.resolve("part-00000.jsonl.gz"))) {
            JsonNode s;
            try {
                s = JSON.readTree(line);
            } catch (IOException malformed) {
                continue;
            }
            byId.putIfAbsent(s.get("id").asText(), s);
        }
        Map<String, Map<String, TreeMap<String, Integer>>> timed = new TreeMap<>();
        for (JsonNode s : byId.values()) {
            JsonNode skills = s.at("/object/definition/extensions/urn:xueqing:extension:skills");
            if (skills.isMissingNode()) {
                continue;
            }
            assertThat(skills.size()).as("one skill per question").isEqualTo(1);
            assertThat(s.at("/verb/id").asText()).isEqualTo(Xapi.V_ANSWERED);
            assertThat(s.at("/object/id").asText()).contains("/practice/w");
            assertThat(s.at("/context/contextActivities/parent/0/id").asText())
                    .as("parent: the week's practice set").isEqualTo(s.at("/object/id").asText()
                            .replaceAll("/[a-z]+-q\\d+$", ""));
            // timestamps of one learner share the +08:00 offset, so they sort as text; the id breaks ties
            timed.computeIfAbsent(skills.get(0).asText(), k -> new TreeMap<>())
                    .computeIfAbsent(s.at("/actor/account/name").asText(), k -> new TreeMap<>())
                    .put(s.get("timestamp").asText() + " " + s.at("/object/id").asText(),
                            s.at("/result/success").asBoolean() ? 1 : 0);
        }
        answers = new TreeMap<>();
        timed.forEach((skill, byLearner) -> {
            Map<String, List<Integer>> seqs = new TreeMap<>();
            byLearner.forEach((learner, seq) -> seqs.put(learner, new ArrayList<>(seq.values())));
            answers.put(skill, seqs);
        });
    }

    @Test
    void eachCourseHasADagOfSixToEightSkillsWithTruthInTheDocumentedRanges() throws IOException {
        Map<String, Integer> perCourse = new TreeMap<>();
        Map<String, Integer> order = new HashMap<>();
        int prerequisites = 0;
        for (SkillTruth s : truth.values()) {
            int k = perCourse.merge(s.course(), 1, Integer::sum) - 1;
            order.put(s.id(), k);
            assertThat(s.id()).startsWith(s.course() + "/skill/");
            assertThat(s.prior()).isBetween(0.1, 0.5);
            assertThat(s.learn()).isBetween(0.05, 0.3);
            assertThat(s.guess()).isBetween(0.05, 0.3);
            assertThat(s.slip()).isBetween(0.05, 0.2);
            assertThat(s.questions()).isBetween(8, 15);
            for (String r : s.requires()) {
                // the skills are listed in prerequisite order: a skill requires earlier skills of its course
                assertThat(truth.get(r).course()).isEqualTo(s.course());
                assertThat(order.get(r)).as(s.id() + " requires " + r).isNotNull().isLessThan(k);
            }
            assertThat(s.requires().isEmpty()).as("only the first skill of a course has no prerequisite")
                    .isEqualTo(k == 0);
            prerequisites += s.requires().size();
        }
        assertThat(perCourse).hasSize(2).allSatisfy((c, n) -> assertThat(n).isBetween(6, 8));
        assertThat(Files.readAllLines(world.resolve("_truth/skill-prerequisites.csv")))
                .hasSize(1 + prerequisites).startsWith("skill_id,requires_skill_id");

        // the config snippet names both files; the real loader reads them (and would reject a cycle)
        XueqingConfig config = ConfigLoader.load(world.resolve("_truth/skills.conf").toFile(), List.of(), Map.of());
        XueqingConfig.Skills skills = config.skills();
        assertThat(Path.of(skills.mappingFile())).isEqualTo(world.resolve("_truth/skill-mapping.csv").toAbsolutePath());
        assertThat(skills.mapping()).hasSize(truth.size());
        truth.values().forEach(s -> assertThat(skills.prerequisites().getOrDefault(s.id(), List.of()))
                .as(s.id()).containsExactlyInAnyOrderElementsOf(s.requires()));
    }

    @Test
    void theMappingGlobsMatchEachSkillsPracticeQuestionsAndNothingElse() throws IOException {
        Map<Pattern, String> globs = globs(world.resolve("_truth/skill-mapping.csv"));
        Set<String> items = new HashSet<>();
        for (String line : lines(world.resolve("part-00000.jsonl.gz"))) {
            if (line.contains(Xapi.V_ANSWERED) && line.endsWith("}")) {
                JsonNode s = JSON.readTree(line);
                JsonNode skills = s.at("/object/definition/extensions/urn:xueqing:extension:skills");
                String item = s.at("/object/id").asText();
                List<String> mapped = globs.entrySet().stream().filter(g -> g.getKey().matcher(item).matches())
                        .map(Map.Entry::getValue).toList();
                // quiz questions (Rasch) have no skill; a practice question has one, the same in both sources
                assertThat(mapped).as(item).isEqualTo(skills.isMissingNode() ? List.of() : List.of(skills.get(0).asText()));
                items.add(item);
            }
        }
        assertThat(items).anyMatch(i -> i.contains("/quiz/")).anyMatch(i -> i.contains("/practice/"));
    }

    @Test
    void practiceAnswersFollowBktWithTheTrueParameters() {
        assertThat(answers.keySet()).isEqualTo(truth.keySet());
        double pooledObserved = 0;
        double pooledExpected = 0;
        double pooledVariance = 0;
        for (SkillTruth s : truth.values()) {
            Map<String, List<Integer>> seqs = answers.get(s.id());
            // enough for a fit: at least 50 learners and 5 opportunities per learner on average
            double meanOpportunities = seqs.values().stream().mapToInt(List::size).average().orElse(0);
            assertThat(seqs.size()).as(s.id() + " learners").isGreaterThanOrEqualTo(50);
            assertThat(meanOpportunities).as(s.id() + " opportunities per learner").isGreaterThanOrEqualTo(5);
            assertThat(seqs.values().stream().mapToInt(List::size).max().orElse(0)).as("at most all questions")
                    .isLessThanOrEqualTo(s.questions());
            assertThat(seqs.values().stream().mapToInt(List::size).min().orElse(0))
                    .as("learners who stop practise less").isLessThan(s.questions());
            // first opportunity: P(correct) = prior·(1 − slip) + (1 − prior)·guess, within 4 standard errors
            int n = seqs.size();
            double firstCorrect = seqs.values().stream().mapToInt(q -> q.get(0)).sum();
            double p1 = s.correct(1);
            System.out.printf("%s: %d learners, %.1f opportunities each, first answers %.3f correct (truth %.3f)%n",
                    s.id(), n, meanOpportunities, firstCorrect / n, p1);
            assertThat(Math.abs(firstCorrect - n * p1) / Math.sqrt(n * p1 * (1 - p1)))
                    .as("%s: %s of %d first answers correct, %.3f expected", s.id(), firstCorrect, n, p1)
                    .isLessThan(4);
            // later opportunities, pooled over skills: the learning curve of the truth
            for (List<Integer> q : seqs.values()) {
                for (int t = 2; t <= Math.min(q.size(), 8); t++) {
                    double p = s.correct(t);
                    pooledObserved += q.get(t - 1);
                    pooledExpected += p;
                    pooledVariance += p * (1 - p);
                }
            }
        }
        System.out.printf("opportunities 2–8: %.0f correct, %.1f expected%n", pooledObserved, pooledExpected);
        assertThat(Math.abs(pooledObserved - pooledExpected) / Math.sqrt(pooledVariance))
                .as("opportunities 2–8: %.0f correct, %.1f expected", pooledObserved, pooledExpected).isLessThan(4);
    }

    @Test
    void bktFittedOnTheAnswersBeatsTheMajorityClass() {
        long bktRight = 0;
        long floorRight = 0;
        double bktLogLik = 0;
        double floorLogLik = 0;
        for (SkillTruth s : truth.values()) {
            int[][] seqs = answers.get(s.id()).values().stream()
                    .map(q -> q.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
            Bkt.Params fit = Bkt.fit(seqs, Bkt.Options.defaults(20261205L)).params();
            long correct = 0;
            long total = 0;
            for (int[] q : seqs) {
                for (int x : q) {
                    correct += x;
                    total++;
                }
            }
            double rate = (double) correct / total;
            for (int[] q : seqs) {
                double[] p = Bkt.predictCorrect(fit, q);
                for (int t = 0; t < q.length; t++) {
                    bktRight += (p[t] >= 0.5) == (q[t] == 1) ? 1 : 0;
                    floorRight += (rate >= 0.5) == (q[t] == 1) ? 1 : 0;
                    bktLogLik += Math.log(q[t] == 1 ? p[t] : 1 - p[t]);
                    floorLogLik += Math.log(q[t] == 1 ? rate : 1 - rate);
                }
            }
        }
        System.out.printf("generated skills: %d; BKT fitted in-sample: %d answers right, majority class %d;"
                + " log-likelihood %.1f vs %.1f%n", truth.size(), bktRight, floorRight, bktLogLik, floorLogLik);
        assertThat(bktRight).as("answers BKT predicts right, vs the majority class per skill")
                .isGreaterThan(floorRight);
        assertThat(bktLogLik).isGreaterThan(floorLogLik);
    }

    @Test
    void everyOtherEventIsTheSameWithOrWithoutSkills(@TempDir Path tmp) throws IOException {
        for (String format : List.of("xapi", "edx")) {
            Path with = tmp.resolve(format + "-with");
            Path without = tmp.resolve(format + "-without");
            ScaleGenerator.Summary a = ScaleGenerator.generate(new ScaleGenerator.Options(60, 2, 4, with, format, 5,
                    25, 0.02, 0.02, 0.01, 1_000_000, true, true, true));
            ScaleGenerator.Summary b = ScaleGenerator.generate(new ScaleGenerator.Options(60, 2, 4, without, format,
                    5, 25, 0.02, 0.02, 0.01, 1_000_000, true, true, false));
            assertThat(a.practiceAnswers()).isPositive();
            assertThat(b.practiceAnswers()).isZero();
            Map<Pattern, String> globs = globs(with.resolve("_truth/skill-mapping.csv"));
            // the well-formed lines (duplicates and late ones included) apart from the practice answers, which the
            // mapping matches, are the lines written without skills, in the same order
            List<String> rest = new ArrayList<>();
            long practice = 0;
            for (String line : wellFormed(with.resolve("part-00000" + EventFormat.of(format).suffix()))) {
                String item = JSON.readTree(line).at(format.equals("edx") ? "/event/problem_id" : "/object/id")
                        .asText();
                boolean mapped = globs.keySet().stream().anyMatch(g -> g.matcher(item).matches());
                practice += mapped ? 1 : 0;
                if (!mapped) {
                    rest.add(line);
                }
            }
            assertThat(practice).as(format + " practice lines").isGreaterThanOrEqualTo(a.practiceAnswers());
            assertThat(rest).as(format + ": the other lines, in the same order")
                    .isEqualTo(wellFormed(without.resolve("part-00000" + EventFormat.of(format).suffix())));
            assertThat(a.events() - a.practiceAnswers()).isEqualTo(b.events());
            for (String truthFile : List.of("learners.csv", "items.csv", "tutors.csv")) {
                assertThat(with.resolve("_truth/" + truthFile)).hasSameBinaryContentAs(without.resolve("_truth/"
                        + truthFile));
            }
            assertThat(without.resolve("_truth/skills.csv")).doesNotExist();
        }
    }

    @Test
    void theCliWritesSkillsByDefaultAndNotWithNoSkills(@TempDir Path tmp) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(new String[] {"generate", "--learners", "5", "--courses", "1", "--weeks", "2",
            "--out", tmp.resolve("on").toString(), "--format", "csv", "--seed", "1"}, Map.of(), new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("skill-practice answers", "--conf _truth/skills.conf");
        assertThat(tmp.resolve("on/_truth/skills.csv")).exists();
        // for csv, skills.conf includes the column mapping: one --conf serves the ingest
        XueqingConfig config = ConfigLoader.load(tmp.resolve("on/_truth/skills.conf").toFile(), List.of(), Map.of());
        assertThat(config.skills().mapping()).isNotEmpty();
        assertThat(config.csvMapping("generated").name()).isEqualTo("generated");

        code = XueqingCli.execute(new String[] {"generate", "--learners", "5", "--courses", "1", "--weeks", "2",
            "--out", tmp.resolve("off").toString(), "--no-skills"}, Map.of(), new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(tmp.resolve("off/_truth/skills.csv")).doesNotExist();
        assertThat(tmp.resolve("off/_truth/skills.conf")).doesNotExist();
    }

    /** The lines that parse as JSON (the broken copies, the first half of a line, do not). */
    private static List<String> wellFormed(Path gz) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : lines(gz)) {
            try {
                JSON.readTree(line);
                out.add(line);
            } catch (IOException broken) {
                // a deliberately malformed line
            }
        }
        return out;
    }

    /** Mapping rows as patterns: {@code *} any run of characters, {@code ?} one character, the rest literal. */
    static Map<Pattern, String> globs(Path mapping) throws IOException {
        List<String> rows = Files.readAllLines(mapping);
        assertThat(rows.get(0)).isEqualTo("item_id,skill_id");
        Map<Pattern, String> out = new LinkedHashMap<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            StringBuilder re = new StringBuilder();
            for (char ch : f[0].toCharArray()) {
                re.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
            }
            out.put(Pattern.compile(re.toString()), f[1]);
        }
        return out;
    }

    private static List<String> lines(Path gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8)); Stream<String> s = r.lines()) {
            return s.toList();
        }
    }
}
