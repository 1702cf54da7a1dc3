package dev.xueqing.jobs.dims;

import dev.xueqing.common.config.XueqingConfig.Skills.ItemSkill;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.model.ObjectObservation;
import dev.xueqing.common.schema.Datasets;
import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.schema.ExpectationChecker;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static dev.xueqing.jobs.marts.MartTestData.ev;
import static dev.xueqing.jobs.marts.MartTestData.events;
import static org.assertj.core.api.Assertions.assertThat;

/** The skills of {@code course_items}: from the mapping file where it matches an item, else from the source. */
class DimsJobTest extends SparkTestBase {
    static final String C = "C";
    static final Instant T = Instant.parse("2026-11-02T01:00:00Z");

    static Row observed(String object, String type, List<String> skills) {
        return new ObjectObservation(C, object, type, null, null, null, null, null, "t1", T, skills).toRow();
    }

    /** course_items' skills by object_id, after checking the dim's expectations (skills never null). */
    static Map<String, List<String>> skills(List<ItemSkill> mapping) {
        Dataset<Row> events = events(List.of(
                ev("l1", C, "2026-11-02 09:00").action("answered").object("C/quiz/3/q1", "question"),
                ev("l1", C, "2026-11-02 09:01").action("answered").object("C/quiz/3/q2", "question"),
                ev("l1", C, "2026-11-02 09:02").action("answered").object("C/quiz/30/q1", "question"),
                ev("l1", C, "2026-11-02 09:03").action("answered").object("C/quiz/5/q1", "question"),
                ev("l1", C, "2026-11-02 09:04").action("answered").object("C/quiz/6/q1", "question"),
                ev("l1", C, "2026-11-02 09:05").object("C/page/1", "page")));
        Dataset<Row> observations = spark().createDataFrame(List.of(
                observed(C, "course", null),
                observed("C/quiz/3", "quiz", null),
                observed("C/quiz/3/q1", "question", List.of("source-x")),
                // C/quiz/3/q2 only in events: no observation
                observed("C/quiz/30/q1", "question", List.of("decimals")),
                observed("C/quiz/5/q1", "question", List.of("source-y")),
                observed("C/quiz/6/q1", "question", List.of("b", "a", "b")),
                observed("C/page/1", "page", List.of())), Datasets.OBJECT_OBSERVATIONS);
        DimsJob.Dims dims = DimsJob.transform(events, observations, mapping);
        ExpectationChecker.require(DimSpecs.COURSE_ITEMS, dims.items(),
                ref -> ref.equals(DatasetRef.COURSES) ? dims.courses() : null);
        Map<String, List<String>> out = new TreeMap<>();
        for (Row r : dims.items().collectAsList()) {
            out.put(r.getAs("object_id"), r.getList(r.fieldIndex("skills")));
        }
        return out;
    }

    @Test
    void mappingRowsReplaceTheSourcesSkillsOfTheItemsTheyMatch() {
        Map<String, List<String>> skills = skills(List.of(
                new ItemSkill("*/quiz/3/*", "fractions"),
                new ItemSkill("C/quiz/5/q1", "subtract"),
                new ItemSkill("C/quiz/5/q1", "add"),
                new ItemSkill("C/quiz/?/q2", "add")));
        assertThat(skills).containsOnlyKeys("C/quiz/3", "C/quiz/3/q1", "C/quiz/3/q2", "C/quiz/30/q1", "C/quiz/5/q1",
                "C/quiz/6/q1", "C/page/1");
        // the glob maps both questions of quiz 3 (one seen only in events), replacing q1's own skill
        assertThat(skills.get("C/quiz/3/q1")).containsExactly("fractions");
        // ... q2 also matches C/quiz/?/q2: the skills of every matching row, sorted
        assertThat(skills.get("C/quiz/3/q2")).containsExactly("add", "fractions");
        // the glob is over the whole id: not the quiz itself, not quiz 30
        assertThat(skills.get("C/quiz/3")).isEmpty();
        assertThat(skills.get("C/quiz/30/q1")).containsExactly("decimals");
        // a literal id, two rows, replacing the source's skill
        assertThat(skills.get("C/quiz/5/q1")).containsExactly("add", "subtract");
        // unmapped: the source's skills, sorted and distinct; none: empty, never null
        assertThat(skills.get("C/quiz/6/q1")).containsExactly("a", "b");
        assertThat(skills.get("C/page/1")).isEmpty();
    }

    @Test
    void withoutAMappingFileItemsKeepTheirSourcesSkills() {
        Map<String, List<String>> skills = skills(List.of());
        assertThat(skills.get("C/quiz/3/q1")).containsExactly("source-x");
        assertThat(skills.get("C/quiz/3/q2")).isEmpty();
        assertThat(skills.get("C/quiz/5/q1")).containsExactly("source-y");
    }

    @Test
    void globsTranslateToAnchoredRegexesWithLiteralParts() {
        String quiz = DimsJob.globRegex("*/quiz/3/*");
        assertThat(Pattern.compile(quiz).matcher("https://lms/c/quiz/3/q1").find()).isTrue();
        assertThat(Pattern.compile(quiz).matcher("https://lms/c/quiz/3/").find()).isTrue();
        assertThat(Pattern.compile(quiz).matcher("https://lms/c/quiz/30/q1").find()).isFalse();
        assertThat(Pattern.compile(quiz).matcher("https://lms/c/quiz/3").find()).isFalse();
        // regex metacharacters are literal; ? is exactly one character
        String odd = DimsJob.globRegex("item(1).?");
        assertThat(Pattern.compile(odd).matcher("item(1).x").find()).isTrue();
        assertThat(Pattern.compile(odd).matcher("item(1)ax").find()).isFalse();
        assertThat(Pattern.compile(odd).matcher("item(1).").find()).isFalse();
        assertThat(Pattern.compile(odd).matcher("item(1).xy").find()).isFalse();
        assertThat(Pattern.compile(odd).matcher("a item(1).x").find()).isFalse();
    }
}
