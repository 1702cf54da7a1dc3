package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Content hashes and name-based ids of source records, for every adapter: {@link #hashOf} and {@link #uuidV5} are
 * general; {@link #contentHash} and {@link #statementId} are the xAPI rules.
 *
 * <p>{@link #contentHash} is the hex SHA-256 of the statement serialised canonically: object keys sorted
 * recursively, no whitespace, array order kept, and the top-level properties an LRS adds or that identify a delivery
 * rather than the content left out: {@code id}, {@code stored}, {@code authority}, {@code version}. Leaving {@code id}
 * out makes the hash a pure content fingerprint: a re-delivered statement (same id, same content) has the same hash
 * and is a duplicate, the same id with another hash is an id conflict, and a statement without id gets its
 * {@link #uuidV5 v5 id} from this hash.
 */
public final class RecordHashes {
    /** Namespace of Xueqing's name-based statement ids (a fixed random UUID). */
    public static final UUID NAMESPACE = UUID.fromString("42ca1613-bd75-41ed-abdd-54962918392b");

    private static final Set<String> EXCLUDED = Set.of("id", "stored", "authority", "version");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordHashes() {}

    /** Hex SHA-256 of the canonical form of {@code statement} without id, stored, authority and version. */
    public static String contentHash(JsonNode statement) {
        JsonNode content = statement;
        if (statement.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            Iterator<String> names = statement.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!EXCLUDED.contains(name)) {
                    copy.set(name, statement.get(name));
                }
            }
            content = copy;
        }
        return sha256Hex(canonicalJson(content));
    }

    /** Hex SHA-256 of the canonical form of any JSON value (nothing left out). */
    public static String hashOf(JsonNode node) {
        return sha256Hex(canonicalJson(node));
    }

    /** {@code node} as compact JSON with the keys of every object sorted. */
    public static String canonicalJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree could not be serialised", e);
        }
    }

    /** A name-based UUID, version 5 (SHA-1) per RFC 9562 section 5.5. */
    public static UUID uuidV5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available in this JVM", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bb = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bb.getLong(), bb.getLong());
    }

    /** The v5 id of a statement without id: {@link #uuidV5} of its content hash in {@link #NAMESPACE}. */
    public static String statementId(String contentHash) {
        return uuidV5(NAMESPACE, contentHash).toString();
    }

    public static String sha256Hex(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }
}
