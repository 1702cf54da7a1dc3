package dev.xueqing.common.privacy;

import dev.xueqing.common.config.ConfigException;
import dev.xueqing.common.config.ConfigLoader;
import dev.xueqing.common.config.XueqingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PseudonymTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void pseudonymIsHmacSha256OfTenantAndIdTruncatedTo128Bits() throws Exception {
        Pseudonymizer p = new Pseudonymizer(KEY);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(
                mac.doFinal("t1\u0000account:https://lms|s1".getBytes(StandardCharsets.UTF_8)), 0, 16);
        assertThat(p.pseudonym("t1", "account:https://lms|s1")).isEqualTo(expected).hasSize(32);
        assertThat(p.pseudonym("t2", "account:https://lms|s1")).isNotEqualTo(expected);
        assertThat(new Pseudonymizer("another-key-0123456789".getBytes(StandardCharsets.UTF_8))
                .pseudonym("t1", "account:https://lms|s1")).isNotEqualTo(expected);
    }

    @Test
    void keyComesFromEnvironmentThenFileThenDemo(@TempDir Path dir) throws Exception {
        XueqingConfig dev = ConfigLoader.defaults();
        PseudonymKeys.Key fromEnv = PseudonymKeys.resolve(dev, Map.of("XUEQING_PSEUDONYM_KEY", "a-secret-of-20-chars"));
        assertThat(fromEnv.demo()).isFalse();
        assertThat(fromEnv.origin()).contains("XUEQING_PSEUDONYM_KEY");

        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "\nfile-secret-0123456789\n");
        XueqingConfig withFile = ConfigLoader.load(null, List.of("pseudonym.key-file=" + keyFile), Map.of());
        PseudonymKeys.Key fromFile = PseudonymKeys.resolve(withFile, Map.of());
        assertThat(fromFile.origin()).contains(keyFile.toString());
        assertThat(new String(fromFile.bytes(), StandardCharsets.UTF_8)).isEqualTo("file-secret-0123456789");

        assertThat(PseudonymKeys.resolve(dev, Map.of()).demo()).isTrue();
    }

    @Test
    void productionRefusesTheDemoKeyAndShortKeys() {
        XueqingConfig prod = ConfigLoader.load(null, List.of("mode=production"), Map.of());
        assertThatThrownBy(() -> PseudonymKeys.resolve(prod, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("production")
                .hasMessageContaining("XUEQING_PSEUDONYM_KEY");
        assertThatThrownBy(() -> PseudonymKeys.resolve(prod, Map.of("XUEQING_PSEUDONYM_KEY", PseudonymKeys.DEMO_KEY)))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> PseudonymKeys.resolve(prod, Map.of("XUEQING_PSEUDONYM_KEY", "short")))
                .hasMessageContaining("too short");
        assertThat(PseudonymKeys.resolve(prod, Map.of("XUEQING_PSEUDONYM_KEY", "a-real-production-secret")).demo())
                .isFalse();
    }
}
