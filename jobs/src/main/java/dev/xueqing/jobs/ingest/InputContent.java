package dev.xueqing.jobs.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;

/**
 * Tells from the first bytes of a file (after gzip) whether it is text the readers can read (UTF-8, or an 8-bit
 * encoding), and if not what it is: an empty file, UTF-16 or UTF-32 text (with or without a byte-order mark), a
 * known binary format, or other binary content. UTF-16 is not decoded: the message says to convert it.
 *
 * <p>Binary means many control bytes (more than 1 in 20 of the first {@value #SNIFF_BYTES} bytes, NUL included)
 * or NUL bytes (more than 1 in 100): a line of noise inside a text file does not make the file binary; its line is
 * quarantined as usual.
 */
final class InputContent {
    /** How much of a file is examined. */
    static final int SNIFF_BYTES = 8192;
    static final String EMPTY = "empty file (no content)";
    static final String BINARY = "binary file (not text)";
    static final String CONVERT = "convert it to UTF-8 (for example: iconv -f UTF-16 -t UTF-8 in > out)";

    /** What kind of content a file that is not readable text has. */
    enum Kind { EMPTY, UTF16_WITH_BOM, UTF16, UTF32, ZIP, BZIP2, XZ, ZSTD, PARQUET, BINARY }

    /** Why a file is not read: its kind, and the message for the user (what it is and what to do). */
    record Problem(Kind kind, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    private InputContent() {}

    /** What is wrong with a file whose stream this is, or null when it is text; the stream is left where it was. */
    static Problem problem(BufferedInputStream in) throws IOException {
        in.mark(SNIFF_BYTES);
        byte[] head = in.readNBytes(SNIFF_BYTES);
        in.reset();
        return problem(head, head.length);
    }

    /** What is wrong with a file that starts with these bytes, or null when it is text. */
    static Problem problem(byte[] b, int n) {
        if (n == 0) {
            return new Problem(Kind.EMPTY, EMPTY);
        }
        if (starts(b, n, 0xFF, 0xFE, 0x00, 0x00) || starts(b, n, 0x00, 0x00, 0xFE, 0xFF)) {
            return new Problem(Kind.UTF32, "UTF-32 text: " + CONVERT.replace("UTF-16", "UTF-32"));
        }
        if (starts(b, n, 0xFF, 0xFE) || starts(b, n, 0xFE, 0xFF)) {
            return new Problem(Kind.UTF16_WITH_BOM, "UTF-16 text (with a byte-order mark): " + CONVERT);
        }
        Problem magic = knownBinary(b, n);
        if (magic != null) {
            return magic;
        }
        int zerosEven = 0;
        int zerosOdd = 0;
        int control = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == 0) {
                if (i % 2 == 0) {
                    zerosEven++;
                } else {
                    zerosOdd++;
                }
            }
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B || c == 0x7F) {
                control++;
            }
        }
        int pairs = n / 2;
        if (pairs >= 2 && (zerosOdd * 10 >= pairs * 4 && zerosEven * 10 < pairs
                || zerosEven * 10 >= pairs * 4 && zerosOdd * 10 < pairs)) {
            return new Problem(Kind.UTF16, "UTF-16 text (no byte-order mark): " + CONVERT);
        }
        if ((zerosEven + zerosOdd) * 100 > n || control * 20 > n) {
            return new Problem(Kind.BINARY, BINARY);
        }
        return null;
    }

    /** A format recognised by its magic bytes, with what to do, or null. */
    private static Problem knownBinary(byte[] b, int n) {
        if (starts(b, n, 'P', 'K', 3, 4)) {
            return binary(Kind.ZIP, "a zip archive (an .xlsx workbook is one too): unpack it, or export the data as "
                    + "CSV or JSON");
        }
        if (starts(b, n, 'B', 'Z', 'h')) {
            return binary(Kind.BZIP2, "bzip2-compressed: only gzip is read, decompress it first");
        }
        if (starts(b, n, 0xFD, '7', 'z', 'X', 'Z', 0)) {
            return binary(Kind.XZ, "xz-compressed: only gzip is read, decompress it first");
        }
        if (starts(b, n, 0x28, 0xB5, 0x2F, 0xFD)) {
            return binary(Kind.ZSTD, "zstd-compressed: only gzip is read, decompress it first");
        }
        if (starts(b, n, 'P', 'A', 'R', '1')) {
            return binary(Kind.PARQUET, "a Parquet file: give its source logs, or export it as CSV or JSON");
        }
        return null;
    }

    private static Problem binary(Kind kind, String what) {
        return new Problem(kind, BINARY + ": " + what);
    }

    private static boolean starts(byte[] b, int n, int... prefix) {
        if (n < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
