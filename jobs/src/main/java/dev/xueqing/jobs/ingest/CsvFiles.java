package dev.xueqing.jobs.ingest;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;

import java.util.Arrays;
import java.util.List;

/**
 * The one way Xueqing's adapters read CSV (univocity-parsers): any line separator, quoted fields with delimiters
 * and line breaks, empty cells as empty strings, empty lines skipped, and header names trimmed and freed of a
 * byte-order mark.
 */
public final class CsvFiles {
    /** Longest cell accepted (a Moodle `other` column can be long). */
    static final int MAX_CELL_CHARS = 1 << 20;

    private CsvFiles() {}

    public static CsvParser parser(char delimiter) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.getFormat().setDelimiter(delimiter);
        settings.setHeaderExtractionEnabled(false);
        settings.setLineSeparatorDetectionEnabled(true);
        settings.setMaxCharsPerColumn(MAX_CELL_CHARS);
        settings.setMaxColumns(1024);
        settings.setSkipEmptyLines(true);
        settings.setNullValue("");
        settings.setEmptyValue("");
        return new CsvParser(settings);
    }

    /** Header cells trimmed, without a byte-order mark. */
    public static List<String> header(String[] cells) {
        return Arrays.stream(cells).map(h -> h == null ? "" : h.replace("\uFEFF", "").trim()).toList();
    }
}
