package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.service.Backoff;
import dev.bankinglake.service.LakeServiceConfig;
import dev.bankinglake.service.QueryState;
import dev.bankinglake.service.SupervisedQuery;
import dev.bankinglake.service.SupervisedQueryListener;
import dev.bankinglake.table.PartitionRegistration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live windows in the lake service: the {@value #QUERY} streaming query (its own checkpoint, supervised
 * like the ingest query, in its own scheduler pool), the live view of the windows, the count of late
 * rows, and what {@code /pipeline} and {@code /metrics} show of them.
 */
public final class WindowsService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WindowsService.class);
    private static final Logger BATCH_LOG = LoggerFactory.getLogger("dev.bankinglake.windows.batches");
    public static final String QUERY = "windows";
    /** The FAIR scheduler pool of the windows query's Spark jobs. */
    public static final String POOL = "windows";
    private static final int MAX_RECENT_FINALS = 20_000;
    private static final int MIN_PARTITIONS = 8;
    private static final long CLOCK_CHECK_MILLIS = 100;

    private final LakeServiceConfig lake;
    private final WindowsConfig config;
    private final Clock clock;
    private final LiveWindows live = new LiveWindows(MAX_RECENT_FINALS);
    private final AtomicLong lateRows = new AtomicLong();
    private final AtomicLong finalWindows = new AtomicLong();
    private final AtomicReference<String> watermark = new AtomicReference<>();
    private final AtomicReference<SupervisedQuery> query = new AtomicReference<>();
    private static final Duration RESTORE_LIMIT = Duration.ofSeconds(30);
    private WindowsTopic topic;
    private WindowClock windowClock;
    private LongAccumulator stepLate;
    private volatile boolean restored;

    public WindowsService(LakeServiceConfig lake, WindowsConfig config, MeterRegistry registry, Clock clock) {
        this.lake = requireNonNull(lake, "lake is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        FunctionCounter.builder("lake.windows.late.rows", lateRows, AtomicLong::get)
                .description("Events the windows dropped because the watermark had passed them (Spark's numRowsDroppedByWatermark "
                        + "and the windows step's own); they are still in their raw tables").register(registry);
        FunctionCounter.builder("lake.windows.final", finalWindows, AtomicLong::get)
                .description("Final windows emitted by the windows query (written to the window tables, or found there on a replay)").register(registry);
        Gauge.builder("lake.windows.open", live, LiveWindows::openWindows).description("Windows the watermark has not passed yet")
                .register(registry);
    }

    public WindowsConfig config() {
        return config;
    }

    public LiveWindows live() {
        return live;
    }

    /**
     * Prepares the windows query on the service's session, unless windows are disabled; the caller
     * adds it to the service's status and starts it.
     */
    public Optional<SupervisedQuery> prepare(SparkSession spark, BatchFileCommitter committer, PartitionRegistration registration,
            ScheduledExecutorService scheduler, Duration initialBackoff) {
        if (!config.enabled()) {
            LOG.info("Windows are disabled ({}=false)", WindowsConfig.WINDOWS_ENABLED);
            return Optional.empty();
        }
        topic = new WindowsTopic(lake.kafkaBootstrap(), config.topic());
        windowClock = new WindowClock(lake.kafkaBootstrap(), config.topic(), live, config.watermarkDelay(), lake.triggerInterval(), clock);
        // checked several times per trigger interval: the first tick leaves soon after a window is due
        long checkMillis = Math.max(1, Math.min(lake.triggerInterval().toMillis(), CLOCK_CHECK_MILLIS));
        scheduler.scheduleWithFixedDelay(() -> {
            SupervisedQuery running = query.get();
            if (running != null && running.snapshot().state() == QueryState.ACTIVE) {
                windowClock.tickIfDue();
            }
        }, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
        // the late events the windows step drops itself, summed on the driver as tasks finish
        stepLate = spark.sparkContext().longAccumulator("windows.late.rows");
        WindowsBatchWriter writer = new WindowsBatchWriter(committer, registration, topic, live);
        SparkSession session = windowsSession(spark);
        SupervisedQuery supervised = new SupervisedQuery(QUERY, () -> start(session, writer), SupervisedQuery.afterTheRunningBatch(writer.batchLock()),
                new Backoff(initialBackoff, lake.maxRestartBackoff()), scheduler, clock);
        query.set(supervised);
        session.streams().addListener(new Listener(supervised, writer));
        return Optional.of(supervised);
    }

    /**
     * The windows query's own session on the service's Spark context (the lake settings come with the
     * context): every event goes to one group, so one state partition; and no batch without data
     * just because the watermark moved. Such a batch would only emit final windows, and a new event
     * arriving meanwhile would wait for it: the final windows come with the next events instead, or
     * with the next tick of {@link WindowClock} when the events are idle.
     */
    static SparkSession windowsSession(SparkSession spark) {
        SparkSession session = spark.newSession();
        session.conf().set("spark.sql.shuffle.partitions", "1");
        session.conf().set("spark.sql.streaming.noDataMicroBatches.enabled", "false");
        return session;
    }

    private StreamingQuery start(SparkSession spark, WindowsBatchWriter writer) throws Exception {
        // the topic is (re)checked at every start: a broker that was away fails the start, which is retried
        topic.ensureCompacted();
        windowClock.ensureTopic();
        if (!restored) {
            restoreLiveWindows();
        }
        Dataset<Row> events = spark.readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", lake.kafkaBootstrap())
                // the events, and the ticks of WindowClock, which move the watermark while the events are idle
                .option("subscribe", lake.eventsTopic() + "," + windowClock.topic())
                .option("startingOffsets", "earliest")
                .option("failOnDataLoss", "false")
                .option("maxOffsetsPerTrigger", lake.maxOffsetsPerTrigger())
                // short tasks: the ingest query's pool gets a free core soon after it asks for one
                .option("minPartitions", MIN_PARTITIONS)
                .load();
        Dataset<Row> windows = WindowAggregation.windows(events, lake.schemaVersions(), windowClock.topic(), config.watermarkDelay(),
                config.countsSpec(), config.tradesSpec(), stepLate);
        String previousPool = spark.sparkContext().getLocalProperty("spark.scheduler.pool");
        // the query's thread inherits this thread's properties: its jobs run in their own pool
        spark.sparkContext().setLocalProperty("spark.scheduler.pool", POOL);
        try {
            return windows.writeStream()
                    .queryName(QUERY)
                    .outputMode("update")
                    .option("checkpointLocation", config.checkpointDir())
                    .trigger(Trigger.ProcessingTime(lake.triggerInterval().toMillis(), TimeUnit.MILLISECONDS))
                    .foreachBatch(writer)
                    .start();
        }
        finally {
            spark.sparkContext().setLocalProperty("spark.scheduler.pool", previousPool);
        }
    }

    /** Once, before the query's first batch: the live view as the windows topic last had it. */
    private void restoreLiveWindows() {
        try {
            List<WindowUpdate> previous = topic.latest(RESTORE_LIMIT);
            live.restore(previous);
            LOG.info("Live windows restored from topic {}: {} open (of {} windows on the topic)", config.topic(),
                    previous.stream().filter(update -> !update.isFinal()).count(), previous.size());
        }
        catch (RuntimeException e) {
            // the live view then fills as windows are updated, as it would on a new topic
            LOG.warn("Live windows not restored from topic {}: {}", config.topic(), e.toString());
        }
        restored = true;
    }

    /** What {@code /pipeline} shows of the windows. */
    public Map<String, Object> pipeline() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("enabled", config.enabled());
        json.put("watermark", watermark.get());
        json.put("watermark_delay_ms", config.watermarkDelay().toMillis());
        json.put("clock_topic", windowClock == null ? null : windowClock.topic());
        json.put("last_tick", windowClock == null ? null : windowClock.lastTick().map(java.time.Instant::toString).orElse(null));
        json.put("late_rows", lateRows.get());
        json.put("open_windows", live.openWindows());
        json.put("final_windows", finalWindows.get());
        json.put("topic", config.topic());
        json.put("bucket_ms", config.bucket().toMillis());
        json.put("trade_window_ms", config.tradeWindow().toMillis());
        json.put("trade_slide_ms", config.tradeSlide().toMillis());
        return json;
    }

    public long lateRows() {
        return lateRows.get();
    }

    @Override
    public void close() {
        if (windowClock != null) {
            windowClock.close();
        }
        if (topic != null) {
            topic.close();
        }
    }

    /** Rows the watermark dropped in one batch, summed over the query's stateful operators. */
    static long droppedByWatermark(StreamingQueryProgress progress) {
        long dropped = 0;
        for (StateOperatorProgress operator : progress.stateOperators()) {
            dropped += operator.numRowsDroppedByWatermark();
        }
        return dropped;
    }

    private final class Listener extends SupervisedQueryListener {
        private final SupervisedQuery supervised;
        private final WindowsBatchWriter writer;
        private long stepLateSeen;

        Listener(SupervisedQuery supervised, WindowsBatchWriter writer) {
            super(supervised);
            this.supervised = supervised;
            this.writer = writer;
        }

        @Override
        protected void progressed(StreamingQueryProgress progress) {
            supervised.progressed(progress);
            long stepLateNow = stepLate.value();
            long dropped = droppedByWatermark(progress) + stepLateNow - stepLateSeen;
            stepLateSeen = stepLateNow;
            lateRows.addAndGet(dropped);
            if (progress.eventTime().containsKey("watermark")) {
                watermark.set(progress.eventTime().get("watermark"));
            }
            WindowsBatchWriter.Outcome outcome = writer.takeOutcome(progress.batchId());
            if (outcome != null) {
                finalWindows.addAndGet(outcome.finalWindows());
                BATCH_LOG.info("windows batch {}: {} input, {} late, {} open updates, {} final windows ({} files, {} already present), "
                                + "watermark {}, {} ms (plan and state to the updates written {} ms; {})", progress.batchId(), progress.numInputRows(),
                        dropped, outcome.openUpdates(), outcome.finalWindows(), outcome.filesRenamed(), outcome.filesAlreadyPresent(),
                        watermark.get(), progress.batchDuration(), outcome.duration().toMillis(), new java.util.TreeMap<>(progress.durationMs()));
            }
            else if (dropped > 0) {
                BATCH_LOG.info("windows batch {}: {} late", progress.batchId(), dropped);
            }
        }
    }
}
