package dev.bankinglake.service;

import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The rows a batch really read, and its rates as Spark defines them: input rate, rows over the
 * time since the previous batch's trigger; processing rate, rows over the batch's own duration.
 * The ingest query takes the batch times of Spark's offset log, the {@code batch_time} of
 * {@code /batches}.
 *
 * <p>The ingest query reads small batches on the driver, outside Spark's progress counters
 * (its {@code numInputRows} is 0 then): its rows come from what the writer committed, the rows
 * of {@code lake_batches}. Other queries' rows are Spark's.
 */
public record BatchRates(long batchId, long inputRows, double inputRowsPerSecond, double processedRowsPerSecond) {
    public BatchRates {
        if (inputRows < 0) {
            throw new IllegalArgumentException("inputRows is negative: " + inputRows);
        }
    }

    /** Spark's own figures of a batch. */
    public static BatchRates ofSpark(StreamingQueryProgress progress) {
        return new BatchRates(progress.batchId(), progress.numInputRows(), finite(progress.inputRowsPerSecond()),
                finite(progress.processedRowsPerSecond()));
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0;
    }

    /**
     * {@code previousTrigger}: when the query's previous batch started, or null for the first
     * batch of a run (no input rate yet: 0, as Spark reports it).
     */
    public static BatchRates of(long batchId, long rows, Instant trigger, Instant previousTrigger, Duration batchDuration) {
        double inputRate = 0;
        if (previousTrigger != null && trigger.isAfter(previousTrigger)) {
            inputRate = rows * 1000.0 / Duration.between(previousTrigger, trigger).toMillis();
        }
        double processingRate = batchDuration.toMillis() > 0 ? rows * 1000.0 / batchDuration.toMillis() : 0;
        return new BatchRates(batchId, rows, inputRate, processingRate);
    }
}
