package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.metrics.Answers;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

/**
 * skill_model + events + dims → learner_skill_mastery and learner_next_steps (every night, with the current model).
 * Pure: the model comes in as a dataset.
 */
public final class SkillScoring {
    private SkillScoring() {}

    /** The datasets scoring reads besides the model. */
    public static final List<DatasetRef> INPUTS = List.of(DatasetRef.EVENTS, DatasetRef.COURSE_ITEMS,
            DatasetRef.ENROLLMENTS);

    /**
     * BKT's filter as a Spark SQL expression over an array of answers (1/0) and the model's columns prior, learn,
     * guess, slip, forget: start from the prior; at each answer take the posterior P(known | answer), then the
     * transition P(known next) = posterior·(1 − forget) + (1 − posterior)·learn. The result is P(known) at the
     * next opportunity, as {@link Bkt#mastery}.
     */
    static Column mastery(String answers) {
        return expr("aggregate(" + answers + ", prior, (p, x) -> "
                + "(CASE WHEN x = 1 THEN p * (1 - slip) / (p * (1 - slip) + (1 - p) * guess) "
                + "ELSE p * slip / (p * slip + (1 - p) * (1 - guess)) END) * (1 - forget - learn) + learn)");
    }

    /** skill_id, requires: the prerequisite pairs of the config. */
    static Dataset<Row> prerequisites(SparkSession spark, XueqingConfig.Skills settings) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : settings.prerequisites().entrySet()) {
            e.getValue().forEach(r -> rows.add(RowFactory.create(e.getKey(), r)));
        }
        return spark.createDataFrame(rows, new StructType().add("skill_id", "string", false)
                .add("requires", "string", false));
    }

    /** learner_skill_mastery: each learner × course × skill practised, under the current model. */
    public static Dataset<Row> mastery(MartInputs in, MartContext ctx, Dataset<Row> model) {
        Dataset<Row> opportunities = in.derivedCached("skill-opportunities-scored:" + ctx.asOf(),
                () -> SkillOpportunities.of(in, ctx));
        Dataset<Row> sequences = opportunities.groupBy("learner_key", "course_id", "skill_id").agg(
                sort_array(collect_list(struct(col("event_time"), col("item_id"), col("correct")))).as("_seq"),
                count(lit(1)).as("opportunities"), sum(col("correct")).as("correct"),
                max(col("event_time")).as("last_practised"));
        Dataset<Row> params = model.select(col("course_id"), col("skill_id"), col("status").as("model_status"),
                col("model_run_id"), col("prior"), col("learn"), col("guess"), col("slip"), col("forget"));
        Dataset<Row> rows = sequences.join(params, new String[] {"course_id", "skill_id"}, "left")
                .withColumn("_answers", transform(col("_seq"), x -> x.getField("correct")))
                .withColumn("p_mastery", when(col("learn").isNotNull(), mastery("_answers")))
                .withColumn("mastered", col("p_mastery").geq(ctx.config().skills().masteryThreshold()))
                .withColumn("model_status", coalesce(col("model_status"), lit("not_in_model")))
                .withColumn("model_run_id", when(col("learn").isNotNull(), col("model_run_id")));
        return MartFrames.conform(rows, SkillMarts.MASTERY);
    }

    /** The words of the reasons, per report language. */
    private record Words(String practised, String notPractised, String prerequisiteOne, String prerequisiteMany,
                         String allMastered, String blocked, String separator) {
        static Words of(String locale) {
            return locale.toLowerCase(Locale.ROOT).startsWith("zh")
                    ? new Words("%3$s：%2$d 次作答答对 %1$d 次，掌握概率 %4$.2f", "%s：尚未练习",
                    "；先修技能 %s 已掌握", "；先修技能 %s 均已掌握", "已掌握全部 %d 项技能",
                    "需先掌握先修技能：%s", "、")
                    : new Words("%d of %d answers right on %s (P(mastery) %.2f)", "%s: not practised yet",
                    "; its prerequisite %s is mastered", "; its prerequisites %s are mastered",
                    "All %d skills mastered", "Waiting for prerequisites: %s", ", ");
        }
    }

    /**
     * learner_next_steps. For each enrolled learner (not unenrolled by the run date) of a course with fitted skills:
     * every fitted skill of the course with the learner's P(mastery) (the skill's prior when never practised);
     * the candidates are the unmastered skills whose prerequisites, where they are fitted skills of the course, are
     * mastered (a prerequisite outside the course or without a model cannot be judged and does not block); in course
     * order (the earliest due time of the skill's questions, else the earliest first answer anyone gave to one of
     * them), up to next-skills of them, each with up to next-items of its questions the learner has not answered or
     * last answered wrong, in the same course order.
     *
     * @param mastery learner_skill_mastery as of the same date
     */
    public static Dataset<Row> nextSteps(MartInputs in, MartContext ctx, Dataset<Row> model, Dataset<Row> mastery) {
        XueqingConfig.Skills settings = ctx.config().skills();
        Words words = Words.of(ctx.config().report().locale());
        double threshold = settings.masteryThreshold();
        Dataset<Row> fitted = model.filter(col("learn").isNotNull())
                .select("course_id", "skill_id", "prior", "learn", "guess", "slip", "forget");
        // the course's questions with their skills and their place in the course
        // read twice (first answers per question, last answer per learner): materialised once, only what is needed
        Dataset<Row> answers = in.derivedCached("skill-question-answers:" + ctx.asOf(), () ->
                MartFrames.scoredAnswers(in, ctx)
                        .select("course_id", "learner_key", "object_id", "event_time", "event_id", "score"));
        Dataset<Row> firstSeen = answers.groupBy("course_id", "object_id").agg(min("event_time").as("_first"));
        Dataset<Row> questions = in.get(DatasetRef.COURSE_ITEMS)
                .filter(col("object_type").equalTo(ObjectTypes.QUESTION).and(size(col("skills")).gt(0)))
                .select(col("course_id"), col("object_id"), col("due_time"), explode(col("skills")).as("skill_id"))
                .join(firstSeen, new String[] {"course_id", "object_id"}, "left")
                .withColumn("item_order", coalesce(col("due_time"), col("_first")))
                .join(fitted.select("course_id", "skill_id"), new String[] {"course_id", "skill_id"}, "left_semi");
        Dataset<Row> skillOrder = questions.groupBy("course_id", "skill_id").agg(min("item_order").as("skill_order"));
        Dataset<Row> enrolled = MartFrames.enrollmentsAsOf(in, ctx).filter(col("unenrolled_at").isNull())
                .select("learner_key", "course_id", "class_id")
                .join(fitted.select("course_id").distinct(), new String[] {"course_id"}, "left_semi");
        // each enrolled learner x fitted skill of the course: read three times below, so materialised once
        Dataset<Row> state = in.derivedCached("skill-learner-state:" + ctx.asOf(), () -> enrolled.join(fitted.select("course_id", "skill_id", "prior"),
                        new String[] {"course_id"})
                .join(mastery.select("learner_key", "course_id", "skill_id", "p_mastery", "opportunities", "correct"),
                        new String[] {"learner_key", "course_id", "skill_id"}, "left")
                .withColumn("p", coalesce(col("p_mastery"), col("prior")))
                .withColumn("is_mastered", col("p").geq(threshold))
                .withColumn("opportunities", coalesce(col("opportunities"), lit(0L)))
                .withColumn("correct", coalesce(col("correct"), lit(0L)))
                .join(skillOrder, new String[] {"course_id", "skill_id"}, "left"));
        // prerequisites that are fitted skills of the course, with whether the learner masters them
        Dataset<Row> requires = prerequisites(in.get(DatasetRef.EVENTS).sparkSession(), settings);
        Dataset<Row> prereqState = state.select(col("learner_key"), col("course_id"), col("skill_id"))
                .join(requires, new String[] {"skill_id"})
                .join(state.select(col("learner_key"), col("course_id"), col("skill_id").as("requires"),
                        col("is_mastered").as("_req_mastered")), new String[] {"learner_key", "course_id", "requires"})
                .groupBy("learner_key", "course_id", "skill_id").agg(
                        sort_array(collect_list(when(col("_req_mastered"), col("requires")))).as("mastered_prereqs"),
                        sort_array(collect_list(when(col("_req_mastered").unary_$bang(), col("requires"))))
                                .as("open_prereqs"));
        Dataset<Row> judged = in.derivedCached("skill-learner-judged:" + ctx.asOf(), () -> state
                .join(prereqState, new String[] {"learner_key", "course_id", "skill_id"}, "left")
                .withColumn("blocked", coalesce(size(col("open_prereqs")).gt(0), lit(false))));
        Dataset<Row> candidates = judged.filter(col("is_mastered").unary_$bang().and(col("blocked").unary_$bang()))
                .withColumn("rank", row_number().over(Window.partitionBy("learner_key", "course_id")
                        .orderBy(col("skill_order").asc_nulls_last(), col("skill_id"))))
                .filter(col("rank").leq(settings.nextSkills()));
        // the questions to practise: not answered, or last answered wrong
        Dataset<Row> last = answers
                .withColumn("_r", row_number().over(Window.partitionBy("course_id", "learner_key", "object_id")
                        .orderBy(col("event_time").desc(), col("event_id").desc())))
                .filter(col("_r").equalTo(1))
                .select(col("course_id"), col("learner_key"), col("object_id"),
                        Answers.correct(col("score")).as("_last_right"));
        Dataset<Row> items = candidates.select("learner_key", "course_id", "skill_id")
                .join(questions.select("course_id", "skill_id", "object_id", "item_order"),
                        new String[] {"course_id", "skill_id"})
                .join(last, new String[] {"course_id", "learner_key", "object_id"}, "left")
                .filter(coalesce(col("_last_right"), lit(false)).unary_$bang())
                .withColumn("_i", row_number().over(Window.partitionBy("learner_key", "course_id", "skill_id")
                        .orderBy(col("item_order").asc_nulls_last(), col("object_id"))))
                .filter(col("_i").leq(settings.nextItems()))
                .groupBy("learner_key", "course_id", "skill_id")
                .agg(sort_array(collect_list(struct(col("_i"), col("object_id")))).as("_items"));
        Column prereqClause = when(size(col("mastered_prereqs")).equalTo(1),
                format_string(words.prerequisiteOne(), element_at(col("mastered_prereqs"), 1)))
                .when(size(col("mastered_prereqs")).gt(1), format_string(words.prerequisiteMany(),
                        array_join(col("mastered_prereqs"), words.separator())))
                .otherwise(lit(""));
        Column reason = concat(when(col("p_mastery").isNull(),
                        format_string(words.notPractised(), col("skill_id")))
                        .otherwise(format_string(words.practised(), col("correct"), col("opportunities"),
                                col("skill_id"), col("p_mastery"))),
                prereqClause);
        Dataset<Row> steps = candidates.join(items, new String[] {"learner_key", "course_id", "skill_id"}, "left")
                .withColumn("step", struct(col("rank").cast("int").as("rank"), col("skill_id"), col("p_mastery"),
                        col("opportunities"), col("correct"),
                        coalesce(transform(col("_items"), x -> x.getField("object_id")),
                                org.apache.spark.sql.functions.array().cast("array<string>")).as("items"),
                        reason.as("reason")))
                .groupBy("learner_key", "course_id").agg(sort_array(collect_list(col("step"))).as("steps"));
        Dataset<Row> perLearner = judged.groupBy("learner_key", "course_id", "class_id").agg(
                count(lit(1)).as("_skills"),
                sum(when(col("is_mastered"), 1).otherwise(0)).as("_mastered"),
                sort_array(org.apache.spark.sql.functions.array_distinct(org.apache.spark.sql.functions.flatten(
                        collect_list(when(col("is_mastered").unary_$bang(),
                                coalesce(col("open_prereqs"), org.apache.spark.sql.functions.array()
                                        .cast("array<string>"))))))).as("_waiting"));
        Dataset<Row> out = perLearner.join(steps, new String[] {"learner_key", "course_id"}, "left")
                .withColumn("steps", coalesce(col("steps"), org.apache.spark.sql.functions.array()
                        .cast(org.apache.spark.sql.types.DataTypes.createArrayType(SkillMarts.STEP, true))))
                .withColumn("status", when(size(col("steps")).gt(0), "has_steps")
                        .when(col("_mastered").equalTo(col("_skills")), "all_mastered").otherwise("blocked"))
                .withColumn("summary", when(col("status").equalTo("has_steps"), col("steps").getItem(0)
                                .getField("reason"))
                        .when(col("status").equalTo("all_mastered"), format_string(words.allMastered(),
                                col("_skills")))
                        .otherwise(format_string(words.blocked(), array_join(col("_waiting"), words.separator()))));
        return MartFrames.conform(out, SkillMarts.NEXT_STEPS);
    }

}
