package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.ingest.caliper.CaliperMapper;
import dev.xueqing.jobs.ingest.xapi.XapiMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The forum events of the real data in {@code ../shared/data} map to threads: the IMS Caliper fixtures (Message
 * Posted, a reply) and the xAPI statements that Moodle's logstore_xapi plugin writes for forum discussions and posts.
 * Skipped when that folder is not here. The counts are the ones docs/ingest-discussions.md reports.
 */
class ForumRealDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pseudonymizer PSEUDO =
            new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final String TOPIC = "https://example.edu/terms/201601/courses/7/sections/1/forums/2/topics/1";

    private static Path shared(String folder) {
        Path data = SparkTestBase.sharedData();
        Path p = data == null ? null : data.resolve(folder);
        Assumptions.assumeTrue(p != null && Files.isDirectory(p), "../shared/data/" + folder + " is not here");
        return p;
    }

    /**
     * The forum posts (posted or replied, object_type forum_post) of the valid Caliper fixtures of a version. A
     * FeedbackEvent Commented is also posted, on the commented resource (a page): not a forum post.
     */
    private static List<CanonicalEvent> caliperPosts(Path version) throws IOException {
        CaliperMapper mapper = new CaliperMapper(ConfigLoader.defaults().caliper(), PSEUDO, ZoneOffset.UTC, "t", "r");
        List<CanonicalEvent> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(version)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = JSON.readTree(f.toFile());
                List<JsonNode> events = new ArrayList<>();
                if (root.has("data")) {
                    root.get("data").forEach(events::add);
                } else {
                    events.add(root);
                }
                for (JsonNode e : events) {
                    if (e.path("type").asText().endsWith("Event")
                            && mapper.map(e, f.getFileName().toString()) instanceof CaliperMapper.Event ev
                            && List.of("posted", "replied").contains(ev.event().action())
                            && "forum_post".equals(ev.event().objectType())) {
                        out.add(ev.event());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void caliperMessagesMapToTheirThread() throws IOException {
        Path caliper = shared("caliper");
        for (String version : List.of("v1p1", "v1p2")) {
            List<CanonicalEvent> posts = caliperPosts(caliper.resolve(version));
            List<CanonicalEvent> inTopic = posts.stream().filter(p -> p.objectId().startsWith(TOPIC)).toList();
            assertThat(inTopic).as(version)
                    .extracting(CanonicalEvent::action, CanonicalEvent::objectId, CanonicalEvent::parentId,
                            CanonicalEvent::inReplyTo, CanonicalEvent::actorRole, CanonicalEvent::objectType)
                    .containsExactlyInAnyOrder(
                            tuple("posted", TOPIC + "/messages/2", TOPIC, null, "learner", "forum_post"),
                            tuple("replied", TOPIC + "/messages/3", TOPIC, TOPIC + "/messages/2", "learner",
                                    "forum_post"));
            // v1p2 adds a post with an inline context and no isPartOf: it opens its own thread
            assertThat(posts).as(version).hasSize(version.equals("v1p1") ? 2 : 3);
        }
        List<CanonicalEvent> inline = caliperPosts(caliper.resolve("v1p2")).stream()
                .filter(p -> !p.objectId().startsWith(TOPIC)).toList();
        assertThat(inline).extracting(CanonicalEvent::action, CanonicalEvent::parentId)
                .containsExactly(tuple("posted", "https://example.edu/sections/1/forums/2/topics/1/messages/2"));
    }

    /**
     * The forum posts (posted or replied, forum_post) of the logstore_xapi cases under a folder; {@code statements[0]}
     * counts the statements read.
     */
    private static List<CanonicalEvent> logstorePosts(Path folder, int[] statements) throws IOException {
        XapiMapper mapper = new XapiMapper(ConfigLoader.defaults().xapi(), ConfigLoader.defaults().skills().extensions(),
                PSEUDO, ZoneOffset.UTC, "t", "r");
        List<CanonicalEvent> posts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("statements.json")).sorted().toList()) {
                for (JsonNode s : JSON.readTree(f.toFile())) {
                    statements[0]++;
                    // the plugin's test statements carry no timestamp (the LRS would add stored)
                    ((com.fasterxml.jackson.databind.node.ObjectNode) s).put("timestamp", "2026-03-02T08:00:00Z");
                    // edited and deleted posts (action other) are forum_post objects but not contributions
                    if (mapper.map(s, f.toString()) instanceof XapiMapper.Event ev
                            && List.of("posted", "replied").contains(ev.event().action())
                            && "forum_post".equals(ev.event().objectType())) {
                        posts.add(ev.event());
                    }
                }
            }
        }
        return posts;
    }

    @Test
    void moodleLogstoreXapiForumStatementsFormOneThread() throws IOException {
        Path forum = shared("moodle/logstore_xapi_cases").resolve("tests/mod_forum");
        Assumptions.assumeTrue(Files.isDirectory(forum), "the logstore_xapi forum cases are not here");
        int[] statements = {0};
        List<CanonicalEvent> posts = logstorePosts(forum, statements);
        String discussion = "http://www.example.org/mod/forum/discuss.php?d=1";
        assertThat(statements[0]).isEqualTo(12);
        assertThat(posts)
                .extracting(CanonicalEvent::action, CanonicalEvent::objectId, CanonicalEvent::objectType,
                        CanonicalEvent::parentId, CanonicalEvent::inReplyTo, CanonicalEvent::actorRole)
                .containsExactlyInAnyOrder(
                        tuple("posted", discussion, "forum_post", discussion, null, "learner"),
                        tuple("replied", discussion + "#p1", "forum_post", discussion, discussion, "learner"));
    }

    /** Outside the forum, the comments on a wiki page and a glossary entry are replies too (commented). */
    @Test
    void moodleLogstoreXapiCommentsAreReplies() throws IOException {
        Path tests = shared("moodle/logstore_xapi_cases").resolve("tests");
        int[] statements = {0};
        List<CanonicalEvent> posts = logstorePosts(tests, statements);
        assertThat(posts.stream().filter(p -> !p.rawRef().contains("mod_forum")).toList())
                .extracting(CanonicalEvent::action, p -> p.rawRef().replaceAll(".*/tests/", ""))
                .containsExactlyInAnyOrder(
                        tuple("replied", "mod_glossary/comment_created/statements.json"),
                        tuple("replied", "mod_wiki/comment_created/statements.json"));
        assertThat(posts).hasSize(4);
    }
}
