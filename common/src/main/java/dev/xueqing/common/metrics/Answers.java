package dev.xueqing.common.metrics;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

/**
 * The score of an answer to a question, as the assessment marts and knowledge tracing read it (on events):
 *
 * <pre>
 *   score   = score_scaled            when score_scaled is in [0, 1]
 *           = 1 if success else 0     otherwise, when success is known
 *           = null                    otherwise (the answer is not scored)
 *   correct = score >= 0.5            (dichotomised, as the Rasch scale and BKT need)
 * </pre>
 */
public final class Answers {
    private Answers() {}

    /** The answer's score in [0, 1], or null when the event carries neither a scaled score nor success. */
    public static Column score() {
        return when(col("score_scaled").between(0.0, 1.0), col("score_scaled"))
                .when(col("success").isNotNull(), when(col("success"), 1.0).otherwise(0.0));
    }

    /** True when a score (see {@link #score()}) is at least one half; null when the score is null. */
    public static Column correct(Column score) {
        return score.geq(0.5);
    }
}
