package dev.xueqing.common.config;

import java.util.List;

/** Input formats Xueqing knows. Only the ones with an adapter in this build are accepted by ingest. */
public final class Formats {
    public static final String XAPI = "xapi";
    public static final String OULAD = "oulad";
    public static final String CSV = "csv";
    public static final String EDX = "edx";
    public static final String CALIPER = "caliper";
    public static final String MOODLE = "moodle";
    /** Formats accepted in configuration and on the command line. */
    public static final List<String> KNOWN = List.of(XAPI, CALIPER, EDX, MOODLE, OULAD, CSV);

    private Formats() {}
}
