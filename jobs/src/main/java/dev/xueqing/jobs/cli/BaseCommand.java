package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** Shared parts of the subcommands: global options, environment, output streams. */
abstract class BaseCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Map<String, String> env = System.getenv();

    XueqingConfig config() {
        return global.load(env);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
