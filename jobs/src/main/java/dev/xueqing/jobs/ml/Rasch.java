package dev.xueqing.jobs.ml;

import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;

/**
 * Rasch (one-parameter logistic IRT) estimates of item difficulty and person ability on the logit scale, fitted
 * with Spark MLlib.
 *
 * <p>The model: P(person p answers item i correctly) = σ(θ_p − b_i). It is a logistic regression without
 * intercept on a sparse design vector with +1 at the person's column and −1 at the item's column, so MLlib's
 * {@link LogisticRegression} (L-BFGS) fits all θ and b jointly (joint maximum likelihood). A light ridge penalty
 * (λ = {@link #RIDGE} / responses, i.e. a wide normal prior with SD ≈ 3 logits) keeps persons and items with all
 * or no correct answers finite and removes the model's shift freedom; the scale is then anchored by centring the
 * item difficulties at 0 (abilities shifted by the same constant). JMLE estimates are known to be slightly
 * spread out for short tests; the ordering and the relative distances are what supervisors use.
 *
 * <p>Fit per item, from the residuals of the fitted model: with p the expected score and W = p(1−p),
 * outfit mean-square = mean over responses of (x−p)²/W (sensitive to unexpected responses far from the item),
 * infit mean-square = Σ(x−p)² / ΣW (information-weighted); both are near 1 for items that fit, and values above
 * about 1.3 flag items that behave unlike the rest. The standard error of a difficulty is 1/√ΣW.
 */
public final class Rasch {
    /** Ridge strength per response: λ = RIDGE / n. */
    public static final double RIDGE = 0.1;

    /** Item estimates: item, responses, difficulty (logits), se, infit, outfit. Person estimates: person, ability. */
    public record Fit(Dataset<Row> items, Dataset<Row> persons) {}

    private Rasch() {}

    /**
     * Fits the model on one scale.
     *
     * @param responses one row per person × item with columns {@code person} (string), {@code item} (string) and
     *                  {@code score} (0 or 1)
     */
    public static Fit fit(Dataset<Row> responses) {
        Fit f = fitGroups(responses.withColumn("group", lit("")));
        return new Fit(f.items().drop("group"), f.persons().drop("group"));
    }

