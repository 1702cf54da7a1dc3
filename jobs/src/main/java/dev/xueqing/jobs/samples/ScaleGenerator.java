package dev.xueqing.jobs.samples;

import dev.xueqing.jobs.samples.SampleDataGenerator.Assignment;
import dev.xueqing.jobs.samples.SampleDataGenerator.Content;
import dev.xueqing.jobs.samples.SampleDataGenerator.Course;
import dev.xueqing.jobs.samples.SampleDataGenerator.Item;
import dev.xueqing.jobs.samples.SampleDataGenerator.Klass;
import dev.xueqing.jobs.samples.SampleDataGenerator.Learner;
import dev.xueqing.jobs.samples.SampleDataGenerator.Quiz;
import dev.xueqing.jobs.samples.SampleDataGenerator.TimeStyle;
import dev.xueqing.jobs.samples.SampleDataGenerator.Tutor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static dev.xueqing.jobs.samples.SampleDataGenerator.TERM_START;
import static dev.xueqing.jobs.samples.SampleDataGenerator.localTime;
import static dev.xueqing.jobs.samples.SampleDataGenerator.sigmoid;
import static dev.xueqing.jobs.samples.Xapi.HOME;
import static dev.xueqing.jobs.samples.Xapi.ZONE;

/**
 * Synthetic activity at any size → {@code <out>/part-NNNNN<suffix>} in one input format, plus truth files in
 * {@code <out>/_truth/} (see docs/generator.md).
 *
 * <p>Constant memory: the courses (a few hundred objects) are built first; then learners are simulated one at a
 * time, and each learner's events (all their courses, sorted by time) are written before the next learner starts.
 * Files roll over at a learner boundary once they hold {@link Options#linesPerFile()} lines.
 *
 * <p>Deterministic: every course and every learner has its own {@link Random}, seeded from the run's seed and the
 * course or learner index (SplitMix64), so a learner's events do not depend on the order of generation; term
 * dates are fixed (the sample world's term, starting Monday 2026-09-07, Asia/Shanghai); gzip headers carry no
 * time. Same options, same bytes.
 *
 * <p>The model reuses the sample generator's world records: latent ability (Rasch: P(correct) =
 * sigmoid(ability − difficulty)), engagement (activity volume, video completion, dropout) and conscientiousness
 * (lateness); outcomes passed / failed (final weighted score ≥ {@link #PASS_MARK}) a week after the course ends,
 * or withdrawn. Beside the Rasch quizzes, each course has a small skill graph and weekly practice sets whose answers
 * follow Bayesian Knowledge Tracing with known parameters per skill ({@link #buildSkills}, {@link #practice}),
 * drawn from streams of their own.
 */
public final class ScaleGenerator {
    public static final List<String> FORMATS = List.of("xapi", "csv", "edx", "moodle", "caliper");
    public static final long DEFAULT_SEED = 20260907L;

    /**
     * What to generate.
     *
     * @param eventsPerLearnerWeek the mean number of events of an average learner in an active week
     * @param duplicateShare       share of events written twice (exact copies, same id)
     * @param lateShare            share of events written after the learner's later events (days earlier)
     * @param malformedShare       share of events followed by a broken copy that the adapter quarantines
     * @param linesPerFile         a file is closed at the first learner boundary after this many lines
     * @param profiles             plant a behaviour profile per learner ({@link BehaviourProfile}); off gives the
     *                             earlier model without profiles (the committed data-samples are made that way)
     * @param threads              the richer forum threads of {@link #ask} (learner additions, second answers,
     *                             follow-ups, announcements) and Caliper's Thread entity; off gives the earlier
     *                             one-question-one-reply threads (the committed data-samples are made that way)
     * @param skills               a skill graph per course and weekly skill-practice sets answered by BKT
     *                             ({@link #practice}), with the skill truth files; drawn from streams of their own,
     *                             so every other event is the same with or without them; off for the committed
     *                             data-samples and {@code generate --no-skills}
     */
    public record Options(int learners, int courses, int weeks, Path out, String format, long seed,
            int eventsPerLearnerWeek, double duplicateShare, double lateShare, double malformedShare,
            long linesPerFile, boolean profiles, boolean threads, boolean skills) {
        public Options {
            if (learners < 1 || courses < 1 || weeks < 1 || weeks > 52) {
                throw new dev.xueqing.common.config.UsageException(
                        "generate needs --learners ≥ 1, --courses ≥ 1 and 1 ≤ --weeks ≤ 52"
                        + " (got " + learners + ", " + courses + ", " + weeks + ").");
            }
            if (eventsPerLearnerWeek < 5) {
                throw new dev.xueqing.common.config.UsageException("--events-per-learner-week must be at least 5, got "
                        + eventsPerLearnerWeek + ".");
            }
            for (double share : new double[] {duplicateShare, lateShare, malformedShare}) {
                if (share < 0 || share > 0.5) {
                    throw new dev.xueqing.common.config.UsageException("--duplicates, --late and --malformed are shares in [0, 0.5],"
                            + " got " + share + ".");
                }
            }
            if (linesPerFile < 1) {
                throw new dev.xueqing.common.config.UsageException("--lines-per-file must be positive, got " + linesPerFile + ".");
            }
        }

        /** Profiles and threads as given; skill practice with the profiles (off for the committed samples). */
        public Options(int learners, int courses, int weeks, Path out, String format, long seed,
                int eventsPerLearnerWeek, double duplicateShare, double lateShare, double malformedShare,
                long linesPerFile, boolean profiles, boolean threads) {
            this(learners, courses, weeks, out, format, seed, eventsPerLearnerWeek, duplicateShare, lateShare,
                    malformedShare, linesPerFile, profiles, threads, profiles);
        }

        /** Profiles as given; richer threads and skill practice with them (off for the committed samples). */
        public Options(int learners, int courses, int weeks, Path out, String format, long seed,
                int eventsPerLearnerWeek, double duplicateShare, double lateShare, double malformedShare,
                long linesPerFile, boolean profiles) {
            this(learners, courses, weeks, out, format, seed, eventsPerLearnerWeek, duplicateShare, lateShare,
                    malformedShare, linesPerFile, profiles, profiles, profiles);
        }

        /**
         * With behaviour profiles planted, richer threads and skill practice (the default of
         * {@code xueqing generate}).
         */
        public Options(int learners, int courses, int weeks, Path out, String format, long seed,
                int eventsPerLearnerWeek, double duplicateShare, double lateShare, double malformedShare,
                long linesPerFile) {
            this(learners, courses, weeks, out, format, seed, eventsPerLearnerWeek, duplicateShare, lateShare,
                    malformedShare, linesPerFile, true);
        }

        public static Options defaults(int learners, int courses, int weeks, Path out, String format) {
            return new Options(learners, courses, weeks, out, format, DEFAULT_SEED, 25, 0.005, 0.01, 0.001,
                    1_000_000);
        }
    }

