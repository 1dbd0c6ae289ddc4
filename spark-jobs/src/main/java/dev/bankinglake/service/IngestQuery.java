package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.lake.BatchProgressLog;
import dev.bankinglake.lake.LakeBatchWriter;
import dev.bankinglake.lineage.CheckpointOffsets;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The ingest query: the events topic into the lake through {@link LakeBatchWriter}, one batch per
 * trigger, supervised (restarted with backoff, stopped after its running batch), and what each
 * finished batch tells: its rows and rates to the supervision and the metrics, a row of the
 * dashboard's history, the batch log. Beside {@code windows.WindowsService}, the other query of the
 * service.
 */
public final class IngestQuery {
    public static final String NAME = "ingest";

    private final LakeServiceConfig config;
    private final LakeBatchWriter writer;
    private final IngestMetrics metrics;
    private final BatchHistory history;
    private final SupervisedQuery supervised;

    public IngestQuery(LakeServiceConfig config, SparkSession spark, LakeBatchWriter writer, CheckpointOffsets offsets, IngestMetrics metrics,
            BatchHistory history, Duration initialBackoff, ScheduledExecutorService scheduler, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.writer = requireNonNull(writer, "writer is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.history = requireNonNull(history, "history is null");
        requireNonNull(spark, "spark is null");
        requireNonNull(offsets, "offsets is null");
        this.supervised = new SupervisedQuery(NAME, () -> start(spark), SupervisedQuery.afterTheRunningBatch(writer.batchLock()),
                new Backoff(initialBackoff, config.maxRestartBackoff()), scheduler, clock);
        spark.streams().addListener(new Listener(batchId -> {
            try {
                return offsets.offsets(batchId).batchTime();
            }
            catch (IOException | RuntimeException e) {
                return null;
            }
        }));
    }

    public SupervisedQuery supervised() {
        return supervised;
    }

    /** The Kafka client settings of the query's source, shared by the driver's reads of small batches. */
    public static Map<String, String> kafkaParameters(LakeServiceConfig config) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("bootstrap.servers", config.kafkaBootstrap());
        // a fetch the broker cannot fill at once waits at most this long (Kafka's default: 500 ms)
        parameters.put("fetch.max.wait.ms", "20");
        return parameters;
    }

    private StreamingQuery start(SparkSession spark) throws Exception {
        DataStreamReader reader = spark.readStream().format("kafka");
        kafkaParameters(config).forEach((name, value) -> reader.option("kafka." + name, value));
        Dataset<Row> events = reader
                .option("subscribe", config.eventsTopic())
                // only used on the very first start: later starts resume from the checkpoint
                .option("startingOffsets", "earliest")
                // Messages the broker deleted (retention) before the job read them are gone either
                // way; stopping the stream for it would stop the whole lake. Spark logs a warning.
                .option("failOnDataLoss", "false")
                .option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger())
                .load();
        return events.writeStream()
                .queryName(NAME)
                .option("checkpointLocation", config.checkpointDir())
                .trigger(Trigger.ProcessingTime(config.triggerInterval().toMillis(), TimeUnit.MILLISECONDS))
                .foreachBatch(writer)
                .start();
    }

    /** Spark's events of the ingest query, routed to the supervision, the batch log, the metrics and the history. */
    private final class Listener extends SupervisedQueryListener {
        /** The time of a batch in Spark's offset log (batch_time in /batches), or null if it is not there. */
        private final LongFunction<Instant> batchTimes;
        // the previous batch's time, so that each batch reads the offset log once
        private long previousBatchId = -1;
        private Instant previousBatchTime;

        Listener(LongFunction<Instant> batchTimes) {
            super(supervised);
            this.batchTimes = batchTimes;
        }

        @Override
        protected void progressed(StreamingQueryProgress progress) {
            LakeBatchWriter.BatchOutcome outcome = writer.takeOutcome(progress.batchId());
            // the rows the writer committed: batches read on the driver are not in Spark's counters
            long rowsRead = outcome == null ? progress.numInputRows() : outcome.rows().values().stream().mapToLong(Long::longValue).sum();
            long batchId = progress.batchId();
            Instant batchTime = batchTimes.apply(batchId);
            Instant previous = previousBatchId == batchId - 1 ? previousBatchTime : batchTimes.apply(batchId - 1);
            previousBatchId = batchId;
            previousBatchTime = batchTime;
            Duration batchDuration = Duration.ofMillis(progress.batchDuration());
            Instant trigger = Instant.parse(progress.timestamp());
            BatchRates rates = BatchRates.of(batchId, rowsRead, batchTime == null ? trigger : batchTime, batchTime == null ? null : previous,
                    batchDuration);
            supervised.progressed(progress, rates);
            metrics.progressed(progress, rates);
            if (batchTime != null) {
                long lag = QueryProgressView.kafkaLag(progress).values().stream().mapToLong(Long::longValue).sum();
                Instant reported = trigger.plus(batchDuration);
                Duration delay = Duration.between(batchTime, reported);
                Optional<Duration> endToEnd = outcome == null ? Optional.empty()
                        : outcome.oldestRecord().map(oldest -> Duration.between(oldest, reported)).map(wait -> wait.isNegative() ? Duration.ZERO : wait);
                history.add(BatchHistory.Entry.live(batchId, batchTime, rowsRead, rates.inputRowsPerSecond(), batchDuration, lag,
                        delay.isNegative() ? Duration.ZERO : delay, endToEnd));
            }
            if (outcome != null) {
                metrics.batchCommitted(outcome, batchDuration);
                BatchProgressLog.log(outcome, progress);
            }
        }
    }
}
