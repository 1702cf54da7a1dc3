package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.testing.TestInputs.Run;
import dev.xueqing.jobs.testing.TestInputs;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code xueqing sql} as a sandbox: every write, command, file read and reflection tried against a tiny warehouse is
 * refused with exit 2 and one line, and leaves the warehouse and the file system as they were; ordinary queries
 * still answer, and the output options behave.
 */
class SqlSandboxTest extends SparkTestBase {

    static final String KEY = "sandbox-test-pseudonym-key-0123456789";

    @TempDir
    static Path dir;
    static Path warehouse;
    static Path outside;
    static Path keyFile;
    static SqlSandbox sandbox;

    static Run cli(String... args) {
        return TestInputs.cli(Map.of("XUEQING_PSEUDONYM_KEY", KEY), args);
    }

    static Run sql(String query, String... options) {
        List<String> args = new ArrayList<>(List.of("sql", query, "--warehouse", warehouse.toString()));
        args.addAll(List.of(options));
        return cli(args.toArray(String[]::new));
    }

    static String stmt(String id, String learner, String ts) {
        return TestInputs.viewed(id, learner, ts);
    }

    @BeforeAll
    static void ingestATinyFile() throws IOException {
        spark();
        warehouse = dir.resolve("wh");
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, stmt("11111111-2222-4333-8444-555555555501", "alice", "2026-03-01T08:00:00+08:00")
                + "\n" + stmt("11111111-2222-4333-8444-555555555502", "bob", "2026-03-02T09:00:00+08:00")
                + "\n" + stmt("11111111-2222-4333-8444-555555555503", "carol", "2026-03-02T10:00:00+08:00")
                + "\n{oops\n", StandardCharsets.UTF_8);
        Run r = cli("ingest", "--format", "xapi", "--input", input.toString(), "--warehouse", warehouse.toString(),
                "--tenant", "t1");
        assertThat(r.code()).as(r.toString()).isZero();
        outside = dir.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("keep.txt"), "precious\n");
        keyFile = dir.resolve("pseudonym.key");
        Files.writeString(keyFile, KEY + "\n");
        sandbox = new SqlSandbox(SqlCommand.registerViews(new Warehouse(spark(), warehouse.toString())));
    }

    static long count(String view) {
        Run r = sql("SELECT count(*) AS n FROM " + view, "--format", "csv");
        assertThat(r.code()).as(r.toString()).isZero();
        return Long.parseLong(r.out().lines().toList().get(1));
    }

    static void assertRefused(String query, String... inMessage) {
        Run r = sql(query);
        assertThat(r.code()).as(query + "\n" + r).isEqualTo(XueqingCli.USAGE);
        assertThat(r.err().strip().lines().count()).as(query + "\n" + r).isEqualTo(1);
        assertThat(r.err()).as(query).startsWith("error: `xueqing sql` ").contains(inMessage)
                .doesNotContain("\tat ").doesNotContain(KEY);
        assertThat(r.out()).as(query).isEmpty();
    }

    /** The same check without the CLI around it (fast): for the many variants of one attack. */
    static void assertSandboxRefuses(String query, String... inMessage) {
        assertThatThrownBy(() -> sandbox.dataset(spark(), query)).as(query)
                .isInstanceOf(SqlSandbox.RefusedException.class).hasMessageContainingAll(inMessage)
               .hasMessageNotContaining("\n");
    }

    static List<String> rows(String query) {
        try {
            return sandbox.dataset(spark(), query).collectAsList().stream().map(Object::toString).toList();
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new AssertionError(query, e);
        }
    }

    @Test
    void writesHiddenBehindACteOrExecuteImmediateAreRefusedAndChangeNothing() throws IOException {
        long events = count("events");
        long quarantine = count("quarantine");
        assertThat(events).isEqualTo(3);
        assertThat(quarantine).isEqualTo(1);
        String target = outside.toString();
        assertRefused("WITH x AS (SELECT * FROM events) INSERT OVERWRITE DIRECTORY '" + target + "' SELECT * FROM x",
                "INSERT … DIRECTORY", "not allowed");
        assertRefused("WITH x AS (SELECT * FROM events) INSERT OVERWRITE DIRECTORY '" + target
                + "' USING parquet SELECT * FROM x", "not allowed");
        assertRefused("WITH x AS (SELECT * FROM quarantine) INSERT INTO quarantine SELECT * FROM x", "INSERT");
        assertRefused("WITH x AS (SELECT * FROM events) INSERT OVERWRITE events SELECT * FROM x", "INSERT");
        assertRefused("INSERT INTO events SELECT * FROM events", "INSERT");
        assertRefused("EXECUTE IMMEDIATE 'INSERT OVERWRITE DIRECTORY ''" + target + "'' USING text SELECT 1'",
                "EXECUTE IMMEDIATE");
        assertRefused("EXPLAIN INSERT INTO events SELECT * FROM events", "INSERT");
        assertRefused("EXPLAIN EXTENDED WITH x AS (SELECT 1) INSERT OVERWRITE DIRECTORY '" + target
                + "' USING parquet SELECT * FROM x", "not allowed");
        assertRefused("BEGIN INSERT INTO events SELECT * FROM events; END", "SQL script");
        assertThat(count("events")).isEqualTo(events);
        assertThat(count("quarantine")).isEqualTo(quarantine);
        assertThat(Files.readString(outside.resolve("keep.txt"))).isEqualTo("precious\n");
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void commandsAndSettingsAreRefused() {
        assertRefused("SET -v", "SET is not allowed");
        assertRefused("SET spark.sql.warehouse.dir", "SET is not allowed");
        assertRefused("CREATE TEMPORARY VIEW pw USING text OPTIONS (path '/etc/passwd')", "not allowed");
        for (String q : List.of("SET", "SET spark.sql.ansi.enabled=false",
                "RESET", "ADD JAR '" + keyFile + "'", "CACHE TABLE events", "UNCACHE TABLE events", "CLEAR CACHE",
                "USE other", "REFRESH TABLE events", "DROP VIEW events", "CREATE TEMPORARY VIEW pw USING text "
                        + "OPTIONS (path '/etc/passwd')", "CREATE TABLE t AS SELECT * FROM events",
                "CREATE TEMPORARY FUNCTION f AS 'java.lang.String'", "DECLARE VARIABLE v INT DEFAULT 1",
                "SHOW FUNCTIONS", "DESCRIBE FUNCTION java_method", "SHOW CREATE TABLE events",
                "ANALYZE TABLE events COMPUTE STATISTICS", "MSCK REPAIR TABLE events")) {
            assertSandboxRefuses(q, "not allowed");
        }
        assertSandboxRefuses("CLEAR CACHE", "ClearCacheCommand is not allowed");
        assertSandboxRefuses("SELECT TRANSFORM(event_id) USING 'cat' AS (x) FROM events", "TRANSFORM");
        assertSandboxRefuses("SHOW TABLES IN default", "SHOW TABLES without IN");
        Run twoStatements = sql("SELECT 1; DROP VIEW events");
        assertThat(twoStatements.code()).as(twoStatements.toString()).isEqualTo(XueqingCli.FAILED);
        assertThat(twoStatements.err()).contains("PARSE_SYNTAX_ERROR").doesNotContain("\tat ");
        assertThat(count("events")).isEqualTo(3);
    }

    @Test
    void reflectionIsRefusedWhereverItHides() {
        String getenv = "java_method('java.lang.System', 'getenv', 'XUEQING_PSEUDONYM_KEY')";
        for (String q : List.of(
                "SELECT " + getenv,
                "SELECT reflect('java.lang.System', 'getenv', 'XUEQING_PSEUDONYM_KEY')",
                "SELECT try_reflect('java.lang.System', 'getenv', 'XUEQING_PSEUDONYM_KEY')",
                "SELECT REFLECT('java.lang.System', 'getenv', 'XUEQING_PSEUDONYM_KEY')",
                "SELECT system.builtin.java_method('java.lang.System', 'getenv', 'X')",
                "SELECT * FROM events WHERE event_id IN (SELECT " + getenv + ")",
                "SELECT (SELECT max(" + getenv + ") FROM events) AS k",
                "WITH a AS (WITH b AS (SELECT " + getenv + " AS k) SELECT * FROM b) SELECT * FROM a",
                "SELECT * FROM events LIMIT length(" + getenv + ")",
                "SELECT * FROM events TABLESAMPLE (length(" + getenv + ") ROWS)",
                "SELECT * FROM range(length(" + getenv + "))",
                "VALUES (" + getenv + ")",
                "SELECT k FROM events LATERAL VIEW explode(array(" + getenv + ")) t AS k",
                "SELECT * FROM events, LATERAL (SELECT " + getenv + " AS k)",
                "SELECT count(*) OVER w FROM events WINDOW w AS (PARTITION BY " + getenv + ")",
                "SELECT /*+ REPARTITION(" + getenv + ") */ * FROM events",
                "SELECT transform(array(1), x -> " + getenv + ")",
                "SELECT count(*) FROM events GROUP BY event_id HAVING max(" + getenv + ") IS NULL",
                "EXPLAIN SELECT " + getenv,
                "SELECT * FROM events LIMIT length(IDENTIFIER('java_' || 'method')('java.lang.System', 'getenv', 'X'))",
                "VALUES (IDENTIFIER('reflect')('java.lang.System', 'getenv', 'X'))",
                "SELECT xpath_string('<a/>', 'a')",
                "SELECT from_protobuf(CAST('' AS BINARY), 'M', '" + keyFile + "')")) {
            assertSandboxRefuses(q, "does not allow");
        }
        assertRefused("SELECT " + getenv, "`java_method`");
        assertRefused("SELECT reflect('java.lang.System', 'getenv', 'XUEQING_PSEUDONYM_KEY')", "`reflect`");
        // sql never looks for the key: no key and a missing key file in production mode still answer
        StringWriter out = new StringWriter();
        int noKey = XueqingCli.execute(new String[] {"sql", "SELECT count(*) AS n FROM events", "--format", "csv",
                "--warehouse", warehouse.toString(), "--set", "mode=production", "--set",
                "pseudonym.key-file=" + dir.resolve("no-such.key")}, Map.of(), new PrintWriter(out),
                new PrintWriter(new StringWriter()));
        assertThat(noKey).isZero();
        assertThat(out.toString().lines().toList()).containsExactly("n", "3");
        assertThat(scala.jdk.javaapi.CollectionConverters.asJava(spark().conf().getAll()).values())
                .noneMatch(v -> v.contains(KEY));
    }

    @Test
    void filesPathsAndOtherTablesAreRefusedWithTheListOfViews() {
        assertRefused("SELECT * FROM text.`/etc/passwd`", "`text`.`/etc/passwd` is not one of its views",
                "Views: _runs,");
        assertRefused("SELECT * FROM csv.`" + keyFile + "`", "reads only its views");
        assertRefused("SELECT * FROM parquet.`/`", "reads only its views");
        // the warehouse's Delta tables by path, their old versions and their history
        assertSandboxRefuses("SELECT * FROM delta.`" + warehouse.resolve("events") + "` VERSION AS OF 0",
                "is not allowed");
        assertSandboxRefuses("SELECT * FROM events VERSION AS OF 0", "is not allowed");
        assertThatThrownBy(() -> sandbox.dataset(spark(), "DESCRIBE HISTORY delta.`" + warehouse.resolve("events")
                + "`")).isInstanceOf(SqlSandbox.RefusedException.class);
        for (String q : List.of(
                "SELECT * FROM json.`" + keyFile + "`",
                "SELECT * FROM binaryFile.`" + keyFile + "`",
                "SELECT * FROM parquet.`" + warehouse.resolve("events") + "`",
                "SELECT * FROM delta.`" + warehouse.resolve("events") + "`",
                "SELECT * FROM events WHERE EXISTS (SELECT 1 FROM text.`/etc/passwd`)",
                "SELECT (SELECT count(*) FROM text.`/etc/passwd`) AS n",
                "WITH a AS (WITH b AS (SELECT * FROM text.`/etc/passwd`) SELECT * FROM b) SELECT * FROM a",
                "SELECT * FROM events JOIN text.`/etc/passwd` ON true",
                "DESCRIBE text.`/etc/passwd`",
                "SELECT * FROM default.events",
                "SELECT * FROM global_temp.events",
                "TABLE text.`/etc/passwd`",
                "SELECT * FROM IDENTIFIER('text.`/etc/passwd`')")) {
            assertSandboxRefuses(q, "reads only its views", "Views: _runs,", "events", "quarantine");
        }
        assertSandboxRefuses("SELECT * FROM read_files('" + keyFile + "')", "table-valued function `read_files`");
        assertSandboxRefuses("SELECT * FROM events WITH ('path' = '/etc')", "options");
        assertSandboxRefuses("SELECT * FROM STREAM events", "STREAM");
        assertSandboxRefuses("SELECT * FROM IDENTIFIER('te' || 'xt.`/etc/passwd`')", "PlanWithUnresolvedIdentifier");
        assertSandboxRefuses("SELECT * FROM events VERSION AS OF 1", "RelationTimeTravel");
        Run unknown = sql("SELECT * FROM evnets");
        assertThat(unknown.code()).isEqualTo(XueqingCli.USAGE);
        assertThat(unknown.err().strip()).startsWith("error: `xueqing sql` reads only its views, and there is no "
                + "view `evnets`. Views: _runs, course_items, courses, enrollments, events, learners, quarantine.");
    }

    @Test
    void theAnalysedPlanIsCheckedToo() {
        SparkSession spark = spark();
        LogicalPlan reflect = spark.sql("SELECT java_method('java.lang.String', 'valueOf', 1) AS k")
                .queryExecution().analyzed();
        assertThatThrownBy(() -> sandbox.checkAnalysed(reflect)).isInstanceOf(SqlSandbox.RefusedException.class)
                .hasMessageContaining("CallMethodViaReflection");
        LogicalPlan file = spark.read().text(keyFile.toString()).queryExecution().analyzed();
        assertThatThrownBy(() -> sandbox.checkAnalysed(file)).isInstanceOf(SqlSandbox.RefusedException.class)
                .hasMessageContaining("LogicalRelation is not allowed");
        spark.range(1).createOrReplaceTempView("sandbox_other_view");
        LogicalPlan other = spark.sql("SELECT * FROM sandbox_other_view").queryExecution().analyzed();
        assertThatThrownBy(() -> sandbox.checkAnalysed(other)).isInstanceOf(SqlSandbox.RefusedException.class)
                .hasMessageContaining("no view `sandbox_other_view`");
        LogicalPlan ok = spark.sql("SELECT count(*) FROM events").queryExecution().analyzed();
        sandbox.checkAnalysed(ok);
    }

    @Test
    void readOnlyQueriesStillAnswer() {
        Run join = sql("SELECT c.course_id, count(DISTINCT e.learner_key) AS learners FROM events e "
                + "JOIN enrollments n ON n.learner_key = e.learner_key AND n.course_id = e.course_id "
                + "JOIN courses c ON c.course_id = e.course_id GROUP BY c.course_id", "--format", "csv");
        assertThat(join.code()).as(join.toString()).isZero();
        assertThat(join.out().lines().toList()).containsExactly("course_id,learners",
                "https://lms.example.edu/course/C1,3");
        Run cte = sql("WITH d AS (SELECT event_date, count(*) AS n FROM events GROUP BY event_date), "
                + "m AS (WITH x AS (SELECT max(n) AS top FROM d) SELECT top FROM x) "
                + "SELECT event_date, n, sum(n) OVER (ORDER BY event_date) AS running, rank() OVER (ORDER BY n DESC) "
                + "AS r FROM d WHERE n IN (SELECT top FROM m) OR n < (SELECT max(top) FROM m) ORDER BY event_date",
                "--format", "csv");
        assertThat(cte.code()).as(cte.toString()).isZero();
        assertThat(cte.out().lines().toList()).containsExactly("event_date,n,running,r", "2026-03-01,1,1,2",
                "2026-03-02,2,3,1");
        Run values = sql("SELECT v.a, v.b, (SELECT count(*) FROM quarantine) AS q FROM VALUES (1, 'x'), (2, 'y') "
                + "AS v(a, b) WHERE EXISTS (SELECT 1 FROM events) ORDER BY a", "--format", "json");
        assertThat(values.out().lines().toList()).containsExactly("{\"a\":1,\"b\":\"x\",\"q\":1}",
                "{\"a\":2,\"b\":\"y\",\"q\":1}");
        Run lateral = sql("SELECT sum(k) AS s, typeof(current_user()) AS u FROM events LATERAL VIEW "
                + "explode(array(1, 2)) t AS k", "--format", "csv");
        assertThat(lateral.out().lines().toList()).containsExactly("s,u", "9,string");
        Run pipe = sql("FROM events |> WHERE action = 'viewed' |> AGGREGATE count(*) AS n", "--format", "csv");
        assertThat(pipe.out().lines().toList()).as(pipe.toString()).containsExactly("n", "3");
        Run qualify = sql("SELECT e.event_id, rand(7) >= 0 AS r FROM events e "
                + "QUALIFY row_number() OVER (ORDER BY e.event_id DESC) = 1", "--format", "csv");
        assertThat(qualify.out().lines().toList()).as(qualify.toString())
                .containsExactly("event_id,r", "11111111-2222-4333-8444-555555555503,true");
        Run median = sql("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) AS m FROM VALUES (1), (2), (9) AS t(n)",
                "--format", "csv");
        assertThat(median.out().lines().toList()).as(median.toString()).containsExactly("m", "2.0");
        assertThat(rows("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
                + "SELECT sum(n) FROM r")).containsExactly("[6]");
        assertThat(rows("SELECT /*+ REPARTITION(2) */ count(*) FROM events TABLESAMPLE (100 PERCENT)"))
                .containsExactly("[3]");
        assertThat(rows("SELECT * FROM VALUES (1, 2) AS t(a, b) UNPIVOT (v FOR k IN (a, b)) ORDER BY k"))
                .containsExactly("[a,1]", "[b,2]");
        assertThat(rows("SELECT * FROM events PIVOT (count(*) FOR action IN ('viewed' AS viewed))"
                + " |> SELECT sum(viewed)")).containsExactly("[3]");
        Run show = sql("SHOW TABLES");
        assertThat(show.code()).as(show.toString()).isZero();
        assertThat(show.out()).contains("events", "quarantine", "enrollments");
        Run describe = sql("DESCRIBE events");
        assertThat(describe.out()).contains("event_id", "learner_key");
        Run explain = sql("EXPLAIN SELECT count(*) FROM events", "--format", "csv");
        assertThat(explain.code()).as(explain.toString()).isZero();
        assertThat(explain.out()).contains("Physical Plan");
    }

    @Test
    void csvAndJsonStreamEveryRowAndLimitIsChecked() {
        String many = "SELECT e.event_id, r.id FROM events e CROSS JOIN range(150) r ORDER BY r.id, e.event_id";
        Run csv = sql(many, "--format", "csv");
        assertThat(csv.code()).as(csv.toString()).isZero();
        List<String> lines = csv.out().lines().toList();
        assertThat(lines).hasSize(451).first().isEqualTo("event_id,id");
        assertThat(lines.get(450)).isEqualTo("11111111-2222-4333-8444-555555555503,149");
        Run json = sql(many, "--format", "json");
        assertThat(json.out().lines()).hasSize(450);
        Run table = sql(many);
        assertThat(table.out()).contains("100 row(s) (more rows exist; raise --limit)");
        Run limited = sql(many, "--format", "csv", "--limit", "5");
        assertThat(limited.out().lines()).hasSize(6);
        Run none = sql(many, "--limit", "0");
        assertThat(none.code()).isZero();
        assertThat(none.out()).contains("0 row(s) (more rows exist");
        Run negative = sql(many, "--limit", "-1");
        assertThat(negative.code()).isEqualTo(XueqingCli.USAGE);
        assertThat(negative.err().strip()).isEqualTo("error: --limit must be 0 or more (got -1). Leave it out for "
                + "every row (csv, json) or the first 100 (table).");
    }

    @Test
    void sqlCreatesNothingInTheWorkingDirectory() throws Exception {
        Path work = Files.createDirectories(dir.resolve("cwd"));
        CliProcess.Result show = CliProcess.run(work, Map.of("XUEQING_PSEUDONYM_KEY", KEY), "sql", "SHOW TABLES",
                "--warehouse", warehouse.toString(), "--format", "csv");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("events");
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.map(p -> p.getFileName().toString())).isEmpty();
        }
    }
}
