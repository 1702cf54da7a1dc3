package dev.xueqing.jobs.ml.risk;

import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.*;

/**
 * The top 3 features raising a learner's risk, in words a supervisor reads. Attribution is the logistic model's
 * contribution coef_j × z_j (z_j the feature standardised with the training mean and SD), for every chosen model
 * type: a GBT model scores, the logistic model of the same N explains. Only positive contributions count (features
 * that push the risk up); a learner with none has empty arrays.
 */
public final class RiskExplanations {
    private RiskExplanations() {}

    /** Adds top_features and explanations (array&lt;string&gt;, at most 3, largest contribution first). */
    public static Dataset<Row> explain(Dataset<Row> features, PipelineModel logistic, int weeks) {
        List<Column> contrib = RiskModels.contributions(logistic);
        double[] mean = RiskModels.means(logistic);
        List<Column> entries = new ArrayList<>();
        for (int j = 0; j < RiskFeatures.FEATURES.size(); j++) {
            String f = RiskFeatures.FEATURES.get(j);
            entries.add(struct(contrib.get(j).as("c"), lit(f).as("feature"), phrase(f, weeks, mean[j]).as("text")));
        }
        Column sorted = reverse(array_sort(array(entries.toArray(Column[]::new))));
        Column top = slice(filter(sorted, e -> e.getField("c").gt(0)), 1, 3);
        return features.withColumn("_top", top)
                .withColumn("top_features", transform(col("_top"), e -> e.getField("feature")))
                .withColumn("explanations", transform(col("_top"), e -> e.getField("text")))
                .drop("_top");
    }

    private static Column n(String f) {
        return col(f).cast("long");
    }

    /** The 1-based index of a rank feature's value into a list of n words (clamped). */
    private static Column index(String f, int n) {
        return least(greatest(n(f).cast("int"), lit(0)), lit(n - 1)).plus(1);
    }

    /** The words for one feature's value; avg is the training mean (shown as the course average). */
    static Column phrase(String f, int weeks, double avg) {
        String w = "weeks 1-" + weeks;
        return switch (f) {
            case "events" -> format_string("%d learning events in " + w + " (average %.0f)", n(f), lit(avg));
            case "active_days" -> format_string("active on %d days in " + w + " (average %.0f)", n(f), lit(avg));
            case "active_minutes" -> format_string("%d minutes of active time in " + w + " (average %.0f)", n(f),
                    lit(avg));
            case "events_trend" -> when(col(f).lt(0), format_string("activity fell by %d events in week " + weeks
                    + " from the week before", abs(n(f))))
                    .when(col(f).equalTo(0), lit("activity did not grow in week " + weeks))
                    .otherwise(format_string("activity grew by only %d events in week " + weeks, n(f)));
            case "days_since_last_activity" -> format_string("no activity for %d days", n(f));
            case "assessments_due" -> format_string("%d assessments due by week " + weeks, n(f));
            case "submissions" -> format_string("%d assessments submitted by week " + weeks + " (average %.1f)",
                    n(f), lit(avg));
            case "late_submissions" -> format_string("%d of %d assessments submitted late", n(f),
                    n("submissions"));
            case "missed_assessments" -> format_string("%d of %d assessments due not submitted", n(f),
                    n("assessments_due"));
            case "mean_score" -> when(col("submissions").equalTo(0), lit("no scored work yet"))
                    .otherwise(format_string("mean score so far %.0f%% (average %.0f%%)", col(f).multiply(100),
                            lit(avg * 100)));
            case "registration_day" -> when(col(f).lt(0), format_string("registered %d days before the start",
                    abs(n(f)))).otherwise(format_string("registered %d days after the start", n(f)));
            case "prior_attempts" -> format_string("%d earlier attempt(s) at this module", n(f));
            case "prior_courses" -> format_string("%d earlier course run(s) taken", n(f));
            case "imd_band_mid" -> format_string("lives in an area of deprivation band %d-%d%%",
                    n(f).minus(5), n(f).plus(5));
            case "age_band_rank" -> element_at(array(lit("age band under 35"), lit("age band 35-55"),
                    lit("age band 55 and over")), index(f, 3));
            case "education_rank" -> element_at(array(lit("no formal qualifications"),
                    lit("prior education below A level"), lit("prior education A level"),
                    lit("prior education HE qualification"), lit("prior education post-graduate")),
                    index(f, 5));
            case "disability" -> when(col(f).equalTo(1.0), lit("declared disability"))
                    .otherwise(lit("no declared disability"));
            case "gender_male" -> when(col(f).equalTo(1.0), lit("gender M")).otherwise(lit("gender F"));
            case "due_lead_days" -> when(col(f).lt(0), format_string("work submitted %.1f days after the due day on "
                    + "average", abs(col(f)))).otherwise(format_string("work submitted %.1f days before the due day "
                    + "on average (average %.1f)", col(f), lit(avg)));
            case "score_z" -> when(col(f).lt(0), format_string("scores %.1f SD below the cohort's on the same "
                    + "assessments", abs(col(f)))).otherwise(format_string("scores %.1f SD above the cohort's on the "
                    + "same assessments", col(f)));
            case "score_percentile" -> format_string("scores at percentile %.0f of the cohort on the same "
                    + "assessments", col(f).multiply(100));
            case "due_score" -> format_string("%.0f%% of the marks of the work due by week " + weeks
                    + ", missing work counting 0 (average %.0f%%)", col(f).multiply(100), lit(avg * 100));
            case "due_submitted_share" -> format_string("%.0f%% of the assessments due by week " + weeks
                    + " submitted (average %.0f%%)", col(f).multiply(100), lit(avg * 100));
            case "banked_assessments" -> format_string("%d assessment result(s) carried over from an earlier run",
                    n(f));

            default -> throw new IllegalArgumentException("No words for feature " + f);
        };
    }
}
