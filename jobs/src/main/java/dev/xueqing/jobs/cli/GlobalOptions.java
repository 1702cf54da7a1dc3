package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Options every subcommand takes: --warehouse, --conf, --set. */
public final class GlobalOptions {
    @Option(names = "--warehouse", paramLabel = "DIR",
            description = "Warehouse root (default: xueqing.warehouse from config, ./warehouse).")
    String warehouse;

    @Option(names = "--conf", paramLabel = "FILE", description = "A HOCON file layered over the defaults.")
    File conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one setting (repeatable, highest precedence), e.g. --set xueqing.timezone=UTC.")
    List<String> set = new ArrayList<>();

    /** Loads and validates the configuration with these options applied. */
    XueqingConfig load(Map<String, String> env) {
        XueqingConfig c = ConfigLoader.load(conf, set, env);
        return warehouse == null ? c : c.withWarehouse(warehouse);
    }
}
