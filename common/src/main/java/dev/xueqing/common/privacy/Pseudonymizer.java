package dev.xueqing.common.privacy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Keyed pseudonyms: {@code learner_key = hex(HMAC-SHA256(key, tenant + "\u0000" + rawId))}, truncated to 32 hex
 * characters (128 bits). The same raw id in another tenant gets another pseudonym; without the key a pseudonym
 * cannot be reversed or recomputed. Serializable so that Spark tasks can carry it; the {@link Mac} is rebuilt per
 * thread.
 */
public final class Pseudonymizer implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private transient ThreadLocal<Mac> mac;

    public Pseudonymizer(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("A pseudonym key must have at least 16 bytes");
        }
        this.key = key.clone();
    }

    /** The pseudonym of {@code rawId} (already normalised by the adapter, e.g. "mbox:mailto:a@b") in tenant. */
    public String pseudonym(String tenant, String rawId) {
        byte[] digest = mac().doFinal((tenant + '\u0000' + rawId).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    private Mac mac() {
        if (mac == null) {
            mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(new SecretKeySpec(key, "HmacSHA256"));
                    return m;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
                }
            });
        }
        return mac.get();
    }
}