    /**
     * What a generation wrote: lines = events + duplicates + malformed (+ one header per CSV file);
     * {@code practiceAnswers} of the events are answers to skill-practice questions.
     */
    public record Summary(int files, long lines, long events, long duplicates, long late, long malformed,
            int learners, int courses, int enrolments, String malformedReason, long practiceAnswers,
            Duration took) {
        public double eventsPerSecond() {
            return events / Math.max(0.001, took.toMillis() / 1000.0);
        }
    }

    private static final long COURSE_STREAM = 0x436F75727365L;
    private static final long LEARNER_STREAM = 0x4C6561726E6572L;
    private static final long THREAD_STREAM = 0x546872656164L;
    private static final long SKILL_STREAM = 0x536B696C6CL;
    private static final long PRACTICE_STREAM = 0x5072616374696365L;
    static final String TRUTH = "_truth";
    /** Final score (0–100, missing work counts 0) needed to pass: 40, as in the OULAD courses. */
    static final int PASS_MARK = 40;

    private final Options o;
    private final EventFormat format;
    private final List<Course> courses = new ArrayList<>();
    /** Each course's skills and practice sets, by course index (empty when skills are off). */
    private final List<CourseSkills> skills = new ArrayList<>();

    private ScaleGenerator(Options o) {
        this.o = o;
        this.format = EventFormat.of(o.format(), o.threads());
    }

