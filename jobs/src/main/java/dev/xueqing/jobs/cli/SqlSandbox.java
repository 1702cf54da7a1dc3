package dev.xueqing.jobs.cli;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedGenerator;
import org.apache.spark.sql.catalyst.analysis.UnresolvedHaving;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedQualify;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedSubqueryColumnAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTVFAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.PipeOperator;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.TryReflect;
import org.apache.spark.sql.catalyst.expressions.UserDefinedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.DescribeColumn;
import org.apache.spark.sql.catalyst.plans.logical.DescribeRelation;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Except;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Intersect;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LateralJoin;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Pivot;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.ResolvedHint;
import org.apache.spark.sql.catalyst.plans.logical.Sample;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Tail;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.UnionLoop;
import org.apache.spark.sql.catalyst.plans.logical.UnionLoopRef;
import org.apache.spark.sql.catalyst.plans.logical.Unpivot;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedHint;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import org.apache.spark.sql.catalyst.plans.logical.WithWindowDefinition;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.command.ExplainCommand;
import scala.Option;
import scala.Product;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Read-only SQL over a fixed set of temp views: decides from the parsed plan (before Spark resolves or runs
 * anything) and again from the analysed plan whether a query only reads those views, and refuses it otherwise.
 *
 * <p>Everything is an allow-list. Statements: queries (SELECT, WITH, VALUES, TABLE, set operations, joins, window,
 * lateral views, PIVOT/UNPIVOT, pipe syntax), {@code EXPLAIN} of such a query, {@code SHOW TABLES} and
 * {@code DESCRIBE <view>}; every other statement ({@code INSERT}, DDL, {@code SET}, {@code EXECUTE IMMEDIATE},
 * {@code CACHE}, {@code ADD JAR}, {@code USE}, scripts, {@code TRANSFORM … USING}) is refused. Relations: the views,
 * and the query's own CTE names; no catalog tables, no {@code parquet.`path`}-style file sources, no options, no
 * streaming. Table-valued functions: {@code range} and the generators. Functions: Spark's built-ins in groups that
 * only compute on their arguments ({@link #FUNCTION_GROUPS}) and a few listed misc functions
 * ({@link #MISC_FUNCTIONS}); so no {@code java_method}/{@code reflect}/{@code try_reflect}, no XML, Avro or
 * Protobuf functions (which can load classes or descriptor files), no UDFs. The parsed plan is checked first because
 * analysis already evaluates some expressions (a {@code LIMIT}, the arguments of a table-valued function) and loads
 * the classes {@code reflect} names. The analysed plan is then checked again: every relation must sit under a
 * {@link View} of an allowed name (the view's own plan is not inspected), and no reflection or user-defined
 * expression may appear, whatever the analyser turned the query into.
 *
 * <p>{@code xueqing sql} uses it over all its views; {@code sql --role researcher} over the researcher outputs only
 * (the disclosure-controlled views of {@code ResearcherOutputs}), with a refusal that names them.
 */
public final class SqlSandbox {
    /** Why a query is refused; the message is one line that names what is not allowed. */
    public static final class RefusedException extends dev.xueqing.common.config.UsageException {
        RefusedException(String message) {
            super(message);
        }
    }

    /** Built-in function groups whose functions only compute on their arguments. */
    static final Set<String> FUNCTION_GROUPS = Set.of("agg_funcs", "array_funcs", "bitwise_funcs",
            "collection_funcs", "conditional_funcs", "conversion_funcs", "datetime_funcs", "generator_funcs",
            "hash_funcs", "json_funcs", "lambda_funcs", "map_funcs", "math_funcs", "predicate_funcs", "string_funcs",
            "struct_funcs", "window_funcs", "url_funcs", "csv_funcs", "variant_funcs", "sketch_funcs",
            "vector_funcs");

    /**
     * The allowed functions of the {@code misc_funcs} group. Left out: {@code java_method}, {@code reflect} and
     * {@code try_reflect} (call any static Java method, e.g. {@code System.getenv}). {@code input_file_name} and
     * its kin only show paths inside the warehouse, which the caller already knows.
     */
    static final Set<String> MISC_FUNCTIONS = Set.of("current_user", "user", "session_user", "current_database",
            "current_schema", "current_catalog", "current_path", "typeof", "version", "uuid",
            "monotonically_increasing_id", "spark_partition_id", "assert_true", "raise_error", "aes_encrypt",
            "aes_decrypt", "try_aes_decrypt", "bitmap_bit_position", "bitmap_bucket_number", "bitmap_count",
            "bitmap_construct_agg", "bitmap_or_agg", "bitmap_and_agg", "input_file_name", "input_file_block_start",
            "input_file_block_length");

    /** Table-valued functions that make rows from their arguments only. */
    static final Set<String> TABLE_FUNCTIONS = Set.of("range", "explode", "explode_outer", "posexplode",
            "posexplode_outer", "inline", "inline_outer", "stack", "json_tuple", "variant_explode",
            "variant_explode_outer");

    /** The built-in functions a query may call (lower case). */
    static final Set<String> FUNCTIONS = allowedFunctions();

    /** The parser's unresolved names (columns, stars, aliases, ordinals) that may appear in a parsed query. */
    private static final Set<String> PARSED_PLACEHOLDERS = Set.of("UnresolvedAttribute", "UnresolvedAlias",
            "UnresolvedStar", "UnresolvedStarExceptOrReplace", "UnresolvedRegex", "UnresolvedExtractValue",
            "UnresolvedOrdinal", "UnresolvedPipeAggregateOrdinal", "UnresolvedSeed", "UnresolvedWithinGroup",
            "MultiAlias");

    /** Plan nodes a query may consist of, as the parser writes them. */
    private static final Set<Class<?>> PARSED_NODES = Set.of(Project.class, Filter.class, Aggregate.class,
            Join.class, LateralJoin.class, Sort.class, GlobalLimit.class, LocalLimit.class, Offset.class, Tail.class,
            Distinct.class, Union.class, Intersect.class, Except.class, SubqueryAlias.class, UnresolvedWith.class,
            UnresolvedRelation.class, UnresolvedSubqueryColumnAliases.class, UnresolvedHaving.class,
            UnresolvedInlineTable.class, LocalRelation.class, OneRowRelation.class, Generate.class,
            UnresolvedTableValuedFunction.class, UnresolvedTVFAliases.class, WithWindowDefinition.class,
            Pivot.class, Unpivot.class, Sample.class, UnresolvedHint.class, RepartitionByExpression.class,
            Repartition.class, PipeOperator.class, UnresolvedQualify.class);

    /** Statements besides queries: harmless, and checked by their own rules. */
    private static final Set<Class<?>> PARSED_STATEMENTS = Set.of(ExplainCommand.class, ShowTables.class,
            DescribeRelation.class, DescribeColumn.class);

    /** Plan nodes an analysed query may consist of (besides {@link View}s of allowed names, not looked into). */
    private static final Set<Class<?>> ANALYSED_NODES = Set.of(Project.class, Filter.class, Aggregate.class,
            Join.class, LateralJoin.class, Sort.class, GlobalLimit.class, LocalLimit.class, Offset.class, Tail.class,
            Distinct.class, Union.class, Intersect.class, Except.class, SubqueryAlias.class, WithCTE.class,
            CTERelationDef.class, CTERelationRef.class, UnionLoop.class, UnionLoopRef.class, LocalRelation.class,
            OneRowRelation.class, Range.class, Generate.class, Window.class, Expand.class, Sample.class,
            ResolvedHint.class, RepartitionByExpression.class, Repartition.class, PipeOperator.class);

    /** What to call the statements people try most, in messages. */
    private static final Map<String, String> STATEMENT_NAMES = Map.ofEntries(
            Map.entry("SetCommand", "SET"), Map.entry("ResetCommand", "RESET"),
            Map.entry("UnresolvedExecuteImmediate", "EXECUTE IMMEDIATE"),
            Map.entry("InsertIntoStatement", "INSERT"), Map.entry("InsertIntoDir", "INSERT … DIRECTORY"),
            Map.entry("CacheTableStatement", "CACHE TABLE"), Map.entry("CacheTable", "CACHE TABLE"),
            Map.entry("AddJarsCommand", "ADD JAR"), Map.entry("AddFilesCommand", "ADD FILE"),
            Map.entry("SetCatalogAndNamespace", "USE"), Map.entry("ScriptTransformation", "TRANSFORM … USING"),
            Map.entry("CompoundBody", "a SQL script"), Map.entry("NamedStreamingRelation", "STREAM"));

    private final Set<String> views;
    private final String readsOnly;
    private final boolean explain;

    /** A sandbox over the given temp views (names compared case-insensitively). */
    public SqlSandbox(Iterable<String> views) {
        this(views, "`xueqing sql` reads only its views", true);
    }

    /**
     * A sandbox over the given temp views, whose refusal of any other relation starts with {@code readsOnly}
     * (e.g. "`xueqing sql --role researcher` reads only the researcher outputs") and ends with the views' names.
     * Without {@code explain}, {@code EXPLAIN} is refused too: a plan shows what the views are made from (their
     * source datasets' paths and columns), not only what they hold.
     */
    public SqlSandbox(Iterable<String> views, String readsOnly, boolean explain) {
        Set<String> v = new TreeSet<>();
        views.forEach(n -> v.add(n.toLowerCase(Locale.ROOT)));
        this.views = Collections.unmodifiableSet(v);
        this.readsOnly = readsOnly;
        this.explain = explain;
    }

    public Set<String> views() {
        return views;
    }

    /**
     * Parses and checks {@code query}, and returns it as a Dataset that has not run yet (a query) or the output of
     * an {@code EXPLAIN}, {@code SHOW TABLES} or {@code DESCRIBE}. Throws {@link RefusedException} with nothing
     * executed when the query is not allowed; Spark's {@code AnalysisException} (a parse error, an unknown column).
     */
    public Dataset<Row> dataset(SparkSession spark, String query) throws AnalysisException {
        LogicalPlan parsed = spark.sessionState().sqlParser().parsePlan(query);
        checkParsed(parsed);
        LogicalPlan toRun = parsed;
        if (parsed instanceof ExplainCommand explain) {
            checkAnalysed(analyse(spark, explain.logicalPlan()));
        } else if (!PARSED_STATEMENTS.contains(parsed.getClass())) {
            toRun = analyse(spark, parsed);
            checkAnalysed(toRun);
        }
        return org.apache.spark.sql.classic.Dataset.ofRows((org.apache.spark.sql.classic.SparkSession) spark, toRun);
    }

    private static LogicalPlan analyse(SparkSession spark, LogicalPlan plan) {
        return spark.sessionState().executePlan(plan, CommandExecutionMode.SKIP()).analyzed();
    }

    /** Checks the plan as parsed: statement kind, relation names, table-valued functions and functions. */
    public void checkParsed(LogicalPlan parsed) {
        if (!explain && parsed instanceof ExplainCommand) {
            throw new RefusedException(readsOnly + ", and EXPLAIN is not allowed (a plan shows what the views are "
                    + "made from). Views: " + String.join(", ", views) + ".");
        }
        if (parsed instanceof ShowTables show) {
            if (!show.namespace().getClass().getSimpleName().startsWith("CurrentNamespace")) {
                throw new RefusedException("`xueqing sql` shows only its own views: SHOW TABLES without IN/FROM.");
            }
            return;
        }
        if (parsed instanceof DescribeRelation || parsed instanceof DescribeColumn) {
            LogicalPlan target = parsed instanceof DescribeRelation d ? d.relation() : ((DescribeColumn) parsed).relation();
            if (!(target instanceof UnresolvedTableOrView t)) {
                throw new RefusedException("`xueqing sql` describes only its views (DESCRIBE <view>).");
            }
            requireView(CollectionConverters.asJava(t.multipartIdentifier()));
            return;
        }
        Set<String> ctes = new TreeSet<>();
        List<LogicalPlan> plans = new ArrayList<>();
        List<Expression> expressions = new ArrayList<>();
        collect(parsed instanceof ExplainCommand e ? e.logicalPlan() : parsed, plans, expressions, true);
        for (LogicalPlan p : plans) {
            if (p instanceof UnresolvedWith w) {
                for (var cte : CollectionConverters.asJava(w.cteRelations())) {
                    ctes.add(cte._1().toLowerCase(Locale.ROOT));
                }
            }
        }
        for (LogicalPlan p : plans) {
            if (!PARSED_NODES.contains(p.getClass())) {
                throw notAStatement(p);
            }
            if (p instanceof UnresolvedRelation r) {
                List<String> name = CollectionConverters.asJava(r.multipartIdentifier());
                if (r.isStreaming()) {
                    throw new RefusedException("`xueqing sql` reads its views as tables: STREAM is not allowed.");
                }
                if (!r.options().isEmpty()) {
                    throw new RefusedException("`xueqing sql` does not take options on a relation ("
                            + quoted(name) + " WITH (…)).");
                }
                if (!(name.size() == 1 && ctes.contains(name.get(0).toLowerCase(Locale.ROOT)))) {
                    requireView(name);
                }
            } else if (p instanceof UnresolvedTableValuedFunction f) {
                requireFunction(CollectionConverters.asJava(f.name()), TABLE_FUNCTIONS, "table-valued function");
            }
        }
        for (Expression e : expressions) {
            if (e instanceof UnresolvedFunction f) {
                requireFunction(CollectionConverters.asJava(f.nameParts()), FUNCTIONS, "function");
            } else if (e instanceof UnresolvedGenerator g) {
                FunctionIdentifier id = g.name();
                List<String> name = id.database().isDefined() ? List.of(id.database().get(), id.funcName())
                        : List.of(id.funcName());
                requireFunction(name, FUNCTIONS, "function");
            } else {
                requireHarmless(e, true);
            }
        }
    }

    /** Checks the analysed plan: only allowed views as relations, no reflection or user-defined code. */
    public void checkAnalysed(LogicalPlan analysed) {
        List<LogicalPlan> plans = new ArrayList<>();
        List<Expression> expressions = new ArrayList<>();
        collect(analysed, plans, expressions, false);
        for (LogicalPlan p : plans) {
            if (p instanceof View v) {
                String name = v.desc().identifier().table().toLowerCase(Locale.ROOT);
                if (!v.isTempView() || !views.contains(name)) {
                    throw unknownRelation(List.of(name));
                }
            } else if (!ANALYSED_NODES.contains(p.getClass())) {
                throw notAStatement(p);
            }
        }
        expressions.forEach(e -> requireHarmless(e, false));
    }

    /**
     * Whether an expression may appear: Catalyst's own expressions (what the built-in functions and operators
     * resolve to), never reflection, user-defined code or the {@code objects} expressions that invoke methods; in a
     * parsed plan also the parser's placeholders for names ({@link #PARSED_PLACEHOLDERS}), but not
     * {@code IDENTIFIER(<expression>)}, whose name is only known after analysis.
     */
    private static void requireHarmless(Expression e, boolean parsed) {
        Class<?> c = e.getClass();
        String cls = c.getName();
        boolean catalyst = cls.startsWith("org.apache.spark.sql.catalyst.expressions.")
                && !cls.startsWith("org.apache.spark.sql.catalyst.expressions.objects.");
        boolean placeholder = parsed && c.getPackageName().equals("org.apache.spark.sql.catalyst.analysis")
                && PARSED_PLACEHOLDERS.contains(c.getSimpleName());
        if (e instanceof CallMethodViaReflection || e instanceof TryReflect || e instanceof UserDefinedExpression
                || !(catalyst || placeholder)) {
            throw new RefusedException("`xueqing sql` does not allow " + e.prettyName() + " ("
                    + c.getSimpleName() + "): only built-in functions that compute on their arguments.");
        }
    }

    private void requireView(List<String> name) {
        if (name.size() != 1 || !views.contains(name.get(0).toLowerCase(Locale.ROOT))) {
            throw unknownRelation(name);
        }
    }

    private RefusedException unknownRelation(List<String> name) {
        String what = name.size() == 1 ? "there is no view " + quoted(name)
                : quoted(name) + " is not one of its views (no files, paths or catalog tables)";
        return new RefusedException(readsOnly + ", and " + what + ". Views: "
                + String.join(", ", views) + ".");
    }

    private static void requireFunction(List<String> name, Set<String> allowed, String kind) {
        if (name.size() != 1 || !allowed.contains(name.get(0).toLowerCase(Locale.ROOT))) {
            throw new RefusedException("`xueqing sql` does not allow the " + kind + " " + quoted(name)
                    + ": only built-in functions that compute on their arguments (no reflection, files, UDFs)"
                    + (kind.startsWith("table") ? "; table-valued functions: " + String.join(", ", new TreeSet<>(allowed)) : "")
                    + ".");
        }
    }

    private static RefusedException notAStatement(LogicalPlan p) {
        String name = p.getClass().getSimpleName().replace("$", "");
        String what = STATEMENT_NAMES.getOrDefault(name, name);
        return new RefusedException("`xueqing sql` is read-only: " + what + " is not allowed. Allowed: SELECT, WITH, "
                + "VALUES, TABLE, EXPLAIN <query>, SHOW TABLES, DESCRIBE <view>.");
    }

    private static String quoted(List<String> name) {
        return "`" + String.join("`.`", name) + "`";
    }

    /**
     * Collects every plan node and expression reachable from {@code root}: children, inner children (CTE
     * definitions), subqueries inside expressions, and plans or expressions held in fields (an EXPLAIN's query, the
     * window definitions of a WINDOW clause, hint parameters). The plan of a {@link View} is entered only with
     * {@code enterViews} (a parsed plan has none; in an analysed one it is the view's own, trusted plan).
     */
    private static void collect(LogicalPlan root, List<LogicalPlan> plans, List<Expression> expressions,
            boolean enterViews) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        List<Object> todo = new ArrayList<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            Object o = todo.remove(todo.size() - 1);
            if (o == null || seen.put(o, Boolean.TRUE) != null) {
                continue;
            }
            if (o instanceof LogicalPlan p) {
                plans.add(p);
                if (!enterViews && p instanceof View) {
                    continue;
                }
                p.productIterator().foreach(todo::add);
                CollectionConverters.asJava(p.children()).forEach(todo::add);
                CollectionConverters.asJava(p.innerChildren()).forEach(todo::add);
            } else if (o instanceof Expression e) {
                expressions.add(e);
                if (e instanceof SubqueryExpression s) {
                    todo.add(s.plan());
                }
                e.productIterator().foreach(todo::add);
                CollectionConverters.asJava(e.children()).forEach(todo::add);
            } else if (o instanceof scala.collection.Iterable<?> it) {
                it.foreach(todo::add);
            } else if (o instanceof Option<?> opt && opt.isDefined()) {
                todo.add(opt.get());
            } else if (o instanceof Product t && t.getClass().getName().startsWith("scala.Tuple")) {
                t.productIterator().foreach(todo::add);
            }
        }
    }

    private static Set<String> allowedFunctions() {
        var registry = FunctionRegistry$.MODULE$.builtin();
        Set<String> out = new TreeSet<>();
        for (FunctionIdentifier id : CollectionConverters.asJava(registry.listFunction())) {
            Option<ExpressionInfo> info = registry.lookupFunction(id);
            String name = id.funcName().toLowerCase(Locale.ROOT);
            if (info.isDefined() && (FUNCTION_GROUPS.contains(info.get().getGroup()) || MISC_FUNCTIONS.contains(name))) {
                out.add(name);
            }
        }
        return Collections.unmodifiableSet(out);
    }
}
