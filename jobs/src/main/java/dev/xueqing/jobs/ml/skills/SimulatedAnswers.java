package dev.xueqing.jobs.ml.skills;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.encoders.RowEncoder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Opportunity rows simulated from BKT with known parameters per skill, generated on Spark (one task per group of
 * skills): the knowledge-tracing benchmark's input. Skill s of course {@code bench} draws its truth from
 * {@link #truth}; each of its learners answers {@code opportunities} questions, one a day.
 */
public final class SimulatedAnswers {
    private SimulatedAnswers() {}

    public static final StructType SCHEMA = new StructType()
            .add("course_id", DataTypes.StringType, false)
            .add("skill_id", DataTypes.StringType, false)
            .add("learner_key", DataTypes.StringType, false)
            .add("item_id", DataTypes.StringType, false)
            .add("event_time", DataTypes.TimestampType, false)
            .add("correct", DataTypes.IntegerType, false);

    /**
     * The true parameters of skill s for a seed: prior in [0.1, 0.5], learn in [0.05, 0.3], guess in [0.05, 0.3],
     * slip in [0.05, 0.2], no forgetting.
     */
    public static Bkt.Params truth(long seed, int skill) {
        SplittableRandom r = new SplittableRandom(seed * 31 + skill);
        return new Bkt.Params(0.1 + 0.4 * r.nextDouble(), 0.05 + 0.25 * r.nextDouble(), 0.05 + 0.25 * r.nextDouble(),
                0.05 + 0.15 * r.nextDouble(), 0);
    }

    /** About {@code answers} rows: skills × learners × opportunities, learners = answers / (skills × opportunities). */
    public static Dataset<Row> opportunities(SparkSession spark, long answers, int skills, int opportunities,
                                             long seed) {
        int learners = (int) Math.max(1, answers / ((long) skills * opportunities));
        long day0 = Timestamp.valueOf("2026-09-01 08:00:00").getTime();
        FlatMapFunction<Long, Row> perSkill = s -> {
            int skill = s.intValue();
            Bkt.Params p = truth(seed, skill);
            int[][] seqs = Bkt.simulate(p, learners, opportunities, new SplittableRandom(seed ^ (skill * 0x9E3779B9L)));
            List<Row> rows = new ArrayList<>(learners * opportunities);
            for (int l = 0; l < learners; l++) {
                for (int t = 0; t < opportunities; t++) {
                    rows.add(RowFactory.create("bench", "skill-" + skill, "learner-" + l, "skill-" + skill + "/q" + t,
                            new Timestamp(day0 + t * 86_400_000L + l), seqs[l][t]));
                }
            }
            return rows.iterator();
        };
        return spark.range(0, skills, 1, Math.max(1, spark.sparkContext().defaultParallelism()))
                .flatMap(perSkill, RowEncoder.encoderFor(SCHEMA));
    }
}
