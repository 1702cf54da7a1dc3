package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static dev.xueqing.jobs.samples.Xapi.*;

/**
 * Sample xAPI 1.0.3 statements of a fictional term → {@code <out>/xapi/}: one gzipped JSON-lines file per course,
 * an LRS export as a JSON array and one as a {@code {"statements":[...],"more":""}} envelope, a file of deliberately
 * bad lines (one defect each) and the hand-checkable course {@code HAND-001} (see {@code docs/hand-course.md}).
 *
 * <p>Deterministic: the same seed gives byte-identical files. All randomness comes from one {@link Random} (whose
 * algorithms the JDK specifies) consumed in a fixed order; dates are fixed (term start Monday 2026-09-07,
 * Asia/Shanghai, data up to Sunday 2026-11-01); no clock, no hash-ordered iteration, gzip headers carry no time.
 *
 * <p>The world: four courses (ST105 ends after week 6 and has passed/failed outcomes, the others run on), two or
 * three classes each, two tutors per course, about 300 learners enrolled in one or two courses. A latent ability
 * drives quiz and assignment scores; a latent engagement and conscientiousness drive how often a learner works,
 * lateness and dropout (withdrawal with {@code unregistered}, fading out, or never starting).
 */
public final class SampleDataGenerator {
    public static final long DEFAULT_SEED = 20260907L;

    static final LocalDate TERM_START = LocalDate.of(2026, 9, 7);
    static final int DATA_WEEKS = 8;
    /** Exclusive end of the data: Monday 2026-11-02 00:00 local. */
    static final Instant DATA_END = TERM_START.plusWeeks(DATA_WEEKS).atStartOfDay(ZONE).toInstant();
    static final int LEARNERS = 300;

    static final String ARRAY_FILE = "lrs-export-array.json";
    static final String ENVELOPE_FILE = "lrs-export-envelope.json";
    static final String BAD_FILE = "bad-lines.jsonl";
    static final String HAND_FILE = "hand-course.jsonl";
    static final int ARRAY_SIZE = 40;
    static final int ENVELOPE_SIZE = 45;

