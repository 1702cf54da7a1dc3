package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The samples' skills: the xAPI questions carry one skill each (the extension on their definitions), enough
 * learners per skill for a fit in the four courses of the random world, the prerequisites file the default
 * configuration reads lists them (a DAG), and the example mapping file gives the Caliper and edX samples' questions
 * skills by glob. The committed files are what {@link SkillSamples} writes.
 */
class SkillSamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLES = SparkTestBase.projectRoot().resolve("data-samples");

    @Test
    void theCommittedSkillFilesAreCurrent(@TempDir Path out) throws IOException {
        SkillSamples.Summary s = SkillSamples.generate(out);
        assertThat(s.prerequisites()).isEqualTo(12);
        for (String f : List.of(SkillSamples.PREREQUISITES, SkillSamples.MAPPING)) {
            assertThat(SAMPLES.resolve("skills").resolve(f))
                    .as("data-samples/skills/%s is stale: run bin/xueqing generate-samples --out data-samples", f)
                    .hasSameTextualContentAs(out.resolve("skills").resolve(f));
        }
    }

    @Test
    void everySampleQuestionPractisesOneSkillAndEachSkillHasEnoughLearners() throws IOException {
        // skill → learner → the questions answered
        Map<String, Map<String, Set<String>>> opportunities = new TreeMap<>();
        List<JsonNode> statements = new ArrayList<>();
        for (String course : List.of("DS101", "PY102", "ST105", "EC110")) {
            for (String line : gzipLines(SAMPLES.resolve("xapi/statements-" + course + "-2026A.jsonl.gz"))) {
                statements.add(JSON.readTree(line));
            }
        }
        JSON.readTree(SAMPLES.resolve("xapi/lrs-export-array.json").toFile()).forEach(statements::add);
        JSON.readTree(SAMPLES.resolve("xapi/lrs-export-envelope.json").toFile()).get("statements")
                .forEach(statements::add);
        for (String line : Files.readAllLines(SAMPLES.resolve("xapi/hand-course.jsonl"))) {
            statements.add(JSON.readTree(line));
        }
        int answered = 0;
        for (JsonNode s : statements) {
            JsonNode skills = s.at("/object/definition/extensions/" + Xapi.X_SKILLS.replace("/", "~1"));
            boolean question = s.at("/object/definition/type").asText().equals(Xapi.T_QUESTION);
            assertThat(skills.isMissingNode()).as("skills on questions only: %s", s.get("id")).isEqualTo(!question);
            if (!question) {
                continue;
            }
            answered++;
            assertThat(skills.size()).isEqualTo(1);
            String item = s.at("/object/id").asText();
            String skill = skills.get(0).asText();
            assertThat(skill).startsWith(item.substring(0, item.indexOf("/quiz/")) + "/skill/");
            JsonNode actor = s.get("actor");
            String learner = actor.has("mbox") ? actor.get("mbox").asText() : actor.at("/account/name").asText();
            opportunities.computeIfAbsent(skill, k -> new TreeMap<>()).computeIfAbsent(learner, k -> new HashSet<>())
                    .add(item);
        }
        assertThat(answered).isGreaterThan(5000);
        assertThat(opportunities).hasSize(14);
        opportunities.forEach((skill, byLearner) -> {
            double mean = byLearner.values().stream().mapToInt(Set::size).average().orElse(0);
            System.out.printf("%s: %d learners, %.1f questions each%n", skill, byLearner.size(), mean);
            if (!skill.contains("/HAND-001/")) {
                // what the knowledge-tracing fit needs (xueqing.skills.min-learners, min-mean-opportunities)
                assertThat(byLearner.size()).as(skill).isGreaterThanOrEqualTo(50);
                assertThat(mean).as(skill).isGreaterThanOrEqualTo(5);
            }
        });
        assertThat(opportunities.get(HandCourse.SKILL_BASICS)).containsOnlyKeys("hand-a", "hand-b");

        // the prerequisites file the default configuration reads: the samples' skills, a DAG (checked by the loader)
        File conf = SparkTestBase.projectRoot().resolve("conf/application.conf").toFile();
        XueqingConfig config = ConfigLoader.load(conf, List.of(),
                Map.of("XUEQING_HOME", SparkTestBase.projectRoot().toString()));
        Map<String, List<String>> prerequisites = config.skills().prerequisites();
        Set<String> named = new HashSet<>(prerequisites.keySet());
        prerequisites.values().forEach(named::addAll);
        assertThat(named).containsAll(opportunities.keySet());
        assertThat(prerequisites.get(HandCourse.SKILL_APPLICATIONS)).containsExactly(HandCourse.SKILL_BASICS);
    }

    @Test
    void theExampleMappingGivesTheCaliperAndEdxQuestionsOneSkillEach() throws IOException {
        Path mapping = SAMPLES.resolve("skills/mapping.csv");
        Map<Pattern, String> globs = GeneratedSkillsTest.globs(mapping);
        assertThat(globs.keySet()).anyMatch(p -> p.pattern().contains(".*"));
        Set<String> questions = new HashSet<>();
        for (String line : gzipLines(SAMPLES.resolve("caliper/events.jsonl.gz"))) {
            JsonNode e = JSON.readTree(line);
            if (e.path("type").asText().equals("AssessmentItemEvent")) {
                questions.add(e.at("/object/id").asText());
            }
        }
        for (String line : gzipLines(SAMPLES.resolve("edx/tracking.log.gz"))) {
            JsonNode e = JSON.readTree(line);
            if (e.path("event_type").asText().equals("problem_check")) {
                questions.add(e.at("/event/problem_id").asText());
            }
        }
        assertThat(questions).anyMatch(q -> q.startsWith("block-v1:")).anyMatch(q -> q.startsWith("https://"));
        for (String q : questions) {
            assertThat(globs.keySet().stream().filter(g -> g.matcher(q).matches()).count()).as(q).isEqualTo(1);
        }
        XueqingConfig config = ConfigLoader.load(null, List.of("xueqing.skills.mapping-file=\"" + mapping + "\""),
                Map.of());
        assertThat(config.skills().mapping()).hasSize(24);
    }

    private static List<String> gzipLines(Path gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }
}
