package dev.xueqing.jobs.docs;

import dev.xueqing.common.model.QuarantineReason;
import dev.xueqing.common.schema.DimSpecs;
import dev.xueqing.common.schema.MartDictionary;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartCatalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The generated documentation pages: the mart dictionary and the quarantine reasons, rendered from the code. */
public final class Docs {
    private Docs() {}

    /** File name → content of every generated page. */
    public static Map<String, String> render() {
        Map<String, String> pages = new LinkedHashMap<>();
        List<MartSpec> marts = MartCatalog.all().stream().map(Mart::spec).toList();
        pages.put("marts.md", MartDictionary.render(DimSpecs.ALL, marts));
        pages.put("quarantine-reasons.md", quarantineReasons());
        return pages;
    }

    public static List<Path> write(Path docsDir) throws IOException {
        Files.createDirectories(docsDir);
        List<Path> written = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : render().entrySet()) {
            Path p = docsDir.resolve(e.getKey());
            Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
            written.add(p);
        }
        return written;
    }

    static String quarantineReasons() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Quarantine reasons\n\n");
        sb.append("<!-- Generated from QuarantineReason by `bin/xueqing docs`; do not edit by hand. -->\n\n");
        sb.append("Every record that does not become an event is a row of the `quarantine` dataset with one of these "
                + "reason codes, its source file and line (`raw_ref`), a `detail` naming the defect and the `raw` "
                + "record (at most 64 KiB). `xueqing validate` prints the same codes. Counts per run, source and "
                + "reason are in the `data_quality` mart.\n\n");
        sb.append("| reason | meaning |\n|---|---|\n");
        for (QuarantineReason r : QuarantineReason.values()) {
            sb.append("| `").append(r.code()).append("` | ").append(r.description()).append(" |\n");
        }
        sb.append("\nNot quarantined, but counted: exact re-deliveries (same id, same content) are `duplicates`; "
                + "voiding statements remove their target and are kept in `_state/voided`.\n");
        return sb.toString();
    }
}
