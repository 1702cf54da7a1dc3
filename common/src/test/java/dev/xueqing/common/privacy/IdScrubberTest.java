package dev.xueqing.common.privacy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class IdScrubberTest {
    private static final Pseudonymizer P =
            new Pseudonymizer("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final IdScrubber SCRUBBER = new IdScrubber(P, "t1", (prefix, segment) -> "u:" + segment);

    private static String key(String rawId) {
        return "~" + P.pseudonym("t1", rawId);
    }

    @Test
    void knownIdIsReplacedAsSegmentAndAsSegmentPartEverywhereInTheScope() {
        IdScrubber.Scope scope = SCRUBBER.newScope().learnIdentifier("https://lms/users/g00000003", "actor:A");
        assertThat(scope.scrub("https://lms/course/C1/forum/post/g00000003-1"))
                .isEqualTo("https://lms/course/C1/forum/post/" + key("actor:A") + "-1");
        assertThat(scope.scrub("https://lms/course/C1/forum/post/g00000003-1/reply"))
                .isEqualTo("https://lms/course/C1/forum/post/" + key("actor:A") + "-1/reply");
        assertThat(scope.scrub("urn:x:g00000003")).isEqualTo("urn:x:" + key("actor:A"));
        // same IRI, same rewrite: a reply by another learner names the post the same way
        IdScrubber.Scope other = SCRUBBER.newScope().learnIdentifier("https://lms/users/g00000003", "actor:A")
                .learnIdentifier("https://lms/users/t0001", "actor:B");
        assertThat(other.scrub("https://lms/course/C1/forum/post/g00000003-1"))
                .isEqualTo(scope.scrub("https://lms/course/C1/forum/post/g00000003-1"));
    }

    @Test
    void partsOfOtherWordsAndIdsOutsideTheScopeAreKept() {
        IdScrubber.Scope scope = SCRUBBER.newScope().learn("g0003", "actor:A");
        assertThat(scope.scrub("https://lms/course/g00031/page/xg0003")).isEqualTo("https://lms/course/g00031/page/xg0003");
        assertThat(scope.scrub("https://lms/post/h0004-1")).isEqualTo("https://lms/post/h0004-1");
        assertThat(scope.scrub(null)).isNull();
    }

    @Test
    void numericAndShortIdsAreReplacedOnlyInUserPositions() {
        IdScrubber.Scope scope = SCRUBBER.newScope().learn("5", "moodle-user:5").learn("11391", "oulad:11391");
        assertThat(scope.scrub("moodle-forum_posts:5")).isEqualTo("moodle-forum_posts:5");
        assertThat(scope.scrub("oulad-vle:11391")).isEqualTo("oulad-vle:11391");
        assertThat(scope.scrub("https://moodle/user/view.php?id=5&course=2"))
                .isEqualTo("https://moodle/user/view.php?id=" + key("moodle-user:5") + "&course=2");
        assertThat(scope.scrub("moodle-user:5")).isEqualTo("moodle-user:" + key("moodle-user:5"));
        // Moodle's participants page takes a course id, not a user id
        assertThat(scope.scrub("https://moodle/user/index.php?id=5")).isEqualTo("https://moodle/user/index.php?id=5");
    }

    @Test
    void unknownIdInAUserPositionGetsThePseudonymTheFormatMakesOfIt() {
        IdScrubber.Scope scope = SCRUBBER.newScope();
        assertThat(scope.scrub("/courses/course-v1:X+Y+Z/discussion/forum/users/42"))
                .isEqualTo("/courses/course-v1:X+Y+Z/discussion/forum/users/" + key("u:42"));
        assertThat(scope.scrub("https://lms/users/alice/")).isEqualTo("https://lms/users/" + key("u:alice") + "/");
    }

    @Test
    void titlesGetKnownIdsOnly() {
        IdScrubber.Scope scope = SCRUBBER.newScope().learn("s20260001", "account:s20260001");
        assertThat(scope.scrubText("For users and tutors")).isEqualTo("For users and tutors");
        assertThat(scope.scrubText("Post by s20260001")).isEqualTo("Post by " + key("account:s20260001"));
    }

    @Test
    void emailAddressesAreKnownWholeAndByTheirLocalPart() {
        IdScrubber.Scope scope = SCRUBBER.newScope().learnIdentifier("mailto:s20260009@stu.example.edu", "mbox:A");
        assertThat(scope.scrub("https://lms/portfolio/s20260009@stu.example.edu/p1"))
                .isEqualTo("https://lms/portfolio/" + key("mbox:A") + "@stu.example.edu/p1");
        assertThat(scope.scrub("https://lms/portfolio/s20260009.page")).isEqualTo("https://lms/portfolio/"
                + key("mbox:A") + ".page");
    }

    @Test
    void aRememberedRewriteIsRedoneWhenAnIdInItIsLearnedLater() {
        IdScrubber.Scope scope = SCRUBBER.newScope().learnIdentifier("https://lms/users/g00000003", "actor:A");
        String post = "https://lms/course/C1/forum/post/g00000007-2";
        String title = "Post by g00000007";
        // before g00000007 acts, its post and title are kept as they are (and remembered so)
        assertThat(scope.scrub(post)).isEqualTo(post);
        assertThat(scope.scrubText(title)).isEqualTo(title);
        assertThat(scope.scrub("https://lms/course/C1")).isEqualTo("https://lms/course/C1");
        scope.learnIdentifier("https://lms/users/g00000007", "actor:B");
        assertThat(scope.scrub(post)).isEqualTo("https://lms/course/C1/forum/post/" + key("actor:B") + "-2");
        assertThat(scope.scrubText(title)).isEqualTo("Post by " + key("actor:B"));
        assertThat(scope.scrub("https://lms/course/C1")).isEqualTo("https://lms/course/C1");
    }

    @Test
    void rewritesInAScopeThatRemembersEqualThoseOfAFreshScope() {
        IdScrubber.Scope remembering = SCRUBBER.newScope();
        java.util.List<String> learned = new java.util.ArrayList<>();
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 4_000; i++) {
            String user = "g" + (10_000_000 + r.nextInt(300));
            String id = switch (r.nextInt(4)) {
                case 0 -> "https://lms/course/C" + r.nextInt(5) + "/forum/post/" + user + "-" + r.nextInt(3);
                case 1 -> "https://lms/users/" + user + "/profile";
                case 2 -> "https://lms/course/C" + r.nextInt(5) + "/item/" + r.nextInt(2000);
                default -> "https://lms/course/C" + r.nextInt(5);
            };
            if (r.nextInt(10) == 0) {
                remembering.learnIdentifier("https://lms/users/" + user, "actor:" + user);
                learned.add(user);
            }
            // a fresh scope that knows the same ids, without any remembered rewrite
            IdScrubber.Scope fresh = SCRUBBER.newScope();
            learned.forEach(u -> fresh.learnIdentifier("https://lms/users/" + u, "actor:" + u));
            assertThat(remembering.scrub(id)).as(id).isEqualTo(fresh.scrub(id));
        }
    }
}
