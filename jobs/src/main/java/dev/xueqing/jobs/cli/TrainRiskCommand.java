package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;

/** {@code xueqing train-risk} (docs/risk.md). */
@Command(name = "train-risk", mixinStandardHelpOptions = true,
        description = "Train the at-risk models (one per N in xueqing.risk.weeks) on earlier course runs, test them on later ones, write risk_model_evaluation and make the chosen models current.")
final class TrainRiskCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "As-of date (default: today in xueqing.timezone).")
    LocalDate date;

    @Override
    public Integer call() {
        XueqingConfig config = config();
        LocalDate asOf = date != null ? date : LocalDate.now(config.timezone());
        try (Pipeline p = new Pipeline(config, env)) {
            Pipeline.Summary s = p.trainRisk(asOf);
            SummaryPrinter.print(out(), "Xueqing train-risk", s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }
}
