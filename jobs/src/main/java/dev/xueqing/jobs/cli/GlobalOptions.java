package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Options every subcommand takes: --warehouse, --conf, --set, --quiet, --log-format. */
public final class GlobalOptions {
    enum LogFormat { text, json }

    @Option(names = "--quiet", description = "Log warnings and errors only (no progress or phase lines).")
    boolean quiet;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "Log lines on stderr as ${COMPLETION-CANDIDATES} (default: text); json is one object a line.")
    LogFormat logFormat = LogFormat.text;

    @Option(names = "--warehouse", paramLabel = "DIR",
            description = "Warehouse root (default: xueqing.warehouse from config, ./warehouse).")
    String warehouse;

    @Option(names = "--conf", paramLabel = "FILE", description = "A HOCON file layered over the defaults.")
    File conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one setting (repeatable, highest precedence), e.g. --set xueqing.timezone=UTC.")
    List<String> set = new ArrayList<>();

    /** Applies --log-format and --quiet to the logging (before Spark starts). */
    void applyLogging() {
        if (logFormat == LogFormat.json) {
            try {
                org.apache.logging.log4j.core.config.Configurator.reconfigure(
                        GlobalOptions.class.getResource("/log4j2-json.properties").toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        if (quiet) {
            org.apache.logging.log4j.core.config.Configurator.setLevel("dev.xueqing",
                    org.apache.logging.log4j.Level.WARN);
        }
    }

    /** Loads and validates the configuration with these options applied. */
    XueqingConfig load(Map<String, String> env) {
        applyLogging();
        XueqingConfig c = ConfigLoader.load(conf, set, env);
        return warehouse == null ? c : c.withWarehouse(warehouse);
    }
}
