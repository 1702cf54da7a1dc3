package dev.xueqing.jobs.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
        return SCRATCH.get().hash(statement, EXCLUDED);
    }

    /** Hex SHA-256 of the canonical form of any JSON value (nothing left out). */
    public static String hashOf(JsonNode node) {
        return SCRATCH.get().hash(node, Set.of());
    }

    /** {@code node} as compact JSON with the keys of every object sorted. */
    public static String canonicalJson(JsonNode node) {
        Scratch s = SCRATCH.get();
        s.canonical(node, Set.of());
        return new String(s.chars.buf, 0, s.chars.len);
    }

    /**
     * What hashing a record reuses within one thread: the characters of its canonical form, the digest and a UTF-8
     * encoder. The hash is the SHA-256 of the canonical text's UTF-8 bytes as {@link String#getBytes} gives them (a
     * lone surrogate becomes {@code ?}), with no String made for the text nor a byte array for its bytes.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final Chars chars = new Chars();
        final MessageDigest sha256 = sha256();
        final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer bytes = ByteBuffer.allocate(4096);

        /**
         * Writes the canonical form straight from the tree (keys sorted at each object as it is written, leaves
         * serialised by Jackson as before), without building a sorted copy of the tree; the text is the same as
         * Jackson's serialisation of that copy, so hashes stay stable across versions.
         */
        void canonical(JsonNode node, Set<String> excludedTopLevel) {
            chars.len = 0;
            try (JsonGenerator g = JSON.getFactory().createGenerator(chars)) {
                write(g, node, excludedTopLevel);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("A JSON tree could not be serialised", e);
            }
        }

        String hash(JsonNode node, Set<String> excludedTopLevel) {
            canonical(node, excludedTopLevel);
            return digest(CharBuffer.wrap(chars.buf, 0, chars.len));
        }

        String digest(CharBuffer text) {
            int most = (int) Math.min(Integer.MAX_VALUE - 8, 3L * text.remaining());
            if (bytes.capacity() < most) {
                bytes = ByteBuffer.allocate(Math.max(most, 2 * bytes.capacity()));
            }
            bytes.clear();
            utf8.reset();
            CoderResult r = utf8.encode(text, bytes, true);
            if (!r.isUnderflow()) {
                throw new IllegalStateException("UTF-8 encoding stopped: " + r);
            }
            utf8.flush(bytes);
            bytes.flip();
            sha256.reset();
            sha256.update(bytes);
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    /** An unsynchronised, reusable character buffer for the generator (StringWriter locks and copies). */
    private static final class Chars extends java.io.Writer {
        char[] buf = new char[1024];
        int len;

        private void room(int n) {
            if (len + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(len + n, 2 * buf.length));
            }
        }

        @Override
        public void write(char[] c, int off, int n) {
            room(n);
            System.arraycopy(c, off, buf, len, n);
            len += n;
        }

        @Override
        public void write(int c) {
            room(1);
            buf[len++] = (char) c;
        }

        @Override
        public void write(String s, int off, int n) {
            room(n);
            s.getChars(off, off + n, buf, len);
            len += n;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static void write(JsonGenerator g, JsonNode node, Set<String> excluded) throws java.io.IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(n -> {
                if (!excluded.contains(n)) {
                    names.add(n);
                }
            });
            names.sort(null);
            g.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                write(g, node.get(name), Set.of());
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode element : node) {
                write(g, element, Set.of());
            }
            g.writeEndArray();
        } else {
            writeScalar(g, node);
        }
    }

    /**
     * A leaf as Jackson's own serialiser writes it (the generator's methods that each value node's
     * {@code serialize} calls), without looking up a serialiser for every value: that lookup was a fifth of the
     * hash's time.
     */
    private static void writeScalar(JsonGenerator g, JsonNode node) throws java.io.IOException {
        switch (node.getNodeType()) {
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    case FLOAT -> g.writeNumber(node.floatValue());
                    case DOUBLE -> g.writeNumber(node.doubleValue());
                    default -> JSON.writeTree(g, node);
                }
            }
            default -> JSON.writeTree(g, node);
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

    /** Hex SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String sha256Hex(String text) {
        MessageDigest sha = SCRATCH.get().sha256;
        sha.reset();
        return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
