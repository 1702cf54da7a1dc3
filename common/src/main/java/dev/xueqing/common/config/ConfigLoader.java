package dev.xueqing.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.io.File;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads the layered HOCON configuration once and validates it into a {@link XueqingConfig}.
 *
 * <p>Precedence, lowest first: {@code reference.conf} (the documented defaults), {@code conf/application.conf}
 * when present in the working directory, the file given with {@code --conf}, {@code XUEQING_*} environment
 * variables ({@code XUEQING_WAREHOUSE}, {@code XUEQING_TIMEZONE}, {@code XUEQING_MODE}, {@code XUEQING_TENANT}),
 * then {@code --set key=value} overrides. Unknown keys and out-of-range values fail with a {@link ConfigException}
 * that names the key.
 */
public final class ConfigLoader {

    /** Maps whose keys are free-form (IRIs, Spark settings); their entries are not checked against the reference. */
    private static final Set<String> FREE_FORM = Set.of(
            "xueqing.xapi.verbs", "xueqing.xapi.activity-types", "xueqing.spark.conf",
            "xueqing.oulad.presentation-starts", "xueqing.csv.mappings",
            "xueqing.caliper.actions", "xueqing.caliper.object-types", "xueqing.caliper.roles",
            "xueqing.edx.actions", "xueqing.edx.browser-actions", "xueqing.edx.object-types",
            "xueqing.edx.forum-roles", "xueqing.edx.course-roles", "xueqing.moodle.role-map",
            "xueqing.moodle.events", "xueqing.index.sub-indices", "xueqing.index.weights", "xueqing.moodle.components", "xueqing.moodle.object-tables",
            "xueqing.moodle.report.events", "xueqing.staff.accounts", "xueqing.staff.bots");

    private static final Set<String> ACTIONS = Set.of(dev.xueqing.common.model.Actions.ALL.toArray(String[]::new));

    private ConfigLoader() {}

