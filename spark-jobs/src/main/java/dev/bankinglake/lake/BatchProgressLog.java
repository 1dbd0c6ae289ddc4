package dev.bankinglake.lake;

import dev.bankinglake.contract.LakeTable;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per batch: rows per table, rejected rows, duration and how far the job is behind
 * the topic. The row counts come from the writer, the rest from Spark's progress report.
 */
public final class BatchProgressLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.bankinglake.lake.batches");

    private BatchProgressLog() {
    }

    public static void log(LakeBatchWriter.BatchOutcome outcome, StreamingQueryProgress progress) {
        LOG.info(line(outcome, progress.batchDuration(), progress.sources()) + ", spark " + phases(progress.durationMs()));
    }

    /** Where Spark's time of the batch went (offset log, the batch itself, commit log, ...), in ms, by phase name. */
    static String phases(Map<String, Long> durations) {
        return new java.util.TreeMap<>(durations).toString();
    }

    static String line(LakeBatchWriter.BatchOutcome outcome, long batchMillis, SourceProgress[] sources) {
        StringJoiner tables = new StringJoiner(" ");
        long total = 0;
        for (LakeTable table : LakeTable.values()) {
            if (table.isEventTable()) {
                tables.add(table.tableName() + "=" + outcome.rows(table));
            }
            total += outcome.rows(table);
        }
        StringJoiner lag = new StringJoiner(", ");
        for (SourceProgress source : sources) {
            Map<String, String> metrics = source.metrics();
            lag.add("max " + metrics.getOrDefault("maxOffsetsBehindLatest", "?")
                    + " avg " + metrics.getOrDefault("avgOffsetsBehindLatest", "?"));
        }
        return String.format("batch %d: %d rows (%s rejected=%d) in %d ms (parse %d ms, write %d ms), offsets %d ms, lineage %d ms, "
                + "files %d new %d already committed, kafka lag %s offsets per partition",
                outcome.batchId(), total, tables + "", outcome.rows(LakeTable.REJECTED_EVENTS), batchMillis, outcome.parseDuration().toMillis(),
                outcome.duration().minus(outcome.parseDuration()).toMillis(), outcome.rangeDuration().toMillis(), outcome.hookDuration().toMillis(),
                outcome.filesRenamed(), outcome.filesAlreadyPresent(), lag);
    }
}
