package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.config.XueqingConfig;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The work of one skill, run inside a Spark task for every skill of every course at once: its learners' answer
 * sequences in time order, the eligibility rule, the BKT fit on all of them, and the cross-validated predictions
 * of BKT, of {@link Pfa} and of the floor (the majority answer of the training folds) for every answer of every
 * held-out learner.
 *
 * <p>Input: a partition of rows course_id, skill_id, learner_key, item_id, event_time, correct, fold, sorted by
 * course, skill, learner, time and item, every row of a skill in the same partition. One output row per skill,
 * {@link #SCHEMA}. Deterministic: the order is total, and each fit's seed comes from the configured seed, the skill
 * and the fold.
 */
final class SkillFitTask implements MapPartitionsFunction<Row, Row> {
    static final StructType PREDICTION = new StructType()
            .add("learner_key", DataTypes.StringType, false)
            .add("item_id", DataTypes.StringType, false)
            .add("fold", DataTypes.IntegerType, false)
            .add("y", DataTypes.IntegerType, false)
            .add("p_bkt", DataTypes.DoubleType, false)
            .add("p_pfa", DataTypes.DoubleType, false)
            .add("p_majority", DataTypes.DoubleType, false);

    static final StructType SCHEMA = new StructType()
            .add("course_id", DataTypes.StringType, false)
            .add("skill_id", DataTypes.StringType, false)
            .add("learners", DataTypes.LongType, false)
            .add("opportunities", DataTypes.LongType, false)
            .add("mean_opportunities", DataTypes.DoubleType, false)
            .add("correct_rate", DataTypes.DoubleType, false)
            .add("status", DataTypes.StringType, false)
            .add("prior", DataTypes.DoubleType, true)
            .add("learn", DataTypes.DoubleType, true)
            .add("guess", DataTypes.DoubleType, true)
            .add("slip", DataTypes.DoubleType, true)
            .add("forget", DataTypes.DoubleType, true)
            .add("log_likelihood", DataTypes.DoubleType, true)
            .add("iterations", DataTypes.IntegerType, true)
            .add("predictions", DataTypes.createArrayType(PREDICTION, false), false);

    private final XueqingConfig.Skills settings;

    SkillFitTask(XueqingConfig.Skills settings) {
        this.settings = settings;
    }

    /** One answer, as read from the input row. */
    private record Answer(String learner, long time, String item, int correct, int fold) {}

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        // one skill at a time: the rows come sorted by course and skill
        return new Iterator<>() {
            private Row pending = rows.hasNext() ? rows.next() : null;

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Row next() {
                String course = pending.getString(pending.fieldIndex("course_id"));
                String skill = pending.getString(pending.fieldIndex("skill_id"));
                List<Answer> answers = new ArrayList<>();
                while (pending != null && course.equals(pending.getString(pending.fieldIndex("course_id")))
                        && skill.equals(pending.getString(pending.fieldIndex("skill_id")))) {
                    Row r = pending;
                    answers.add(new Answer(r.getString(r.fieldIndex("learner_key")),
                            r.getTimestamp(r.fieldIndex("event_time")).getTime(), r.getString(r.fieldIndex("item_id")),
                            r.getInt(r.fieldIndex("correct")), r.getInt(r.fieldIndex("fold"))));
                    pending = rows.hasNext() ? rows.next() : null;
                }
                return skill(course, skill, answers);
            }
        };
    }

    /** The output row of one skill from its answers, in learner and time order. */
    private Row skill(String course, String skill, List<Answer> answers) {
        List<List<Answer>> byLearner = new ArrayList<>();
        for (Answer a : answers) {
            if (byLearner.isEmpty() || !byLearner.get(byLearner.size() - 1).get(0).learner().equals(a.learner())) {
                byLearner.add(new ArrayList<>());
            }
            byLearner.get(byLearner.size() - 1).add(a);
        }
        int learners = byLearner.size();
        long n = answers.size();
        long correct = answers.stream().mapToLong(Answer::correct).sum();
        double mean = (double) n / learners;
        List<Object> out = new ArrayList<>(List.of(course, skill, (long) learners, n, mean, (double) correct / n));
        if (learners < settings.minLearners() || mean < settings.minMeanOpportunities()) {
            out.add(SkillMarts.INSUFFICIENT_DATA);
            for (int i = 0; i < 7; i++) {
                out.add(null);
            }
            out.add(scala.jdk.javaapi.CollectionConverters.asScala(List.<Row>of()).toSeq());
            return RowFactory.create(out.toArray());
        }
        int[][] sequences = byLearner.stream().map(SkillFitTask::answersOf).toArray(int[][]::new);
        long seed = skillSeed(settings.seed(), course, skill);
        Bkt.Fit fit = Bkt.fit(sequences, options(seed));
        Bkt.Params p = fit.params();
        out.addAll(List.of(fit.converged() ? SkillMarts.FITTED : SkillMarts.NOT_CONVERGED, p.prior(), p.learn(),
                p.guess(), p.slip(), p.forget(), fit.logLikelihood(), fit.iterations()));
        out.add(scala.jdk.javaapi.CollectionConverters.asScala(crossValidate(byLearner, sequences, seed)).toSeq());
        return RowFactory.create(out.toArray());
    }

    /**
     * For each fold: BKT and PFA fitted on the other folds' learners predict every answer of the fold's learners from
     * the answers before it; the floor predicts the other folds' majority answer (correct on a tie). A fold with no
     * learners, or with all of them, is skipped.
     */
    private List<Row> crossValidate(List<List<Answer>> byLearner, int[][] sequences, long seed) {
        // each answer's earlier successes and failures of its learner on this skill (PFA's factors)
        int[][] successes = new int[sequences.length][];
        int[][] failures = new int[sequences.length][];
        for (int i = 0; i < sequences.length; i++) {
            successes[i] = new int[sequences[i].length];
            failures[i] = new int[sequences[i].length];
            for (int t = 1; t < sequences[i].length; t++) {
                successes[i][t] = successes[i][t - 1] + sequences[i][t - 1];
                failures[i][t] = failures[i][t - 1] + 1 - sequences[i][t - 1];
            }
        }
        List<Row> predictions = new ArrayList<>();
        for (int f = 0; f < settings.folds(); f++) {
            List<int[]> train = new ArrayList<>();
            Pfa.Counts pfaTrain = new Pfa.Counts();
            long trainCorrect = 0;
            long trainAnswers = 0;
            for (int i = 0; i < sequences.length; i++) {
                if (byLearner.get(i).get(0).fold() != f) {
                    train.add(sequences[i]);
                    trainAnswers += sequences[i].length;
                    for (int t = 0; t < sequences[i].length; t++) {
                        trainCorrect += sequences[i][t];
                        pfaTrain.add(successes[i][t], failures[i][t], sequences[i][t]);
                    }
                }
            }
            if (train.isEmpty() || train.size() == sequences.length) {
                continue;
            }
            Bkt.Params p = Bkt.fit(train.toArray(int[][]::new), options(seed + 1 + f)).params();
            Pfa.Coefficients pfa = Pfa.fit(pfaTrain);
            double majority = 2 * trainCorrect >= trainAnswers ? 1.0 : 0.0;
            for (int i = 0; i < sequences.length; i++) {
                List<Answer> learner = byLearner.get(i);
                if (learner.get(0).fold() != f) {
                    continue;
                }
                double[] pc = Bkt.predictCorrect(p, sequences[i]);
                for (int t = 0; t < pc.length; t++) {
                    Answer a = learner.get(t);
                    predictions.add(RowFactory.create(a.learner(), a.item(), f, a.correct(), pc[t],
                            pfa.predict(successes[i][t], failures[i][t]), majority));
                }
            }
        }
        return predictions;
    }

    private Bkt.Options options(long seed) {
        return new Bkt.Options(settings.tolerance(), settings.maxIterations(), settings.restarts(),
                settings.maxGuess(), settings.maxSlip(), settings.forgets(), seed);
    }

    private static int[] answersOf(List<Answer> learner) {
        return learner.stream().mapToInt(Answer::correct).toArray();
    }

    /** A seed per skill that does not depend on partitioning or JVM: the configured seed mixed with the names. */
    static long skillSeed(long seed, String course, String skill) {
        long h = seed;
        for (char c : (course + "\u0000" + skill).toCharArray()) {
            h = h * 1_000_003L + c;
        }
        return h;
    }
}