    /**
     * Fits one scale per {@code group} (e.g. a course) in a single MLlib fit: groups share no persons or items, so
     * the blocks of the design are independent and each is centred on its own items. Outputs carry the group.
     */
    public static Fit fitGroups(Dataset<Row> responses) {
        SparkSession spark = responses.sparkSession();
        Dataset<Row> in = responses.select(col("group"), col("person"), col("item"),
                col("score").cast("double").as("score"))
                .withColumn("p_key", concat_ws("\u0001", col("group"), col("person")))
                .withColumn("i_key", concat_ws("\u0001", col("group"), col("item")));
        if (in.isEmpty()) {
            return new Fit(spark.createDataFrame(List.of(), itemSchema()), spark.createDataFrame(List.of(),
                    personSchema()));
        }
        Dataset<Row> indexed = new StringIndexer().setInputCols(new String[] {"p_key", "i_key"})
                .setOutputCols(new String[] {"p_d", "i_d"}).setStringOrderType("alphabetAsc").fit(in).transform(in);
        Dataset<Row> r = indexed.withColumn("p_ix", col("p_d").cast("int")).withColumn("i_ix", col("i_d").cast("int"))
                .drop("p_d", "i_d").cache();
        try {
            Row sizes = r.agg(max("p_ix"), max("i_ix"), count(lit(1))).first();
            int persons = sizes.getInt(0) + 1;
            int items = sizes.getInt(1) + 1;
            long n = sizes.getLong(2);
            int dim = persons + items;
            StructType design = new StructType().add("label", DataTypes.DoubleType)
                    .add("features", SQLDataTypes.VectorType());
            // a fixed layout (hash partitions, sorted) makes the optimiser's sums, and so the estimates, the same on
            // every run over the same responses, however the input files were laid out
            Dataset<Row> ordered = r.select("score", "p_ix", "i_ix").repartition(4, col("p_ix"))
                    .sortWithinPartitions("p_ix", "i_ix");
            Dataset<Row> train = spark.createDataFrame(ordered.javaRDD().map(row ->
                    RowFactory.create(row.getDouble(0), design(dim, row.getInt(1), row.getInt(2), persons))), design);
            LogisticRegressionModel m = new LogisticRegression().setFitIntercept(false).setStandardization(false)
                    .setRegParam(RIDGE / n).setElasticNetParam(0.0).setMaxIter(200).setTol(1e-6).fit(train);
            double[] w = m.coefficients().toArray();
            List<Row> b = new ArrayList<>();
            for (int i = 0; i < items; i++) {
                b.add(RowFactory.create(i, w[persons + i]));
            }
            List<Row> t = new ArrayList<>();
            for (int p = 0; p < persons; p++) {
                t.add(RowFactory.create(p, w[p]));
            }
            Dataset<Row> bRaw = spark.createDataFrame(b, new StructType().add("i_ix", DataTypes.IntegerType)
                    .add("b_raw", DataTypes.DoubleType));
            Dataset<Row> tRaw = spark.createDataFrame(t, new StructType().add("p_ix", DataTypes.IntegerType)
                    .add("t_raw", DataTypes.DoubleType));
            // centre each group's items at 0 and shift its persons by the same constant
            Dataset<Row> shift = r.select("group", "i_ix").distinct().join(bRaw, "i_ix").groupBy("group")
                    .agg(avg("b_raw").as("shift"));
            Dataset<Row> scored = r.join(bRaw, "i_ix").join(tRaw, "p_ix").join(shift, "group")
                    .withColumn("difficulty", col("b_raw").minus(col("shift")))
                    .withColumn("ability", col("t_raw").minus(col("shift")))
                    .withColumn("expected", lit(1.0).divide(lit(1.0).plus(exp(col("difficulty").minus(col("ability"))))))
                    .withColumn("w", col("expected").multiply(lit(1.0).minus(col("expected"))))
                    .withColumn("sq", pow(col("score").minus(col("expected")), 2));
            Dataset<Row> itemFit = scored.groupBy("group", "item", "difficulty").agg(count(lit(1)).as("responses"),
                            sum("sq").as("ssq"), sum("w").as("sw"), avg(col("sq").divide(col("w"))).as("outfit"))
                    .select(col("group"), col("item"), col("responses"), col("difficulty"),
                            lit(1.0).divide(sqrt(col("sw"))).as("se"),
                            col("ssq").divide(col("sw")).as("infit"), col("outfit"));
            Dataset<Row> personFit = scored.groupBy("group", "person", "ability").agg(count(lit(1)).as("responses"),
                            sum("score").as("raw_score"))
                    .select("group", "person", "responses", "raw_score", "ability");
            return new Fit(itemFit.localCheckpoint(), personFit.localCheckpoint());
        } finally {
            r.unpersist();
        }
    }

    static StructType itemSchema() {
        return new StructType().add("group", DataTypes.StringType).add("item", DataTypes.StringType).add("responses", DataTypes.LongType)
                .add("difficulty", DataTypes.DoubleType).add("se", DataTypes.DoubleType)
                .add("infit", DataTypes.DoubleType).add("outfit", DataTypes.DoubleType);
    }

    static StructType personSchema() {
        return new StructType().add("group", DataTypes.StringType).add("person", DataTypes.StringType).add("responses", DataTypes.LongType)
                .add("raw_score", DataTypes.DoubleType).add("ability", DataTypes.DoubleType);
    }

    /** The design vector of one response: +1 at the person's column, −1 at the item's. */
    static Vector design(int dim, int person, int item, int persons) {
        return Vectors.sparse(dim, new int[] {person, persons + item}, new double[] {1.0, -1.0});
    }
}
