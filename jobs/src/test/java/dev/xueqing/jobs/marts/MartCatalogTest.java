package dev.xueqing.jobs.marts;

import dev.xueqing.common.schema.ColumnSpec;
import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.schema.MartDictionary;
import dev.xueqing.common.schema.MartSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MartCatalogTest {
    @Test
    void listsEveryMartWithDocumentedSpecs() {
        List<MartSpec> specs = MartCatalog.all().stream().map(Mart::spec).toList();
        assertThat(specs).extracting(MartSpec::name).containsExactly("learner_daily_activity",
                "learner_course_progress", "learner_segments", "course_weekly_quality", "course_quality_summary", "cohort_retention",
                "assessment_item_stats", "assessment_reliability", "assessment_item_difficulty", "learner_ability",
                "learner_questions", "tutor_service_quality", "learning_index", "learning_index_diagnostics",
                "learning_index_sensitivity", "data_quality");
        for (MartSpec s : specs) {
            assertThat(s.description()).isNotBlank();
            assertThat(s.area()).isNotBlank();
            assertThat(s.columnNames()).containsAll(s.grain());
            assertThat(s.columns()).allSatisfy(c -> assertThat(c.description()).as(s.name() + "." + c.name()).isNotBlank());
            assertThat(s.columnNames()).doesNotHaveDuplicates();
        }
        // every learning mart reads events (data_quality reads _runs); the dictionary renders every mart
        assertThat(MartCatalog.all().subList(0, 5))
                .allSatisfy(m -> assertThat(m.inputs()).contains(dev.xueqing.common.io.DatasetRef.EVENTS));
        String doc = MartDictionary.render(DimSpecs.ALL, specs);
        specs.forEach(s -> assertThat(doc).contains("## " + s.name()));
        assertThat(specs.get(4).columns().stream().map(ColumnSpec::name))
                .contains("active_rate_threshold", "active_rate_flag", "dropout_rate_flag", "flags", "flag_count",
                        "segment_mix");
    }
}
