package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.UsageException;
import dev.xueqing.common.io.Warehouse;
import dev.xueqing.jobs.ingest.InputFiles;
import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Map;

/**
 * The {@code xueqing} command: subcommands, argument checks and exit codes (0 ok, 1 job failed, 2 usage or
 * configuration, 3 the warehouse is in use by another run).
 */
@Command(name = "xueqing", mixinStandardHelpOptions = true, versionProvider = XueqingCli.Version.class,
        description = "Xueqing (学情): learner activity logs in, learning-progress and quality marts out.",
        subcommands = {NightlyCommand.class, IngestCommand.class, MartsCommand.class, TrainRiskCommand.class, TrainSkillsCommand.class,
                ScoreRiskCommand.class, SqlCommand.class,
                ValidateCommand.class, StatusCommand.class, DocsCommand.class, GenerateSamplesCommand.class,
                GenerateCommand.class, ReportCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class XueqingCli implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int LOCKED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: give one of "
                + spec.subcommands().keySet() + " (see xueqing --help).");
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given environment and streams; returns the exit code (used by tests). */
    public static int execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new XueqingCli(), new EnvFactory(env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(XueqingCli::exitCode);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run `xueqing " + (ex.getCommandLine().getCommandName().equals("xueqing") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help` for usage.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parseResult) -> {
            err.println("error: " + message(ex));
            if (env.containsKey("XUEQING_DEBUG")) {
                ex.printStackTrace(err);
            }
            return exitCode(ex);
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The exit code for an exception that ended a command. */
    public static int exitCode(Throwable ex) {
        // only the CLI's own checks are usage errors: an IllegalArgumentException from inside Spark, MLlib or a job
        // is a failed run
        if (ex instanceof ConfigException || ex instanceof InputFiles.NoInputException
                || ex instanceof UsageException || ex instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (ex instanceof dev.xueqing.common.io.WarehouseLock.LockedException) {
            return LOCKED;
        }
        return FAILED;
    }

    static String message(Throwable ex) {
        if (ex instanceof AnalysisException a) {
            return a.getMessage();
        }
        if (ex instanceof Warehouse.MissingDatasetException || ex instanceof ConfigException
                || ex instanceof dev.xueqing.common.io.WarehouseLock.LockedException
                || ex instanceof InputFiles.NoInputException || ex instanceof UsageException) {
            return ex.getMessage();
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = ex.getMessage();
        return (m == null ? ex.getClass().getSimpleName() : m)
                + (root != ex && root.getMessage() != null && (m == null || !m.contains(root.getMessage()))
                ? " (cause: " + root.getMessage() + ")" : "")
                + ". Set XUEQING_DEBUG=1 to see the stack trace.";
    }

    /** Gives commands the process environment (tests pass their own). */
    static final class EnvFactory implements CommandLine.IFactory {
        private final Map<String, String> env;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        EnvFactory(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            K k = fallback.create(cls);
            if (k instanceof BaseCommand b) {
                b.env = env;
            }
            return k;
        }
    }

    /** Version from the jar manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = XueqingCli.class.getPackage().getImplementationVersion();
            return new String[] {"xueqing " + (v == null ? "dev" : v) + ", Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()};
        }
    }
}
