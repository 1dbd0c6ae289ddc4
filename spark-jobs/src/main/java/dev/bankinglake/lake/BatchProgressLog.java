package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per batch: rows per table, rejected rows, duration and how far the job is behind
 * the topic. The row counts come from the writer, the rest from Spark's progress report.
 */
public final class BatchProgressLog extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.bankinglake.lake.batches");

    private final LakeBatchWriter writer;

    public BatchProgressLog(LakeBatchWriter writer) {
        this.writer = requireNonNull(writer, "writer is null");
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
        LOG.info("Streaming query started: {} (id {}, run {})", event.name(), event.id(), event.runId());
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress progress = event.progress();
        LakeBatchWriter.BatchOutcome outcome = writer.takeOutcome(progress.batchId());
        if (outcome == null) {
            return;
        }
        LOG.info(line(outcome, progress.batchDuration(), progress.sources()));
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        if (event.exception().isDefined()) {
            LOG.error("Streaming query {} failed: {}", event.id(), event.exception().get());
        }
        else {
            LOG.info("Streaming query {} stopped", event.id());
        }
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
        return String.format("batch %d: %d rows (%s rejected=%d) in %d ms (parse %d ms, write %d ms), files %d new %d already committed, kafka lag %s offsets per partition",
                outcome.batchId(), total, tables + "", outcome.rows(LakeTable.REJECTED_EVENTS), batchMillis, outcome.parseDuration().toMillis(),
                outcome.duration().minus(outcome.parseDuration()).toMillis(), outcome.filesRenamed(), outcome.filesAlreadyPresent(), lag);
    }
}
