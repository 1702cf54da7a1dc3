package dev.xueqing.common.config;

/** A configuration problem the user can fix: the message names the key and what is allowed. Exit code 2. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
