package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.cli.XueqingCli;
import dev.xueqing.jobs.ingest.caliper.CaliperMapper;
import dev.xueqing.jobs.ingest.edx.EdxMapper;
import dev.xueqing.jobs.ingest.moodle.MoodleMapper;
import dev.xueqing.jobs.ingest.moodle.MoodleMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mapping tables of the caliper, edx and moodle adapters are configuration ({@code xueqing.caliper},
 * {@code xueqing.edx}, {@code xueqing.moodle}): a single entry set in a conf file or with {@code --set} changes the
 * action a record maps to while the rest of the default table stays; bad values fail at load with the key named.
 */
class MappingOverridesTest {
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final ObjectMapper JSON = new ObjectMapper();

    static final String EDX_CUSTOM = "{\"username\":\"alice\",\"event_source\":\"server\","
            + "\"event_type\":\"edx.special_exam.proctored.attempt.started\",\"time\":\"2026-03-01T08:00:00Z\","
            + "\"context\":{\"course_id\":\"course-v1:X+Y+Z\"},\"event\":{\"exam_id\":3}}";
    static final String EDX_PLAY = EDX_CUSTOM.replace("edx.special_exam.proctored.attempt.started", "play_video");

    static XueqingConfig load(String... sets) {
        return ConfigLoader.load(null, List.of(sets), Map.of());
    }

    static CanonicalEvent edx(XueqingConfig c, String record) throws IOException {
        EdxMapper.Mapped m = new EdxMapper(c.edx(), PSEUDO, ZoneOffset.UTC, "t", "r").map(JSON.readTree(record), "f:1");
        assertThat(m).isInstanceOf(EdxMapper.Event.class);
        return ((EdxMapper.Event) m).event();
    }

