package dev.xueqing.jobs.marts.ops;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.schema.Expectation;
import dev.xueqing.common.schema.MartSpec;
import dev.xueqing.jobs.marts.Mart;
import dev.xueqing.jobs.marts.MartContext;
import dev.xueqing.jobs.marts.MartInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.xueqing.common.schema.ColumnSpec.col;
import static dev.xueqing.common.schema.ColumnSpec.key;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode_outer;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

/** run × source × reason data quality from the ingest rows of {@code _runs}. */
public final class DataQualityMart implements Mart {
    public static final MartSpec SPEC = new MartSpec("data_quality", "数据质量 data quality (operations)",
            List.of("run_id", "source", "reason"),
            """
            What every ingest run read and what became of it, per source and quarantine reason. The run-level \
            counts (read, accepted, duplicates, late arrivals, voided) repeat on each reason row of the run; a run \
            with nothing quarantined has one row with reason `none`. Late arrivals are accepted events dated on or \
            before the last day a previous nightly or marts run had already processed.""",
            List.of(
                    key("run_id", StringType, "the ingest run"),
                    key("source", StringType, "adapter (input format)"),
                    key("tenant", StringType, "institution or platform of the input"),
                    key("reason", StringType, "quarantine reason code, or `none`"),
                    key("started_at", TimestampType, "when the run started (UTC)"),
                    key("status", StringType, "succeeded, failed, or interrupted (the process died; recorded by the next run)"),
                    key("records_read", LongType, "records read in the run for this source (lines or array elements)"),
                    key("accepted", LongType, "new events published"),
                    key("duplicates", LongType, "records dropped as exact re-deliveries (same id, same content)"),
                    key("late_arrivals", LongType, "accepted events for days already processed"),
                    key("voided", LongType, "voiding statements received"),
                    key("quarantined", LongType, "records quarantined for this reason"),
                    key("quarantined_total", LongType, "records quarantined in the run for any reason"),
                    col("quarantine_share", DoubleType, "quarantined_total / records_read (null when nothing was read)"),
                    key("replies_to_unseen_posts", LongType, "forum posts accepted in the run whose in_reply_to "
                            + "names no post seen up to the run date (kept; they join their thread by parent_id)")),
            List.of(new Expectation.Between("quarantine_share", 0, 1),
                    new Expectation.Holds("quarantined <= quarantined_total", "a reason's count is part of the total"),
                    new Expectation.Holds("accepted + duplicates + quarantined_total + voided <= records_read",
                            "nothing is counted twice")));

    @Override
    public MartSpec spec() {
        return SPEC;
    }

    @Override
    public List<DatasetRef> inputs() {
        return List.of(DatasetRef.RUNS, DatasetRef.EVENTS, DatasetRef.EVENT_LINEAGE);
    }

    @Override
    public Dataset<Row> transform(MartInputs inputs, MartContext context) {
        Dataset<Row> runs = inputs.get(DatasetRef.RUNS).filter(col("job").equalTo("ingest"));
        Column counts = col("counts");
        Column reasons = map_filter(counts, (k, v) -> k.startsWith("quarantined."));
        Dataset<Row> withReasons = runs.select(col("run_id"),
                get_json_object(col("parameters"), "$.source").as("source"),
                get_json_object(col("parameters"), "$.tenant").as("tenant"),
                col("started_at"), col("status"),
                coalesce(element_at(counts, "read"), lit(0L)).as("records_read"),
                coalesce(element_at(counts, "accepted"), lit(0L)).as("accepted"),
                coalesce(element_at(counts, "duplicates"), lit(0L)).as("duplicates"),
                coalesce(element_at(counts, "late"), lit(0L)).as("late_arrivals"),
                coalesce(element_at(counts, "voiding_statements"), lit(0L)).as("voided"),
                coalesce(element_at(counts, "quarantined"), lit(0L)).as("quarantined_total"),
                explode_outer(reasons).as(new String[] {"reason_key", "reason_count"}));
        // replies to unseen posts, counted for the ingest run that brought them (run_id from the uncached events)
        Dataset<Row> runOfPost = inputs.get(DatasetRef.EVENT_LINEAGE)
                .filter(col("action").isin(dev.xueqing.common.model.Actions.POSTED,
                        dev.xueqing.common.model.Actions.REPLIED))
                .select(col("event_id").as("_oid"), col("run_id").as("_orun"));
        Dataset<Row> orphans = dev.xueqing.jobs.marts.tutor.DiscussionThreads.posts(inputs, context)
                .filter(col("orphan")).select("event_id")
                .join(runOfPost, col("event_id").equalTo(col("_oid")))
                .groupBy(col("_orun")).agg(count(lit(1)).as("_orphans"));
        return withReasons.join(orphans, withReasons.col("run_id").equalTo(col("_orun")), "left")
                .select(col("run_id"), coalesce(col("source"), lit("unknown")).as("source"),
                coalesce(col("tenant"), lit("unknown")).as("tenant"),
                coalesce(regexp_replace(col("reason_key"), "^quarantined\\.", ""), lit("none")).as("reason"),
                col("started_at"), col("status"), col("records_read"), col("accepted"), col("duplicates"),
                col("late_arrivals"), col("voided"), coalesce(col("reason_count"), lit(0L)).as("quarantined"),
                col("quarantined_total"),
                when(col("records_read").gt(0), col("quarantined_total").cast("double").divide(col("records_read")))
                        .as("quarantine_share"),
                coalesce(col("_orphans"), lit(0L)).as("replies_to_unseen_posts"));
    }
}
