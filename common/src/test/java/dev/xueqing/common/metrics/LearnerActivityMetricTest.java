package dev.xueqing.common.metrics;

import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

class LearnerActivityMetricTest {
    @Test
    void onlyLearnerEventsThatAreNotEnrolmentBookkeeping() {
        StructType schema = new StructType().add("id", DataTypes.StringType)
                .add("actor_role", DataTypes.StringType).add("action", DataTypes.StringType);
        List<Row> rows = List.of(
                RowFactory.create("1", "learner", "viewed"),       // yes
                RowFactory.create("2", "learner", "logged_in"),    // yes
                RowFactory.create("3", "learner", "enrolled"),     // no: bookkeeping
                RowFactory.create("4", "learner", "unenrolled"),   // no: bookkeeping
                RowFactory.create("5", "system", "passed"),        // no: not the learner
                RowFactory.create("6", "tutor", "replied"));       // no: staff
        List<String> ids = SparkTestBase.spark().createDataFrame(rows, schema)
                .filter(LearnerActivity.isLearnerInitiated()).orderBy("id").select(col("id"))
                .collectAsList().stream().map(r -> r.getString(0)).toList();
        assertThat(ids).containsExactly("1", "2");
    }
}
