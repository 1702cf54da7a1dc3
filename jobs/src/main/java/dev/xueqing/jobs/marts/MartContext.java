package dev.xueqing.jobs.marts;

import dev.xueqing.common.config.XueqingConfig;

import java.time.LocalDate;

/**
 * Parameters of one mart build: the as-of date (the run date; events after it are ignored) and the typed config
 * (time zone, idle cutoff, thresholds).
 */
public record MartContext(LocalDate asOf, XueqingConfig config) {}
