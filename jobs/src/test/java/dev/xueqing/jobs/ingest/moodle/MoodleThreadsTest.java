package dev.xueqing.jobs.ingest.moodle;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.cli.XueqingCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Moodle forum discussions map to the thread contract (docs/ingest-discussions.md), and the role
 * assignments export gives actor_role per user and course.
 */
class MoodleThreadsTest {
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final String DISCUSSION = "\\mod_forum\\event\\discussion_created";
    static final String POST = "\\mod_forum\\event\\post_created";

    static MoodleMapper mapper(List<String> settings) {
        XueqingConfig c = ConfigLoader.load(null, settings, Map.of());
        return new MoodleMapper(MoodleMapping.of(c.moodle()), PSEUDO, ZoneOffset.UTC, "t", "r1");
    }

    static Map<String, String> row(String event, long user, long course, String table, long objectId,
                                   String edulevel, String other) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", String.valueOf(objectId * 10 + user));
        r.put("eventname", event);
        r.put("component", "mod_forum");
        r.put("objecttable", table);
        r.put("objectid", String.valueOf(objectId));
        r.put("edulevel", edulevel);
        r.put("contextinstanceid", "12");
        r.put("userid", String.valueOf(user));
        r.put("courseid", String.valueOf(course));
        r.put("other", other);
        r.put("timecreated", "1772438400");
        return r;
    }

    static CanonicalEvent event(MoodleMapper m, Map<String, String> row) {
        MoodleMapper.Mapped mapped = m.map(row, "f:1");
        assertThat(mapped).isInstanceOf(MoodleMapper.Event.class);
        return ((MoodleMapper.Event) mapped).event();
    }

    static String inDiscussion(long d) {
        return "{\"discussionid\":" + d + ",\"forumid\":2,\"forumtype\":\"general\"}";
    }

    @Test
    void aDiscussionAndItsPostsFormOneThread() {
        MoodleMapper m = mapper(List.of());
        CanonicalEvent opener = event(m, row(DISCUSSION, 42, 3, "forum_discussions", 5, "2", ""));
        assertThat(opener.action()).isEqualTo("posted");
        assertThat(opener.objectType()).isEqualTo("forum_post");
        assertThat(opener.objectId()).isEqualTo("moodle-forum_discussions:5");
        assertThat(opener.parentId()).isEqualTo("moodle-forum_discussions:5");
        assertThat(opener.inReplyTo()).isNull();
        assertThat(opener.actorRole()).isEqualTo("learner");

        // Moodle's log names the discussion of a post, not the post it answers: posted, in the discussion
        CanonicalEvent answer = event(m, row(POST, 7, 3, "forum_posts", 81, "2", inDiscussion(5)));
        assertThat(answer.action()).isEqualTo("posted");
        assertThat(answer.objectType()).isEqualTo("forum_post");
        assertThat(answer.objectId()).isEqualTo("moodle-forum_posts:81");
        assertThat(answer.parentId()).isEqualTo("moodle-forum_discussions:5");
        assertThat(answer.inReplyTo()).isEqualTo("moodle-forum_discussions:5");
        // without role assignments, a forum post (edulevel 2, participating) by a teacher is not known as staff
        assertThat(answer.actorRole()).isEqualTo("learner");
    }

    @Test
    void roleAssignmentsGiveTheRolePerUserAndCourse(@TempDir Path dir) throws IOException {
        Path roles = Files.writeString(dir.resolve("roles.csv"), """
                userid,courseid,roleshortname
                7,3,teacher
                8,3,editingteacher
                8,3,student
                9,3,manager
                7,4,student
                42,3,student
                43,3,guest
                """);
        MoodleMapper m = mapper(List.of("moodle.role-assignments-file=\"" + roles + "\""));
        Map<Long, String> expected = Map.of(7L, "tutor", 8L, "instructor", 9L, "system", 42L, "learner",
                43L, "learner");
        expected.forEach((user, role) -> assertThat(event(m, row(POST, user, 3, "forum_posts", 90, "2",
                inDiscussion(5))).actorRole()).as("user " + user).isEqualTo(role));
        // the same user is a student in course 4
        assertThat(event(m, row(POST, 7, 4, "forum_posts", 91, "2", inDiscussion(6))).actorRole())
                .isEqualTo("learner");
        // a site's own short names through the role map
        MoodleMapper site = mapper(List.of("moodle.role-assignments-file=\"" + roles + "\"",
                "moodle.role-map.guest=system"));
        assertThat(event(site, row(POST, 43, 3, "forum_posts", 92, "2", inDiscussion(5))).actorRole())
                .isEqualTo("system");
    }

    @Test
    void aBadRoleAssignmentsFileIsAConfigErrorNamingFileAndLine(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("roles.csv"), "userid,courseid,roleshortname\n7,3,teacher\nx7,3,teacher\n");
        assertThatThrownBy(() -> mapper(List.of("moodle.role-assignments-file=\"" + bad + "\"")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("xueqing.moodle.role-assignments-file = '" + bad + "' line 3: userid is not a positive "
                        + "integer.");
        Path header = Files.writeString(dir.resolve("header.csv"), "user,course,role\n7,3,teacher\n");
        assertThatThrownBy(() -> mapper(List.of("moodle.role-assignments-file=\"" + header + "\"")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("line 1: the header must be "
                        + "userid,courseid,roleshortname");
        Path shortRow = Files.writeString(dir.resolve("short.csv"), "userid,courseid,roleshortname\n7,3\n");
        assertThatThrownBy(() -> mapper(List.of("moodle.role-assignments-file=\"" + shortRow + "\"")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("line 2: expected 3 cells");
        assertThatThrownBy(() -> mapper(List.of("moodle.role-map.teacher=helper")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("xueqing.moodle.role-map.\"teacher\" = 'helper' is not an actor role");

        // through the CLI: exit code 2 and one line naming the file and the line, no stack trace
        Path log = Files.writeString(dir.resolve("log.csv"), "id,eventname,userid,courseid,timecreated\n"
                + "1,\\core\\event\\course_viewed,7,3,1772438400\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(new String[] {"validate", "--format", "moodle", "--input", log.toString(),
                "--set", "moodle.role-assignments-file=\"" + bad + "\""}, Map.of(), new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("roles.csv' line 3: userid is not a positive integer")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingRoleAssignmentsFileIsAConfigError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> mapper(List.of("moodle.role-assignments-file=\"" + missing + "\"")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no such file");
    }

    /** The forum events of moodle-logstore_xapi's test cases (the shared Moodle data) map to one thread. */
    @Test
    void theSharedMoodleForumCasesMapToAThread() throws IOException {
        Path shared = dev.xueqing.common.testing.SparkTestBase.sharedData();
        org.junit.jupiter.api.Assumptions.assumeTrue(shared != null && Files.isDirectory(shared.resolve("moodle")),
                "../shared/data/moodle is absent: skipped");
        MoodleMapper m = mapper(List.of());
        Map<String, Integer> byAction = new java.util.TreeMap<>();
        java.util.Set<String> threads = new java.util.TreeSet<>();
        int n = 0;
        for (MoodleRealDataTest.Case c : MoodleRealDataTest.cases(shared.resolve("moodle"))) {
            if (!c.path().startsWith("mod_forum/")) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            c.event().fields().forEachRemaining(e -> row.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            row.put("id", String.valueOf(++n));
            if (m.map(row, c.path()) instanceof MoodleMapper.Event e && "forum_post".equals(e.event().objectType())) {
                byAction.merge(e.event().action() + " " + e.event().actorRole(), 1, Integer::sum);
                threads.add(e.event().parentId());
            }
        }
        System.out.printf("moodle forum cases: %d rows, posts %s, threads %s%n", n, byAction, threads);
        // discussion_created (the opener) and post_created in discussion 1, by user 1 (no roles in the fixtures);
        // post_updated / post_deleted are `other` on the post and are not contributions
        assertThat(byAction).isEqualTo(Map.of("posted learner", 2));
        assertThat(threads).containsExactly("moodle-forum_discussions:1");
    }
}
