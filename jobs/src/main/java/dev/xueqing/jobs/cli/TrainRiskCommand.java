package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;

import java.time.LocalDate;

/** {@code xueqing train-risk} (docs/risk.md). */
@Command(name = "train-risk", mixinStandardHelpOptions = true,
        description = "Train the at-risk models (one per N in xueqing.risk.weeks) on earlier course runs, test them on later ones, write risk_model_evaluation and make the chosen models current.")
final class TrainRiskCommand extends ModelStepCommand {
    @Override
    Pipeline.Summary run(Pipeline pipeline, LocalDate asOf) {
        return pipeline.trainRisk(asOf);
    }
}
