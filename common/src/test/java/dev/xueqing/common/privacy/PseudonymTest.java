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

    /*
     * Known-answer vectors, computed once outside Java and pasted here, so that a change of algorithm, encoding,
     * truncation, separator or key handling breaks the test (a test that recomputes the HMAC with the same API
     * would follow such a change). Each is the first 32 hex digits of HMAC-SHA256(key, UTF-8(tenant NUL id)):
     *   printf '%s\0%s' TENANT ID | openssl dgst -sha256 -hmac KEY
     * and the same with python3's hmac module (both agreed; 2026-12-03).
     */

    @Test
    void pseudonymsMatchKnownAnswerVectors() {
        Pseudonymizer p = new Pseudonymizer(KEY);
        // full HMAC: 30954169f513a01d8acb3df0027cd07e48a8641c4fe9fc33c867bcfe8afb20c3; lower-case hex, first 128 bits
        assertThat(p.pseudonym("t1", "account:https://lms|s1")).isEqualTo("30954169f513a01d8acb3df0027cd07e");
        assertThat(p.pseudonym("t2", "account:https://lms|s1")).isEqualTo("9a5170c803e2576447ff8996e719834f");
        assertThat(p.pseudonym("t1", "")).isEqualTo("4d59ad1c327e26965632bd155044a322");
        assertThat(new Pseudonymizer("another-key-0123456789".getBytes(StandardCharsets.UTF_8))
                .pseudonym("t1", "account:https://lms|s1")).isEqualTo("556e19ae2a208c7c69fb5f81ca2022aa");
    }

    @Test
    void theIdIsHashedAsGivenCaseWhitespaceAndUnicodeIncluded() {
        // Normalising an id (lower-casing an e-mail, trimming) is the adapter's job; the pseudonymizer hashes the
        // exact UTF-8 bytes it is given, so each variant below has its own pseudonym.
        Pseudonymizer p = new Pseudonymizer(KEY);
        assertThat(p.pseudonym("t1", "account:https://lms|S1")).isEqualTo("75d899fed573a04976a8d42a7a27e5d3");
        assertThat(p.pseudonym("t1", " account:https://lms|s1")).isEqualTo("400ebaf26df9f6003ddeab9dcddd16d7");
        assertThat(p.pseudonym("t1", "mbox:mailto:学生@例子.中国")).isEqualTo("0676ff847e73ad0260bb04d51ad9251e");
        assertThat(p.pseudonym("清华", "edx:王小明")).isEqualTo("3f3a12600fe47b29b3e60ac37c051f4d");
        // no Unicode normalisation either: é precomposed (NFC) and e + combining acute (NFD) differ
        assertThat(p.pseudonym("t1", "user:caf\u00e9")).isEqualTo("a42ca8b656572f3299c2744b1b6af34c");
        assertThat(p.pseudonym("t1", "user:cafe\u0301")).isEqualTo("56e8b48aec987a4b03ffb30b0f4a2f51");
    }

    @Test
    void keysAreUsedAsTheirBytesAndShortOnesRefused() {
        // a key longer than SHA-256's 64-byte block is hashed first, as RFC 2104 says (100 times "k")
        assertThat(new Pseudonymizer("k".repeat(100).getBytes(StandardCharsets.UTF_8)).pseudonym("t1", "u1"))
                .isEqualTo("4fb3dff96818ea0717aa9f7d1b0151b7");
        // the key array is copied: changing it afterwards changes nothing
        byte[] key = KEY.clone();
        Pseudonymizer p = new Pseudonymizer(key);
        key[0] = 'X';
        assertThat(p.pseudonym("t1", "account:https://lms|s1")).isEqualTo("30954169f513a01d8acb3df0027cd07e");
        assertThatThrownBy(() -> new Pseudonymizer("fifteen-bytes!!".getBytes(StandardCharsets.UTF_8)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> new Pseudonymizer(null)).isExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPseudonymizerSurvivesSerialisationToSparkTasks() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(new Pseudonymizer(KEY));
        }
        Pseudonymizer copy;
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (Pseudonymizer) in.readObject();
        }
        assertThat(copy.pseudonym("t1", "account:https://lms|s1")).isEqualTo("30954169f513a01d8acb3df0027cd07e");
    }

    @Test
    void resolvedKeysGiveTheVectorsOfTheirTrimmedSecret(@TempDir Path dir) throws Exception {
        XueqingConfig dev = ConfigLoader.defaults();
        String id = "account:https://lms|s1";
        // the environment value is trimmed: the key is "a-secret-of-20-chars"
        assertThat(PseudonymKeys.resolve(dev, Map.of("XUEQING_PSEUDONYM_KEY", "  a-secret-of-20-chars\n"))
                .pseudonymizer().pseudonym("t1", id)).isEqualTo("969b237e42ebf0bd7d14dcd742bba74e");
        // the first non-blank line of the key file, trimmed: "file-secret-0123456789"
        Path keyFile = Files.writeString(dir.resolve("key"), "\n  file-secret-0123456789 \nsecond line\n");
        XueqingConfig withFile = ConfigLoader.load(null, List.of("pseudonym.key-file=" + keyFile), Map.of());
        assertThat(PseudonymKeys.resolve(withFile, Map.of()).pseudonymizer().pseudonym("t1", id))
                .isEqualTo("c182b7f10ac8f2a60fcc3ba9ce0c8fd7");
        // the built-in demo key
        assertThat(PseudonymKeys.resolve(dev, Map.of()).pseudonymizer().pseudonym("t1", id))
                .isEqualTo("ceb4c1bfbdf6277d8c935282fceb968e");
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
        // the demo key given through the environment is still the demo key
        assertThatThrownBy(() -> PseudonymKeys.resolve(prod, Map.of("XUEQING_PSEUDONYM_KEY", PseudonymKeys.DEMO_KEY)))
                .isExactlyInstanceOf(ConfigException.class).hasMessageContaining("production")
                .hasMessageContaining("demo pseudonym key");
        assertThatThrownBy(() -> PseudonymKeys.resolve(prod, Map.of("XUEQING_PSEUDONYM_KEY", "short")))
                .isExactlyInstanceOf(ConfigException.class).hasMessageContaining("too short")
                .hasMessageContaining("environment variable XUEQING_PSEUDONYM_KEY")
                .hasMessageContaining("at least 16 characters");
        XueqingConfig missingFile = ConfigLoader.load(null, List.of("mode=production",
                "pseudonym.key-file=/nonexistent/xueqing.key"), Map.of());
        assertThatThrownBy(() -> PseudonymKeys.resolve(missingFile, Map.of()))
                .isExactlyInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/xueqing.key")
                .hasMessageContaining("xueqing.pseudonym.key-file");
        assertThat(PseudonymKeys.resolve(prod, Map.of("XUEQING_PSEUDONYM_KEY", "a-real-production-secret")).demo())
                .isFalse();
    }
}
