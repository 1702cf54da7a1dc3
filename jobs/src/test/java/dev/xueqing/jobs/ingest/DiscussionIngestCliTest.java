package dev.xueqing.jobs.ingest;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import dev.xueqing.jobs.testing.TestInputs;
import dev.xueqing.jobs.testing.TestInputs.Run;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real CLI over tiny inputs: a mapped CSV thread (thread and in-reply-to columns) and the configured staff and
 * bot accounts of {@code xueqing.staff}, which change roles and never show their raw ids.
 */
class DiscussionIngestCliTest extends SparkTestBase {
    @TempDir
    static Path dir;
    static Path conf;
    static Path warehouse;
    static Run csvRun;
    static Run xapiRun;

    static final String CONF = """
            xueqing.csv.mappings.forum {
              columns { learner = "user", time = "time", action = "event", object = "post", course = "course",
                        role = "role", thread = "thread", in-reply-to = "reply_to" }
              timestamp-format = "iso"
              timestamp-zone = "UTC"
              actions { new_post = posted, reply = replied, view = viewed }
            }
            xueqing.staff {
              accounts { csv = ["tutor-zhang"], xapi = ["account:https://lms.example.edu|ta-wang"] }
              bots { csv = ["forum-bot"] }
            }
            """;

    @BeforeAll
    static void ingest() throws IOException {
        spark();
        conf = dir.resolve("forum.conf");
        Files.writeString(conf, CONF, StandardCharsets.UTF_8);
        warehouse = dir.resolve("wh");
        Path csv = dir.resolve("forum.csv");
        Files.writeString(csv, """
                user,time,event,post,course,role,thread,reply_to
                s1,2026-03-02T08:00:00Z,new_post,p1,C1,student,,
                tutor-zhang,2026-03-02T09:00:00Z,reply,p2,C1,,p1,p1
                s1,2026-03-02T10:00:00Z,new_post,p3,C1,student,p1,p2
                forum-bot,2026-03-02T10:05:00Z,new_post,p4,C1,,,
                prof-li,2026-03-02T11:00:00Z,new_post,p5,C1,teacher,T9,p-never-seen
                s1,2026-03-02T12:00:00Z,view,p1,C1,student,,
                """, StandardCharsets.UTF_8);
        csvRun = cli("ingest", "--format", "csv", "--mapping", "forum", "--input", csv.toString());
        Path xapi = dir.resolve("x.jsonl");
        Files.writeString(xapi, TestInputs.viewed("11111111-2222-4333-8444-555555555501", "ta-wang",
                "2026-03-02T08:00:00Z") + "\n" + TestInputs.viewed("11111111-2222-4333-8444-555555555502", "kim",
                "2026-03-02T08:00:00Z") + "\n", StandardCharsets.UTF_8);
        xapiRun = cli("ingest", "--format", "xapi", "--input", xapi.toString());
    }

    /** The CLI with the test's config file and warehouse after the subcommand's own arguments. */
    static Run cli(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--conf", conf.toString(), "--warehouse", warehouse.toString()));
        return TestInputs.cli(new HashMap<>(), all.toArray(String[]::new));
    }

    private static Map<String, Row> eventsBy(String source, String column) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : new Warehouse(spark(), warehouse.toString()).read(DatasetRef.EVENTS)
                .filter("source = '" + source + "'").collectAsList()) {
            out.put(r.getAs(column), r);
        }
        return out;
    }

    @Test
    void aCsvThreadFollowsTheContract() {
        assertThat(csvRun.code()).as(csvRun.toString()).isZero();
        Map<String, Row> byPost = eventsBy("csv", "object_id");
        assertThat(byPost.keySet()).containsExactly("p1", "p2", "p3", "p4", "p5");
        Row opener = new Warehouse(spark(), warehouse.toString()).read(DatasetRef.EVENTS)
                .filter("source = 'csv' and object_id = 'p1' and action = 'posted'").first();
        assertThat((String) opener.getAs("object_type")).isEqualTo("forum_post");
        assertThat((String) opener.getAs("parent_id")).isEqualTo("p1");
        assertThat((Object) opener.getAs("in_reply_to")).isNull();
        assertThat((String) opener.getAs("actor_role")).isEqualTo("learner");

        Row reply = byPost.get("p2");
        assertThat((String) reply.getAs("action")).isEqualTo("replied");
        assertThat((String) reply.getAs("parent_id")).isEqualTo("p1");
        assertThat((String) reply.getAs("in_reply_to")).isEqualTo("p1");
        assertThat((String) reply.getAs("actor_role")).as("a configured staff account").isEqualTo("tutor");

        Row nested = byPost.get("p3");
        assertThat((String) nested.getAs("action")).as("names the post it answers").isEqualTo("replied");
        assertThat((String) nested.getAs("parent_id")).isEqualTo("p1");
        assertThat((String) nested.getAs("in_reply_to")).isEqualTo("p2");

        assertThat((String) byPost.get("p4").getAs("actor_role")).as("a bot account").isEqualTo("system");
        Row missing = byPost.get("p5");
        assertThat((String) missing.getAs("actor_role")).isEqualTo("instructor");
        assertThat((String) missing.getAs("parent_id")).isEqualTo("T9");
        assertThat((String) missing.getAs("in_reply_to")).isEqualTo("p-never-seen");

        Row viewed = new Warehouse(spark(), warehouse.toString()).read(DatasetRef.EVENTS)
                .filter("source = 'csv' and action = 'viewed'").first();
        assertThat((Object) viewed.getAs("parent_id")).as("not a post: no thread").isNull();
    }

    @Test
    void aConfiguredXapiStaffAccountBecomesTutor() {
        assertThat(xapiRun.code()).as(xapiRun.toString()).isZero();
        Map<String, Long> roles = new TreeMap<>();
        eventsBy("xapi", "event_id").values().forEach(r -> roles.merge(r.getAs("actor_role"), 1L, Long::sum));
        assertThat(roles).containsExactlyEntriesOf(new TreeMap<>(Map.of("learner", 1L, "tutor", 1L)));
    }

    @Test
    void rawAccountIdsAppearNowhere() {
        Warehouse wh = new Warehouse(spark(), warehouse.toString());
        String everything = String.join("\n", wh.read(DatasetRef.EVENTS).toJSON().collectAsList())
                + String.join("\n", wh.read(DatasetRef.RUNS).toJSON().collectAsList())
                + csvRun + xapiRun;
        assertThat(everything).doesNotContain("tutor-zhang", "forum-bot", "ta-wang");
        XueqingConfig config = ConfigLoader.load(conf.toFile(), List.of(), Map.of());
        assertThat(config.staff().accountsOf("csv")).containsExactly("tutor-zhang");
        assertThat(config.toString()).doesNotContain("tutor-zhang", "forum-bot", "ta-wang")
                .contains("csv: 1 id(s)");
    }

    @Test
    void anUnknownSourceIsAConfigurationError() {
        Run r = cli("ingest", "--format", "xapi", "--input", dir.resolve("x.jsonl").toString(),
                "--set", "xueqing.staff.bots.blackboard=[\"bb-robot\"]");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("xueqing.staff.bots.blackboard", "xapi, caliper, edx, moodle, csv")
                .doesNotContain("bb-robot");
        Run notAList = cli("ingest", "--format", "xapi", "--input", dir.resolve("x.jsonl").toString(),
                "--set", "xueqing.staff.accounts.edx=\"staff1\"");
        assertThat(notAList.code()).as(notAList.toString()).isEqualTo(2);
        assertThat(notAList.err()).contains("xueqing.staff.accounts.edx must be a list").doesNotContain("staff1");
    }
}