    public static Summary generate(Options o) {
        try {
            return new ScaleGenerator(o).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- run

    private Summary run() throws IOException {
        long started = System.nanoTime();
        Files.createDirectories(o.out());
        Path truth = Files.createDirectories(o.out().resolve(TRUTH));
        for (int c = 0; c < o.courses(); c++) {
            courses.add(buildCourse(c));
            if (o.skills()) {
                skills.add(buildSkills(courses.get(c)));
            }
        }
        writeItems(truth.resolve("items.csv"));
        if (o.skills()) {
            writeSkills(truth);
        }
        writeTutors(truth);
        Files.writeString(truth.resolve("csv-mapping.conf"),
                "# for --format csv: --conf this file, --mapping generated\n" + CsvEventFormat.MAPPING);

        long lines = 0;
        long events = 0;
        long duplicates = 0;
        long late = 0;
        long malformed = 0;
        long practiceAnswers = 0;
        int files = 0;
        int enrolmentCount = 0;
        long linesInFile = 0;
        Writer out = null;
        try (Writer learnersCsv = Files.newBufferedWriter(truth.resolve("learners.csv"), StandardCharsets.UTF_8);
                Writer enrolCsv = Files.newBufferedWriter(truth.resolve("enrolments.csv"), StandardCharsets.UTF_8)) {
            learnersCsv.write("learner_id,ability,engagement,conscientiousness,profile\n");
            enrolCsv.write("learner_id,course_id,class_id,outcome,final_score,events\n");
            for (int i = 0; i < o.learners(); i++) {
                Random r = stream(o.seed(), LEARNER_STREAM, i);
                // skill practice draws from its own stream: the learner's other events are as without it
                Random pr = o.skills() ? stream(o.seed(), PRACTICE_STREAM, i) : null;
                Learner l = new Learner(learnerId(i), null, gaussian(r), gaussian(r), gaussian(r));
                BehaviourProfile profile = o.profiles() ? BehaviourProfile.draw(r) : null;
                learnersCsv.write(String.format(Locale.ROOT, "%s,%.4f,%.4f,%.4f,%s\n", l.account(), l.ability(),
                        l.engagement(), l.conscientiousness(), profile == null ? "" : profile.truthName));
                List<SimEvent> mine = new ArrayList<>();
                for (int ci : coursesOf(i, r)) {
                    Enrol e = simulate(l, profile, courses.get(ci), r, pr, mine);
                    enrolmentCount++;
                    enrolCsv.write(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%d\n", l.account(), e.course.id(),
                            e.klass.id(), e.outcome, e.finalScore == null ? "" : String.format(Locale.ROOT, "%.4f",
                                    e.finalScore), e.events));
                }
                mine.sort(Comparator.comparing(SimEvent::time).thenComparing(SimEvent::id));
                // render in time order; late ones and duplicate copies go after the learner's later events
                List<String> block = new ArrayList<>(mine.size() + 8);
                List<String> tail = new ArrayList<>();
                for (SimEvent ev : mine) {
                    String line = format.render(ev);
                    if (line == null) {
                        continue;
                    }
                    events++;
                    Random d = ev.practice() ? pr : r;
                    practiceAnswers += ev.practice() ? 1 : 0;
                    if (d.nextDouble() < o.lateShare()) {
                        tail.add(0, line);
                        late++;
                    } else {
                        block.add(line);
                    }
                    if (d.nextDouble() < o.duplicateShare()) {
                        tail.add(line);
                        duplicates++;
                    }
                    if (d.nextDouble() < o.malformedShare()) {
                        block.add(format.malformed(line, ev, d));
                        malformed++;
                    }
                }
                block.addAll(tail);
                if (out == null || linesInFile >= o.linesPerFile()) {
                    if (out != null) {
                        out.close();
                    }
                    out = open(o.out().resolve(String.format(Locale.ROOT, "part-%05d%s", files++, format.suffix())));
                    linesInFile = 0;
                    if (format.header() != null) {
                        out.write(format.header());
                        out.write('\n');
                    }
                }
                for (String line : block) {
                    out.write(line);
                    out.write('\n');
                }
                linesInFile += block.size();
                lines += block.size();
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
        return new Summary(files, lines, events, duplicates, late, malformed, o.learners(), o.courses(),
                enrolmentCount, format.malformedReason(), practiceAnswers,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static Writer open(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        // java.util.zip writes a header with MTIME 0 and no file name: the bytes depend only on the content
        return new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(raw, 1 << 16), StandardCharsets.UTF_8),
                1 << 16);
    }

    static String learnerId(int i) {
        return String.format(Locale.ROOT, "g%08d", i + 1);
    }

    /** Each learner takes course {@code i mod C} (every course gets learners), and a second one with p = 0.3. */
    private List<Integer> coursesOf(int i, Random r) {
        int first = i % o.courses();
        List<Integer> mine = new ArrayList<>(List.of(first));
        if (o.courses() > 1 && r.nextDouble() < 0.3) {
            int second = (first + 1 + r.nextInt(o.courses() - 1)) % o.courses();
            mine.add(second);
        }
        mine.sort(null);
        return mine;
    }

    // ---------------------------------------------------------------------------------------------- courses

    private Course buildCourse(int ci) {
        Random r = stream(o.seed(), COURSE_STREAM, ci);
        String code = String.format(Locale.ROOT, "GEN%03d-2026A", ci + 1);
        String id = HOME + "/course/" + code;
        int expected = (int) Math.ceil(o.learners() * 1.3 / o.courses());
        int nClasses = Math.max(1, Math.min(26, (expected + 39) / 40));
        int nTutors = Math.max(1, (nClasses + 1) / 2);
        List<Tutor> tutors = new ArrayList<>();
        for (int t = 0; t < nTutors; t++) {
            // every fifth tutor answers slowly
            double slowness = t % 5 == 4 ? 3.0 : 0.6 + 0.6 * r.nextDouble();
            String account = String.format(Locale.ROOT, "t%03d%03d", ci + 1, t + 1);
            tutors.add(new Tutor(account, "Tutor " + account, slowness));
        }
        List<Klass> classes = new ArrayList<>();
        for (int k = 0; k < nClasses; k++) {
            String letter = String.valueOf((char) ('A' + k));
            classes.add(new Klass(id + "/class/" + letter, letter, tutors.get(k % nTutors)));
        }
        List<List<Content>> pages = new ArrayList<>();
        List<List<Content>> videos = new ArrayList<>();
        List<Quiz> quizzes = new ArrayList<>();
        for (int w = 1; w <= o.weeks(); w++) {
            List<Content> wp = new ArrayList<>();
            for (int p = 1, n = 2 + r.nextInt(3); p <= n; p++) {
                wp.add(new Content(String.format(Locale.ROOT, "%s/page/w%02d-p%d", id, w, p),
                        String.format(Locale.ROOT, "Week %d reading %d", w, p), w, 0));
            }
            pages.add(wp);
            List<Content> wv = new ArrayList<>();
            for (int v = 1, n = 1 + r.nextInt(2); v <= n; v++) {
                wv.add(new Content(String.format(Locale.ROOT, "%s/video/w%02d-v%d", id, w, v),
                        String.format(Locale.ROOT, "Week %d lecture %d", w, v), w, 240 + r.nextInt(14) * 60));
            }
            videos.add(wv);
            String quizId = String.format(Locale.ROOT, "%s/quiz/w%02d", id, w);
            List<Item> items = new ArrayList<>();
            for (int q = 1, n = 4 + r.nextInt(3); q <= n; q++) {
                String key = String.valueOf((char) ('a' + r.nextInt(4)));
                String distractor = String.valueOf((char) ('a' + (key.charAt(0) - 'a' + 1 + r.nextInt(3)) % 4));
                double difficulty = Math.round((gaussian(r) * 1.0 - 0.8) * 1000) / 1000.0;
                items.add(new Item(quizId + "/q" + q, String.format(Locale.ROOT, "Week %d question %d", w, q), key,
                        distractor, difficulty, false, null));
            }
            Instant due = TERM_START.plusWeeks(w - 1).plusDays(6).atTime(23, 59).atZone(ZONE).toInstant();
            quizzes.add(new Quiz(quizId, String.format(Locale.ROOT, "Week %d quiz", w), w, due, 5, items));
        }
        List<Assignment> assignments = new ArrayList<>();
        for (int w = 3, a = 1; w <= o.weeks(); w += 3, a++) {
            Instant due = TERM_START.plusWeeks(w - 1).plusDays(4).atTime(23, 59).atZone(ZONE).toInstant();
            assignments.add(new Assignment(id + "/assignment/a" + a, "Assignment " + a, w, due, 20));
        }
        return new Course(ci, code, id, "Generated course " + (ci + 1), "生成课程 " + (ci + 1), o.weeks(), true,
                TimeStyle.LOCAL, List.copyOf(classes), List.copyOf(tutors), pages, videos, quizzes,
                List.copyOf(assignments));
    }

    private void writeItems(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("item_id,course_id,quiz_id,difficulty,key\n");
            for (Course c : courses) {
                for (Quiz q : c.quizzes()) {
                    for (Item it : q.items()) {
                        w.write(String.format(Locale.ROOT, "%s,%s,%s,%.3f,%s\n", it.id(), c.id(), q.id(),
                                it.difficulty(), it.key()));
                    }
                }
            }
        }
    }

    /** A tutor at least this slow (median reply delay = 6 h × slowness) is a slow tutor in the truth file. */
    static final double SLOW = 2.0;

    /**
     * {@code tutors.csv} (each tutor, their course and classes, slowness, whether slow, and the raw id each format
     * writes for them) and, for Moodle, whose log has no roles, the role assignments export
     * ({@code moodle-role-assignments.csv}) with the configuration line that reads it ({@code moodle-roles.conf}).
     */
    private void writeTutors(Path truth) throws IOException {
        Path roles = truth.resolve("moodle-role-assignments.csv");
        try (Writer w = Files.newBufferedWriter(truth.resolve("tutors.csv"), StandardCharsets.UTF_8);
                Writer m = Files.newBufferedWriter(roles, StandardCharsets.UTF_8)) {
            w.write("account,course_id,classes,slowness,slow,xapi_account_name,caliper_id,edx_username,"
                    + "moodle_userid,moodle_courseid,csv_user\n");
            m.write("userid,courseid,roleshortname\n");
            for (Course c : courses) {
                for (Tutor t : c.tutors()) {
                    String classes = String.join(";", c.classes().stream().filter(k -> k.tutor() == t)
                            .map(Klass::letter).toList());
                    long moodleCourse = c.index() + 2L;
                    w.write(String.format(Locale.ROOT, "%s,%s,%s,%.4f,%s,%s,%s,%s,%d,%d,%s\n", t.account(),
                            c.id(), classes, t.slowness(), t.slowness() >= SLOW, t.account(),
                            CaliperEventFormat.user(t.account()), t.account(), MoodleEventFormat.userId(t.account()),
                            moodleCourse, t.account()));
                    m.write(MoodleEventFormat.userId(t.account()) + "," + moodleCourse + ",teacher\n");
                }
            }
        }
        Files.writeString(truth.resolve("moodle-roles.conf"), "# for --format moodle: --conf this file (the tutors'"
                + " role assignments, as the SQL in docs/moodle.md exports them)\n"
                + "xueqing.moodle.role-assignments-file = " + hoconString(roles) + "\n");
    }

    // ---------------------------------------------------------------------------------------------- skills

    /**
     * Skill names by theme, in curriculum order: course c takes the first 6–8 of theme c mod 3. Single words, so
     * that no name is part of another's id and a glob per skill ({@link #mappingGlob}) matches its questions only.
     */
    private static final List<List<String>> SKILL_NAMES = List.of(
            List.of("numbers", "fractions", "decimals", "ratios", "equations", "inequalities", "graphs", "functions"),
            List.of("sampling", "averages", "spread", "probability", "distributions", "estimation", "testing",
                    "regression"),
            List.of("variables", "conditionals", "loops", "lists", "dictionaries", "functions", "recursion",
                    "classes"));

    /**
     * The true BKT parameters of a skill (pyBKT's names, no forgetting): P(known before the first opportunity),
     * P(unknown → known after an opportunity), P(correct | unknown), P(wrong | known).
     */
    record BktTruth(double prior, double learn, double guess, double slip) {}

    /**
     * A skill of a generated course: id {@code <course id>/skill/<name>}, the ids of the skills it requires
     * (earlier skills of the course: the graph is a DAG), its true parameters, and its practice questions in the
     * order a learner meets them, spread over weeks {@code firstWeek}–{@code lastWeek}.
     */
    record Skill(String id, String name, List<String> requires, BktTruth truth, List<Item> questions, int firstWeek,
            int lastWeek) {}

    /**
     * A course's skills in prerequisite order (each after the skills it requires) and its weekly practice sets
     * (index week − 1; null for a week without practice questions), each an assessment without due time or weight
     * whose questions practise the skills of that week, in skill order.
     */
    record CourseSkills(List<Skill> skills, Map<String, Integer> indexById, List<Quiz> practice) {}

    /**
     * The course's skill graph and practice questions, from the course's own skill stream (the course itself is
     * built from another, so it is the same with or without skills). 6–8 skills; skill k ≥ 1 requires skill k − 1
     * (p = 0.7, else a random earlier one: a branch) and, for k ≥ 2 with p = 0.25, a second earlier skill (a join).
     * Truth per skill uniform in prior 0.1–0.5, learn 0.05–0.3, guess 0.05–0.3, slip 0.05–0.2 (3 decimals).
     * Skill k is introduced in week 1 + ⌊k·W/S⌋ and practised over round(2W/S) weeks (at least 1, at most to the
     * end), by 8–15 questions spread evenly over them: a week's practice set holds the questions of the one to three
     * skills of that week.
     */
    private CourseSkills buildSkills(Course c) {
        Random r = stream(o.seed(), SKILL_STREAM, c.index());
        List<String> names = SKILL_NAMES.get(c.index() % SKILL_NAMES.size());
        int n = 6 + r.nextInt(3);
        int weeks = o.weeks();
        int span = Math.max(1, (int) Math.round(2.0 * weeks / n));
        List<Skill> list = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<List<Item>> byWeek = new ArrayList<>();
        for (int w = 0; w < weeks; w++) {
            byWeek.add(new ArrayList<>());
        }
        for (int k = 0; k < n; k++) {
            List<Integer> requires = new ArrayList<>();
            if (k > 0) {
                int first = k == 1 || r.nextDouble() < 0.7 ? k - 1 : r.nextInt(k - 1);
                requires.add(first);
                if (k > 1 && r.nextDouble() < 0.25) {
                    int second = r.nextInt(k - 1);
                    requires.add(second >= first ? second + 1 : second);
                }
                requires.sort(null);
            }
            BktTruth truth = new BktTruth(round3(0.1 + 0.4 * r.nextDouble()), round3(0.05 + 0.25 * r.nextDouble()),
                    round3(0.05 + 0.25 * r.nextDouble()), round3(0.05 + 0.15 * r.nextDouble()));
            int count = 8 + r.nextInt(8);
            int firstWeek = 1 + k * weeks / n;
            int lastWeek = Math.min(weeks, firstWeek + span - 1);
            String name = names.get(k);
            String id = SampleDataGenerator.skillId(c.id(), name);
            List<Item> questions = new ArrayList<>();
            for (int q = 0; q < count; q++) {
                int w = firstWeek + q * (lastWeek - firstWeek + 1) / count;
                String key = String.valueOf((char) ('a' + r.nextInt(4)));
                String distractor = String.valueOf((char) ('a' + (key.charAt(0) - 'a' + 1 + r.nextInt(3)) % 4));
                Item item = new Item(String.format(Locale.ROOT, "%s/practice/w%02d/%s-q%d", c.id(), w, name, q + 1),
                        String.format(Locale.ROOT, "Practice: %s %d", name, q + 1), key, distractor, Double.NaN,
                        false, id);
                questions.add(item);
                byWeek.get(w - 1).add(item);
            }
            index.put(id, k);
            list.add(new Skill(id, name, requires.stream().map(i -> list.get(i).id()).toList(), truth,
                    List.copyOf(questions), firstWeek, lastWeek));
        }
        List<Quiz> practice = new ArrayList<>();
        for (int w = 1; w <= weeks; w++) {
            List<Item> items = byWeek.get(w - 1);
            practice.add(items.isEmpty() ? null : new Quiz(String.format(Locale.ROOT, "%s/practice/w%02d", c.id(), w),
                    String.format(Locale.ROOT, "Week %d practice", w), w, null, 0, List.copyOf(items)));
        }
        return new CourseSkills(List.copyOf(list), Map.copyOf(index), practice);
    }

    private static double round3(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /**
     * The practice sets of the weeks the learner was active in, each a few minutes after the last event of the
     * week's last session (so they add no session, day or week of activity): every question of the set, in order.
     * Answers follow BKT: per skill a hidden state, known with P = prior before the first opportunity; an answer is
     * correct with P = 1 − slip when known, guess when not; after each answer an unknown skill becomes known with
     * P = learn (never forgotten). A learner who withdraws or stops stops practising, so the number of opportunities
     * varies. Everything, the event ids included, is drawn from the learner's practice stream.
     */
    private void practice(Enrol e) {
        CourseSkills cs = skills.get(e.course.index());
        Random pr = e.practice;
        Boolean[] known = new Boolean[cs.skills().size()];  // null: not met yet
        for (ActiveWeek aw : e.activeWeeks) {
            Quiz set = cs.practice().get(aw.week() - 1);
            if (set == null) {
                continue;
            }
            Instant t = aw.lastSessionEnd().plusSeconds(gap(pr));
            for (Item item : set.items()) {
                int k = cs.indexById().get(item.skill());
                BktTruth p = cs.skills().get(k).truth();
                if (known[k] == null) {
                    known[k] = pr.nextDouble() < p.prior();
                }
                boolean ok = pr.nextDouble() < (known[k] ? 1 - p.slip() : p.guess());
                if (!known[k]) {
                    known[k] = pr.nextDouble() < p.learn();
                }
                t = t.plusSeconds(30 + pr.nextInt(120));
                String response = ok ? item.key() : pr.nextDouble() < 0.6 ? item.distractor()
                        : String.valueOf((char) ('a' + (item.key().charAt(0) - 'a' + 1 + pr.nextInt(3)) % 4));
                e.practiceAnswer(t, set, item, ok, response);
            }
        }
    }

    /**
     * The skill truth: {@code skills.csv} (each skill's course, true parameters, prerequisites and practice), the
     * mapping file {@code skill-mapping.csv} (one glob per skill over the format's ids of its questions),
     * {@code skill-prerequisites.csv}, and {@code skills.conf}, which sets both files (absolute paths) and, for
     * csv and moodle, includes the format's own configuration file, so one {@code --conf} serves every format.
     */
    private void writeSkills(Path truth) throws IOException {
        Path mapping = truth.resolve("skill-mapping.csv");
        Path prerequisites = truth.resolve("skill-prerequisites.csv");
        try (Writer w = Files.newBufferedWriter(truth.resolve("skills.csv"), StandardCharsets.UTF_8);
                Writer m = Files.newBufferedWriter(mapping, StandardCharsets.UTF_8);
                Writer p = Files.newBufferedWriter(prerequisites, StandardCharsets.UTF_8)) {
            w.write("course_id,skill_id,prior,learn,guess,slip,prerequisites,questions,first_week,last_week\n");
            m.write("item_id,skill_id\n");
            p.write("skill_id,requires_skill_id\n");
            for (Course c : courses) {
                for (Skill k : skills.get(c.index()).skills()) {
                    BktTruth t = k.truth();
                    w.write(String.format(Locale.ROOT, "%s,%s,%.3f,%.3f,%.3f,%.3f,%s,%d,%d,%d\n", c.id(), k.id(),
                            t.prior(), t.learn(), t.guess(), t.slip(), String.join(";", k.requires()),
                            k.questions().size(), k.firstWeek(), k.lastWeek()));
                    m.write(mappingGlob(c, k) + "," + k.id() + "\n");
                    for (String req : k.requires()) {
                        p.write(k.id() + "," + req + "\n");
                    }
                }
            }
        }
        String include = switch (o.format()) {
            case "csv" -> "include \"csv-mapping.conf\"\n";
            case "moodle" -> "include \"moodle-roles.conf\"\n";
            default -> "";
        };
        Files.writeString(truth.resolve("skills.conf"), "# --conf this file: the skills of the practice questions"
                + " (xAPI statements carry them too) and their prerequisites"
                + (include.isEmpty() ? "" : ", with the " + o.format() + " settings of this folder") + "\n" + include
                + "xueqing.skills.mapping-file = " + hoconString(mapping) + "\n"
                + "xueqing.skills.prerequisites-file = " + hoconString(prerequisites) + "\n");
    }

    /**
     * The glob over the ids the format writes for a skill's practice questions: {@code <course>/practice/*}{@code
     * /<name>-q*} (the edX problem block {@code …+block@practice_w*_<name>_q*}). Skill names are single words, so
     * it matches that skill's questions and nothing else.
     */
    String mappingGlob(Course c, Skill k) {
        if (o.format().equals("edx")) {
            return EdxEventFormat.blockId(c, "problem", c.id() + "/practice") + "_w*_" + k.name() + "_q*";
        }
        return c.id() + "/practice/*/" + k.name() + "-q*";
    }

    private static String hoconString(Path file) {
        return "\"" + file.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ---------------------------------------------------------------------------------------------- simulation

    /** One learner in one course, while it is simulated. */
    private static final class Enrol {
        final Learner learner;
        final Course course;
        final Klass klass;
        final Random r;
        /** The learner's skill-practice stream (null when skills are off). */
        final Random practice;
        final List<SimEvent> sink;
        /** Weeks the learner was active in, and when the last session of each ended (for the practice sets). */
        final List<ActiveWeek> activeWeeks = new ArrayList<>();
        double engagement;
        /** The learner's planted profile, null when the generation plants none. */
        BehaviourProfile profile;
        /** The ability used for scoring: the learner's ability plus the profile's shift. */
        double scoringAbility;
        final double[] quizScaled;
        final double[] assignmentScaled;
        String outcome = "in_progress";
        Double finalScore;
        int events;
        int posts;

        Enrol(Learner learner, Course course, Klass klass, Random r, Random practice, List<SimEvent> sink) {
            this.learner = learner;
            this.course = course;
            this.klass = klass;
            this.r = r;
            this.practice = practice;
            this.sink = sink;
            this.quizScaled = new double[course.quizzes().size()];
            this.assignmentScaled = new double[course.assignments().size()];
        }

        String uuid() {
            return uuid(r);
        }

        static String uuid(Random from) {
            long msb = (from.nextLong() & ~0xF000L) | 0x4000L;
            long lsb = (from.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(msb, lsb).toString();
        }

        /**
         * A forum post with its id drawn from {@code ids}: ASKED opens a thread (its own id is the thread), REPLIED
         * answers {@code answered} in the thread that {@code thread} opened.
         */
        SimEvent post(Random ids, Instant t, SimEvent.Kind kind, String role, String actor, String objectId,
                String objectName, String parentId, int week, SimEvent thread, SimEvent answered) {
            String id = uuid(ids);
            SimEvent e = new SimEvent(id, t, kind, course, klass, learner.account(), actor, role, objectId,
                    objectName, parentId, week, null, null, null, null, null, null, null,
                    answered == null ? null : answered.id(), null, 0, thread == null ? id : thread.id(),
                    answered == null ? null : answered.objectId());
            sink.add(e);
            events++;
            return e;
        }

        SimEvent add(Instant t, SimEvent.Kind kind, String role, String actor, String objectId, String objectName,
                String parentId, int week, Double raw, Double max, Double scaled, Boolean success, String response,
                Long duration, Item item, String inReplyTo, Instant due, int weight) {
            SimEvent e = new SimEvent(uuid(), t, kind, course, klass, learner.account(), actor, role, objectId,
                    objectName, parentId, week, raw, max, scaled, success, response, duration, item, inReplyTo, due,
                    weight, null, null);
            sink.add(e);
            events++;
            return e;
        }

        /** An answer to a skill-practice question, its id drawn from the practice stream. */
        SimEvent practiceAnswer(Instant t, Quiz set, Item item, boolean ok, String response) {
            SimEvent e = new SimEvent(uuid(practice), t, SimEvent.Kind.ANSWERED, course, klass, learner.account(),
                    learner.account(), "learner", item.id(), item.name(), set.id(), set.week(), ok ? 1.0 : 0.0, 1.0,
                    null, ok, response, null, item, null, null, 0, null, null);
            sink.add(e);
            events++;
            return e;
        }

        SimEvent simple(Instant t, SimEvent.Kind kind, String objectId, String objectName, int week) {
            return add(t, kind, "learner", learner.account(), objectId, objectName, null, week, null, null, null,
                    null, null, null, null, null, null, 0);
        }
    }

    /** A week the learner was active in, and the time of the last event of its last session. */
    private record ActiveWeek(int week, Instant lastSessionEnd) {}

    private Enrol simulate(Learner l, BehaviourProfile p, Course c, Random r, Random pr, List<SimEvent> sink) {
        Klass k = c.classes().get(r.nextInt(c.classes().size()));
        Enrol e = new Enrol(l, c, k, r, pr, sink);
        e.engagement = l.engagement() + 0.4 * gaussian(r);
        e.profile = p;
        e.scoringAbility = l.ability() + (p == null ? 0.0 : p.abilityShift);
        int startWeek = 1;
        Instant enrolledAt;
        if (o.weeks() > 3 && r.nextDouble() < 0.08) {
            startWeek = 2 + r.nextInt(2);
            enrolledAt = localTime(startWeek, -1, 9 + r.nextInt(12), r.nextInt(60));
        } else {
            enrolledAt = localTime(1, -1 - r.nextInt(14), 8 + r.nextInt(15), r.nextInt(60));
        }
        e.simple(enrolledAt, SimEvent.Kind.ENROLLED, c.id(), c.nameEn(), 0);
        boolean neverStarts = r.nextDouble() < (p != null ? p.neverStarts : e.engagement < -1.2 ? 0.12 : 0.03);
        int withdrawWeek = 0;
        double withdrawShift = p == null ? 0.0 : p.withdrawShift;
        if (r.nextDouble() < sigmoid(-2.2 - 1.0 * e.engagement - 0.3 * l.ability() + withdrawShift)) {
            withdrawWeek = Math.max(startWeek + 1, 2 + r.nextInt(Math.max(1, o.weeks() - 1)));
        }
        if (withdrawWeek > o.weeks()) {
            withdrawWeek = 0;
        }
        int span = o.weeks() - startWeek + 1;
        int fadeWeek = 0;
        if (p == null) {
            if (withdrawWeek == 0 && e.engagement < -0.6 && r.nextDouble() < 0.4 && o.weeks() > 2) {
                fadeWeek = Math.max(startWeek + 1, 2 + r.nextInt(o.weeks() - 1));
            }
        } else if (p == BehaviourProfile.FADING && span > 1) {
            // stops after 25–55% of the weeks (at least one active week)
            fadeWeek = startWeek + Math.max(1, (int) Math.round(span * (0.25 + 0.3 * r.nextDouble())));
        }
        // a late starter's first week: after 30–50% of the weeks
        int firstWeek = p == BehaviourProfile.LATE_STARTER && span > 1
                ? startWeek + Math.max(1, (int) Math.round(span * (0.3 + 0.2 * r.nextDouble()))) : startWeek;
        Instant unenrolledAt = null;
        if (withdrawWeek > 0) {
            unenrolledAt = localTime(withdrawWeek, r.nextInt(5), 9 + r.nextInt(12), r.nextInt(60));
            e.simple(unenrolledAt, SimEvent.Kind.UNENROLLED, c.id(), c.nameEn(), withdrawWeek);
        }
        int last = neverStarts ? 0 : Math.min(o.weeks(), Math.min(withdrawWeek > 0 ? withdrawWeek - 1 : o.weeks(),
                fadeWeek > 0 ? fadeWeek - 1 : o.weeks()));
        double volume = o.eventsPerLearnerWeek() * StrictMath.exp(0.35 * e.engagement)
                * (p == BehaviourProfile.DISENGAGED ? 0.5 : 1.0);
        for (int w = firstWeek; w <= last; w++) {
            if (r.nextDouble() >= activeWeekChance(e, w, startWeek, fadeWeek)) {
                continue;
            }
            Instant end = week(e, w, volume, unenrolledAt != null && w == last);
            e.activeWeeks.add(new ActiveWeek(w, end));
        }
        if (o.skills()) {
            practice(e);
        }
        for (int a = 0; a < c.assignments().size(); a++) {
            Assignment as = c.assignments().get(a);
            if (as.week() < firstWeek || as.week() > last) {
                continue;
            }
            double submitShift = p == BehaviourProfile.DISENGAGED ? -1.5 : 0.0;
            if (r.nextDouble() >= sigmoid(1.6 + e.engagement + 0.5 * l.conscientiousness() + submitShift)) {
                continue;
            }
            Instant submitAt;
            double lateShift = p == BehaviourProfile.LAST_MINUTE ? 1.0 : 0.0;
            if (r.nextDouble() < sigmoid(-1.8 - l.conscientiousness() - 0.4 * e.engagement + lateShift)) {
                submitAt = as.due().plusSeconds(1800 + r.nextInt(72 * 3600));
            } else if (p == BehaviourProfile.LAST_MINUTE) {
                // in the last 20 hours before the due time
                submitAt = as.due().minusSeconds(120 + r.nextInt(20 * 3600));
            } else {
                submitAt = as.due().minusSeconds((long) Math.min(5.5 * 86400,
                        -StrictMath.log(1 - r.nextDouble()) * 30 * 3600) + 120);
            }
            if (unenrolledAt != null && submitAt.isAfter(unenrolledAt)) {
                continue;
            }
            assignment(e, a, submitAt);
        }
        if (withdrawWeek > 0) {
            e.outcome = "withdrawn";
        } else {
            double total = 0;
            double weights = 0;
            for (int i = 0; i < c.quizzes().size(); i++) {
                total += c.quizzes().get(i).weight() * e.quizScaled[i];
                weights += c.quizzes().get(i).weight();
            }
            for (int i = 0; i < c.assignments().size(); i++) {
                total += c.assignments().get(i).weight() * e.assignmentScaled[i];
                weights += c.assignments().get(i).weight();
            }
            long raw = Math.round(100 * total / weights);
            boolean passed = raw >= PASS_MARK;
            e.outcome = passed ? "pass" : "fail";
            e.finalScore = raw / 100.0;
            // published on the Monday a week after the last week, once late work is graded
            LocalDate day = TERM_START.plusWeeks(o.weeks() + 1L);
            Instant at = day.atTime(10, r.nextInt(60), r.nextInt(60)).atZone(ZONE).toInstant();
            e.add(at, passed ? SimEvent.Kind.PASSED : SimEvent.Kind.FAILED, "system", l.account(), c.id(), c.nameEn(),
                    null, o.weeks(), (double) raw, 100.0, raw / 100.0, passed, null, null, null, null, null, 0);
        }
        return e;
    }

    /**
     * P(active in week w): without a profile sigmoid(1.4 + 1.2·engagement − 0.1·(w − start)); steady and late
     * starter (from their first week) sigmoid(2.4 + 0.8·engagement); last-minute sigmoid(2.0 + 0.8·engagement);
     * fading the steady chance times 1 − 0.6·(w − start) / (stop week − start); disengaged sigmoid(−1.0 + 0.5·engagement).
     */
    private static double activeWeekChance(Enrol e, int w, int startWeek, int fadeWeek) {
        if (e.profile == null) {
            return sigmoid(1.4 + 1.2 * e.engagement - 0.1 * (w - startWeek));
        }
        return switch (e.profile) {
            case STEADY, LATE_STARTER -> sigmoid(2.4 + 0.8 * e.engagement);
            case LAST_MINUTE -> sigmoid(2.0 + 0.8 * e.engagement);
            case FADING -> sigmoid(2.4 + 0.8 * e.engagement)
                    * (1 - 0.6 * (w - startWeek) / (double) Math.max(1, fadeWeek - startWeek));
            case DISENGAGED -> sigmoid(-1.0 + 0.5 * e.engagement);
        };
    }

    /**
     * One active week: 1–3 sessions of page views and videos, the quiz (maybe late), maybe a forum question. A
     * last-minute learner's sessions (at most two) fall on Saturday and Sunday, the quiz's due day and the day
     * before; everyone else's on random days of the week.
     *
     * @return the time of the last event of the week's last session (a late quiz, next week, not counted)
     */
    private Instant week(Enrol e, int w, double volume, boolean withdrawsThisWeek) {
        Random r = e.r;
        Course c = e.course;
        Learner l = e.learner;
        int views = poisson(r, 0.4 * volume);
        int videos = poisson(r, 0.12 * volume);
        boolean quiz = r.nextDouble() < sigmoid(1.0 + e.engagement + 0.4 * l.conscientiousness());
        boolean lastMinute = e.profile == BehaviourProfile.LAST_MINUTE;
        boolean quizLate = quiz && !withdrawsThisWeek
                && r.nextDouble() < sigmoid((lastMinute ? -1.2 : -2.6) - l.conscientiousness());
        boolean question = r.nextDouble() < 0.08 + (l.ability() < -0.5 ? 0.06 : 0);
        int sessions = 1 + Math.min(2, poisson(r, Math.max(0.1, 0.6 + 0.5 * e.engagement)));
        List<Integer> days = new ArrayList<>(lastMinute ? List.of(5, 6) : List.of(0, 1, 2, 3, 4, 5, 6));
        java.util.Collections.shuffle(days, r);
        sessions = Math.min(sessions, days.size());
        days = new ArrayList<>(days.subList(0, sessions));
        days.sort(null);
        Instant end = null;
        for (int s = 0; s < sessions; s++) {
            Instant t = sessionStart(r, w, days.get(s));
            e.simple(t, SimEvent.Kind.LOGGED_IN, HOME, "LMS", w);
            int myViews = views / sessions + (s < views % sessions ? 1 : 0);
            int myVideos = videos / sessions + (s < videos % sessions ? 1 : 0);
            for (int v = 0; v < myViews; v++) {
                t = t.plusSeconds(gap(r));
                List<Content> pages = c.pages().get(w - 1);
                Content p = pages.get(r.nextInt(pages.size()));
                e.add(t, SimEvent.Kind.PAGE_VIEWED, "learner", l.account(), p.id(), p.name(), c.moduleId(w), w,
                        null, null, null, null, null, null, null, null, null, 0);
            }
            for (int v = 0; v < myVideos; v++) {
                t = t.plusSeconds(gap(r));
                List<Content> vids = c.videos().get(w - 1);
                t = video(e, vids.get(r.nextInt(vids.size())), t, w);
            }
            if (question && s == 0) {
                t = t.plusSeconds(gap(r));
                ask(e, w, t);
            }
            if (quiz && !quizLate && s == sessions - 1) {
                t = t.plusSeconds(gap(r));
                t = quiz(e, w, t);
            }
            end = t;
        }
        if (quizLate) {
            Instant t = sessionStart(r, w + 1, r.nextInt(2));
            e.simple(t, SimEvent.Kind.LOGGED_IN, HOME, "LMS", w);
            quiz(e, w, t.plusSeconds(gap(r)));
        }
        return end;
    }

    private Instant video(Enrol e, Content v, Instant t, int w) {
        Random r = e.r;
        String module = e.course.moduleId(w);
        String who = e.learner.account();
        e.add(t, SimEvent.Kind.VIDEO_PLAYED, "learner", who, v.id(), v.name(), module, w, null, null, null, null,
                null, null, null, null, null, 0);
        int length = v.lengthSeconds();
        if (r.nextDouble() >= sigmoid(0.8 + e.engagement)) {
            long watched = (long) (length * (0.15 + 0.7 * r.nextDouble()));
            t = t.plusSeconds(watched);
            e.add(t, SimEvent.Kind.VIDEO_PAUSED, "learner", who, v.id(), v.name(), module, w, null, null, null, null,
                    null, watched, null, null, null, 0);
            return t;
        }
        t = t.plusSeconds(length);
        e.add(t, SimEvent.Kind.VIDEO_COMPLETED, "learner", who, v.id(), v.name(), module, w, null, null, null, null,
                null, (long) length, null, null, null, 0);
        return t;
    }

    /** The quiz of week w from time t; returns the time of its last event (the score). */
    private Instant quiz(Enrol e, int w, Instant t) {
        Random r = e.r;
        Quiz q = e.course.quizzes().get(w - 1);
        String who = e.learner.account();
        String module = e.course.moduleId(w);
        e.add(t, SimEvent.Kind.QUIZ_ATTEMPTED, "learner", who, q.id(), q.name(), module, w, null, null, null, null,
                null, null, null, null, q.due(), q.weight());
        int correct = 0;
        for (Item item : q.items()) {
            t = t.plusSeconds(40 + r.nextInt(200));
            // Rasch: P(correct) = sigmoid(ability − difficulty)
            boolean ok = r.nextDouble() < sigmoid(e.scoringAbility - item.difficulty());
            String response = ok ? item.key() : r.nextDouble() < 0.6 ? item.distractor()
                    : String.valueOf((char) ('a' + (item.key().charAt(0) - 'a' + 1 + r.nextInt(3)) % 4));
            correct += ok ? 1 : 0;
            e.add(t, SimEvent.Kind.ANSWERED, "learner", who, item.id(), item.name(), q.id(), w, ok ? 1.0 : 0.0, 1.0,
                    null, ok, response, null, item, null, null, 0);
        }
        t = t.plusSeconds(20 + r.nextInt(60));
        e.add(t, SimEvent.Kind.QUIZ_SUBMITTED, "learner", who, q.id(), q.name(), module, w, null, null, null, null,
                null, null, null, null, q.due(), q.weight());
        int n = q.items().size();
        double scaled = Xapi.round4((double) correct / n);
        e.quizScaled[w - 1] = Math.max(e.quizScaled[w - 1], scaled);
        e.add(t.plusSeconds(2), SimEvent.Kind.QUIZ_SCORED, "system", who, q.id(), q.name(), module, w,
                (double) correct, (double) n, scaled, scaled >= 0.6, null, null, null, null, q.due(), q.weight());
        return t.plusSeconds(2);
    }

    private void assignment(Enrol e, int index, Instant submitAt) {
        Random r = e.r;
        Assignment a = e.course.assignments().get(index);
        String who = e.learner.account();
        String module = e.course.moduleId(a.week());
        e.simple(submitAt.minusSeconds(120 + r.nextInt(600)), SimEvent.Kind.LOGGED_IN, HOME, "LMS", a.week());
        e.add(submitAt, SimEvent.Kind.ASSIGNMENT_SUBMITTED, "learner", who, a.id(), a.name(), module, a.week(), null,
                null, null, null, null, null, null, null, a.due(), a.weight());
        long raw = Math.round(100 * Math.min(1.0, Math.max(0.05, sigmoid(0.9 + 1.1 * e.scoringAbility
                + 0.3 * e.learner.conscientiousness() + 0.5 * gaussian(r)))));
        double scaled = raw / 100.0;
        e.assignmentScaled[index] = scaled;
        Instant base = submitAt.isAfter(a.due()) ? submitAt : a.due();
        LocalDate day = base.atZone(ZONE).toLocalDate().plusDays(3 + r.nextInt(4));
        Instant gradedAt = day.atTime(9 + r.nextInt(8), r.nextInt(60), r.nextInt(60)).atZone(ZONE).toInstant();
        e.add(gradedAt, SimEvent.Kind.ASSIGNMENT_SCORED, "system", e.klass.tutor().account(), a.id(), a.name(),
                module, a.week(), (double) raw, 100.0, scaled, scaled >= 0.6, null, null, null, null, a.due(),
                a.weight());
    }

    /**
     * A forum question and, for about 85% of them, a tutor's reply after a log-normal delay (1 h to 5 days; the
     * median is 6 h times the tutor's slowness). Richer threads, each a few percent and drawn from the thread's own
     * stream (so the learner's stream, and every other event, is as without them): the asker adds a post before
     * the answer (joins the question, does not stop its clock); a second tutor of the course also answers later;
     * the asker asks a follow-up after the answer (a new question), answered by the same tutor at their speed; and
     * a tutor's announcement thread in which the learner asks (a question in a staff-opened thread).
     */
    private void ask(Enrol e, int w, Instant t) {
        Random r = e.r;
        Course c = e.course;
        String account = e.learner.account();
        String postId = c.id() + "/forum/post/" + account + "-" + (++e.posts);
        String forum = c.id() + "/forum";
        SimEvent q = e.post(r, t, SimEvent.Kind.ASKED, "learner", account, postId, "Question about week " + w,
                forum, w, null, null);
        boolean unanswered = r.nextDouble() < 0.15;
        Instant answeredAt = null;
        Tutor tutor = null;
        SimEvent answer = null;
        if (!unanswered) {
            tutor = r.nextDouble() < 0.85 ? e.klass.tutor() : c.tutors().get(r.nextInt(c.tutors().size()));
            answeredAt = t.plusSeconds((long) (replyHours(tutor, gaussian(r)) * 3600));
            answer = e.post(r, answeredAt, SimEvent.Kind.REPLIED, "tutor", tutor.account(), postId + "/reply",
                    "Reply", postId, w, q, q);
        }
        if (!o.threads()) {
            return;
        }
        Random tr = stream(o.seed(), THREAD_STREAM, (account.hashCode() * 31L + c.index()) * 4096 + e.posts);
        if (tr.nextDouble() < 0.05) {
            // the asker adds to the question before any answer: it joins the question
            long window = answeredAt == null ? 12 * 3600 : Duration.between(t, answeredAt).getSeconds();
            e.post(tr, t.plusSeconds(Math.max(60, (long) (window * (0.1 + 0.6 * tr.nextDouble())))),
                    SimEvent.Kind.REPLIED, "learner", account, postId + "/more", "More detail", postId, w, q, q);
        }
        if (answer != null && c.tutors().size() > 1 && tr.nextDouble() < 0.05) {
            Tutor other = c.tutors().get((c.tutors().indexOf(tutor) + 1 + tr.nextInt(c.tutors().size() - 1))
                    % c.tutors().size());
            e.post(tr, answeredAt.plusSeconds(3600 + tr.nextInt(24 * 3600)), SimEvent.Kind.REPLIED, "tutor",
                    other.account(), postId + "/reply2", "Another reply", postId, w, q, q);
        }
        if (answer != null && tr.nextDouble() < 0.06) {
            // a follow-up asked after the answer: a new question in the same thread, answered at the tutor's speed
            Instant at = answeredAt.plusSeconds(2 * 3600 + tr.nextInt(46 * 3600));
            SimEvent followUp = e.post(tr, at, SimEvent.Kind.REPLIED, "learner", account, postId + "/follow-up",
                    "Follow-up question", postId, w, q, answer);
            if (tr.nextDouble() < 0.85) {
                e.post(tr, at.plusSeconds((long) (replyHours(tutor, gaussian(tr)) * 3600)), SimEvent.Kind.REPLIED,
                        "tutor", tutor.account(), postId + "/follow-up/reply", "Reply", postId, w, q, followUp);
            }
        }
        if (tr.nextDouble() < 0.03) {
            // an announcement by the class tutor (not a question), in which the learner asks (a question)
            Tutor own = e.klass.tutor();
            String annId = postId + "/announcement";
            Instant opened = t.minusSeconds(3600 + tr.nextInt(12 * 3600));
            SimEvent ann = e.post(tr, opened, SimEvent.Kind.ASKED, "tutor", own.account(), annId,
                    "Announcement for week " + w, forum, w, null, null);
            Instant asked = t.plusSeconds(60 + tr.nextInt(3600));
            SimEvent inAnn = e.post(tr, asked, SimEvent.Kind.REPLIED, "learner", account, annId + "/question",
                    "Question on the announcement", annId, w, ann, ann);
            e.post(tr, asked.plusSeconds((long) (replyHours(own, gaussian(tr)) * 3600)), SimEvent.Kind.REPLIED,
                    "tutor", own.account(), annId + "/reply", "Reply", annId, w, ann, inAnn);
        }
    }

    /** A tutor's reply delay in hours: log-normal around 6 h × slowness, within [1, 120]. */
    private static double replyHours(Tutor tutor, double z) {
        double hours = StrictMath.exp(StrictMath.log(6 * tutor.slowness()) + 0.9 * z);
        return Math.max(1.0, Math.min(120.0, hours));
    }

    // ---------------------------------------------------------------------------------------------- randomness

    /** An independent stream for (seed, kind, index): SplitMix64 of the three, so order of use does not matter. */
    static Random stream(long seed, long kind, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + kind * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    private static Instant sessionStart(Random r, int week, int day) {
        double u = r.nextDouble();
        int hour = u < 0.12 ? 8 + r.nextInt(4) : u < 0.40 ? 12 + r.nextInt(6) : u < 0.90 ? 18 + r.nextInt(5) : 23;
        int minute = hour == 23 ? 15 + r.nextInt(40) : r.nextInt(60);
        return localTime(week, day, hour, minute).plusSeconds(r.nextInt(60));
    }

    private static long gap(Random r) {
        return r.nextDouble() < 0.1 ? 600 + r.nextInt(900) : 30 + r.nextInt(420);
    }

    /** Standard normal by Box–Muller with StrictMath: the same numbers on every JVM. */
    static double gaussian(Random r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    private static int poisson(Random r, double lambda) {
        if (lambda > 30) {
            return Math.max(0, (int) Math.round(lambda + StrictMath.sqrt(lambda) * gaussian(r)));
        }
        double l = StrictMath.exp(-lambda);
        int k = 0;
        double p = 1.0;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
