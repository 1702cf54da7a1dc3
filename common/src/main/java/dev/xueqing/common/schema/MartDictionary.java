package dev.xueqing.common.schema;

import java.util.List;

/** Renders the mart dictionary (docs/marts.md) from the specs, so the docs cannot drift from the code. */
public final class MartDictionary {
    private MartDictionary() {}

    public static String render(List<MartSpec> dims, List<MartSpec> marts) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Mart dictionary\n\n");
        sb.append("<!-- Generated from the mart specs by `bin/xueqing docs`; do not edit by hand. "
                + "A test fails when this file is stale. -->\n\n");
        sb.append("Every dim and mart below is a Parquet dataset under the warehouse root (`dims/<name>/`, "
                + "`marts/<name>/`, one folder per published version, the current one also linked as `current/` on a local "
                + "file system) and a view of the same name in `xueqing sql`. The expectations are checked on "
                + "every run before the dataset is published; a dataset that breaks one is not published and the run "
                + "fails.\n\n");
        sb.append("| dataset | kind | grain | area |\n|---|---|---|---|\n");
        for (MartSpec s : dims) {
            sb.append("| [`").append(s.name()).append("`](#").append(s.name()).append(") | dim | ")
                    .append(String.join(" × ", s.grain())).append(" | ").append(s.area()).append(" |\n");
        }
        for (MartSpec s : marts) {
            sb.append("| [`").append(s.name()).append("`](#").append(s.name()).append(") | mart | ")
                    .append(String.join(" × ", s.grain())).append(" | ").append(s.area()).append(" |\n");
        }
        sb.append('\n');
        for (MartSpec s : dims) {
            section(sb, s, "dims/");
        }
        for (MartSpec s : marts) {
            section(sb, s, "marts/");
        }
        return sb.toString();
    }

    private static void section(StringBuilder sb, MartSpec s, String folder) {
        sb.append("## ").append(s.name()).append("\n\n");
        sb.append("Path: `").append(folder).append(s.name()).append("/` · Grain: **")
                .append(String.join(" × ", s.grain())).append("** · Area: ").append(s.area()).append("\n\n");
        sb.append(s.description().strip()).append("\n\n");
        sb.append("| column | type | null | meaning |\n|---|---|---|---|\n");
        for (ColumnSpec c : s.columns()) {
            sb.append("| `").append(c.name()).append("` | ").append(c.type().simpleString()).append(" | ")
                    .append(c.nullable() ? "yes" : "no").append(" | ").append(c.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        sb.append("\nExpectations:\n\n");
        for (Expectation e : s.allExpectations()) {
            sb.append("- ").append(e.describe().replace("|", "\\|")).append('\n');
        }
        sb.append('\n');
    }
}
