package dev.xueqing.jobs.docs;

import dev.xueqing.common.testing.SparkTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated pages in docs/ must equal what the code renders now: run `bin/xueqing docs` after a change. */
class GeneratedDocsTest {
    @Test
    void generatedDocsAreUpToDate() throws IOException {
        Path docs = SparkTestBase.projectRoot().resolve("docs");
        for (Map.Entry<String, String> page : Docs.render().entrySet()) {
            Path file = docs.resolve(page.getKey());
            assertThat(file).as("docs/%s is missing: run bin/xueqing docs", page.getKey()).exists();
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as("docs/%s is stale: run bin/xueqing docs and commit the result", page.getKey())
                    .isEqualTo(page.getValue());
        }
    }

    @Test
    void dictionaryDocumentsEveryMartOfTheDesign() {
        String md = Docs.render().get("marts.md");
        for (String mart : new String[] {"learner_daily_activity", "learner_course_progress", "course_weekly_quality",
                "course_quality_summary", "cohort_retention", "learner_questions", "tutor_service_quality",
                "data_quality", "learners", "courses", "enrollments",
                "course_items"}) {
            assertThat(md).contains("## " + mart + "\n");
        }
    }
}
