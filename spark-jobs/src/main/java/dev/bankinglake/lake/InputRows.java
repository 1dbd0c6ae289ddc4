package dev.bankinglake.lake;

import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.MicroBatchScanExec;
import org.apache.spark.sql.execution.streaming.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts messages read without Spark's job in the batch's progress: Spark takes a batch's input
 * rows from the row count of the Kafka scan in the batch's plan, which only its own read updates.
 * Without this, a batch read on the driver would report no input rows to the progress listeners
 * (the service's rows/s, {@code /pipeline}). Best effort: it changes what is reported, never what is
 * written.
 */
final class InputRows {
    private static final Logger LOG = LoggerFactory.getLogger(InputRows.class);
    private static final String ROWS_METRIC = "numOutputRows";

    private InputRows() {
    }

    static void count(SparkSession spark, String queryId, long rows) {
        try {
            StreamingQuery query = spark.streams().get(UUID.fromString(queryId));
            if (!(query instanceof StreamingQueryWrapper wrapper) || wrapper.streamingQuery().lastExecution() == null) {
                LOG.debug("No plan of query {} to count {} input row(s) in", queryId, rows);
                return;
            }
            scala.collection.Iterator<SparkPlan> leaves = wrapper.streamingQuery().lastExecution().executedPlan().collectLeaves().iterator();
            while (leaves.hasNext()) {
                SparkPlan leaf = leaves.next();
                if (leaf instanceof MicroBatchScanExec && leaf.metrics().contains(ROWS_METRIC)) {
                    leaf.metrics().apply(ROWS_METRIC).add(rows);
                    return;
                }
            }
            LOG.debug("No Kafka scan in the plan of query {} to count {} input row(s) in", queryId, rows);
        }
        catch (RuntimeException e) {
            LOG.debug("Counting {} input row(s) of query {} failed", rows, queryId, e);
        }
    }
}
