package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.docs.Docs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code xueqing docs}: regenerate docs/marts.md from the mart specs. */
@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Regenerate the generated docs (docs/marts.md, docs/quarantine-reasons.md) from the code.")
final class DocsCommand extends BaseCommand {
    @Option(names = "--out", paramLabel = "DIR", description = "Docs folder (default: docs).")
    Path out = Path.of("docs");

    @Override
    public Integer call() throws IOException {
        for (Path p : Docs.write(out)) {
            out().println("wrote " + p);
        }
        return XueqingCli.OK;
    }
}
