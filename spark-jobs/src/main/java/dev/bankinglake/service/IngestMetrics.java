package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.LakeBatchWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The service's Prometheus metrics, through Micrometer: what each committed batch wrote (from the
 * writer), Spark's own progress figures (rates, Kafka lag per partition), the supervision (query
 * state, restarts), the metastore registration backlog, and the JVM's own metrics.
 */
public final class IngestMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Batches of at most this many rows count as small: their duration is the batch's fixed cost. */
    public static final long SMALL_BATCH_ROWS = 10;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<LakeTable, Counter> rows = new EnumMap<>(LakeTable.class);
    private final Counter batches;
    private final Timer batchDuration;
    private final Timer parseDuration;
    private final Timer smallBatchDuration;
    private final Map<String, AtomicLong> lagPerPartition = new ConcurrentHashMap<>();
    // the bits of a double: a rate below 1 row/s is not 0
    private final AtomicLong inputRowsPerSecond = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong processedRowsPerSecond = new AtomicLong(Double.doubleToLongBits(0));

    public IngestMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (LakeTable table : LakeTable.values()) {
            rows.put(table, Counter.builder("lake.rows").description("Rows committed to a lake table").baseUnit("rows")
                    .tag("table", table.tableName()).register(registry));
        }
        batches = Counter.builder("lake.batches").description("Micro-batches committed by the ingest query").register(registry);
        batchDuration = Timer.builder("lake.batch.duration").description("Time to write and commit a micro-batch")
                .publishPercentileHistogram().register(registry);
        parseDuration = Timer.builder("lake.batch.parse.duration").description("Of a batch: read, parse and validate")
                .register(registry);
        smallBatchDuration = Timer.builder("lake.small.batch.duration")
                .description("Spark's whole duration of an ingest micro-batch of 1 to " + SMALL_BATCH_ROWS
                        + " rows: the fixed cost of a batch (median and p95 over the last minutes)")
                .publishPercentiles(0.5, 0.95).register(registry);
        Gauge.builder("lake.input.rows.per.second", inputRowsPerSecond, bits -> Double.longBitsToDouble(bits.get()))
                .description("Input rate of the last batch: the rows it read over the time since the previous batch started").register(registry);
        Gauge.builder("lake.processed.rows.per.second", processedRowsPerSecond, bits -> Double.longBitsToDouble(bits.get()))
                .description("Processing rate of the last batch: the rows it read over its duration").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Rejected rows are the rows of rejected_events: {@code lake_rows_total{table="rejected_events"}}.
     * {@code sparkDuration}: Spark's whole duration of that batch, which counts as a small batch's
     * fixed cost when the batch wrote 1 to {@value #SMALL_BATCH_ROWS} rows.
     */
    public void batchCommitted(LakeBatchWriter.BatchOutcome outcome, Duration sparkDuration) {
        batchRan(outcome.rows().values().stream().mapToLong(Long::longValue).sum(), sparkDuration);
        batchCommitted(outcome);
    }

    /** Rejected rows are the rows of rejected_events: {@code lake_rows_total{table="rejected_events"}}. */
    public void batchCommitted(LakeBatchWriter.BatchOutcome outcome) {
        batches.increment();
        outcome.rows().forEach((table, count) -> rows.get(table).increment(count));
        batchDuration.record(outcome.duration());
        parseDuration.record(outcome.parseDuration());
    }

    /** {@code rates}: what the batch really read (BatchRates), which Spark's counters miss for batches read on the driver. */
    public void progressed(StreamingQueryProgress progress, BatchRates rates) {
        inputRowsPerSecond.set(Double.doubleToLongBits(rates.inputRowsPerSecond()));
        processedRowsPerSecond.set(Double.doubleToLongBits(rates.processedRowsPerSecond()));
        QueryProgressView.kafkaLag(progress).forEach((partition, lag) -> lagPerPartition.computeIfAbsent(partition, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("lake.kafka.lag", value, AtomicLong::get).description("Offsets behind the topic's end, per partition")
                    .baseUnit("offsets").tag("partition", key).register(registry);
            return value;
        }).set(lag));
    }

    /** Spark's whole duration of a batch of {@code inputRows} rows; small ones count towards the fixed cost. */
    public void batchRan(long inputRows, Duration duration) {
        if (inputRows >= 1 && inputRows <= SMALL_BATCH_ROWS) {
            smallBatchDuration.record(duration);
        }
    }

    /** Binds the supervision and registration figures, read at scrape time. */
    public void bindQuery(SupervisedQuery query) {
        FunctionCounter.builder("lake.query.restarts", query, supervised -> supervised.snapshot().restarts())
                .description("Restarts of a streaming query after a failure").tag("query", query.name()).register(registry);
        Gauge.builder("lake.query.active", query, supervised -> supervised.snapshot().state() == QueryState.ACTIVE ? 1 : 0)
                .description("1 while the query runs").tag("query", query.name()).register(registry);
    }

    public void bindRegistrationBacklog(Supplier<Number> pendingPartitions) {
        Gauge.builder("lake.metastore.pending.partitions", pendingPartitions).description("Partitions committed but not yet registered in the metastore")
                .register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    static Duration millis(long value) {
        return Duration.ofMillis(value);
    }
}