    /** What one generation wrote. {@code learners}, {@code courses}, ... describe the random world (not HAND-001). */
    public record Summary(Map<String, Integer> statementsPerFile, int badLines, int learners, int courses,
            int classes, int tutors, int enrolments) {
        public int totalStatements() {
            return statementsPerFile.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    // ---------------------------------------------------------------------------------------------- world model

    enum TimeStyle { LOCAL, UTC }

    record Course(int index, String code, String id, String nameEn, String nameZh, int weeks, boolean ended,
            TimeStyle style, List<Klass> classes, List<Tutor> tutors, List<List<Content>> pages,
            List<List<Content>> videos, List<Quiz> quizzes, List<Assignment> assignments) {
        ObjectNode ref() {
            return Xapi.ref(id, T_COURSE);
        }

        ObjectNode activity() {
            return Xapi.activity(id, T_COURSE, nameEn, nameZh);
        }

        String moduleId(int week) {
            return String.format(Locale.ROOT, "%s/module/w%02d", id, week);
        }
    }

    record Klass(String id, String letter, Tutor tutor) {
        ObjectNode ref() {
            return Xapi.ref(id, T_CLASS);
        }
    }

    record Tutor(String account, String name, double slowness) {
        ObjectNode agent() {
            return accountAgent(account, name);
        }
    }

    record Content(String id, String name, int week, int lengthSeconds) {}

    /**
     * A single-choice question. {@code skill}: the id of the one skill it practises (written in xAPI as the
     * {@code urn:xueqing:extension:skills} extension of its definition), or null; {@code difficulty} is NaN for
     * the scale generator's skill-practice questions, which are answered by BKT, not by the Rasch model.
     */
    record Item(String id, String name, String key, String distractor, double difficulty, boolean miskeyed,
            String skill) {}

    record Quiz(String id, String name, int week, Instant due, int weight, List<Item> items) {}

    record Assignment(String id, String name, int week, Instant due, int weight) {}

    record Learner(String account, String mbox, double ability, double engagement, double conscientiousness) {
        ObjectNode agent() {
            return mbox != null ? mboxAgent(mbox) : accountAgent(account, null);
        }
    }

    static final class Enrolment {
        final Learner learner;
        final Course course;
        final Klass klass;
        Instant enrolledAt;
        Instant unenrolledAt; // null: stays
        int startWeek;
        boolean neverStarts;
        int withdrawWeek; // 0: stays
        int fadeWeek; // 0: does not fade; else no activity from this week on
        double engagement;
        final double[] quizScaled;
        final double[] assignmentScaled;

        Enrolment(Learner learner, Course course, Klass klass) {
            this.learner = learner;
            this.course = course;
            this.klass = klass;
            this.quizScaled = new double[course.quizzes.size()];
            this.assignmentScaled = new double[course.assignments.size()];
        }

        /** Last week (inclusive) with learner activity. */
        int lastActiveWeek() {
            int last = course.weeks;
            if (withdrawWeek > 0) {
                last = Math.min(last, withdrawWeek - 1);
            }
            if (fadeWeek > 0) {
                last = Math.min(last, fadeWeek - 1);
            }
            return neverStarts ? 0 : last;
        }
    }

    /** One statement of the world with its time; the timestamp is written when the statement is rendered. */
    record Stmt(Instant time, long seq, Course course, ObjectNode body) {}

    // ---------------------------------------------------------------------------------------------- state

    private final Random rng;
    private final List<Course> courses = new ArrayList<>();
    private final List<Learner> learners = new ArrayList<>();
    private final List<Enrolment> enrolments = new ArrayList<>();
    private final List<Stmt> statements = new ArrayList<>();
    private final int[] postCounter = new int[8];
    private long seq;

    private SampleDataGenerator(long seed) {
        this.rng = new Random(seed);
    }

    // ---------------------------------------------------------------------------------------------- API

    /** Writes the sample files into {@code outDir/xapi/} and returns what was written. */
    public static Summary generate(Path outDir, long seed) {
        try {
            return new SampleDataGenerator(seed).run(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code --out DIR [--seed N]}. */
    public static void main(String[] args) {
        Path out = null;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--out") || a.equals("--seed")) && i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            switch (a) {
                case "--out" -> out = Path.of(args[++i]);
                case "--seed" -> {
                    try {
                        seed = Long.parseLong(args[++i]);
                    } catch (NumberFormatException e) {
                        usage("--seed must be an integer, got " + args[i]);
                    }
                }
                case "-h", "--help" -> usage(null);
                default -> usage("unknown argument " + a);
            }
        }
        if (out == null) {
            usage("--out DIR is required");
        }
        Summary s = generate(out, seed);
        System.out.printf("wrote %d statements into %s (seed %d)%n", s.totalStatements(), out.resolve("xapi"), seed);
        s.statementsPerFile().forEach((f, n) -> System.out.printf("  %-36s %6d statements%n", f, n));
        System.out.printf("  %-36s %6d lines%n", BAD_FILE, s.badLines());
        System.out.printf("learners %d, courses %d, classes %d, tutors %d, enrolments %d%n", s.learners(),
                s.courses(), s.classes(), s.tutors(), s.enrolments());
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("generate-samples: " + error);
        }
        System.err.println("usage: SampleDataGenerator --out DIR [--seed N]   (default seed " + DEFAULT_SEED + ")");
        System.exit(error == null ? 0 : 2);
    }

    // ---------------------------------------------------------------------------------------------- run

    private Summary run(Path outDir) throws IOException {
        buildCourses();
        buildLearners();
        for (Enrolment e : enrolments) {
            simulate(e);
        }
        forumAndOutcomes();
        statements.removeIf(s -> !s.time.isBefore(DATA_END));
        statements.sort(Comparator.comparing(Stmt::time).thenComparingLong(Stmt::seq));

        Path dir = outDir.resolve("xapi");
        Files.createDirectories(dir);
        Map<String, Integer> counts = new TreeMap<>();

        // the two small LRS exports: the latest statements of two courses (an incremental export after the dump)
        List<Stmt> arrayPart = takeLast(courses.get(3), ARRAY_SIZE);
        List<Stmt> envelopePart = takeLast(courses.get(0), ENVELOPE_SIZE);
        List<Stmt> remaining = new ArrayList<>(statements);
        remaining.removeAll(arrayPart);
        remaining.removeAll(envelopePart);

        for (Course c : courses) {
            List<Stmt> mine = remaining.stream().filter(s -> s.course == c).toList();
            String file = "statements-" + c.code + ".jsonl.gz";
            writeGzipLines(dir.resolve(file), mine.stream().map(this::render).toList());
            counts.put(file, mine.size());
        }
        writeJson(dir.resolve(ARRAY_FILE), lrsArray(arrayPart));
        counts.put(ARRAY_FILE, arrayPart.size());
        ObjectNode envelope = F.objectNode();
        envelope.set("statements", lrsArray(envelopePart));
        envelope.put("more", "");
        writeJson(dir.resolve(ENVELOPE_FILE), envelope);
        counts.put(ENVELOPE_FILE, envelopePart.size());

        List<String> bad = badLines(remaining);
        writeLines(dir.resolve(BAD_FILE), bad);

        List<ObjectNode> hand = HandCourse.statements();
        writeLines(dir.resolve(HAND_FILE), hand.stream().map(SampleDataGenerator::json).toList());
        counts.put(HAND_FILE, hand.size());

        int classes = courses.stream().mapToInt(c -> c.classes.size()).sum();
        int tutors = courses.stream().mapToInt(c -> c.tutors.size()).sum();
        return new Summary(Collections.unmodifiableMap(counts), bad.size(), learners.size(), courses.size(),
                classes, tutors, enrolments.size());
    }

    private List<Stmt> takeLast(Course c, int n) {
        List<Stmt> mine = statements.stream().filter(s -> s.course == c).toList();
        return mine.subList(Math.max(0, mine.size() - n), mine.size());
    }

    // ---------------------------------------------------------------------------------------------- courses

    /** The four courses: code, names (en, zh), weeks, classes, time style of their file. */
    private static final String[][] COURSE_DEFS = {
        {"DS101-2026A", "Introduction to Data Science", "数据科学导论", "16", "3", "LOCAL"},
        {"PY102-2026A", "Python Programming", "Python 程序设计", "16", "3", "UTC"},
        {"ST105-2026A", "Applied Statistics (short course)", "应用统计（短期课程）", "6", "2", "LOCAL"},
        {"EC110-2026A", "Principles of Economics", "经济学原理", "16", "2", "LOCAL"},
    };

    /** The id of course ci (0–3), e.g. {@code https://lms.example.edu/course/DS101-2026A}. */
    static String courseId(int ci) {
        return HOME + "/course/" + COURSE_DEFS[ci][0];
    }

    private void buildCourses() {
        String[] tutorNames = {"Li Wei", "Zhang Min", "Wang Fang", "Chen Jie", "Liu Yang", "Zhao Lei", "Huang Jing",
            "Zhou Tao"};
        for (int ci = 0; ci < COURSE_DEFS.length; ci++) {
            String[] d = COURSE_DEFS[ci];
            String code = d[0];
            String id = courseId(ci);
            int courseWeeks = Integer.parseInt(d[3]);
            int weeks = Math.min(courseWeeks, DATA_WEEKS);
            boolean ended = courseWeeks <= DATA_WEEKS;
            List<Tutor> tutors = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                // the second tutor of EC110 answers slowly
                double slowness = (ci == 3 && t == 1) ? 3.0 : 0.7 + 0.3 * rng.nextDouble();
                tutors.add(new Tutor(String.format(Locale.ROOT, "t2026%02d%02d", ci + 1, t + 1), tutorNames[ci * 2 + t],
                        slowness));
            }
            List<Klass> classes = new ArrayList<>();
            int nClasses = Integer.parseInt(d[4]);
            for (int k = 0; k < nClasses; k++) {
                String letter = String.valueOf((char) ('A' + k));
                classes.add(new Klass(id + "/class/" + letter, letter, tutors.get(k % 2)));
            }
            List<List<Content>> pages = new ArrayList<>();
            List<List<Content>> videos = new ArrayList<>();
            List<Quiz> quizzes = new ArrayList<>();
            List<SkillDef> skills = SKILLS.get(ci);
            int question = 0;
            for (int w = 1; w <= weeks; w++) {
                List<Content> wp = new ArrayList<>();
                int np = 2 + rng.nextInt(2);
                for (int p = 1; p <= np; p++) {
                    wp.add(new Content(String.format(Locale.ROOT, "%s/page/w%02d-p%d", id, w, p),
                            String.format(Locale.ROOT, "Week %d reading %d", w, p), w, 0));
                }
                pages.add(wp);
                List<Content> wv = new ArrayList<>();
                int nv = 1 + rng.nextInt(2);
                for (int v = 1; v <= nv; v++) {
                    wv.add(new Content(String.format(Locale.ROOT, "%s/video/w%02d-v%d", id, w, v),
                            String.format(Locale.ROOT, "Week %d lecture %d", w, v), w, 240 + rng.nextInt(14) * 60));
                }
                videos.add(wv);
                String quizId = String.format(Locale.ROOT, "%s/quiz/w%02d", id, w);
                int nItems = 4 + rng.nextInt(3);
                List<Item> items = new ArrayList<>();
                for (int q = 1; q <= nItems; q++) {
                    String key = String.valueOf((char) ('a' + rng.nextInt(4)));
                    String distractor;
                    do {
                        distractor = String.valueOf((char) ('a' + rng.nextInt(4)));
                    } while (distractor.equals(key));
                    double b = gaussian() * 0.9 - 0.7;
                    boolean miskeyed = false;
                    if (q == 1 && w % 3 == 1) {
                        b = -3.5; // far too easy
                    } else if (q == nItems && w % 4 == 2) {
                        b = 3.2; // far too hard
                    } else if (q == 2 && w == 5) {
                        miskeyed = true; // the key is wrong: strong learners "fail" it
                    }
                    String skill = skillId(id, skills.get(question++ % skills.size()).name());
                    items.add(new Item(quizId + "/q" + q, String.format(Locale.ROOT, "Week %d question %d", w, q), key,
                            distractor, b, miskeyed, skill));
                }
                Instant due = TERM_START.plusWeeks(w - 1).plusDays(6).atTime(23, 59).atZone(ZONE).toInstant();
                quizzes.add(new Quiz(quizId, String.format(Locale.ROOT, "Week %d quiz", w), w, due, 5, items));
            }
            List<Assignment> assignments = new ArrayList<>();
            int[] assignmentWeeks = ended ? new int[] {3, 6} : (ci == 3 ? new int[] {4, 8} : new int[] {3, 6, 8});
            int[] weights = assignmentWeeks.length == 2 ? new int[] {25, 35} : new int[] {20, 20, 30};
            for (int a = 0; a < assignmentWeeks.length; a++) {
                int w = assignmentWeeks[a];
                Instant due = TERM_START.plusWeeks(w - 1).plusDays(4).atTime(23, 59).atZone(ZONE).toInstant();
                assignments.add(new Assignment(id + "/assignment/a" + (a + 1), "Assignment " + (a + 1), w, due,
                        weights[a]));
            }
            courses.add(new Course(ci, code, id, d[1], d[2], weeks, ended, TimeStyle.valueOf(d[5]),
                    List.copyOf(classes), List.copyOf(tutors), pages, videos, quizzes, assignments));
        }
    }

