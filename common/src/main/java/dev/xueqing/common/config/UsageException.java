package dev.xueqing.common.config;

/**
 * A request that the command's own checks refuse (options that contradict each other, an unknown mart or format
 * named on the command line). The CLI reports its message alone and exits with 2, as for a configuration error. An
 * {@link IllegalArgumentException} thrown anywhere else (inside Spark, MLlib or a job) is a failure of the run, exit 1.
 */
public class UsageException extends IllegalArgumentException {
    public UsageException(String message) {
        super(message);
    }
}
