package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;

import java.time.LocalDate;

/** {@code xueqing score-risk} (docs/risk.md). */
@Command(name = "score-risk", mixinStandardHelpOptions = true,
        description = "Score enrolled learners with the current risk model into learner_risk_scores (probability, band, top 3 reasons).")
final class ScoreRiskCommand extends ModelStepCommand {
    @Override
    Pipeline.Summary run(Pipeline pipeline, LocalDate asOf) {
        return pipeline.scoreRisk(asOf);
    }
}
