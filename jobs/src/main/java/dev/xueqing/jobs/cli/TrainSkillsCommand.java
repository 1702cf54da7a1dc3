package dev.xueqing.jobs.cli;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.jobs.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;

/** {@code xueqing train-skills} (docs/knowledge-tracing.md). */
@Command(name = "train-skills", mixinStandardHelpOptions = true,
        description = "Fit the knowledge-tracing model now (BKT per skill, cross-validated against PFA and the majority floor): write skill_model and skill_model_evaluation, then learner_skill_mastery and learner_next_steps with the new model. nightly refits on its own when the model is older than xueqing.skills.refit-every-days.")
final class TrainSkillsCommand extends BaseCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "As-of date (default: today in xueqing.timezone).")
    LocalDate date;

    @Override
    public Integer call() {
        XueqingConfig config = config();
        LocalDate asOf = date != null ? date : LocalDate.now(config.timezone());
        try (Pipeline p = new Pipeline(config, env)) {
            Pipeline.Summary s = p.trainSkills(asOf);
            SummaryPrinter.print(out(), "Xueqing train-skills", s);
            return s.failed() ? XueqingCli.FAILED : XueqingCli.OK;
        }
    }
}
