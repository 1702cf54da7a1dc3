package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;

/** {@code xueqing score-risk} (docs/risk.md). */
@Command(name = "score-risk", mixinStandardHelpOptions = true,
        description = "Score enrolled learners with the current risk model into learner_risk_scores (probability, band, top 3 reasons).")
final class ScoreRiskCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "As-of date (default: today in xueqing.timezone).")
    LocalDate date;

    @Override
    public Integer call() {
        XueqingConfig config = config();
        LocalDate asOf = date != null ? date : LocalDate.now(config.timezone());
        try (Pipeline p = new Pipeline(config, env)) {
            Pipeline.Summary s = p.scoreRisk(asOf);
            SummaryPrinter.print(out(), "Xueqing score-risk", s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }
}
