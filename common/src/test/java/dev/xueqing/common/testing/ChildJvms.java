package dev.xueqing.common.testing;

import java.util.List;

/** JVM options for the fresh JVMs some tests start to run the CLI as a user would (kill tests, the nightly). */
public final class ChildJvms {
    /**
     * The C1 JIT alone, with room for its code: a child here runs one nightly over a few thousand statements, where
     * the default tiered JIT spends more CPU compiling than the run spends running (a 33-statement nightly compiled
     * for 56 s of CPU in 40 s; with C1 alone it took 31 s instead of 40–43 s and half the CPU). Large runs need C2,
     * so the product's launcher keeps the default (docs/performance.md); nothing a test asserts depends on the JIT.
     */
    public static final List<String> QUICK_JIT = List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=256m");

    private ChildJvms() {}
}
