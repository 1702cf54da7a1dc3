package dev.xueqing.jobs.ingest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class JsonRecordReaderTest {
    /** "line:kind" per record, kind = the id field, or ! for an error. */
    private static List<String> read(String text) throws IOException {
        List<String> out = new ArrayList<>();
        new JsonRecordReader("statements").read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                (node, raw, line, error) -> out.add(line + ":" + (node == null ? "!" : node.has("id")
                        ? node.get("id").asText() : node.getNodeType().name().toLowerCase())));
        return out;
    }

    @Test
    void jsonLinesKeepGoingPastABadLineAndSkipBlankLines() throws IOException {
        assertThat(read("{\"id\":\"a\"}\n\n{bad json\n{\"id\":\"b\"}\n42\n[1,2]\n"))
                .containsExactly("1:a", "3:!", "4:b", "5:number", "6:array");
    }

    @Test
    void jsonLinesWhoseFirstLineIsBrokenAreStillReadLineByLine() throws IOException {
        assertThat(read("{\"id\": \"a\",\n{\"id\":\"b\"}\n{\"id\":\"c\"} trailing\n{\"id\":\"d\"}\n"))
                .containsExactly("1:!", "2:b", "3:!", "4:d");
    }

    @Test
    void aJsonArrayYieldsItsElementsWithTheirLines() throws IOException {
        assertThat(read("[\n  {\"id\":\"a\"},\n  {\"id\":\"b\"},\n  \"x\"\n]\n"))
                .containsExactly("2:a", "3:b", "4:string");
        assertThat(read("[{\"id\":\"a\"},{\"id\":\"b\"}]")).containsExactly("1:a", "1:b");
    }

    @Test
    void anLrsEnvelopeYieldsItsStatementsOnOneLineOrPrettyPrinted() throws IOException {
        assertThat(read("{\"statements\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"more\":\"\"}"))
                .containsExactly("1:a", "1:b");
        assertThat(read("{\n \"statements\": [\n  {\"id\":\"a\"}\n ],\n \"more\": \"/x\"\n}\n"))
                .containsExactly("1:a");
    }

    @Test
    void aSyntaxErrorInAPrettyPrintedFileEndsItWithOneErrorRecord() throws IOException {
        assertThat(read("[\n {\"id\":\"a\"},\n {\"id\": oops}\n]")).containsExactly("2:a", "3:!");
    }

    @Test
    void byteOrderMarkAndGzipAreHandled() throws IOException {
        assertThat(read("\uFEFF{\"id\":\"a\"}\n")).containsExactly("1:a");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("{\"id\":\"a\"}\n{\"id\":\"b\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        List<String> ids = new ArrayList<>();
        new JsonRecordReader("statements").read(FileRecords.decompress(new ByteArrayInputStream(bytes.toByteArray())),
                (node, raw, line, error) -> ids.add(node.get("id").asText()));
        assertThat(ids).containsExactly("a", "b");
    }

    @Test
    void emptyFileHasNoRecords() throws IOException {
        assertThat(read("")).isEmpty();
        assertThat(read("\n  \n")).isEmpty();
    }
}
