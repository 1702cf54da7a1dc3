package dev.xueqing.common.privacy;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.XueqingConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the pseudonym key: the environment variable named by {@code xueqing.pseudonym.key-env}, else the first
 * line of {@code xueqing.pseudonym.key-file}, else the built-in demo key, which production mode refuses.
 */
public final class PseudonymKeys {
    /** Public, and therefore useless for privacy: only for demos and tests. */
    static final String DEMO_KEY = "xueqing-demo-key-not-secret-do-not-use-in-production";

    /** The key and where it came from. */
    public record Key(byte[] bytes, String origin, boolean demo) {
        public Pseudonymizer pseudonymizer() {
            return new Pseudonymizer(bytes);
        }
    }

    private PseudonymKeys() {}

    public static Key resolve(XueqingConfig config, Map<String, String> env) {
        String fromEnv = env.get(config.pseudonym().keyEnv());
        Key key;
        if (fromEnv != null && !fromEnv.isBlank()) {
            key = checked(fromEnv.trim(), "environment variable " + config.pseudonym().keyEnv());
        } else if (!config.pseudonym().keyFile().isBlank()) {
            Path file = Path.of(config.pseudonym().keyFile());
            try {
                String line = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).findFirst().orElse("");
                key = checked(line.trim(), "key file " + file);
            } catch (IOException e) {
                throw new ConfigException("Cannot read the pseudonym key file " + file + " (xueqing.pseudonym.key-file): "
                        + e.getMessage() + ". Create it with a secret of at least 16 characters, or set "
                        + config.pseudonym().keyEnv() + ".");
            }
        } else {
            key = new Key(DEMO_KEY.getBytes(StandardCharsets.UTF_8), "built-in demo key", true);
        }
        if (key.demo() && config.mode() == XueqingConfig.Mode.PRODUCTION) {
            throw new ConfigException("xueqing.mode = production refuses the built-in demo pseudonym key. Set "
                    + config.pseudonym().keyEnv() + " or xueqing.pseudonym.key-file to a secret of at least 16 characters.");
        }
        return key;
    }

    /** The demo key, for work that writes nothing (validate). */
    public static Key demo() {
        return new Key(DEMO_KEY.getBytes(StandardCharsets.UTF_8), "built-in demo key", true);
    }

    private static Key checked(String secret, String origin) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 16) {
            throw new ConfigException("The pseudonym key from " + origin + " is too short: use at least 16 characters.");
        }
        if (secret.equals(DEMO_KEY)) {
            return new Key(bytes, origin + " (the demo key)", true);
        }
        return new Key(bytes, origin, false);
    }
}
