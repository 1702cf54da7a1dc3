package dev.xueqing.jobs.samples;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;

import java.io.StringWriter;
import java.util.Random;

/**
 * A campus-LMS style activity CSV read through the {@code generated} column mapping ({@link #MAPPING}): one row per
 * event with an id column, canonical action names, ISO timestamps with the local offset. Forum posts carry their
 * thread (the id of the event that opened it) and the object id of the post they answer.
 */
final class CsvEventFormat implements EventFormat {
    static final String[] COLUMNS = {"id", "user", "role", "time", "action", "object", "object_type", "course",
        "class", "score", "score_max", "duration_s", "response", "thread", "reply_to"};

    /** The HOCON mapping that reads these files ({@code --mapping generated}); written next to the truth files. */
    static final String MAPPING = """
            xueqing.csv.mappings.generated {
              columns {
                id = id, learner = user, role = role, time = time, action = action, object = object,
                object-type = object_type, course = course, class = class, score = score, score-max = score_max,
                duration = duration_s, response = response, thread = thread, in-reply-to = reply_to
              }
              timestamp-format = iso
              timestamp-zone = "Asia/Shanghai"
              actions {
                enrolled = enrolled, unenrolled = unenrolled, logged_in = logged_in, viewed = viewed,
                video_played = video_played, video_paused = video_paused, video_completed = video_completed,
                attempted = attempted, answered = answered, submitted = submitted, scored = scored,
                passed = passed, failed = failed, posted = posted, replied = replied
              }
              object-types {
                course = course, lms = page, page = page, video = video, quiz = quiz, question = question,
                assignment = assignment, forum_post = forum_post
              }
              default-object-type = activity
            }
            """;

    private final CsvWriter writer = new CsvWriter(new StringWriter(), new CsvWriterSettings());

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String suffix() {
        return ".csv.gz";
    }

    @Override
    public String header() {
        return writer.writeRowToString((Object[]) COLUMNS);
    }

    @Override
    public String malformed(String goodLine, SimEvent e, Random r) {
        return writer.writeRowToString(row(e, "not-a-time"));
    }

    @Override
    public String malformedReason() {
        return "invalid_timestamp";
    }

    @Override
    public String render(SimEvent e) {
        return writer.writeRowToString(row(e, Xapi.LOCAL_TS.format(e.time())));
    }

    private static Object[] row(SimEvent e, String time) {
        String action;
        String type;
        String object = e.objectId();
        switch (e.kind()) {
            case ENROLLED -> { action = "enrolled"; type = "course"; }
            case UNENROLLED -> { action = "unenrolled"; type = "course"; }
            case PASSED -> { action = "passed"; type = "course"; }
            case FAILED -> { action = "failed"; type = "course"; }
            case LOGGED_IN -> { action = "logged_in"; type = "lms"; object = Xapi.HOME; }
            case PAGE_VIEWED -> { action = "viewed"; type = "page"; }
            case VIDEO_PLAYED -> { action = "video_played"; type = "video"; }
            case VIDEO_PAUSED -> { action = "video_paused"; type = "video"; }
            case VIDEO_COMPLETED -> { action = "video_completed"; type = "video"; }
            case QUIZ_ATTEMPTED -> { action = "attempted"; type = "quiz"; }
            case QUIZ_SUBMITTED -> { action = "submitted"; type = "quiz"; }
            case QUIZ_SCORED -> { action = "scored"; type = "quiz"; }
            case ANSWERED -> { action = "answered"; type = "question"; }
            case ASSIGNMENT_SUBMITTED -> { action = "submitted"; type = "assignment"; }
            case ASSIGNMENT_SCORED -> { action = "scored"; type = "assignment"; }
            case ASKED -> { action = "posted"; type = "forum_post"; }
            case REPLIED -> { action = "replied"; type = "forum_post"; }
            default -> throw new IllegalStateException(e.kind().toString());
        }
        String user = e.role().equals("tutor") ? e.actor() : e.learner();
        return new Object[] {e.id(), user, e.role(), time, action, object, type, e.course().id(), e.klass().id(),
            num(e.raw()), num(e.max()), e.durationS(), e.response(), e.threadId(), e.replyTo()};
    }

    private static String num(Double d) {
        if (d == null) {
            return null;
        }
        return d == Math.rint(d) ? Long.toString(d.longValue()) : Double.toString(d);
    }
}
