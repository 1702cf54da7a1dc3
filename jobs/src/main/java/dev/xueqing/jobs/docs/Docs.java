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
        List<MartSpec> marts = new java.util.ArrayList<>(MartCatalog.all().stream().map(Mart::spec).toList());
        marts.addAll(dev.xueqing.jobs.ml.risk.RiskMarts.ALL);
        marts.addAll(dev.xueqing.jobs.ml.skills.SkillMarts.ALL);
        pages.put("marts.md", MartDictionary.render(DimSpecs.ALL, marts));
        pages.put("quarantine-reasons.md", quarantineReasons());
        pages.put("configuration.md", configuration());
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

    static String configuration() {
        String reference;
        try (var in = Docs.class.getClassLoader().getResourceAsStream("reference.conf")) {
            if (in == null) {
                throw new IllegalStateException("reference.conf is not on the classpath");
            }
            reference = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return "# Configuration reference\n\n"
                + "<!-- Generated from reference.conf by `bin/xueqing docs`; do not edit by hand. -->\n\n"
                + "Xueqing reads HOCON (Typesafe Config). Layers, lowest first: the defaults below "
                + "(`common/src/main/resources/reference.conf`), `conf/application.conf` in the working directory, "
                + "the file given with `--conf`, the environment variables `XUEQING_WAREHOUSE`, `XUEQING_TIMEZONE`, "
                + "`XUEQING_MODE`, `XUEQING_TENANT` and `XUEQING_SPARK_MASTER`, then `--set key=value` (the "
                + "`xueqing.` prefix may be left out). The configuration is checked once at start: an unknown key "
                + "or a value out of range stops the run with exit code 2 and a message naming the key.\n\n"
                + "The pseudonym key itself is never configuration: it comes from the environment variable named "
                + "by `xueqing.pseudonym.key-env` or the file named by `xueqing.pseudonym.key-file`.\n\n"
                + "```hocon\n" + reference.strip() + "\n```\n";
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
