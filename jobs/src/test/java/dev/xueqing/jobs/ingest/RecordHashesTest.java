package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content hashes must never change between versions (a re-delivered statement would otherwise conflict with its
 * published copy): the streaming canonical form is checked against the plain definition, Jackson's serialisation
 * of a copy of the tree with every object's keys sorted.
 */
class RecordHashesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The definition: a sorted copy, serialised by Jackson. */
    static String reference(JsonNode node, Set<String> excluded) throws Exception {
        return JSON.writeValueAsString(sorted(node, excluded));
    }

    static JsonNode sorted(JsonNode node, Set<String> excluded) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(n -> {
                if (!excluded.contains(n)) {
                    names.add(n);
                }
            });
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            names.forEach(n -> out.set(n, sorted(node.get(n), Set.of())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(sorted(e, Set.of())));
            return out;
        }
        return node;
    }

    @Test
    void canonicalFormIsJacksonsSerialisationOfTheSortedTree() throws Exception {
        String tricky = "{\"z\":[3,1.50,-0.0,1e400,{\"b\":null,\"a\":true}],\"id\":\"x\",\"stored\":\"s\","
                + "\"a\":{\"y\":\"\\u00e9\\u4e2d\\ud83d\\ude00 \\\"q\\\" \\n\",\"x\":12345678901234567890},"
                + "\"version\":\"1.0.3\",\"authority\":{}}";
        JsonNode n = JSON.readTree(tricky);
        assertThat(RecordHashes.canonicalJson(n)).isEqualTo(reference(n, Set.of()));
        assertThat(RecordHashes.contentHash(n)).isEqualTo(RecordHashes.sha256Hex(
                reference(n, Set.of("id", "stored", "authority", "version"))));
        assertThat(RecordHashes.canonicalJson(n)).startsWith("{\"a\":{\"x\":12345678901234567890,\"y\":");
    }

    @Test
    void theHashIsTheSha256OfTheTextsUtf8BytesLoneSurrogatesIncluded() throws Exception {
        // a lone surrogate (legal in a JSON escape, not in UTF-8) becomes '?' as String.getBytes makes it; a pair
        // becomes its 4-byte character; a text longer than the reused buffers still hashes whole
        String text = "{\"a\":\"\\ud800 x \\udc00\",\"b\":\"\\ud83d\\ude00\",\"c\":\"" + "\u4e2d".repeat(5000) + "\"}";
        JsonNode n = JSON.readTree(text);
        for (int i = 0; i < 2; i++) {
            assertThat(RecordHashes.hashOf(n)).isEqualTo(RecordHashes.sha256Hex(reference(n, Set.of())));
            assertThat(RecordHashes.contentHash(n)).isEqualTo(RecordHashes.sha256Hex(
                    reference(n, Set.of("id", "stored", "authority", "version"))));
        }
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        assertThat(RecordHashes.hashOf(n)).isEqualTo(java.util.HexFormat.of().formatHex(
                sha.digest(reference(n, Set.of()).getBytes(StandardCharsets.UTF_8))));
        assertThat(RecordHashes.sha256Hex("abc")).as("FIPS 180-2 test vector")
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void everyKindOfLeafIsWrittenAsJacksonWritesIt() throws Exception {
        // the reader's trees hold int, long, big integer and double numbers; exact decimals and floats come from
        // other node factories and must still serialise as Jackson does
        String numbers = "{\"i\":-7,\"l\":9007199254740993,\"b\":123456789012345678901234567890,"
                + "\"d\":[0.1,1.0E-7,2.5e10,-1.7976931348623157E308],\"t\":true,\"f\":false,\"n\":null,\"s\":\"\"}";
        for (ObjectMapper reader : List.of(JSON, new ObjectMapper().enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS))) {
            JsonNode n = reader.readTree(numbers);
            assertThat(RecordHashes.canonicalJson(n)).isEqualTo(reference(n, Set.of()));
        }
        ObjectNode floats = JsonNodeFactory.instance.objectNode();
        floats.put("f", 0.1f).put("g", Float.MAX_VALUE).put("d", new java.math.BigDecimal("1.10"));
        assertThat(RecordHashes.canonicalJson(floats)).isEqualTo(reference(floats, Set.of()));
    }

    @Test
    void sampleStatementsHashAsDefined() throws Exception {
        Path file = Path.of("..", "data-samples", "xapi", "statements-EC110-2026A.jsonl.gz");
        int checked = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && checked < 2000) {
                JsonNode n = JSON.readTree(line);
                assertThat(RecordHashes.contentHash(n)).isEqualTo(RecordHashes.sha256Hex(
                        reference(n, Set.of("id", "stored", "authority", "version"))));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(2000);
    }
}
