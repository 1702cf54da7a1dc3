package dev.xueqing.jobs.ingest;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.schema.EventSchema;
import dev.xueqing.jobs.ingest.edx.EdxAdapter;
import dev.xueqing.jobs.ingest.moodle.MoodleMapper;
import dev.xueqing.jobs.ingest.moodle.MoodleMapping;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configured staff and bot accounts on the formats without roles of their own (edX, Moodle): each adapter's
 * account pseudonym is its learner_key, and {@link StaffAccounts} changes the roles of those accounts only.
 */
class StaffAccountsTest {
    private static final Pseudonymizer P = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final XueqingConfig DEFAULTS = ConfigLoader.defaults();
    private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

    private static String edx(String username, String type) {
        return "{\"username\":\"" + username + "\",\"event_type\":\"" + type + "\",\"event_source\":\"server\","
                + "\"time\":\"2026-09-21T10:00:00+00:00\",\"context\":{\"course_id\":\"course-v1:X+C1+2026\"},"
                + "\"event\":{\"id\":\"aaaa1111\",\"title\":\"Question\"}}";
    }

    private static List<Row> events(SourceAdapter adapter, String text) throws IOException {
        List<Row> events = new ArrayList<>();
        adapter.read("file:/in/f", 0, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), r -> {
            if (r.getString(0).equals(ParsedRecords.EVENT)) {
                events.add(r.getStruct(ParsedRecords.SCHEMA.fieldIndex(ParsedRecords.EVENT)));
            }
        });
        return events;
    }

    private static String role(Row event) {
        return event.getString(EventSchema.SCHEMA.fieldIndex(EventSchema.ACTOR_ROLE));
    }

    @Test
    void edxStaffBecomeTutorsAndBotsSystem() throws IOException {
        XueqingConfig.Staff staff = new XueqingConfig.Staff(Map.of("edx", List.of("staff_ta1")),
                Map.of("edx", List.of("digest_bot")));
        EdxAdapter plain = new EdxAdapter(DEFAULTS.edx(), P, ZoneOffset.UTC, "t", "r", START);
        SourceAdapter adapter = StaffAccounts.wrap(plain, staff);
        assertThat(adapter).isInstanceOf(StaffAccounts.class);

        List<Row> e = events(adapter, String.join("\n", edx("alice01", "edx.forum.thread.created"),
                edx("staff_ta1", "edx.forum.response.created"), edx("digest_bot", "edx.forum.comment.created"))
                + "\n");
        assertThat(e).extracting(StaffAccountsTest::role).containsExactly("learner", "tutor", "system");
        assertThat(e.get(1).getString(EventSchema.SCHEMA.fieldIndex(EventSchema.LEARNER_KEY)))
                .isEqualTo(plain.accountPseudonym("staff_ta1"));
        assertThat(e).allSatisfy(r -> assertThat(r.toString()).doesNotContain("staff_ta1", "digest_bot"));
    }

    @Test
    void aRoleTheSourceGaveIsKeptForStaffButNotForBots() {
        EdxAdapter plain = new EdxAdapter(DEFAULTS.edx(), P, ZoneOffset.UTC, "t", "r", START);
        StaffAccounts wrapped = (StaffAccounts) StaffAccounts.wrap(plain, new XueqingConfig.Staff(
                Map.of("edx", List.of("prof")), Map.of("edx", List.of("bot"))));
        assertThat(wrapped.role(plain.accountPseudonym("prof"), "instructor")).isEqualTo("instructor");
        assertThat(wrapped.role(plain.accountPseudonym("prof"), "learner")).isEqualTo("tutor");
        assertThat(wrapped.role(plain.accountPseudonym("bot"), "instructor")).isEqualTo("system");
        assertThat(wrapped.role(plain.accountPseudonym("someone"), "learner")).isEqualTo("learner");
        // another tenant gives another pseudonym: the list is per tenant, as learner keys are
        EdxAdapter otherTenant = new EdxAdapter(DEFAULTS.edx(), P, ZoneOffset.UTC, "t2", "r", START);
        assertThat(otherTenant.accountPseudonym("prof")).isNotEqualTo(plain.accountPseudonym("prof"));
    }

    @Test
    void noAccountsForTheFormatLeavesTheAdapterAsItIs() {
        EdxAdapter plain = new EdxAdapter(DEFAULTS.edx(), P, ZoneOffset.UTC, "t", "r", START);
        assertThat(StaffAccounts.wrap(plain, new XueqingConfig.Staff(Map.of("moodle", List.of("7")), Map.of())))
                .isSameAs(plain);
    }

    @Test
    void theMoodleAccountPseudonymIsTheUsersLearnerKey() {
        MoodleMapper mapper = new MoodleMapper(MoodleMapping.of(DEFAULTS.moodle()), P, ZoneOffset.UTC, "t", "r");
        String[] kv = {"id", "7", "eventname", "\\mod_forum\\event\\post_created", "component", "mod_forum",
                "action", "created", "target", "post", "objecttable", "forum_posts", "objectid", "11", "crud", "c",
                "edulevel", "2", "contextid", "55", "contextlevel", "70", "contextinstanceid", "9", "userid", "7",
                "courseid", "3", "relateduserid", "", "anonymous", "0", "other", "N;", "timecreated", "1700000000",
                "origin", "web", "ip", "10.1.2.3", "realuserid", ""};
        Map<String, String> row = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            row.put(kv[i], kv[i + 1]);
        }
        MoodleMapper.Mapped m = mapper.map(row, "f.csv:2");
        assertThat(m).isInstanceOf(MoodleMapper.Event.class);
        assertThat(((MoodleMapper.Event) m).event().learnerKey()).isEqualTo(mapper.accountPseudonym("7"));
    }
}
