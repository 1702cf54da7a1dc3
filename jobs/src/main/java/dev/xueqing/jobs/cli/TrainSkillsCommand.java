package dev.xueqing.jobs.cli;

import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;

import java.time.LocalDate;

/** {@code xueqing train-skills} (docs/knowledge-tracing.md). */
@Command(name = "train-skills", mixinStandardHelpOptions = true,
        description = "Fit the knowledge-tracing model now (BKT per skill, cross-validated against PFA and the majority floor): write skill_model and skill_model_evaluation, then learner_skill_mastery and learner_next_steps with the new model. nightly refits on its own when the model is older than xueqing.skills.refit-every-days.")
final class TrainSkillsCommand extends ModelStepCommand {
    @Override
    Pipeline.Summary run(Pipeline pipeline, LocalDate asOf) {
        return pipeline.trainSkills(asOf);
    }
}
