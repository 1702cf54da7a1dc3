package dev.xueqing.common.config;

import dev.xueqing.common.config.XueqingConfig.Skills.ItemSkill;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two files of {@code xueqing.skills}: the item → skill mapping and the prerequisites (no cycle). */
class SkillFilesTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void mappingRowsInFileOrderTrimmedWithoutRepeats() throws IOException {
        Path f = file("map.csv", "\uFEFFitem_id,skill_id\r\n*/quiz/3/*, fractions\r\n\r\nC/q/1,add\r\n"
                + "*/quiz/3/*,fractions\r\n\"C/q,2\",add\r\n");
        assertThat(SkillFiles.mapping(f)).containsExactly(new ItemSkill("*/quiz/3/*", "fractions"),
                new ItemSkill("C/q/1", "add"), new ItemSkill("C/q,2", "add"));
    }

    @Test
    void aWrongOrMissingHeaderNamesTheExpectedOne() throws IOException {
        assertThatThrownBy(() -> SkillFiles.mapping(file("a.csv", "item,skill\nq1,a\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("xueqing.skills.mapping-file")
                .hasMessageContaining("must start with the header item_id,skill_id, not item,skill.");
        assertThatThrownBy(() -> SkillFiles.mapping(file("b.csv", "item_id\nq1\n")))
                .hasMessageContaining("must start with the header item_id,skill_id, not item_id.");
        assertThatThrownBy(() -> SkillFiles.mapping(file("c.csv", "")))
                .hasMessageContaining("must start with the header item_id,skill_id (the file is empty).");
        assertThatThrownBy(() -> SkillFiles.prerequisites(file("d.csv", "skill_id,requires\na,b\n")))
                .hasMessageContaining("xueqing.skills.prerequisites-file")
                .hasMessageContaining("must start with the header skill_id,requires_skill_id");
    }

    @Test
    void anEmptyFieldNamesTheFileAndLine() throws IOException {
        Path f = file("map.csv", "item_id,skill_id\nq1,a\nq2, \nq3,b\n");
        assertThatThrownBy(() -> SkillFiles.mapping(f)).isInstanceOf(ConfigException.class)
                .hasMessage("xueqing.skills.mapping-file (" + f + ") line 3: both item_id and skill_id must be given.");
        Path g = file("prereq.csv", "skill_id,requires_skill_id\nb,a\nc\n");
        assertThatThrownBy(() -> SkillFiles.prerequisites(g))
                .hasMessage("xueqing.skills.prerequisites-file (" + g + ") line 3: both skill_id and "
                        + "requires_skill_id must be given.");
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nowhere.csv");
        assertThatThrownBy(() -> SkillFiles.mapping(f)).isInstanceOf(ConfigException.class)
                .hasMessage("xueqing.skills.mapping-file = '" + f + "': no such file.");
    }

    @Test
    void prerequisitesInFileOrderWithoutRepeats() throws IOException {
        Path f = file("prereq.csv", "skill_id,requires_skill_id\nfrac,mul\nfrac,add\nmul,add\nfrac,mul\n");
        assertThat(SkillFiles.prerequisites(f)).containsExactly(Map.entry("frac", List.of("mul", "add")),
                Map.entry("mul", List.of("add")));
    }

    @Test
    void aCycleIsSpelledOut() throws IOException {
        Path f = file("prereq.csv", "skill_id,requires_skill_id\na,b\nb,c\nc,a\n");
        assertThatThrownBy(() -> SkillFiles.prerequisites(f)).isInstanceOf(ConfigException.class)
                .hasMessage("xueqing.skills.prerequisites-file (" + f + ") has a cycle: a → b → c → a. A skill "
                        + "cannot be its own prerequisite, directly or through others.");
    }

    @Test
    void aCycleBelowAnAcyclicStartIsFoundFromItsFirstSkill() throws IOException {
        Path f = file("prereq.csv", "skill_id,requires_skill_id\nz,b\nb,c\nc,b\n");
        assertThatThrownBy(() -> SkillFiles.prerequisites(f)).hasMessageContaining("has a cycle: b → c → b.");
    }

    @Test
    void aSelfLoopIsACycle() throws IOException {
        Path f = file("prereq.csv", "skill_id,requires_skill_id\nb,a\na,a\n");
        assertThatThrownBy(() -> SkillFiles.prerequisites(f)).hasMessageContaining("has a cycle: a → a.");
    }

    @Test
    void aDiamondIsNotACycle() throws IOException {
        // top requires left and right, both require base: two paths to base, no way back
        Path f = file("prereq.csv", "skill_id,requires_skill_id\ntop,left\ntop,right\nleft,base\nright,base\n");
        assertThat(SkillFiles.prerequisites(f)).containsExactly(Map.entry("top", List.of("left", "right")),
                Map.entry("left", List.of("base")), Map.entry("right", List.of("base")));
    }

    @Test
    void theConfigReadsBothFilesAtLoad() throws IOException {
        Path map = file("map.csv", "item_id,skill_id\nC/q/1,add\n");
        Path prereq = file("prereq.csv", "skill_id,requires_skill_id\nfrac,add\n");
        XueqingConfig c = ConfigLoader.load(null, List.of("xueqing.skills.mapping-file=\"" + map + "\"",
                "xueqing.skills.prerequisites-file=\"" + prereq + "\""), Map.of());
        assertThat(c.skills().mapping()).containsExactly(new ItemSkill("C/q/1", "add"));
        assertThat(c.skills().prerequisites()).containsExactly(Map.entry("frac", List.of("add")));
        assertThat(c.skills().extensions()).containsExactly("urn:xueqing:extension:skills");

        Path cyclic = file("cyclic.csv", "skill_id,requires_skill_id\na,a\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("xueqing.skills.prerequisites-file=\""
                + cyclic + "\""), Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("a → a");
    }
}