    // ---------------------------------------------------------------------------------------------- skills

    /** A skill of a sample course: its name (the last part of its id) and the names of the skills it requires. */
    record SkillDef(String name, List<String> requires) {}

    /**
     * The skills of the four courses, in course order (DS101, PY102, ST105, EC110), each listed after the skills it
     * requires. Question n of a course, counted over its weekly quizzes from week 1 question 1 (n = 0, 1, …),
     * practises skill n mod 3: every quiz mixes the three, so each skill is answered by every learner who answers a
     * question of the course (53–113 learners a course, 5.4–7.2 questions each on average). Consumes no randomness:
     * the samples' answers are what they were, only their question definitions carry the skill.
     */
    static final List<List<SkillDef>> SKILLS = List.of(
            List.of(new SkillDef("tabular-data", List.of()),
                    new SkillDef("visualisation", List.of("tabular-data")),
                    new SkillDef("summary-statistics", List.of("tabular-data"))),
            List.of(new SkillDef("expressions", List.of()),
                    new SkillDef("control-flow", List.of("expressions")),
                    new SkillDef("functions", List.of("control-flow"))),
            List.of(new SkillDef("descriptive-statistics", List.of()),
                    new SkillDef("probability", List.of("descriptive-statistics")),
                    new SkillDef("inference", List.of("descriptive-statistics", "probability"))),
            List.of(new SkillDef("supply-and-demand", List.of()),
                    new SkillDef("elasticity", List.of("supply-and-demand")),
                    new SkillDef("market-structures", List.of("supply-and-demand"))));

