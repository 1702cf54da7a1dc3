package dev.xueqing.jobs.ml.skills;

import dev.xueqing.common.config.XueqingConfig;
import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.model.ObjectTypes;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartFrames;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
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
        Dataset<Row> sequences = SkillOpportunities.of(in, ctx).groupBy("learner_key", "course_id", "skill_id").agg(
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
     * <p>The course's side (its fitted skills in course order, each with its prior, its prerequisites among them and
     * its questions in course order) is one small row per course; the learner's side is one row per enrolment with
     * the learner's mastery by skill and the questions last answered right. The judgement is then a projection of
     * each enrolment's row (array functions), with no join or shuffle per skill or per question.
     *
     * @param mastery learner_skill_mastery as of the same date
     */
    public static Dataset<Row> nextSteps(MartInputs in, MartContext ctx, Dataset<Row> model, Dataset<Row> mastery) {
        XueqingConfig.Skills settings = ctx.config().skills();
        Words words = Words.of(ctx.config().report().locale());
        Dataset<Row> fitted = model.filter(col("learn").isNotNull()).select("course_id", "skill_id", "prior");
        Dataset<Row> perItem = SkillOpportunities.perItem(in, ctx);
        Dataset<Row> plan = coursePlan(in, fitted, perItem, prerequisites(in.get(DatasetRef.EVENTS).sparkSession(),
                settings));
        Dataset<Row> enrolled = MartFrames.enrollmentsAsOf(in, ctx).filter(col("unenrolled_at").isNull())
                .select("learner_key", "course_id", "class_id").distinct();
        Dataset<Row> practised = mastery.groupBy("learner_key", "course_id").agg(map_from_entries(collect_list(
                struct(col("skill_id"), struct(col("p_mastery"), col("opportunities"), col("correct")))))
                .as("_practised"));
        Dataset<Row> right = perItem.filter(col("last_right")).groupBy("learner_key", "course_id")
                .agg(collect_list(col("object_id")).as("_right"));
        Dataset<Row> rows = enrolled.join(plan, new String[] {"course_id"})
                .join(practised, new String[] {"learner_key", "course_id"}, "left")
                .join(right, new String[] {"learner_key", "course_id"}, "left")
                .withColumn("_right", coalesce(col("_right"), array().cast("array<string>")));
        // each fitted skill with the learner's P(mastery), then whether its prerequisites are mastered
        Column learnerSkills = transform(col("_skills"), s -> {
            Column m = col("_practised").getItem(s.getField("skill_id"));
            Column p = coalesce(m.getField("p_mastery"), s.getField("prior"));
            return struct(s.getField("skill_id").as("skill_id"), s.getField("requires").as("requires"),
                    s.getField("questions").as("questions"), m.getField("p_mastery").as("p_mastery"),
                    coalesce(m.getField("opportunities"), lit(0L)).as("opportunities"),
                    coalesce(m.getField("correct"), lit(0L)).as("correct"),
                    p.geq(settings.masteryThreshold()).as("is_mastered"));
        });
        Column masteredIds = transform(filter(col("_state"), s -> s.getField("is_mastered")),
                s -> s.getField("skill_id"));
        Column judged = transform(col("_state"), s -> struct(s.getField("skill_id").as("skill_id"),
                s.getField("questions").as("questions"), s.getField("p_mastery").as("p_mastery"),
                s.getField("opportunities").as("opportunities"), s.getField("correct").as("correct"),
                s.getField("is_mastered").as("is_mastered"),
                sort_array(filter(s.getField("requires"), r -> array_contains(col("_mastered_ids"), r)))
                        .as("mastered_prereqs"),
                sort_array(filter(s.getField("requires"), r -> not(array_contains(col("_mastered_ids"), r))))
                        .as("open_prereqs")));
        Column candidates = slice(filter(col("_judged"), s -> not(s.getField("is_mastered"))
                .and(size(s.getField("open_prereqs")).equalTo(0))), 1, settings.nextSkills());
        Column steps = transform(col("_candidates"), (s, i) -> struct(i.plus(1).as("rank"),
                s.getField("skill_id").as("skill_id"), s.getField("p_mastery").as("p_mastery"),
                s.getField("opportunities").as("opportunities"), s.getField("correct").as("correct"),
                slice(filter(s.getField("questions"), q -> not(array_contains(col("_right"), q))), 1,
                        settings.nextItems()).as("items"),
                reason(words, s).as("reason")));
        Column waiting = sort_array(array_distinct(flatten(transform(
                filter(col("_judged"), s -> not(s.getField("is_mastered"))), s -> s.getField("open_prereqs")))));
        Dataset<Row> out = rows.withColumn("_state", learnerSkills)
                .withColumn("_mastered_ids", masteredIds)
                .withColumn("_judged", judged)
                .withColumn("_candidates", candidates)
                .withColumn("steps", steps)
                .withColumn("status", when(size(col("steps")).gt(0), "has_steps")
                        .when(size(col("_mastered_ids")).equalTo(size(col("_skills"))), "all_mastered")
                        .otherwise("blocked"))
                .withColumn("summary", when(col("status").equalTo("has_steps"), col("steps").getItem(0)
                                .getField("reason"))
                        .when(col("status").equalTo("all_mastered"), format_string(words.allMastered(),
                                size(col("_skills"))))
                        .otherwise(format_string(words.blocked(), array_join(waiting, words.separator()))));
        return MartFrames.conform(out, SkillMarts.NEXT_STEPS);
    }

    /** Why a skill is recommended, in the report's language: the learner's record on it, and its prerequisites. */
    private static Column reason(Words words, Column s) {
        Column prereqs = s.getField("mastered_prereqs");
        Column prereqClause = when(size(prereqs).equalTo(1), format_string(words.prerequisiteOne(),
                element_at(prereqs, 1)))
                .when(size(prereqs).gt(1), format_string(words.prerequisiteMany(),
                        array_join(prereqs, words.separator())))
                .otherwise(lit(""));
        return concat(when(s.getField("p_mastery").isNull(),
                        format_string(words.notPractised(), s.getField("skill_id")))
                        .otherwise(format_string(words.practised(), s.getField("correct"),
                                s.getField("opportunities"), s.getField("skill_id"), s.getField("p_mastery"))),
                prereqClause);
    }

    /**
     * course_id, _skills: for each course with fitted skills, those skills in course order (the earliest place of
     * their questions, skills without one last, then by id), each with skill_id, prior, requires (its prerequisites
     * that are fitted skills of the course, in no particular order: the judgement sorts them) and questions (its questions in
     * course order: due time, else the first answer anyone gave, questions without either last, then by id).
     */
    static Dataset<Row> coursePlan(MartInputs in, Dataset<Row> fitted, Dataset<Row> perItem, Dataset<Row> requires) {
        Dataset<Row> firstSeen = perItem.groupBy("course_id", "object_id").agg(min("first_time").as("_first"));
        Dataset<Row> questions = in.get(DatasetRef.COURSE_ITEMS)
                .filter(col("object_type").equalTo(ObjectTypes.QUESTION).and(size(col("skills")).gt(0)))
                .select(col("course_id"), col("object_id"), col("due_time"), explode(col("skills")).as("skill_id"))
                .join(fitted.select("course_id", "skill_id"), new String[] {"course_id", "skill_id"}, "left_semi")
                .join(firstSeen, new String[] {"course_id", "object_id"}, "left")
                .withColumn("item_order", coalesce(col("due_time"), col("_first")))
                .groupBy("course_id", "skill_id").agg(min("item_order").as("skill_order"),
                        sort_array(collect_list(struct(col("item_order").isNull(), col("item_order"),
                                col("object_id")))).as("_questions"))
                .withColumn("questions", transform(col("_questions"), q -> q.getField("object_id")));
        Dataset<Row> fittedRequires = requires.join(fitted.select("course_id", "skill_id"), new String[] {"skill_id"})
                .join(fitted.select(col("course_id"), col("skill_id").as("requires")),
                        new String[] {"course_id", "requires"})
                .groupBy("course_id", "skill_id").agg(collect_list(col("requires")).as("requires"));
        Dataset<Row> skills = fitted
                .join(questions.select("course_id", "skill_id", "skill_order", "questions"),
                        new String[] {"course_id", "skill_id"}, "left")
                .join(fittedRequires, new String[] {"course_id", "skill_id"}, "left");
        Column empty = array().cast("array<string>");
        return skills.groupBy("course_id").agg(sort_array(collect_list(struct(
                        col("skill_order").isNull().as("_unordered"), col("skill_order"), col("skill_id"),
                        col("prior"), coalesce(col("requires"), empty).as("requires"),
                        coalesce(col("questions"), empty).as("questions")))).as("_skills"));
    }
}