    static Map<String, String> moodleRow(String eventName, String component) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", "41");
        row.put("eventname", eventName);
        row.put("component", component);
        row.put("action", "watched");
        row.put("target", "lesson");
        row.put("contextinstanceid", "88");
        row.put("userid", "7");
        row.put("courseid", "12");
        row.put("timecreated", "1772352000");
        return row;
    }

    static CanonicalEvent moodle(XueqingConfig c, Map<String, String> row) {
        MoodleMapper mapper = new MoodleMapper(MoodleMapping.of(c.moodle()), PSEUDO, ZoneOffset.UTC, "t", "r");
        MoodleMapper.Mapped m = mapper.map(row, "f:2");
        assertThat(m).isInstanceOf(MoodleMapper.Event.class);
        return ((MoodleMapper.Event) m).event();
    }

    static final String CALIPER_TOOL_USE = "{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\","
            + "\"id\":\"urn:uuid:7e10e4f3-a0d8-4430-95bd-783ffae4d916\",\"type\":\"ToolUseEvent\",\"action\":\"Used\","
            + "\"actor\":{\"id\":\"https://ex.edu/users/1\",\"type\":\"Person\"},"
            + "\"object\":{\"id\":\"https://ex.edu/tools/lab\",\"type\":\"SoftwareApplication\"},"
            + "\"eventTime\":\"2026-03-01T08:00:00.000Z\","
            + "\"group\":{\"id\":\"https://ex.edu/courses/7\",\"type\":\"CourseOffering\"},"
            + "\"membership\":{\"id\":\"https://ex.edu/courses/7/members/1\",\"type\":\"Membership\","
            + "\"roles\":[\"Mentor#Tutor\"]}}";

    static CanonicalEvent caliper(XueqingConfig c, String record) throws IOException {
        CaliperMapper mapper = new CaliperMapper(c.caliper(), PSEUDO, ZoneOffset.UTC, "t", "r");
        CaliperMapper.Mapped m = mapper.map(JSON.readTree(record), "f:1");
        assertThat(m).as(String.valueOf(m)).isInstanceOf(CaliperMapper.Event.class);
        return ((CaliperMapper.Event) m).event();
    }

    @Test
    void edxEventTypeAddedWithSetMapsToItsActionAndTheDefaultsStay() throws IOException {
        XueqingConfig defaults = ConfigLoader.defaults();
        assertThat(edx(defaults, EDX_CUSTOM).action()).isEqualTo("other");
        XueqingConfig site = load("edx.actions.\"edx.special_exam.proctored.attempt.started\"=attempted",
                "edx.object-types.\"edx.special_exam.proctored.attempt.started\"=quiz");
        CanonicalEvent e = edx(site, EDX_CUSTOM);
        assertThat(e.action()).isEqualTo("attempted");
        assertThat(e.objectType()).isEqualTo("quiz");
        // one entry added: the other entries of the default table are still there
        assertThat(edx(site, EDX_PLAY).action()).isEqualTo("video_played");
        assertThat(site.edx().actions()).hasSize(defaults.edx().actions().size() + 1);
    }

    @Test
    void moodlePluginEventFromAConfFileMapsToItsActionAndNullRemovesADefault(@TempDir Path dir) throws IOException {
        String plugin = "mod_mooc\\event\\lesson_watched";
        assertThat(moodle(ConfigLoader.defaults(), moodleRow("\\" + plugin, "mod_mooc")).action()).isEqualTo("other");
        File conf = dir.resolve("site.conf").toFile();
        // the HOCON way to write a backslash inside quotes is a doubled backslash
        Files.writeString(conf.toPath(), "xueqing.moodle {\n"
                + "  events { \"mod_mooc\\\\event\\\\lesson_watched\" = video_played,\n"
                + "           \"core\\\\event\\\\course_viewed\" = null }\n"
                + "  components { mod_mooc = video }\n"
                + "  learner-is-related-user += \"mod_mooc\\\\event\\\\lesson_assigned\"\n"
                + "}\n", StandardCharsets.UTF_8);
        XueqingConfig site = ConfigLoader.load(conf, List.of(), Map.of());
        CanonicalEvent e = moodle(site, moodleRow("\\" + plugin, "mod_mooc"));
        assertThat(e.action()).isEqualTo("video_played");
        assertThat(e.objectType()).isEqualTo("video");
        assertThat(e.objectId()).isEqualTo("moodle-cm:88");
        // removed from the events table: course_viewed now falls through to the suffix rule "_viewed" -> viewed,
        // and a name no rule knows stays other
        assertThat(site.moodle().events()).doesNotContainKey("core\\event\\course_viewed");
        assertThat(moodle(site, moodleRow("\\core\\event\\course_viewed", "core")).action()).isEqualTo("viewed");
        // += appended to the default list
        assertThat(site.moodle().learnerIsRelatedUser()).contains("core\\event\\user_graded",
                "mod_mooc\\event\\lesson_assigned");
    }

    @Test
    void caliperActionAndRoleOverridesChangeTheEvent() throws IOException {
        CanonicalEvent before = caliper(ConfigLoader.defaults(), CALIPER_TOOL_USE);
        assertThat(before.action()).isEqualTo("interacted");
        assertThat(before.actorRole()).isEqualTo("tutor");
        XueqingConfig site = load("caliper.actions.\"ToolUseEvent.Used\"=viewed", "caliper.roles.Mentor=instructor");
        CanonicalEvent after = caliper(site, CALIPER_TOOL_USE);
        assertThat(after.action()).isEqualTo("viewed");
        assertThat(after.actorRole()).isEqualTo("instructor");
        // the generic entry "Used" is untouched: an Event Used still maps to interacted
        assertThat(caliper(site, CALIPER_TOOL_USE.replace("ToolUseEvent", "Event")).action()).isEqualTo("interacted");
    }

    @Test
    void mappersWithOverridesSurviveJavaSerialisationAsSparkShipsThem() throws Exception {
        XueqingConfig site = load("edx.actions.\"edx.special_exam.proctored.attempt.started\"=attempted");
        EdxMapper mapper = new EdxMapper(site.edx(), PSEUDO, ZoneOffset.UTC, "t", "r");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(mapper);
            out.writeObject(site.caliper());
            out.writeObject(site.moodle());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            EdxMapper copy = (EdxMapper) in.readObject();
            JsonNode n = JSON.readTree(EDX_CUSTOM);
            assertThat(((EdxMapper.Event) copy.map(n, "f:1")).event().action()).isEqualTo("attempted");
            assertThat(in.readObject()).isEqualTo(site.caliper());
            assertThat(in.readObject()).isEqualTo(site.moodle());
        }
    }

    @Test
    void badValuesFailAtLoadNamingTheKeyAndTheAllowedValues() {
        assertThatThrownBy(() -> load("edx.actions.play_video=watched"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("xueqing.edx.actions.\"play_video\" = 'watched'")
                .hasMessageContaining("video_played");
        assertThatThrownBy(() -> load("edx.object-types.play_video=clip"))
                .hasMessageContaining("xueqing.edx.object-types.\"play_video\" = 'clip'")
                .hasMessageContaining("forum_post");
        assertThatThrownBy(() -> load("moodle.events.\"mod_x\\\\event\\\\y\"=seen"))
                .hasMessageContaining("xueqing.moodle.events.\"mod_x\\event\\y\" = 'seen'");
        assertThatThrownBy(() -> load("moodle.components.mod_x=lecture"))
                .hasMessageContaining("xueqing.moodle.components.\"mod_x\" = 'lecture'");
        assertThatThrownBy(() -> load("moodle.suffixes=[{suffix=\"_seen\", action=looked}]"))
                .hasMessageContaining("xueqing.moodle.suffixes[0].action = 'looked'");
        assertThatThrownBy(() -> load("moodle.report.time-patterns=[\"dd/MM/yy qq{\"]"))
                .hasMessageContaining("xueqing.moodle.report.time-patterns[0]");
        assertThatThrownBy(() -> load("caliper.roles.Mentor=coach"))
                .hasMessageContaining("xueqing.caliper.roles.\"Mentor\" = 'coach'")
                .hasMessageContaining("[instructor, learner, system, tutor]");
        assertThatThrownBy(() -> load("caliper.object-types.VideoObject=film"))
                .hasMessageContaining("xueqing.caliper.object-types.\"VideoObject\" = 'film'");
    }

    @Test
    void aCaliperKeyTheSpecificationDoesNotKnowFailsWhenTheAdapterIsBuilt() {
        XueqingConfig typo = load("caliper.actions.\"ViewEvent.Watched\"=viewed");
        assertThatThrownBy(() -> new CaliperMapper(typo.caliper(), PSEUDO, ZoneOffset.UTC, "t", "r"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("xueqing.caliper.actions.\"ViewEvent.Watched\"")
                .hasMessageContaining("Watched is not a Caliper action");
        XueqingConfig notAllowed = load("caliper.actions.\"ViewEvent.Posted\"=viewed");
        assertThatThrownBy(() -> new CaliperMapper(notAllowed.caliper(), PSEUDO, ZoneOffset.UTC, "t", "r"))
                .hasMessageContaining("ViewEvent does not allow Posted");
    }

    @Test
    void theCliExitsWith2AndNamesTheKey(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("log.json");
        Files.writeString(input, EDX_PLAY + "\n", StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(new String[] {"validate", "--format", "edx", "--input", input.toString(),
                "--set", "edx.actions.play_video=watched"}, new HashMap<>(), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("xueqing.edx.actions.\"play_video\"");
    }
}