    /** A skill's id: {@code <course id>/skill/<name>}, unique across courses. */
    static String skillId(String courseId, String name) {
        return courseId + "/skill/" + name;
    }

    // ---------------------------------------------------------------------------------------------- learners

    private void buildLearners() {
        double[] courseShare = {0.32, 0.28, 0.20, 0.20};
        for (int i = 1; i <= LEARNERS; i++) {
            String account = String.format(Locale.ROOT, "s2026%04d", i);
            String mbox = rng.nextDouble() < 0.04 ? "mailto:" + account + "@stu.example.edu" : null;
            Learner l = new Learner(account, mbox, gaussian(), gaussian(), gaussian());
            learners.add(l);
            int first = pick(courseShare);
            List<Integer> mine = new ArrayList<>(List.of(first));
            if (rng.nextDouble() < 0.35) {
                int second;
                do {
                    second = pick(courseShare);
                } while (second == first);
                mine.add(second);
            }
            Collections.sort(mine);
            for (int ci : mine) {
                Course c = courses.get(ci);
                Klass k = c.classes.get(rng.nextInt(c.classes.size()));
                Enrolment e = new Enrolment(l, c, k);
                e.engagement = l.engagement + 0.4 * gaussian();
                if (rng.nextDouble() < 0.10) {
                    // late enrolment: the Sunday before week 2 or 3
                    e.startWeek = 2 + rng.nextInt(2);
                    e.enrolledAt = localTime(e.startWeek, -1, 9 + rng.nextInt(12), rng.nextInt(60));
                } else {
                    e.startWeek = 1;
                    e.enrolledAt = localTime(1, -1 - rng.nextInt(14), 8 + rng.nextInt(15), rng.nextInt(60));
                }
                e.neverStarts = rng.nextDouble() < (e.engagement < -1.2 ? 0.15 : 0.04);
                if (!e.neverStarts && rng.nextDouble() < sigmoid(-2.4 - 0.8 * e.engagement)) {
                    e.withdrawWeek = Math.max(e.startWeek + 1, 2 + rng.nextInt(5));
                }
                if (!e.neverStarts && e.withdrawWeek == 0 && e.engagement < -0.6 && rng.nextDouble() < 0.4) {
                    e.fadeWeek = Math.max(e.startWeek + 1, 3 + rng.nextInt(5));
                }
                enrolments.add(e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- simulation

    private void simulate(Enrolment e) {
        Course c = e.course;
        ObjectNode enrolCtx = context("learner", List.of(), List.of(e.klass.ref()));
        add(e.enrolledAt, c, statement(uuid(), e.learner.agent(), V_REGISTERED, c.activity(), null, enrolCtx));
        if (e.withdrawWeek > 0 && e.withdrawWeek <= c.weeks) {
            Instant at = localTime(e.withdrawWeek, rng.nextInt(5), 9 + rng.nextInt(12), rng.nextInt(60));
            e.unenrolledAt = at;
            add(at, c, statement(uuid(), e.learner.agent(), V_UNREGISTERED, c.activity(), null,
                    context("learner", List.of(), List.of(e.klass.ref()))));
        }
        if (e.neverStarts) {
            return;
        }
        int last = e.lastActiveWeek();
        for (int w = e.startWeek; w <= last; w++) {
            double pActive = sigmoid(1.2 + 1.2 * e.engagement - 0.15 * (w - e.startWeek));
            if (rng.nextDouble() >= pActive) {
                continue;
            }
            List<Task> tasks = new ArrayList<>();
            for (Content p : c.pages.get(w - 1)) {
                if (rng.nextDouble() < sigmoid(1.2 + e.engagement)) {
                    tasks.add(new Task(TaskKind.PAGE, p));
                }
            }
            if (w > 1 && rng.nextDouble() < 0.15) {
                List<Content> prev = c.pages.get(w - 2);
                tasks.add(new Task(TaskKind.PAGE, prev.get(rng.nextInt(prev.size()))));
            }
            for (Content v : c.videos.get(w - 1)) {
                if (rng.nextDouble() < sigmoid(0.6 + e.engagement)) {
                    tasks.add(new Task(TaskKind.VIDEO, v));
                }
            }
            boolean quiz = rng.nextDouble() < sigmoid(0.8 + e.engagement + 0.4 * e.learner.conscientiousness);
            boolean quizLate = quiz && rng.nextDouble() < sigmoid(-2.6 - e.learner.conscientiousness);
            if (quizLate && w == last && e.unenrolledAt != null) {
                quizLate = false; // no late work in the week of the withdrawal
            }
            if (quiz && !quizLate) {
                tasks.add(new Task(TaskKind.QUIZ, null));
            }
            if (rng.nextDouble() < 0.07 + (e.learner.ability < -0.5 ? 0.05 : 0)) {
                tasks.add(rng.nextInt(tasks.size() + 1), new Task(TaskKind.QUESTION, null));
            }
            if (tasks.isEmpty()) {
                tasks.add(new Task(TaskKind.PAGE, c.pages.get(w - 1).get(0)));
            }
            int nSessions = Math.min(tasks.size(), 1 + Math.min(2, poisson(Math.max(0.1, 0.5 + 0.5 * e.engagement))));
            List<Integer> days = distinctDays(nSessions);
            int per = (tasks.size() + nSessions - 1) / nSessions;
            for (int s = 0; s < nSessions; s++) {
                List<Task> chunk = tasks.subList(Math.min(tasks.size(), s * per),
                        Math.min(tasks.size(), (s + 1) * per));
                if (chunk.isEmpty()) {
                    continue;
                }
                session(e, w, sessionStart(w, days.get(s)), chunk);
            }
            if (quizLate) {
                // done on Monday or Tuesday of the next week: after the due time
                session(e, w, sessionStart(w + 1, rng.nextInt(2)), List.of(new Task(TaskKind.QUIZ, null)));
            }
        }
        for (int a = 0; a < c.assignments.size(); a++) {
            Assignment as = c.assignments.get(a);
            if (as.week < e.startWeek || as.week > last) {
                continue;
            }
            if (rng.nextDouble() >= sigmoid(1.6 + e.engagement + 0.5 * e.learner.conscientiousness)) {
                continue;
            }
            Instant submitAt;
            if (rng.nextDouble() < sigmoid(-1.8 - e.learner.conscientiousness - 0.4 * e.engagement)) {
                submitAt = as.due.plusSeconds(1800 + rng.nextInt(72 * 3600));
                if (e.unenrolledAt != null && submitAt.isAfter(e.unenrolledAt.minusSeconds(3600))) {
                    submitAt = as.due.minusSeconds(3600); // withdrew soon after: this one was on time
                }
            } else {
                long before = (long) Math.min(5.5 * 86400, -StrictMath.log(1 - rng.nextDouble()) * 30 * 3600) + 120;
                submitAt = as.due.minusSeconds(before);
            }
            submitAssignment(e, a, submitAt);
        }
    }

    enum TaskKind { PAGE, VIDEO, QUIZ, QUESTION }

    record Task(TaskKind kind, Content content) {}

    private Instant sessionStart(int week, int day) {
        double r = rng.nextDouble();
        int hour;
        if (r < 0.12) {
            hour = 8 + rng.nextInt(4);
        } else if (r < 0.40) {
            hour = 12 + rng.nextInt(6);
        } else if (r < 0.84) {
            hour = 18 + rng.nextInt(5);
        } else {
            hour = 23; // late night: these sessions often cross local midnight
        }
        int minute = hour == 23 ? 15 + rng.nextInt(40) : rng.nextInt(60);
        return localTime(week, day, hour, minute).plusSeconds(rng.nextInt(60));
    }

    private void session(Enrolment e, int week, Instant start, List<Task> tasks) {
        Course c = e.course;
        Instant t = start;
        add(t, c, statement(uuid(), e.learner.agent(), V_LOGGED_IN, lms(), null,
                context("learner", List.of(), grouping(e))));
        for (Task task : tasks) {
            t = t.plusSeconds(gap());
            t = switch (task.kind) {
                case PAGE -> page(e, task.content, t);
                case VIDEO -> video(e, task.content, t);
                case QUIZ -> quiz(e, week, t);
                case QUESTION -> askQuestion(e, week, t);
            };
        }
    }

    /** Seconds between two events of a session: mostly a few minutes, sometimes up to 25. */
    private long gap() {
        return rng.nextDouble() < 0.1 ? 600 + rng.nextInt(900) : 30 + rng.nextInt(420);
    }

    private List<ObjectNode> grouping(Enrolment e) {
        return List.of(e.course.ref(), e.klass.ref());
    }

    private static ObjectNode lms() {
        return activity(HOME, T_LMS, PLATFORM, null);
    }

    private Instant page(Enrolment e, Content p, Instant t) {
        add(t, e.course, statement(uuid(), e.learner.agent(), V_VIEWED, activity(p.id, T_PAGE, p.name, null), null,
                context("learner", List.of(ref(e.course.moduleId(p.week), T_MODULE)), grouping(e))));
        return t;
    }

    private Instant video(Enrolment e, Content v, Instant t) {
        Function<String, ObjectNode> ctx = role -> context(role, List.of(ref(e.course.moduleId(v.week), T_MODULE)),
                grouping(e));
        ObjectNode obj = activity(v.id, T_VIDEO, v.name, null);
        add(t, e.course, statement(uuid(), e.learner.agent(), V_PLAYED, obj.deepCopy(), null, ctx.apply("learner")));
        int length = v.lengthSeconds;
        boolean completes = rng.nextDouble() < sigmoid(0.8 + e.engagement);
        if (!completes) {
            int watched = (int) (length * (0.15 + 0.7 * rng.nextDouble()));
            t = t.plusSeconds(watched);
            add(t, e.course, statement(uuid(), e.learner.agent(), V_PAUSED, obj.deepCopy(),
                    durationResult(watched), ctx.apply("learner")));
            return t;
        }
        int remaining = length;
        if (rng.nextDouble() < 0.3) {
            int watched = (int) (length * (0.2 + 0.5 * rng.nextDouble()));
            t = t.plusSeconds(watched);
            add(t, e.course, statement(uuid(), e.learner.agent(), V_PAUSED, obj.deepCopy(),
                    durationResult(watched), ctx.apply("learner")));
            remaining -= watched;
            t = t.plusSeconds(20 + rng.nextInt(300));
            add(t, e.course, statement(uuid(), e.learner.agent(), V_PLAYED, obj.deepCopy(), null,
                    ctx.apply("learner")));
        }
        if (rng.nextDouble() < 0.2) {
            int skipped = Math.min(remaining - 10, 30 + rng.nextInt(90));
            if (skipped > 0) {
                int watched = (remaining - skipped) / 3;
                t = t.plusSeconds(watched);
                add(t, e.course, statement(uuid(), e.learner.agent(), V_SEEKED, obj.deepCopy(),
                        durationResult(watched), ctx.apply("learner")));
                remaining -= skipped + watched;
            }
        }
        t = t.plusSeconds(remaining);
        ObjectNode result = durationResult(remaining);
        result.put("completion", true);
        add(t, e.course, statement(uuid(), e.learner.agent(), V_COMPLETED, obj, result, ctx.apply("learner")));
        return t;
    }

    private static ObjectNode durationResult(long seconds) {
        ObjectNode r = F.objectNode();
        r.put("duration", Xapi.seconds(seconds));
        return r;
    }

    private Instant quiz(Enrolment e, int week, Instant t) {
        Course c = e.course;
        Quiz q = c.quizzes.get(week - 1);
        ObjectNode quizObj = withDue(activity(q.id, T_QUIZ, q.name, null), q.due, q.weight);
        List<ObjectNode> parents = List.of(ref(c.moduleId(week), T_MODULE));
        add(t, c, statement(uuid(), e.learner.agent(), V_ATTEMPTED, quizObj.deepCopy(), null,
                context("learner", parents, grouping(e))));
        int correct = 0;
        for (Item item : q.items) {
            t = t.plusSeconds(40 + rng.nextInt(200));
            double p = item.miskeyed ? 0.55 - 0.25 * StrictMath.tanh(e.learner.ability)
                    : 0.08 + 0.9 * sigmoid(1.7 * (e.learner.ability - item.difficulty));
            boolean ok = rng.nextDouble() < p;
            String response;
            if (ok) {
                response = item.key;
            } else if (rng.nextDouble() < 0.6) {
                response = item.distractor;
            } else {
                String r;
                do {
                    r = String.valueOf((char) ('a' + rng.nextInt(4)));
                } while (r.equals(item.key));
                response = r;
            }
            correct += ok ? 1 : 0;
            ObjectNode result = F.objectNode();
            result.set("score", score(ok ? 1 : 0, 0, 1, null));
            result.put("success", ok);
            result.put("response", response);
            add(t, c, statement(uuid(), e.learner.agent(), V_ANSWERED,
                    withSkill(question(item.id, item.name, item.key), item.skill), result,
                    context("learner", List.of(ref(q.id, T_QUIZ)), grouping(e))));
        }
        t = t.plusSeconds(20 + rng.nextInt(60));
        ObjectNode submitResult = F.objectNode();
        submitResult.put("completion", true);
        add(t, c, statement(uuid(), e.learner.agent(), V_SUBMIT, quizObj.deepCopy(), submitResult,
                context("learner", parents, grouping(e))));
        int n = q.items.size();
        double scaled = round4((double) correct / n);
        e.quizScaled[week - 1] = Math.max(e.quizScaled[week - 1], scaled);
        ObjectNode scoredResult = F.objectNode();
        scoredResult.set("score", score(correct, 0, n, scaled));
        scoredResult.put("success", scaled >= 0.6);
        scoredResult.put("completion", true);
        add(t.plusSeconds(2), c, statement(uuid(), e.learner.agent(), V_SCORED, quizObj, scoredResult,
                context("system", parents, grouping(e))));
        return t.plusSeconds(2);
    }

    /** Forum questions, kept until all sessions exist so that replies can be placed after them. */
    record Question(Enrolment asker, String statementId, String postId, Instant at) {}

    private final List<Question> questions = new ArrayList<>();

    private Instant askQuestion(Enrolment e, int week, Instant t) {
        Course c = e.course;
        String postId = nextPostId(c);
        String id = uuid();
        String verb = rng.nextDouble() < 0.7 ? V_ASKED : V_POST;
        ObjectNode post = activity(postId, T_POST, "Question about week " + week, null);
        add(t, c, statement(id, e.learner.agent(), verb, post, null,
                context("learner", List.of(ref(c.id + "/forum", T_FORUM)), grouping(e))));
        questions.add(new Question(e, id, postId, t));
        return t;
    }

    private String nextPostId(Course c) {
        return c.id + "/forum/post/" + (++postCounter[c.index]);
    }

    private void submitAssignment(Enrolment e, int index, Instant submitAt) {
        Course c = e.course;
        Assignment a = c.assignments.get(index);
        List<ObjectNode> parents = List.of(ref(c.moduleId(a.week), T_MODULE));
        Instant login = submitAt.minusSeconds(120 + rng.nextInt(600));
        add(login, c, statement(uuid(), e.learner.agent(), V_LOGGED_IN, lms(), null,
                context("learner", List.of(), grouping(e))));
        ObjectNode obj = withDue(activity(a.id, T_ASSIGNMENT, a.name, null), a.due, a.weight);
        ObjectNode submitResult = F.objectNode();
        submitResult.put("completion", true);
        add(submitAt, c, statement(uuid(), e.learner.agent(), V_SUBMIT, obj.deepCopy(), submitResult,
                context("learner", parents, grouping(e))));
        double scaled = round4(Math.min(1.0, Math.max(0.05,
                sigmoid(0.9 + 1.1 * e.learner.ability + 0.3 * e.learner.conscientiousness + 0.5 * gaussian()))));
        long raw = Math.round(scaled * 100);
        scaled = round4(raw / 100.0);
        e.assignmentScaled[index] = scaled;
        // the tutor grades 3-6 days after the due time (or after a late submission), in office hours
        Instant base = submitAt.isAfter(a.due) ? submitAt : a.due;
        LocalDate day = base.atZone(ZONE).toLocalDate().plusDays(3 + rng.nextInt(4));
        Instant gradedAt = day.atTime(9 + rng.nextInt(8), rng.nextInt(60), rng.nextInt(60)).atZone(ZONE).toInstant();
        ObjectNode result = F.objectNode();
        result.set("score", score(raw, 0, 100, scaled));
        result.put("success", scaled >= 0.6);
        result.put("completion", true);
        ObjectNode ctx = context("system", parents, grouping(e));
        ctx.set("instructor", e.klass.tutor.agent());
        add(gradedAt, c, statement(uuid(), e.learner.agent(), V_SCORED, obj, result, ctx));
    }

    private void forumAndOutcomes() {
        for (Question q : questions) {
            Enrolment e = q.asker;
            Course c = e.course;
            // sometimes a classmate answers first
            if (rng.nextDouble() < 0.15) {
                List<Enrolment> mates = enrolments.stream()
                        .filter(o -> o.klass == e.klass && o != e && !o.neverStarts && o.withdrawWeek == 0
                                && o.fadeWeek == 0 && o.enrolledAt.isBefore(q.at))
                        .toList();
                if (!mates.isEmpty()) {
                    Enrolment mate = mates.get(rng.nextInt(mates.size()));
                    reply(mate.learner.agent(), "learner", mate, q, q.at.plusSeconds(600 + rng.nextInt(20 * 3600)));
                }
            }
            if (rng.nextDouble() < 0.15) {
                continue; // never answered by staff
            }
            Tutor tutor = rng.nextDouble() < 0.85 ? e.klass.tutor : c.tutors.get(rng.nextInt(c.tutors.size()));
            double hours = StrictMath.exp(StrictMath.log(6 * tutor.slowness) + 0.9 * gaussian());
            hours = Math.max(1.0, Math.min(72.0, hours));
            reply(tutor.agent(), "tutor", e, q, q.at.plusSeconds((long) (hours * 3600)));
        }
        for (Course c : courses) {
            if (!c.ended) {
                continue;
            }
            // outcomes are published on the Monday a week after the last week, once late work is graded
            LocalDate outcomeDay = TERM_START.plusWeeks(c.weeks + 1);
            for (Enrolment e : enrolments) {
                if (e.course != c || e.withdrawWeek > 0) {
                    continue;
                }
                double total = 0;
                double weights = 0;
                for (int i = 0; i < c.quizzes.size(); i++) {
                    total += c.quizzes.get(i).weight * e.quizScaled[i];
                    weights += c.quizzes.get(i).weight;
                }
                for (int i = 0; i < c.assignments.size(); i++) {
                    total += c.assignments.get(i).weight * e.assignmentScaled[i];
                    weights += c.assignments.get(i).weight;
                }
                long raw = Math.round(100 * total / weights);
                double scaled = round4(raw / 100.0);
                boolean passed = raw >= 60;
                ObjectNode result = F.objectNode();
                result.set("score", score(raw, 0, 100, scaled));
                result.put("success", passed);
                result.put("completion", true);
                Instant at = outcomeDay.atTime(10, rng.nextInt(60), rng.nextInt(60)).atZone(ZONE).toInstant();
                add(at, c, statement(uuid(), e.learner.agent(), passed ? V_PASSED : V_FAILED, c.activity(), result,
                        context("system", List.of(), List.of(e.klass.ref()))));
            }
        }
    }

    private void reply(ObjectNode actor, String role, Enrolment where, Question q, Instant at) {
        Course c = where.course;
        ObjectNode ctx = context(role, List.of(ref(q.postId, T_POST)), grouping(q.asker));
        ctx.set("statement", statementRef(q.statementId));
        ObjectNode post = activity(nextPostId(c), T_POST, "Reply", null);
        add(at, c, statement(uuid(), actor, V_REPLIED, post, null, ctx));
    }

    // ---------------------------------------------------------------------------------------------- bad lines

    /**
     * One defect per line, in the order of the README table. The duplicate, the conflict and the voided statement
     * refer to statements of the per-course files.
     */
    private List<String> badLines(List<Stmt> good) {
        List<String> lines = new ArrayList<>();
        Course ds = courses.get(0);
        List<Stmt> dsEarly = good.stream().filter(s -> s.course == ds && s.time.isBefore(localTime(4, 0, 0, 0)))
                .toList();
        Stmt page = first(dsEarly, V_VIEWED, 0);
        Stmt answered = first(dsEarly, V_ANSWERED, 0);
        Stmt video = first(dsEarly, V_COMPLETED, 0);
        Stmt scoredQuiz = first(dsEarly, V_SCORED, 0);

        // template: a fresh copy of a real page view, with a new id
        Function<Stmt, ObjectNode> fresh = s -> {
            ObjectNode n = rendered(s);
            n.put("id", uuid());
            return n;
        };

        // 1 malformed_json: a statement cut off mid-way
        String cut = json(fresh.apply(page));
        lines.add(cut.substring(0, cut.length() / 2));
        // 2 not_a_statement: valid JSON, not an object
        ArrayNode arr = F.arrayNode();
        arr.add("statement").add(42).add(true);
        lines.add(json(arr));
        // 3 invalid_id
        ObjectNode n = fresh.apply(page);
        n.put("id", "stmt-000123");
        lines.add(json(n));
        // 4 missing_actor
        n = fresh.apply(page);
        n.remove("actor");
        lines.add(json(n));
        // 5 invalid_actor: two inverse functional identifiers
        n = fresh.apply(page);
        ((ObjectNode) n.get("actor")).put("mbox", "mailto:someone@stu.example.edu");
        ensureAccount((ObjectNode) n.get("actor"));
        lines.add(json(n));
        // 6 invalid_actor: mbox without mailto:
        n = fresh.apply(page);
        n.set("actor", mboxAgent("s20260099@stu.example.edu"));
        lines.add(json(n));
        // 7 missing_verb
        n = fresh.apply(page);
        n.remove("verb");
        lines.add(json(n));
        // 8 invalid_verb: verb id not an IRI
        n = fresh.apply(page);
        ((ObjectNode) n.get("verb")).put("id", "viewed");
        lines.add(json(n));
        // 9 missing_object
        n = fresh.apply(page);
        n.remove("object");
        lines.add(json(n));
        // 10 score_out_of_range: scaled 1.5
        n = fresh.apply(scoredQuiz);
        ((ObjectNode) n.get("result").get("score")).put("scaled", 1.5);
        lines.add(json(n));
        // 11 score_out_of_range: raw > max
        n = fresh.apply(answered);
        ((ObjectNode) n.get("result").get("score")).put("raw", 3.0);
        lines.add(json(n));
        // 12 bad_duration
        n = fresh.apply(video);
        ((ObjectNode) n.get("result")).put("duration", "PT5X");
        lines.add(json(n));
        // 13 invalid_timestamp
        n = fresh.apply(page);
        n.put("timestamp", "yesterday");
        lines.add(json(n));
        // 14 missing_course: no context activities at all, and the object is not a course
        n = fresh.apply(page);
        ((ObjectNode) n.get("context")).remove("contextActivities");
        lines.add(json(n));
        // 15 duplicate: exactly a statement of statements-DS101-2026A.jsonl.gz
        lines.add(render(first(dsEarly, V_ANSWERED, 3)));
        // 16 id_conflict: the id of a scored statement of statements-DS101-2026A.jsonl.gz, another score
        n = rendered(first(dsEarly, V_SCORED, 2));
        ObjectNode sc = (ObjectNode) n.get("result").get("score");
        double raw = sc.get("raw").asDouble();
        double max = sc.get("max").asDouble();
        double newRaw = raw >= max ? raw - 1 : raw + 1;
        sc.put("raw", newRaw);
        sc.put("scaled", round4(newRaw / max));
        lines.add(json(n));
        // 17 voided: a voiding statement for a page view of statements-DS101-2026A.jsonl.gz
        Stmt target = first(dsEarly, V_VIEWED, 5);
        ObjectNode voidingContext = context("system", List.of(), List.of(ds.ref()));
        voidingContext.remove("platform");   // xAPI allows context.platform only when the object is an Activity
        ObjectNode voiding = statement(uuid(), accountAgent("lms-admin", "LMS administrator"), V_VOIDED,
                statementRef(target.body.get("id").asText()), null, voidingContext);
        voiding.put("timestamp", LOCAL_TS.format(localTime(4, 0, 9, 30)));
        lines.add(json(voiding));
        return lines;
    }

    private static void ensureAccount(ObjectNode actor) {
        if (!actor.has("account")) {
            ObjectNode acc = actor.putObject("account");
            acc.put("homePage", HOME);
            acc.put("name", "s20260098");
        }
    }

    private static Stmt first(List<Stmt> list, String verb, int skip) {
        return list.stream().filter(s -> s.body.get("verb").get("id").asText().equals(verb)).skip(skip).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + verb + " statement to build a bad line from"));
    }

    // ---------------------------------------------------------------------------------------------- rendering

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    static String json(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statement as written in its per-course file: timestamp in the course's style, then version. */
    private ObjectNode rendered(Stmt s) {
        ObjectNode n = s.body.deepCopy();
        n.put("timestamp", (s.course.style == TimeStyle.UTC ? UTC_TS : LOCAL_TS).format(s.time));
        n.put("version", "1.0.3");
        return n;
    }

    private String render(Stmt s) {
        return json(rendered(s));
    }

    /** As an LRS returns them: UTC timestamps with milliseconds, stored and authority. */
    private ArrayNode lrsArray(List<Stmt> part) {
        ArrayNode arr = F.arrayNode();
        for (Stmt s : part) {
            ObjectNode n = s.body.deepCopy();
            n.put("timestamp", LRS_TS.format(s.time));
            // stored a little after the event: the LMS forwards statements in batches
            n.put("stored", LRS_TS.format(s.time.plusMillis(1500 + (s.seq * 7919) % 60000)));
            ObjectNode authority = n.putObject("authority");
            authority.put("objectType", "Agent");
            authority.put("name", "lms-forwarder");
            authority.put("mbox", "mailto:lrs-forwarder@lms.example.edu");
            n.put("version", "1.0.3");
            arr.add(n);
        }
        return arr;
    }

    private static void writeGzipLines(Path file, List<String> lines) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16) {
                    {
                        def.setLevel(Deflater.BEST_COMPRESSION);
                    }
                };
                Writer w = new BufferedWriter(new OutputStreamWriter(gz, StandardCharsets.UTF_8))) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
    }

