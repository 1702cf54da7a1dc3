package dev.xueqing.common.privacy;

import dev.xueqing.common.model.CanonicalEvent;
import dev.xueqing.common.model.ObjectObservation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Replaces raw learner ids inside identifiers (object, parent, reply, course and class ids, source verbs that are
 * URL paths, object titles) by {@code ~<pseudonym>}, the learner's key with a tilde, deterministic per tenant.
 *
 * <p>An identifier is cut into <em>segments</em> at the IRI delimiters {@code / ? # & = : ; , + @ ! | } and
 * whitespace, and each segment into <em>parts</em> at {@code - . _ ~}. Two rules rewrite:
 * <ul>
 *   <li><b>Known ids</b>: a {@link Scope} learns the raw ids of the agents of each record it sees (the adapter
 *       keeps one scope per input file, so a reply by B that names A's post {@code …/post/A-1} is rewritten when A
 *       acted earlier in the same file). Any run of consecutive parts of a segment that equals a known id is
 *       replaced, when the id is <em>distinctive</em>: at least {@value #MIN_DISTINCTIVE} characters and not all
 *       digits (a short or numeric id such as Moodle's {@code 5} or OULAD's {@code 11391} would also match course
 *       module and site ids).</li>
 *   <li><b>User positions</b>: a whole segment right after a segment that names users ({@code users}, {@code user},
 *       {@code u}, {@code students}, {@code rosters}, {@code userid}, …, or {@code id} in Moodle's
 *       {@code user/view.php?id=5} and {@code user/profile.php?id=5}) is a user id, known or not, numeric or not. A known id
 *       gets its learner key; an unknown one the pseudonym of the raw id the format's {@link UserSegments} makes
 *       of it, which is the learner key whenever the format's ids can be rebuilt from the segment.</li>
 * </ul>
 * Titles ({@link Scope#scrubText}) get the first rule only. Percent-encoded ids and ids split across segments are not recognised; see docs/privacy.md for the limits.
 */
public final class IdScrubber implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Known ids shorter than this, or all digits, are rewritten only in user positions. */
    public static final int MIN_DISTINCTIVE = 4;

    /** A scope forgets its ids beyond this many (bounds memory on a file with very many agents). */
    static final int MAX_KNOWN = 1_000_000;

    /**
     * Identifiers whose rewrite a scope remembers (least recently used dropped first): a file names the same
     * course, class and object ids over and over, and the rewrite of each costs a few dozen map lookups.
     */
    static final int MEMO_SIZE = 1024;

    private static final Set<String> USER_WORDS = Set.of("user", "users", "u", "userid", "user_id", "uid",
            "relateduserid", "student", "students", "studentid", "student_id", "learner", "learners", "member",
            "members", "rosters", "author", "authors");

    /** The normalised raw id (what the adapter pseudonymises) of a segment in a user position. */
    @FunctionalInterface
    public interface UserSegments extends Serializable {
        /**
         * @param prefix  the identifier up to and including the segment (e.g. an actor IRI)
         * @param segment the segment
         */
        String rawId(String prefix, String segment);
    }

    private final Pseudonymizer pseudonymizer;
    private final String tenant;
    private final UserSegments userSegments;

    /** A scrubber whose unknown user-position segments get the pseudonym of {@code "segment:" + segment}. */
    public IdScrubber(Pseudonymizer pseudonymizer, String tenant) {
        this(pseudonymizer, tenant, (prefix, segment) -> "segment:" + segment);
    }

    public IdScrubber(Pseudonymizer pseudonymizer, String tenant, UserSegments userSegments) {
        this.pseudonymizer = Objects.requireNonNull(pseudonymizer, "pseudonymizer");
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.userSegments = Objects.requireNonNull(userSegments, "userSegments");
    }

    /** A fresh scope that knows no ids yet: one per input file, or one per record. */
    public Scope newScope() {
        return new Scope();
    }

    /** The replacement of a raw id: {@code ~} and its pseudonym. */
    public String token(String normalisedRawId) {
        return "~" + pseudonymizer.pseudonym(tenant, normalisedRawId);
    }

    private static Map<String, String> lru() {
        return new java.util.LinkedHashMap<>(MEMO_SIZE * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > MEMO_SIZE;
            }
        };
    }

    static boolean distinctive(String id) {
        if (id.length() < MIN_DISTINCTIVE) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!Character.isDigit(id.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean segmentDelimiter(char c) {
        return c == '/' || c == '?' || c == '#' || c == '&' || c == '=' || c == ':' || c == ';' || c == ','
                || c == '+' || c == '@' || c == '!' || c == '|' || Character.isWhitespace(c);
    }

    private static boolean partDelimiter(char c) {
        return c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** The raw ids learned so far and the rewrite that uses them. Not thread-safe; one per task and file. */
    public final class Scope {
        private final Map<String, String> known = new HashMap<>();
        /**
         * Rewrites done since, of identifiers ({@link #scrub}) and of titles ({@link #scrubText}). A rewrite
         * depends on the known ids only through the substrings of the identifier it looks up, so learning an id
         * forgets just the remembered identifiers that contain it.
         */
        private final Map<String, String> memo = lru();
        private final Map<String, String> memoText = lru();

        private Scope() {}

        /**
         * Learns a raw id as it may appear inside identifiers ({@code token}: a username, an account name, the
         * last segment of an actor IRI, an e-mail address and its local part) and the normalised raw id whose
         * pseudonym replaces it (the one the adapter gives the pseudonymizer for that agent).
         */
        public Scope learn(String token, String normalisedRawId) {
            if (token == null || normalisedRawId == null) {
                return this;
            }
            String t = token.trim();
            if (t.isEmpty() || known.containsKey(t)) {
                return this;
            }
            if (known.size() >= MAX_KNOWN) {
                known.clear();
                memo.clear();
                memoText.clear();
            }
            known.put(t, token(normalisedRawId));
            memo.keySet().removeIf(k -> k.contains(t));
            memoText.keySet().removeIf(k -> k.contains(t));
            return this;
        }

        /**
         * Learns the tokens of an IRI-shaped or e-mail-shaped raw id: the value itself, its last path segment
         * (for {@code https://lms/users/g01}: {@code g01}) and the local part of an e-mail address.
         */
        public Scope learnIdentifier(String value, String normalisedRawId) {
            if (value == null) {
                return this;
            }
            String v = value.startsWith("mailto:") ? value.substring("mailto:".length()) : value;
            learn(v, normalisedRawId);
            int at = v.indexOf('@');
            if (at > 0 && v.indexOf('/') < 0) {
                learn(v.substring(0, at), normalisedRawId);
            }
            String trimmed = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
            int slash = trimmed.lastIndexOf('/');
            if (slash >= 0 && slash < trimmed.length() - 1) {
                learn(trimmed.substring(slash + 1), normalisedRawId);
            }
            return this;
        }

        /** The number of ids known. */
        public int size() {
            return known.size();
        }

        /** {@code id} with every raw learner id found in it replaced; null stays null. */
        public String scrub(String id) {
            return rewrite(id, true);
        }

        /**
         * Free text (a title) with the known distinctive ids in it replaced; user positions are not looked for,
         * since prose has words after "user" that are no ids.
         */
        public String scrubText(String text) {
            return rewrite(text, false);
        }

        private String rewrite(String id, boolean positions) {
            if (id == null || id.isEmpty()) {
                return id;
            }
            Map<String, String> m = positions ? memo : memoText;
            String done = m.get(id);
            if (done == null) {
                done = rewriteNow(id, positions);
                m.put(id, done);
            }
            return done;
        }

        private String rewriteNow(String id, boolean positions) {
            StringBuilder out = null;
            List<String> previous = new ArrayList<>(4);
            int n = id.length();
            int start = 0;
            while (start <= n) {
                int end = start;
                while (end < n && !segmentDelimiter(id.charAt(end))) {
                    end++;
                }
                if (end > start) {
                    String segment = id.substring(start, end);
                    String replaced = rewriteSegment(id, end, segment, positions ? previous : List.of());
                    if (replaced != null && out == null) {
                        out = new StringBuilder(n + 40).append(id, 0, start);
                    }
                    if (out != null) {
                        out.append(replaced != null ? replaced : segment);
                    }
                    if (positions) {
                        previous.add(segment.toLowerCase(Locale.ROOT));
                    }
                }
                if (end < n && out != null) {
                    out.append(id.charAt(end));
                }
                start = end + 1;
            }
            return out == null ? id : out.toString();
        }

        private String rewriteSegment(String id, int end, String segment, List<String> previous) {
            if (segment.startsWith("~")) {
                return null;
            }
            if (!previous.isEmpty() && userPosition(previous) && !page(segment)) {
                String k = known.get(segment);
                return k != null ? k : token(userSegments.rawId(id.substring(0, end), segment));
            }
            if (known.isEmpty()) {
                return null;
            }
            String whole = known.get(segment);
            if (whole != null && distinctive(segment)) {
                return whole;
            }
            return rewriteParts(segment);
        }

        /** Replaces runs of parts (longest first, left to right) that equal a distinctive known id. */
        private String rewriteParts(String segment) {
            List<int[]> parts = new ArrayList<>();
            int s = 0;
            for (int i = 0; i <= segment.length(); i++) {
                if (i == segment.length() || partDelimiter(segment.charAt(i))) {
                    if (i > s) {
                        parts.add(new int[] {s, i});
                    }
                    s = i + 1;
                }
            }
            if (parts.size() < 2 || parts.size() > 16) {
                return null;
            }
            StringBuilder out = null;
            int copied = 0;
            int p = 0;
            while (p < parts.size()) {
                int matchedTo = -1;
                String replacement = null;
                for (int q = parts.size() - 1; q >= p && matchedTo < 0; q--) {
                    if (p == 0 && q == parts.size() - 1) {
                        continue;
                    }
                    String run = segment.substring(parts.get(p)[0], parts.get(q)[1]);
                    String k = known.get(run);
                    if (k != null && distinctive(run)) {
                        matchedTo = q;
                        replacement = k;
                    }
                }
                if (matchedTo < 0) {
                    p++;
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(segment.length() + 40);
                }
                out.append(segment, copied, parts.get(p)[0]).append(replacement);
                copied = parts.get(matchedTo)[1];
                p = matchedTo + 1;
            }
            return out == null ? null : out.append(segment, copied, segment.length()).toString();
        }

        private boolean userPosition(List<String> previous) {
            if (previous.isEmpty()) {
                return false;
            }
            String last = previous.get(previous.size() - 1);
            if (USER_WORDS.contains(last) || USER_WORDS.contains(lastPart(last))) {
                return true;
            }
            int n = previous.size();
            return last.equals("id") && n >= 3 && previous.get(n - 3).equals("user")
                    && (previous.get(n - 2).equals("view.php") || previous.get(n - 2).equals("profile.php"));
        }

        /** The event with its identifier columns scrubbed (event id, learner key, hashes and raw_ref kept). */
        public CanonicalEvent event(CanonicalEvent e) {
            return new CanonicalEvent(e.eventId(), e.source(), e.tenant(), e.learnerKey(), e.actorRole(),
                    scrub(e.courseId()), scrub(e.classId()), e.eventTime(), e.action(), scrub(e.sourceVerb()),
                    scrub(e.objectId()), e.objectType(), scrub(e.parentId()), e.scoreRaw(), e.scoreMax(),
                    e.scoreScaled(), e.success(), e.completion(), e.durationS(), e.response(), e.attempt(),
                    scrub(e.inReplyTo()), e.interactions(), e.rawRef(), e.runId(), e.contentHash(), e.eventDate());
        }

        /** The observation with its ids and title scrubbed (skill ids are not about people: kept as given). */
        public ObjectObservation observation(ObjectObservation o) {
            return new ObjectObservation(scrub(o.courseId()), scrub(o.objectId()), o.objectType(),
                    scrub(o.parentId()), scrubText(o.title()), o.maxScore(), o.dueTime(), o.weight(), o.tenant(),
                    o.lastSeen(), o.skills());
        }

        /** Each observation scrubbed. */
        public List<ObjectObservation> observations(List<ObjectObservation> observations) {
            List<ObjectObservation> out = new ArrayList<>(observations.size());
            observations.forEach(o -> out.add(observation(o)));
            return List.copyOf(out);
        }
    }

    /** A web page or script ({@code view.php}, {@code index.html}): what follows {@code user/} in many LMS URLs. */
    private static boolean page(String segment) {
        String s = segment.toLowerCase(Locale.ROOT);
        return s.endsWith(".php") || s.endsWith(".html") || s.endsWith(".htm") || s.endsWith(".jsp")
                || s.endsWith(".aspx") || s.endsWith(".asp");
    }

    private static String lastPart(String segment) {
        for (int i = segment.length() - 1; i >= 0; i--) {
            if (partDelimiter(segment.charAt(i))) {
                return segment.substring(i + 1);
            }
        }
        return segment;
    }
}
