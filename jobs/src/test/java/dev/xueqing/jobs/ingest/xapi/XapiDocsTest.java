package dev.xueqing.jobs.ingest.xapi;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.testing.SparkTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/xapi.md in step with the defaults: every verb IRI and activity type IRI of the default
 * {@code xueqing.xapi} maps has a table row on the page naming its canonical value, and the page names every
 * quarantine reason the xAPI path can produce (today that is every {@link QuarantineReason}; exclude a reason here
 * if one is added that only another source can produce), and the extension IRIs the mapper reads.
 */
class XapiDocsTest {
    private static final XueqingConfig.Xapi XAPI = ConfigLoader.defaults().xapi();
    /** Quarantine reasons only other adapters produce. */
    private static final Set<String> OTHER_SOURCES_ONLY = Set.of("not_an_event", "unknown_columns",
            "unknown_event_type", "invalid_action", "invalid_entity", "invalid_profile", "malformed_csv",
            "unknown_entity_type", "invalid_value_type", "unknown_value", "missing_property");

    private static List<String> docLines() throws IOException {
        Path doc = SparkTestBase.projectRoot().resolve("docs").resolve("xapi.md");
        assertThat(doc).as("docs/xapi.md").isRegularFile();
        return Files.readAllLines(doc, StandardCharsets.UTF_8);
    }

    @Test
    void everyDefaultVerbHasARowWithItsAction() throws IOException {
        assertTableRows(docLines(), XAPI.verbs(), "verb");
    }

    @Test
    void everyDefaultActivityTypeHasARowWithItsObjectType() throws IOException {
        assertTableRows(docLines(), XAPI.activityTypes(), "activity type");
    }

    @Test
    void everyQuarantineReasonOfTheXapiPathIsNamed() throws IOException {
        String doc = String.join("\n", docLines());
        for (QuarantineReason reason : QuarantineReason.values()) {
            if (OTHER_SOURCES_ONLY.contains(reason.code())) {
                continue;
            }
            assertThat(doc).as("quarantine reason %s in docs/xapi.md", reason.code())
                    .contains("`" + reason.code() + "`");
        }
    }

    @Test
    void theExtensionIrisTheMapperReadsAreNamed() throws IOException {
        String doc = String.join("\n", docLines());
        Set<String> iris = new java.util.TreeSet<>(XapiMapper.ATTEMPT_EXTENSIONS);
        iris.addAll(XAPI.roleExtensions());
        iris.addAll(XAPI.dueTimeExtensions());
        iris.addAll(XAPI.weightExtensions());
        iris.addAll(XAPI.videoLengthExtensions());
        for (String iri : iris) {
            assertThat(doc).as("extension %s in docs/xapi.md", iri).contains("`" + iri + "`");
        }
    }

    /** Each map entry needs a Markdown table row holding the IRI and the mapped value, both in backticks. */
    private static void assertTableRows(List<String> lines, Map<String, String> map, String what) {
        assertThat(map).as("default %s map", what).isNotEmpty();
        for (Map.Entry<String, String> e : map.entrySet()) {
            String iri = "`" + e.getKey() + "`";
            String value = "`" + e.getValue() + "`";
            boolean found = lines.stream().map(String::trim)
                    .filter(l -> l.startsWith("|"))
                    .anyMatch(l -> l.contains("| " + iri + " |") && l.contains(value));
            assertThat(found).as("docs/xapi.md has a table row for %s %s -> %s", what, e.getKey(), e.getValue())
                    .isTrue();
        }
    }
}
