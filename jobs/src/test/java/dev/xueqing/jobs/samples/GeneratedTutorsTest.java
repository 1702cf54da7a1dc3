package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.univocity.parsers.csv.CsvParser;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.privacy.Pseudonymizer;
import dev.xueqing.jobs.ingest.CsvFiles;
import dev.xueqing.jobs.ingest.moodle.MoodleMapper;
import dev.xueqing.jobs.ingest.moodle.MoodleMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xueqing generate}'s tutors: {@code _truth/tutors.csv} agrees with the events (the slow tutors' first replies
 * are the late ones), their posts carry the staff role, and the threads hold the richer cases.
 */
class GeneratedTutorsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pseudonymizer PSEUDO = new Pseudonymizer("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    record Tutor(String account, String course, double slowness, boolean slow, long moodleUser) {}

    static Map<String, Tutor> tutors(Path out) throws IOException {
        Map<String, Tutor> m = new TreeMap<>();
        List<String> lines = Files.readAllLines(out.resolve("_truth/tutors.csv"));
        assertThat(lines.get(0)).isEqualTo("account,course_id,classes,slowness,slow,xapi_account_name,caliper_id,"
                + "edx_username,moodle_userid,moodle_courseid,csv_user");
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            m.put(c[0], new Tutor(c[0], c[1], Double.parseDouble(c[3]), Boolean.parseBoolean(c[4]),
                    Long.parseLong(c[8])));
        }
        return m;
    }

    static List<String> lines(Path out, String suffix) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
                    r.lines().forEach(all::add);
                }
            }
        }
        return all;
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    @Test
    void theSlowTutorsOfTheTruthFileAnswerLaterAndEveryThreadCaseOccurs(@TempDir Path dir) throws IOException {
        // 600 learners in one course: 20 classes, 10 tutors, every fifth slow (slowness 3.0)
        Path out = dir.resolve("gen");
        ScaleGenerator.generate(new ScaleGenerator.Options(600, 1, 4, out, "edx", 5, 25, 0, 0, 0, 1_000_000));
        Map<String, Tutor> tutors = tutors(out);
        assertThat(tutors).hasSize(10);
        assertThat(tutors.values().stream().filter(Tutor::slow).map(Tutor::account))
                .containsExactly("t001005", "t001010");
        assertThat(tutors.get("t001005").slowness()).isEqualTo(3.0);

        Map<String, Instant> opened = new HashMap<>();
        Map<String, String> openedBy = new HashMap<>();
        Map<String, List<JsonNode>> staffPosts = new HashMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        for (String line : lines(out, ".log.gz")) {
            JsonNode n = JSON.readTree(line);
            String type = n.path("event_type").asText();
            if (!type.startsWith("edx.forum.")) {
                continue;
            }
            String user = n.path("username").asText();
            boolean staff = n.path("event").path("user_forums_roles").toString().contains("Community TA");
            // the staff role travels with every tutor post, and only with theirs
            assertThat(staff).as(line).isEqualTo(tutors.containsKey(user));
            kinds.merge(type.substring("edx.forum.".length()) + (staff ? " staff" : " learner"), 1, Integer::sum);
            Instant time = Instant.parse(n.path("time").asText());
            if (type.equals("edx.forum.thread.created")) {
                opened.put(n.path("event").path("id").asText(), time);
                openedBy.put(n.path("event").path("id").asText(), staff ? "staff" : user);
            } else if (staff) {
                staffPosts.computeIfAbsent(n.path("event").path("discussion").path("id").asText(),
                        k -> new ArrayList<>()).add(n);
            }
        }
        System.out.println("generated edx forum posts: " + kinds);
        // every case of the thread model occurs: announcements, follow-ups (comments), second answers, learner posts
        assertThat(kinds).containsKeys("thread.created learner", "thread.created staff", "response.created staff",
                "response.created learner", "comment.created learner", "comment.created staff");
        long twoStaff = staffPosts.values().stream().filter(p -> p.stream().map(x -> x.path("username").asText())
                .distinct().count() > 1).count();
        assertThat(twoStaff).as("threads answered by two tutors").isPositive();
        long unanswered = opened.keySet().stream().filter(t -> !openedBy.get(t).equals("staff")
                && !staffPosts.containsKey(t)).count();
        assertThat((double) unanswered / openedBy.values().stream().filter(b -> !b.equals("staff")).count())
                .as("share of learner threads without a staff post").isBetween(0.08, 0.25);

        // first staff post after a learner's thread opens, per responder
        Map<String, List<Double>> hours = new TreeMap<>();
        for (Map.Entry<String, List<JsonNode>> e : staffPosts.entrySet()) {
            if (!opened.containsKey(e.getKey()) || openedBy.get(e.getKey()).equals("staff")) {
                continue;
            }
            JsonNode first = e.getValue().stream().min((a, b) -> a.path("time").asText()
                    .compareTo(b.path("time").asText())).orElseThrow();
            hours.computeIfAbsent(first.path("username").asText(), k -> new ArrayList<>())
                    .add(Duration.between(opened.get(e.getKey()), Instant.parse(first.path("time").asText()))
                            .toMinutes() / 60.0);
        }
        Map<String, Double> medians = new TreeMap<>();
        hours.forEach((t, h) -> medians.put(t, median(h)));
        System.out.println("median first-reply hours by tutor: " + medians);
        assertThat(medians.keySet()).isEqualTo(tutors.keySet());
        double fastestSlow = tutors.values().stream().filter(Tutor::slow).mapToDouble(t -> medians.get(t.account()))
                .min().orElseThrow();
        double slowestOther = tutors.values().stream().filter(t -> !t.slow())
                .mapToDouble(t -> medians.get(t.account())).max().orElseThrow();
        assertThat(slowestOther).as("the slow tutors' medians are well above every other's")
                .isLessThan(fastestSlow / 1.5);
    }

    @Test
    void theMoodleRoleAssignmentsOfTheTruthMakeTheTutorsPostsTutors(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("gen");
        ScaleGenerator.generate(new ScaleGenerator.Options(120, 2, 3, out, "moodle", 9, 25, 0, 0, 0, 1_000_000));
        Map<String, Tutor> tutors = tutors(out);
        var config = ConfigLoader.load(out.resolve("_truth/moodle-roles.conf").toFile(), List.of(), Map.of());
        MoodleMapper withRoles = new MoodleMapper(MoodleMapping.of(config.moodle()), PSEUDO, ZoneOffset.UTC, "t",
                "r");
        MoodleMapper without = new MoodleMapper(MoodleMapping.of(ConfigLoader.defaults().moodle()), PSEUDO,
                ZoneOffset.UTC, "t", "r");
        Map<String, Long> tutorKeys = new HashMap<>();
        tutors.values().forEach(t -> tutorKeys.put(PSEUDO.pseudonym("t", "moodle-user:" + t.moodleUser()),
                t.moodleUser()));
        Map<String, Integer> roles = new TreeMap<>();
        CsvParser parser = CsvFiles.parser(',');
        List<String> lines = lines(out, ".csv.gz");
        String[] header = parser.parseLine(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            if (line.equals(lines.get(0))) {
                continue; // the header of the next file
            }
            String[] cells = parser.parseLine(line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            if (!row.get("eventname").contains("mod_forum")) {
                continue;
            }
            CanonicalEvent e = ((MoodleMapper.Event) withRoles.map(row, "f")).event();
            CanonicalEvent plain = ((MoodleMapper.Event) without.map(row, "f")).event();
            boolean tutor = tutorKeys.containsKey(e.learnerKey());
            assertThat(e.actorRole()).isEqualTo(tutor ? "tutor" : "learner");
            assertThat(plain.actorRole()).as("no roles without the file: forum posts are participating")
                    .isEqualTo("learner");
            assertThat(e.parentId()).startsWith("moodle-forum_discussions:");
            roles.merge(e.action() + " " + e.actorRole(), 1, Integer::sum);
        }
        System.out.println("generated moodle forum posts: " + roles);
        assertThat(roles).containsKeys("posted learner", "posted tutor");
    }

    @Test
    void theRicherThreadsAddFewEventsAndLeaveTheRestAsItWas(@TempDir Path dir) throws IOException {
        ScaleGenerator.Summary with = ScaleGenerator.generate(new ScaleGenerator.Options(600, 2, 6,
                dir.resolve("with"), "csv", 5, 25, 0, 0, 0, 10_000_000, true, true));
        ScaleGenerator.Summary without = ScaleGenerator.generate(new ScaleGenerator.Options(600, 2, 6,
                dir.resolve("without"), "csv", 5, 25, 0, 0, 0, 10_000_000, true, false));
        long extra = with.events() - without.events();
        System.out.printf("events with richer threads %d, without %d (+%d)%n", with.events(), without.events(), extra);
        assertThat(extra).isPositive();
        assertThat((double) extra / without.events()).isLessThan(0.005);
        // the truth (outcomes, scores, per-enrolment simulated events apart from the extra posts) is the same
        assertThat(Files.readAllLines(dir.resolve("with/_truth/learners.csv")))
                .isEqualTo(Files.readAllLines(dir.resolve("without/_truth/learners.csv")));
        List<String> a = Files.readAllLines(dir.resolve("with/_truth/enrolments.csv"));
        List<String> b = Files.readAllLines(dir.resolve("without/_truth/enrolments.csv"));
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).substring(0, a.get(i).lastIndexOf(',')))
                    .isEqualTo(b.get(i).substring(0, b.get(i).lastIndexOf(',')));
        }
    }
}
