package dev.xueqing.jobs.testing;

import dev.xueqing.jobs.cli.XueqingCli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** What several CLI and pipeline tests share: a tiny xAPI statement and the CLI run in-process. */
public final class TestInputs {
    /** One in-process CLI run: its exit code and what it printed. */
    public record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private TestInputs() {}

    /** Runs the CLI in this JVM (the shared SparkSession) with the given environment. */
    public static Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = XueqingCli.execute(args, env, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * One xAPI statement as a JSON line (no line break): an account learner viewed page 1 of course C1 at the time.
     */
    public static String viewed(String id, String learner, String timestamp) {
        return "{\"id\":\"" + id + "\",\"actor\":{\"account\":{\"homePage\":\"https://lms.example.edu\",\"name\":\""
                + learner + "\"}},\"verb\":{\"id\":\"http://id.tincanapi.com/verb/viewed\"},"
                + "\"object\":{\"id\":\"https://lms.example.edu/page/1\",\"definition\":{\"type\":"
                + "\"http://activitystrea.ms/schema/1.0/page\"}},\"context\":{\"contextActivities\":{\"grouping\":"
                + "[{\"id\":\"https://lms.example.edu/course/C1\",\"definition\":{\"type\":"
                + "\"http://adlnet.gov/expapi/activities/course\"}}]}},\"timestamp\":\"" + timestamp + "\"}";
    }
}
