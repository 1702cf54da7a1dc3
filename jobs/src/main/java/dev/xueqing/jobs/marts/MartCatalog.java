package dev.xueqing.jobs.marts;

import dev.xueqing.jobs.marts.ops.DataQualityMart;

import java.util.List;

/** Every mart Xueqing builds, in build order. */
public final class MartCatalog {
    private MartCatalog() {}

    public static List<Mart> all() {
        return List.of(new DataQualityMart());
    }
}