    private static void writeJson(Path file, Object node) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(PRETTY.writeValueAsString(node));
            w.write('\n');
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void add(Instant t, Course c, ObjectNode body) {
        statements.add(new Stmt(t, seq++, c, body));
    }

    /** A random (version 4 shaped) UUID from the generator's stream. */
    private String uuid() {
        long msb = (rng.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** Local time on day {@code day} (0 = Monday, may be negative) of term week {@code week} (1-based). */
    static Instant localTime(int week, int day, int hour, int minute) {
        LocalDateTime ldt = TERM_START.plusWeeks(week - 1).plusDays(day).atTime(LocalTime.of(hour, minute));
        return ldt.atZone(ZONE).toInstant();
    }

    private List<Integer> distinctDays(int n) {
        List<Integer> days = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6));
        Collections.shuffle(days, rng);
        List<Integer> chosen = new ArrayList<>(days.subList(0, n));
        Collections.sort(chosen);
        return chosen;
    }

    private int pick(double[] shares) {
        double r = rng.nextDouble();
        for (int i = 0; i < shares.length; i++) {
            r -= shares[i];
            if (r < 0) {
                return i;
            }
        }
        return shares.length - 1;
    }

    /** Standard normal by Box–Muller: fixed arithmetic, independent of the JDK's Gaussian implementation. */
    private double gaussian() {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    private int poisson(double lambda) {
        double l = StrictMath.exp(-lambda);
        int k = 0;
        double p = 1.0;
        do {
            k++;
            p *= rng.nextDouble();
        } while (p > l);
        return k - 1;
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + StrictMath.exp(-x));
    }
}