    /**
     * @param confFile optional extra HOCON file (--conf), may be null
     * @param overrides key=value pairs (--set), applied last
     * @param env the environment (System.getenv() in production, a map in tests)
     */
    public static XueqingConfig load(File confFile, List<String> overrides, Map<String, String> env) {
        Config reference = ConfigFactory.defaultReference();
        // unresolved, so that ${xueqing.home} in the defaults follows XUEQING_HOME of the given environment
        Config merged = ConfigFactory.parseResourcesAnySyntax("reference");
        File appConf = new File("conf/application.conf");
        if (appConf.isFile()) {
            merged = parseFile(appConf).withFallback(merged);
        }
        if (confFile != null) {
            if (!confFile.isFile()) {
                throw new ConfigException("Config file not found: " + confFile
                        + ". Pass an existing HOCON file with --conf, or leave the option out.");
            }
            merged = parseFile(confFile).withFallback(merged);
        }
        Map<String, Object> envValues = new LinkedHashMap<>();
        putEnv(env, "XUEQING_HOME", "xueqing.home", envValues);
        putEnv(env, "XUEQING_WAREHOUSE", "xueqing.warehouse", envValues);
        putEnv(env, "XUEQING_TIMEZONE", "xueqing.timezone", envValues);
        putEnv(env, "XUEQING_MODE", "xueqing.mode", envValues);
        putEnv(env, "XUEQING_TENANT", "xueqing.tenant", envValues);
        putEnv(env, "XUEQING_SPARK_MASTER", "xueqing.spark.master", envValues);
        merged = ConfigFactory.parseMap(envValues, "environment").withFallback(merged);
        for (String override : overrides == null ? List.<String>of() : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("Bad --set '" + override + "': expected key=value, for example "
                        + "--set xueqing.timezone=UTC");
            }
            String key = override.substring(0, eq).trim();
            if (!key.startsWith("xueqing.")) {
                key = "xueqing." + key;
            }
            String value = override.substring(eq + 1).trim();
            try {
                merged = ConfigFactory.parseString(key + " = " + hoconValue(value), 
                        ConfigParseOptions.defaults().setOriginDescription("--set " + override))
                        .withFallback(merged);
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("Bad --set '" + override + "': " + e.getMessage(), e);
            }
        }
        merged = merged.resolve();
        checkUnknownKeys(merged, reference);
        return toRecord(merged, env);
    }

    /** Loads the defaults only (tests, docs). */
    public static XueqingConfig defaults() {
        return load(null, List.of(), Map.of());
    }

    private static Config parseFile(File f) {
        try {
            return ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Cannot read config file " + f + ": " + e.getMessage(), e);
        }
    }

    private static void putEnv(Map<String, String> env, String var, String key, Map<String, Object> out) {
        String v = env.get(var);
        if (v != null && !v.isBlank()) {
            out.put(key, v);
        }
    }

    private static String hoconValue(String v) {
        if (v.startsWith("[") || v.startsWith("{") || v.startsWith("\"")) {
            return v;
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void checkUnknownKeys(Config merged, Config reference) {
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : merged.getConfig("xueqing").entrySet()) {
            String path = "xueqing." + e.getKey();
            if (FREE_FORM.stream().anyMatch(p -> path.startsWith(p + "."))) {
                continue;
            }
            if (!reference.hasPathOrNull(path)) {
                unknown.add(path);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("Unknown configuration key(s): " + String.join(", ", unknown)
                    + ". See docs/configuration.md (or reference.conf) for the keys Xueqing reads.");
        }
    }

    private static XueqingConfig toRecord(Config c, Map<String, String> env) {
        try {
            Config x = c.getConfig("xueqing");
            XueqingConfig.Mode mode = switch (x.getString("mode").toLowerCase()) {
                case "development" -> XueqingConfig.Mode.DEVELOPMENT;
                case "production" -> XueqingConfig.Mode.PRODUCTION;
                default -> throw new ConfigException("xueqing.mode = '" + x.getString("mode")
                        + "' is not allowed: use development or production.");
            };
            ZoneId zone;
            try {
                zone = ZoneId.of(x.getString("timezone"));
            } catch (DateTimeException e) {
                throw new ConfigException("xueqing.timezone = '" + x.getString("timezone")
                        + "' is not a time zone: use a region id such as Asia/Shanghai or UTC.");
            }
            String warehouse = nonBlank(x, "warehouse");
            String tenant = nonBlank(x, "tenant");

            List<XueqingConfig.InputSpec> inputs = new ArrayList<>();
            int i = 0;
            for (Config in : x.getConfigList("inputs")) {
                String where = "xueqing.inputs[" + i++ + "]";
                if (!in.hasPath("format")) {
                    throw new ConfigException(where + ".format is missing: set it to one of " + Formats.KNOWN);
                }
                String format = in.getString("format");
                if (!Formats.KNOWN.contains(format)) {
                    throw new ConfigException(where + ".format = '" + format + "' is not supported: use one of "
                            + Formats.KNOWN);
                }
                if (!in.hasPath("paths") || in.getStringList("paths").isEmpty()) {
                    throw new ConfigException(where + ".paths is missing or empty: list files, folders or globs.");
                }
                for (String k : in.root().keySet()) {
                    if (!Set.of("format", "paths", "tenant", "mapping").contains(k)) {
                        throw new ConfigException(where + "." + k + " is not a known input setting: use format, "
                                + "paths, tenant and mapping.");
                    }
                }
                inputs.add(new XueqingConfig.InputSpec(format, List.copyOf(in.getStringList("paths")),
                        in.hasPath("tenant") ? in.getString("tenant") : tenant,
                        in.hasPath("mapping") ? in.getString("mapping") : null));
            }

            XueqingConfig.Pseudonym pseudonym = new XueqingConfig.Pseudonym(
                    x.getString("pseudonym.key-env"), x.getString("pseudonym.key-file"));

            Map<String, String> sparkConf = new LinkedHashMap<>();
            for (Map.Entry<String, ConfigValue> e : x.getConfig("spark.conf").entrySet()) {
                sparkConf.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
            }
            XueqingConfig.SparkSettings spark = new XueqingConfig.SparkSettings(
                    nonBlank(x, "spark.master"), nonBlank(x, "spark.app-name"),
                    intIn(x, "spark.shuffle-partitions", 1, 100_000), Map.copyOf(sparkConf),
                    intIn(x, "spark.concurrent-marts", 1, 64), nonNegativeBytes(x, "spark.small-input"));

            XueqingConfig.Activity activity = new XueqingConfig.Activity(
                    intIn(x, "activity.idle-cutoff-minutes", 1, 24 * 60), intIn(x, "activity.inactive-days", 1, 365));
            XueqingConfig.Progress progress = new XueqingConfig.Progress(share(x, "progress.behind-missed-share"));
            XueqingConfig.Quality quality = new XueqingConfig.Quality(
                    share(x, "quality.thresholds.active-rate-min"),
                    share(x, "quality.thresholds.submission-rate-min"),
                    share(x, "quality.thresholds.on-time-rate-min"),
                    share(x, "quality.thresholds.mean-score-min"),
                    share(x, "quality.thresholds.pass-rate-min"),
                    share(x, "quality.thresholds.inactive-share-max"),
                    share(x, "quality.thresholds.dropout-rate-max"));

            Map<String, String> verbs = stringMap(x, "xapi.verbs");
            for (Map.Entry<String, String> e : verbs.entrySet()) {
                if (!ACTIONS.contains(e.getValue())) {
                    throw new ConfigException("xueqing.xapi.verbs.\"" + e.getKey() + "\" = '" + e.getValue()
                            + "' is not a canonical action: use one of " + dev.xueqing.common.model.Actions.ALL);
                }
            }
            XueqingConfig.Xapi xapi = new XueqingConfig.Xapi(
                    verbs, stringMap(x, "xapi.activity-types"),
                    x.getBoolean("xapi.course-fallback-to-grouping"),
                    List.copyOf(x.getStringList("xapi.extensions.role")),
                    List.copyOf(x.getStringList("xapi.extensions.due-time")),
                    List.copyOf(x.getStringList("xapi.extensions.weight")),
                    List.copyOf(x.getStringList("xapi.extensions.video-length")),
                    nonBlankList(x, "xapi.thread-activity-types"));

            Map<String, java.time.LocalDate> starts = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : stringMap(x, "oulad.presentation-starts").entrySet()) {
                try {
                    starts.put(e.getKey(), java.time.LocalDate.parse(e.getValue()));
                } catch (java.time.format.DateTimeParseException ex) {
                    throw new ConfigException("xueqing.oulad.presentation-starts.\"" + e.getKey() + "\" = '"
                            + e.getValue() + "' is not a date: use YYYY-MM-DD.");
                }
            }
            XueqingConfig.Oulad oulad = new XueqingConfig.Oulad(Map.copyOf(starts), monthDay(x, "oulad.b-start"),
                    monthDay(x, "oulad.j-start"));
            Map<String, XueqingConfig.CsvMapping> csvMappings = new LinkedHashMap<>();
            for (String name : x.getObject("csv.mappings").keySet()) {
                csvMappings.put(name, csvMapping(name, x.getConfig("csv.mappings").getConfig("\"" + name + "\"")));
            }
            for (XueqingConfig.InputSpec in : inputs) {
                if (in.mapping() != null && !csvMappings.containsKey(in.mapping())) {
                    throw new ConfigException("An input names the CSV mapping '" + in.mapping() + "', which is not "
                            + "defined under xueqing.csv.mappings (known: " + csvMappings.keySet() + ").");
                }
                if (Formats.CSV.equals(in.format()) && in.mapping() == null) {
                    throw new ConfigException("A csv input (" + in.paths() + ") needs mapping = NAME, one of "
                            + csvMappings.keySet() + " under xueqing.csv.mappings.");
                }
            }
            return new XueqingConfig(mode, zone, warehouse, tenant, List.copyOf(inputs), pseudonym, spark, activity,
                    progress, quality, intIn(x, "retention.max-weeks", 1, 520), xapi, oulad, Map.copyOf(csvMappings),
                    new XueqingConfig.Ops(intIn(x, "ops.keep-versions", 1, 1000),
                            intIn(x, "ops.lock-stale-minutes", 1, 7 * 24 * 60),
                            intIn(x, "ops.max-mart-age-hours", 1, 24 * 366),
                            intIn(x, "quarantine.retention-days", 0, 100 * 366)),
                    assessment(x), caliper(x), edx(x), moodle(x), segments(x), risk(x), report(x), tutor(x, zone),
                    staff(x), index(x), new XueqingConfig.Disclosure(intIn(x, "disclosure.min-learners", 2, 1_000_000),
                            intIn(x, "disclosure.round-to", 1, 1_000_000),
                            intIn(x, "disclosure.min-share-denominator", 0, 1_000_000)), skills(x));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Invalid configuration: " + e.getMessage(), e);
        }
    }

    private static final String ACTION = "a canonical action";
    private static final String OBJECT_TYPE = "a canonical object type";
    private static final String ACTOR_ROLE = "an actor role";
    private static final List<String> ROLES = List.copyOf(new TreeSet<>(dev.xueqing.common.model.ActorRoles.ALL));

    /**
     * {@code xueqing.staff.accounts} and {@code .bots}: source name → list of raw account ids. A key that is not a
     * source, a value that is not a list of non-blank strings fail with the key's name (never with the ids).
     */
    private static XueqingConfig.Staff staff(Config x) {
        return new XueqingConfig.Staff(accountLists(x, "staff.accounts"), accountLists(x, "staff.bots"));
    }

    private static Map<String, List<String>> accountLists(Config x, String path) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String source : x.getObject(path).keySet()) {
            String where = "xueqing." + path + "." + source;
            if (!XueqingConfig.Staff.SOURCES.contains(source)) {
                throw new ConfigException(where + " is not a source with accounts: use "
                        + String.join(", ", XueqingConfig.Staff.SOURCES) + ".");
            }
            List<String> ids;
            try {
                ids = x.getStringList(path + "." + source);
            } catch (com.typesafe.config.ConfigException.WrongType e) {
                throw new ConfigException(where + " must be a list of account ids, e.g. [\"id1\", \"id2\"].");
            }
            if (ids.stream().anyMatch(String::isBlank)) {
                throw new ConfigException(where + " holds an empty account id.");
            }
            out.put(source, List.copyOf(new java.util.LinkedHashSet<>(ids)));
        }
        return Map.copyOf(out);
    }

    private static XueqingConfig.Caliper caliper(Config x) {
        return new XueqingConfig.Caliper(vocabularyMap(x, "caliper.actions", dev.xueqing.common.model.Actions.ALL,
                ACTION), vocabularyMap(x, "caliper.object-types", dev.xueqing.common.model.ObjectTypes.ALL, OBJECT_TYPE),
                vocabularyMap(x, "caliper.roles", List.copyOf(new TreeSet<>(dev.xueqing.common.model.ActorRoles.ALL)),
                        ACTOR_ROLE));
    }

    private static XueqingConfig.Edx edx(Config x) {
        return new XueqingConfig.Edx(vocabularyMap(x, "edx.actions", dev.xueqing.common.model.Actions.ALL, ACTION),
                vocabularyMap(x, "edx.browser-actions", dev.xueqing.common.model.Actions.ALL, ACTION),
                vocabularyMap(x, "edx.object-types", dev.xueqing.common.model.ObjectTypes.ALL, OBJECT_TYPE),
                nonBlankList(x, "edx.instructor-prefixes"), nonBlankList(x, "edx.instructor-paths"),
                vocabularyMap(x, "edx.forum-roles", ROLES, ACTOR_ROLE),
                vocabularyMap(x, "edx.course-roles", ROLES, ACTOR_ROLE));
    }

    private static XueqingConfig.Moodle moodle(Config x) {
        List<XueqingConfig.Moodle.Suffix> suffixes = new ArrayList<>();
        List<? extends ConfigValue> list;
        try {
            list = x.getList("moodle.suffixes");
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new ConfigException("xueqing.moodle.suffixes must be a list of { suffix = \"...\", action = ... }.");
        }
        for (int i = 0; i < list.size(); i++) {
            String where = "xueqing.moodle.suffixes[" + i + "]";
            if (!(list.get(i) instanceof com.typesafe.config.ConfigObject o)) {
                throw new ConfigException(where + " must be an object { suffix = \"...\", action = ... }.");
            }
            Config s = o.toConfig();
            for (String k : o.keySet()) {
                if (!Set.of("suffix", "action").contains(k)) {
                    throw new ConfigException(where + "." + k + " is not a suffix rule setting: use suffix and action.");
                }
            }
            if (!s.hasPath("suffix") || s.getString("suffix").isBlank()) {
                throw new ConfigException(where + ".suffix is missing or empty.");
            }
            String action = s.hasPath("action") ? s.getString("action") : null;
            if (action == null || !dev.xueqing.common.model.Actions.ALL.contains(action)) {
                throw new ConfigException(where + ".action = '" + action + "' is not " + ACTION + ": use one of "
                        + dev.xueqing.common.model.Actions.ALL);
            }
            suffixes.add(new XueqingConfig.Moodle.Suffix(s.getString("suffix"), action));
        }
        List<String> patterns = nonBlankList(x, "moodle.report.time-patterns");
        for (int i = 0; i < patterns.size(); i++) {
            try {
                java.time.format.DateTimeFormatter.ofPattern(patterns.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("xueqing.moodle.report.time-patterns[" + i + "] = '" + patterns.get(i)
                        + "' is not a date-time pattern: " + e.getMessage() + ". Use e.g. d/MM/yy, HH:mm.");
            }
        }
        return new XueqingConfig.Moodle(
                vocabularyMap(x, "moodle.events", dev.xueqing.common.model.Actions.ALL, ACTION),
                List.copyOf(suffixes), nonBlankList(x, "moodle.learner-is-related-user"),
                vocabularyMap(x, "moodle.components", dev.xueqing.common.model.ObjectTypes.ALL, OBJECT_TYPE),
                vocabularyMap(x, "moodle.object-tables", dev.xueqing.common.model.ObjectTypes.ALL, OBJECT_TYPE),
                patterns, vocabularyMap(x, "moodle.report.events", dev.xueqing.common.model.Actions.ALL, ACTION),
                x.getString("moodle.role-assignments-file").isBlank() ? null
                        : x.getString("moodle.role-assignments-file").trim(),
                vocabularyMap(x, "moodle.role-map", ROLES, ACTOR_ROLE));
    }

    /**
     * A mapping table whose values must come from a vocabulary. An entry set to null (to remove a default) is left
     * out; any other non-string value, or a string outside the vocabulary, fails naming the entry's key.
     */
    private static Map<String, String> vocabularyMap(Config x, String path, List<String> allowed, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        com.typesafe.config.ConfigObject table;
        try {
            table = x.getObject(path);
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new ConfigException("xueqing." + path + " must be a table { key = value, ... }.");
        }
        for (Map.Entry<String, ConfigValue> e : table.entrySet()) {
            String key = "xueqing." + path + ".\"" + e.getKey() + "\"";
            if (e.getValue().valueType() == ConfigValueType.NULL) {
                continue;
            }
            if (e.getValue().valueType() != ConfigValueType.STRING) {
                throw new ConfigException(key + " must be " + what + " (a string): use one of " + allowed);
            }
            String v = (String) e.getValue().unwrapped();
            if (!allowed.contains(v)) {
                throw new ConfigException(key + " = '" + v + "' is not " + what + ": use one of " + allowed);
            }
            out.put(e.getKey(), v);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static List<String> nonBlankList(Config x, String path) {
        List<String> values;
        try {
            values = x.getStringList(path);
        } catch (com.typesafe.config.ConfigException.WrongType e) {
            throw new ConfigException("xueqing." + path + " must be a list of strings.");
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isBlank()) {
                throw new ConfigException("xueqing." + path + "[" + i + "] must not be empty.");
            }
        }
        return List.copyOf(values);
    }

    private static XueqingConfig.Index index(Config x) {
        List<String> units = oneOf(x, "index.units", XueqingConfig.Index.UNIT_TYPES);
        List<String> periods = oneOf(x, "index.periods", XueqingConfig.Index.PERIOD_TYPES);
        List<String> indicators = oneOf(x, "index.indicators", XueqingConfig.Index.INDICATORS);
        if (units.isEmpty() || periods.isEmpty() || indicators.isEmpty()) {
            throw new ConfigException("xueqing.index.units, .periods and .indicators must each name at least one.");
        }
        String pattern = x.getString("index.term-pattern");
        try {
            java.util.regex.Pattern.compile(pattern);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ConfigException("xueqing.index.term-pattern is not a regular expression: " + e.getDescription());
        }
        Map<String, List<String>> subIndices = new java.util.LinkedHashMap<>();
        Set<String> placed = new java.util.HashSet<>();
        for (String name : new TreeSet<>(x.getConfig("index.sub-indices").root().keySet())) {
            List<String> members = oneOf(x, "index.sub-indices." + name, XueqingConfig.Index.INDICATORS);
            for (String m : members) {
                if (!placed.add(m)) {
                    throw new ConfigException("xueqing.index.sub-indices: indicator '" + m + "' is in two sub-indices.");
                }
            }
            subIndices.put(name, members);
        }
        Set<String> negative = new java.util.LinkedHashSet<>(oneOf(x, "index.negative",
                XueqingConfig.Index.INDICATORS));
        String normalisation = choice(x, "index.normalisation", XueqingConfig.Index.NORMALISATIONS);
        String weighting = choice(x, "index.weighting", XueqingConfig.Index.WEIGHTINGS);
        String aggregation = choice(x, "index.aggregation", XueqingConfig.Index.AGGREGATIONS);
        Map<String, Double> weights = new java.util.LinkedHashMap<>();
        Config w = x.getConfig("index.weights");
        for (String k : new TreeSet<>(w.root().keySet())) {
            if (!XueqingConfig.Index.INDICATORS.contains(k)) {
                throw new ConfigException("xueqing.index.weights names an unknown indicator '" + k + "': use one of "
                        + XueqingConfig.Index.INDICATORS + ".");
            }
            double v = w.getDouble(k);
            if (!(v >= 0 && v <= 1)) {
                throw new ConfigException("xueqing.index.weights." + k + " = " + v + " is out of range: use [0, 1].");
            }
            weights.put(k, v);
        }
        if (weighting.equals("config")) {
            if (!weights.keySet().equals(new java.util.HashSet<>(indicators))) {
                throw new ConfigException("xueqing.index.weighting = config needs a weight under xueqing.index.weights "
                        + "for exactly the indicators " + indicators + " (given: " + weights.keySet() + ").");
            }
            double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
            if (Math.abs(sum - 1) > 1e-6) {
                throw new ConfigException("xueqing.index.weights add up to " + sum + ", not 1.");
            }
        } else if (!weights.isEmpty()) {
            throw new ConfigException("xueqing.index.weights is set but xueqing.index.weighting = " + weighting
                    + ": set weighting = config to use the weights, or remove them.");
        }
        return new XueqingConfig.Index(units, periods, pattern, indicators, Map.copyOf(subIndices),
                Set.copyOf(negative), normalisation, weighting, Map.copyOf(weights), aggregation);
    }

    /** A list of distinct values from the allowed ones, in the given order. */
    private static List<String> oneOf(Config x, String path, List<String> allowed) {
        List<String> out = new java.util.ArrayList<>();
        for (String v : x.getStringList(path)) {
            if (!allowed.contains(v)) {
                throw new ConfigException("xueqing." + path + ": unknown value '" + v + "': use " + allowed + ".");
            }
            if (out.contains(v)) {
                throw new ConfigException("xueqing." + path + " names '" + v + "' twice.");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }

    private static String choice(Config x, String path, List<String> allowed) {
        String v = x.getString(path);
        if (!allowed.contains(v)) {
            throw new ConfigException("xueqing." + path + " = '" + v + "': use one of " + allowed + ".");
        }
        return v;
    }

    private static XueqingConfig.Tutor tutor(Config x, ZoneId zone) {
        String clock = x.getString("tutor.sla-clock");
        if (!clock.equals("calendar") && !clock.equals("business")) {
            throw new ConfigException("xueqing.tutor.sla-clock = '" + clock + "': use calendar or business.");
        }
        java.util.Set<java.time.DayOfWeek> days = new java.util.LinkedHashSet<>();
        for (String d : x.getStringList("tutor.calendar.working-days")) {
            try {
                days.add(java.time.DayOfWeek.valueOf(d.trim().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("xueqing.tutor.calendar.working-days: '" + d + "' is not a day of the week "
                        + "(MONDAY .. SUNDAY).");
            }
        }
        java.time.LocalTime start = time(x, "tutor.calendar.day-start");
        java.time.LocalTime end = time(x, "tutor.calendar.day-end");
        if (!end.isAfter(start)) {
            throw new ConfigException("xueqing.tutor.calendar.day-end (" + end + ") must be after day-start (" + start
                    + ").");
        }
        double sla = x.getDouble("tutor.sla-hours");
        if (!(sla > 0 && sla <= 24 * 366)) {
            throw new ConfigException("xueqing.tutor.sla-hours = " + sla + " is out of range: use (0, 8784].");
        }
        double oldest = x.getDouble("tutor.thresholds.oldest-unanswered-hours-max");
        if (!(oldest >= 0)) {
            throw new ConfigException("xueqing.tutor.thresholds.oldest-unanswered-hours-max must be 0 or more.");
        }
        return new XueqingConfig.Tutor(sla, clock.equals("business"),
                new dev.xueqing.common.metrics.BusinessCalendar(days, start, end, dates(x, "tutor.calendar.holidays"),
                        dates(x, "tutor.calendar.extra-working-days"), zone),
                intIn(x, "tutor.follow-up-days", 1, 60), intIn(x, "tutor.thresholds.questions-asked-min", 0, 1_000_000),
                share(x, "tutor.thresholds.within-sla-share-min"),
                intIn(x, "tutor.thresholds.unanswered-max", 0, 1_000_000), oldest, hoursAtLeastZero(x,
                        "tutor.thresholds.median-response-hours-max"));
    }

    private static double hoursAtLeastZero(Config x, String path) {
        double v = x.getDouble(path);
        if (!(v >= 0)) {
            throw new ConfigException("xueqing." + path + " = " + v + " must be 0 or more.");
        }
        return v;
    }

    private static java.time.LocalTime time(Config x, String path) {
        String v = x.getString(path);
        try {
            return java.time.LocalTime.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException("xueqing." + path + " = '" + v + "' is not a time of day: use HH:MM.");
        }
    }

    private static java.util.Set<java.time.LocalDate> dates(Config x, String path) {
        java.util.Set<java.time.LocalDate> out = new java.util.LinkedHashSet<>();
        for (String v : x.getStringList(path)) {
            try {
                out.add(java.time.LocalDate.parse(v.trim()));
            } catch (java.time.format.DateTimeParseException e) {
                throw new ConfigException("xueqing." + path + ": '" + v + "' is not a date: use YYYY-MM-DD.");
            }
        }
        return out;
    }

    private static XueqingConfig.Report report(Config x) {
        String locale = x.getString("locale");
        if (!XueqingConfig.Report.LOCALES.contains(locale)) {
            throw new ConfigException("xueqing.locale = '" + locale + "' is not a report language: use one of "
                    + XueqingConfig.Report.LOCALES + ".");
        }
        return new XueqingConfig.Report(x.getBoolean("report.enabled"), locale,
                intIn(x, "report.max-rows", 10, 100_000));
    }

    private static XueqingConfig.Segments segments(Config x) {
        int kMin = intIn(x, "segments.k-min", 2, SEGMENT_LABELS);
        int kMax = intIn(x, "segments.k-max", 2, SEGMENT_LABELS);
        if (kMin > kMax) {
            throw new ConfigException("xueqing.segments.k-min (" + kMin + ") must not be above xueqing.segments.k-max ("
                    + kMax + ").");
        }
        long seed;
        try {
            seed = x.getLong("segments.seed");
        } catch (com.typesafe.config.ConfigException.WrongType | BadValue e) {
            throw new ConfigException("xueqing.segments.seed must be a whole number.");
        }
        return new XueqingConfig.Segments(kMin, kMax, intIn(x, "segments.min-learners", 3, 100_000_000), seed,
                intIn(x, "segments.last-minute-days", 0, 30), intIn(x, "segments.driver-max-rows", 0, 5_000_000));
    }

    private static XueqingConfig.Skills skills(Config x) {
        String mappingFile = x.getString("skills.mapping-file").trim();
        String prerequisitesFile = x.getString("skills.prerequisites-file").trim();
        List<String> extensions = List.copyOf(x.getStringList("skills.extensions"));
        if (extensions.stream().anyMatch(String::isBlank)) {
            throw new ConfigException("xueqing.skills.extensions holds an empty extension IRI.");
        }
        double maxGuess = share(x, "skills.max-guess");
        double maxSlip = share(x, "skills.max-slip");
        if (maxGuess <= 0 || maxSlip <= 0 || maxGuess + maxSlip >= 1) {
            throw new ConfigException("xueqing.skills.max-guess (" + maxGuess + ") and max-slip (" + maxSlip
                    + ") must be above 0 and add up to less than 1 (else a known skill could be answered worse than "
                    + "an unknown one).");
        }
        double tolerance;
        double minMean;
        long seed;
        try {
            tolerance = x.getDouble("skills.tolerance");
            minMean = x.getDouble("skills.min-mean-opportunities");
            seed = x.getLong("skills.seed");
        } catch (com.typesafe.config.ConfigException.WrongType | BadValue e) {
            throw new ConfigException("xueqing.skills.tolerance, min-mean-opportunities and seed must be numbers ("
                    + e.getMessage() + ").");
        }
        if (!(tolerance > 0) || !(minMean >= 1)) {
            throw new ConfigException("xueqing.skills.tolerance must be above 0 and xueqing.skills.min-mean-"
                    + "opportunities at least 1.");
        }
        return new XueqingConfig.Skills(mappingFile, prerequisitesFile, extensions,
                mappingFile.isEmpty() ? List.of() : SkillFiles.mapping(java.nio.file.Path.of(mappingFile)),
                prerequisitesFile.isEmpty() ? Map.of()
                        : SkillFiles.prerequisites(java.nio.file.Path.of(prerequisitesFile)),
                share(x, "skills.mastery-threshold"), intIn(x, "skills.min-learners", 2, 100_000_000), minMean,
                tolerance, intIn(x, "skills.max-iterations", 1, 10_000), intIn(x, "skills.restarts", 1, 100),
                maxGuess, maxSlip, x.getBoolean("skills.forgets"), intIn(x, "skills.folds", 2, 20), seed,
                intIn(x, "skills.refit-every-days", 1, 3660),
                intIn(x, "skills.next-skills", 1, 20), intIn(x, "skills.next-items", 1, 100));
    }

    /** How many distinct segment labels the labelling rule has: k can be at most this. */
    private static final int SEGMENT_LABELS = 6;

    private static XueqingConfig.Risk risk(Config x) {
        List<Integer> weeks = x.getIntList("risk.weeks");
        if (weeks.isEmpty() || weeks.stream().anyMatch(w -> w < 1 || w > 52)) {
            throw new ConfigException("xueqing.risk.weeks = " + weeks + ": give one or more week counts in 1..52.");
        }
        double medium = share(x, "risk.bands.medium-min");
        double high = share(x, "risk.bands.high-min");
        if (medium >= high) {
            throw new ConfigException("xueqing.risk.bands.medium-min (" + medium + ") must be below "
                    + "xueqing.risk.bands.high-min (" + high + ").");
        }
        List<String> train = List.copyOf(x.getStringList("risk.split.train"));
        List<String> test = List.copyOf(x.getStringList("risk.split.test"));
        if (train.isEmpty() != test.isEmpty()) {
            throw new ConfigException("xueqing.risk.split.train and xueqing.risk.split.test must both be given, or "
                    + "neither (then the latest split.test-runs runs are tested on).");
        }
        for (String t : test) {
            if (train.contains(t)) {
                throw new ConfigException("xueqing.risk.split: run " + t + " is in both train and test; a model is "
                        + "never tested on a run it learned from.");
            }
        }
        return new XueqingConfig.Risk(List.copyOf(weeks), intIn(x, "risk.split.test-runs", 1, 100), train, test,
                x.getString("risk.split.run-pattern"), share(x, "risk.alert-threshold"), medium, high,
                x.getString("risk.model-dir"), intIn(x, "risk.retrain-every-days", 1, 3660),
                intIn(x, "risk.gbt.iterations", 1, 1000), intIn(x, "risk.gbt.max-depth", 1, 20),
                x.getLong("risk.seed"));
    }

    private static XueqingConfig.Assessment assessment(Config x) {
        double fMin = share(x, "assessment.facility-min");
        double fMax = share(x, "assessment.facility-max");
        if (fMin >= fMax) {
            throw new ConfigException("xueqing.assessment.facility-min (" + fMin + ") must be below "
                    + "xueqing.assessment.facility-max (" + fMax + ").");
        }
        double dMin = x.getDouble("assessment.discrimination-min");
        if (dMin < -1 || dMin > 1) {
            throw new ConfigException("xueqing.assessment.discrimination-min = " + dMin + " is not a correlation: use "
                    + "a value in [-1, 1].");
        }
        return new XueqingConfig.Assessment(intIn(x, "assessment.min-responses", 1, 1000), fMin, fMax, dMin,
                share(x, "assessment.alpha-min"));
    }

    private static Map<String, String> stringMap(Config x, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : x.getObject(path).entrySet()) {
            if (e.getValue().valueType() != ConfigValueType.STRING) {
                throw new ConfigException("xueqing." + path + ".\"" + e.getKey() + "\" must be a string.");
            }
            out.put(e.getKey(), (String) e.getValue().unwrapped());
        }
        return Map.copyOf(out);
    }

    private static final Set<String> CSV_KEYS = Set.of("delimiter", "encoding", "columns", "timestamp-format",
            "timestamp-zone", "actions", "object-types", "default-object-type");

    private static XueqingConfig.CsvMapping csvMapping(String name, Config m) {
        String where = "xueqing.csv.mappings." + name;
        for (String k : m.root().keySet()) {
            if (!CSV_KEYS.contains(k)) {
                throw new ConfigException(where + "." + k + " is not a CSV mapping setting: use one of " + CSV_KEYS);
            }
        }
        String delimiter = m.hasPath("delimiter") ? m.getString("delimiter") : ",";
        if (delimiter.equals("\\t")) {
            delimiter = "\t";
        }
        if (delimiter.length() != 1) {
            throw new ConfigException(where + ".delimiter = '" + delimiter + "' must be one character (\\t for tab).");
        }
        String encoding = m.hasPath("encoding") ? m.getString("encoding") : "UTF-8";
        if (!java.nio.charset.Charset.isSupported(encoding)) {
            throw new ConfigException(where + ".encoding = '" + encoding + "' is not a character set this JVM knows.");
        }
        if (!m.hasPath("columns")) {
            throw new ConfigException(where + ".columns is missing: name the CSV columns for "
                    + XueqingConfig.CsvMapping.REQUIRED + ".");
        }
        Map<String, String> columns = stringMap(m, "columns", where);
        for (String role : columns.keySet()) {
            if (!XueqingConfig.CsvMapping.ROLES.contains(role)) {
                throw new ConfigException(where + ".columns." + role + " is not a column role: use "
                        + XueqingConfig.CsvMapping.ROLES);
            }
        }
        List<String> missing = XueqingConfig.CsvMapping.REQUIRED.stream().filter(r -> !columns.containsKey(r)).toList();
        if (!missing.isEmpty()) {
            throw new ConfigException(where + ".columns must name the column(s) for " + missing + ".");
        }
        String format = m.hasPath("timestamp-format") ? m.getString("timestamp-format") : "iso";
        if (!Set.of("iso", "epoch-seconds", "epoch-millis").contains(format)) {
            try {
                java.time.format.DateTimeFormatter.ofPattern(format);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ".timestamp-format = '" + format + "' is not a date-time pattern: "
                        + e.getMessage() + ". Use e.g. yyyy-MM-dd HH:mm:ss, iso, epoch-seconds or epoch-millis.");
            }
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(m.hasPath("timestamp-zone") ? m.getString("timestamp-zone") : "UTC");
        } catch (DateTimeException e) {
            throw new ConfigException(where + ".timestamp-zone = '" + m.getString("timestamp-zone")
                    + "' is not a time zone.");
        }
        Map<String, String> actions = m.hasPath("actions") ? stringMap(m, "actions", where) : Map.of();
        for (Map.Entry<String, String> e : actions.entrySet()) {
            if (!ACTIONS.contains(e.getValue())) {
                throw new ConfigException(where + ".actions.\"" + e.getKey() + "\" = '" + e.getValue()
                        + "' is not a canonical action: use one of " + dev.xueqing.common.model.Actions.ALL);
            }
        }
        return new XueqingConfig.CsvMapping(name, delimiter.charAt(0), encoding, columns, format, zone, actions,
                m.hasPath("object-types") ? stringMap(m, "object-types", where) : Map.of(),
                m.hasPath("default-object-type") ? m.getString("default-object-type") : "activity");
    }

    private static Map<String, String> stringMap(Config x, String path, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : x.getObject(path).entrySet()) {
            if (e.getValue().valueType() != ConfigValueType.STRING) {
                throw new ConfigException(where + "." + path + ".\"" + e.getKey() + "\" must be a string.");
            }
            out.put(e.getKey(), (String) e.getValue().unwrapped());
        }
        return Map.copyOf(out);
    }

    private static java.time.MonthDay monthDay(Config x, String key) {
        String v = x.getString(key);
        try {
            return java.time.MonthDay.parse("--" + v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException("xueqing." + key + " = '" + v + "' is not a month and day: use MM-DD, e.g. 10-01.");
        }
    }

    private static String nonBlank(Config x, String key) {
        String v = x.getString(key);
        if (v.isBlank()) {
            throw new ConfigException("xueqing." + key + " must not be empty.");
        }
        return v;
    }

    /** A size in bytes (a number, or with a unit: "256M", "1 GiB"), zero or more. */
    private static long nonNegativeBytes(Config x, String key) {
        long v;
        try {
            v = x.getBytes(key);
        } catch (com.typesafe.config.ConfigException.WrongType | BadValue e) {
            throw new ConfigException("xueqing." + key + " must be a size in bytes, such as 256M or 1G.");
        }
        if (v < 0) {
            throw new ConfigException("xueqing." + key + " = " + v + " must not be negative.");
        }
        return v;
    }

    private static int intIn(Config x, String key, int min, int max) {
        int v;
        try {
            v = x.getInt(key);
        } catch (com.typesafe.config.ConfigException.WrongType | BadValue e) {
            throw new ConfigException("xueqing." + key + " must be a whole number between " + min + " and " + max + ".");
        }
        if (v < min || v > max) {
            throw new ConfigException("xueqing." + key + " = " + v + " is out of range: allowed " + min + ".." + max + ".");
        }
        return v;
    }

    private static double share(Config x, String key) {
        double v;
        try {
            v = x.getDouble(key);
        } catch (com.typesafe.config.ConfigException.WrongType | BadValue e) {
            throw new ConfigException("xueqing." + key + " must be a number between 0 and 1.");
        }
        if (v < 0 || v > 1 || Double.isNaN(v)) {
            throw new ConfigException("xueqing." + key + " = " + v + " is out of range: allowed 0..1.");
        }
        return v;
    }
}
