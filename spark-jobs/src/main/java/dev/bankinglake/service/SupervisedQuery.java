package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming query the service keeps running: started from its checkpoint, restarted in the same
 * JVM with exponential backoff when it fails (HDFS, the metastore or a broker briefly away), stopped
 * and started on request. Spark's own events ({@link #terminated}, {@link #progressed}) drive it.
 */
public final class SupervisedQuery {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedQuery.class);

    /** Starts the query from its checkpoint. */
    @FunctionalInterface
    public interface Starter {
        StreamingQuery start() throws Exception;
    }

    /** Stops the query; a graceful stopper lets the running batch finish first. */
    @FunctionalInterface
    public interface Stopper {
        void stop(StreamingQuery query) throws Exception;
    }

    /** How long a stop waits for the running batch to finish (Spark's own stop timeout is set to the same). */
    public static final Duration STOP_WAIT = Duration.ofSeconds(60);

    /**
     * The graceful stopper of a query whose batches hold {@code batchLock} while they run: waits
     * for the running batch to finish (at most {@link #STOP_WAIT}), then stops the query; a batch
     * still running then is replayed at the next start.
     */
    public static Stopper afterTheRunningBatch(Lock batchLock) {
        requireNonNull(batchLock, "batchLock is null");
        return query -> {
            boolean locked = batchLock.tryLock(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            try {
                if (!locked) {
                    LOG.warn("The running batch of {} did not finish within {} s; stopping anyway (it is replayed at the next start)", query.name(),
                            STOP_WAIT.toSeconds());
                }
                query.stop();
            }
            finally {
                if (locked) {
                    batchLock.unlock();
                }
            }
        };
    }

    /** A point-in-time view of the query for /pipeline and /metrics. */
    public record Snapshot(String name, Optional<UUID> id, Optional<UUID> runId, QueryState state, boolean wanted,
            Optional<StreamingQueryProgress> lastProgress, Optional<BatchRates> lastRates, Optional<Long> lastCommittedBatch, long restarts,
            Optional<String> lastFailure, Optional<Instant> lastFailureAt, Optional<Instant> nextRestartAt) {
        public Snapshot {
            requireNonNull(name, "name is null");
            requireNonNull(state, "state is null");
        }

        /** The query should run and does. */
        public boolean healthy() {
            return !wanted || state == QueryState.ACTIVE;
        }
    }

    private final String name;
    private final Starter starter;
    private final Stopper stopper;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final AtomicLong generation = new AtomicLong();

    private StreamingQuery query;
    private QueryState state = QueryState.STOPPED;
    private boolean wanted;
    private long restarts;
    private String lastFailure;
    private Instant lastFailureAt;
    private Instant nextRestartAt;
    private volatile StreamingQueryProgress lastProgress;
    private volatile BatchRates lastRates;
    private volatile Long lastCommittedBatch;

    public SupervisedQuery(String name, Starter starter, Stopper stopper, Backoff backoff, ScheduledExecutorService scheduler, Clock clock) {
        this.name = requireNonNull(name, "name is null");
        this.starter = requireNonNull(starter, "starter is null");
        this.stopper = requireNonNull(stopper, "stopper is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public String name() {
        return name;
    }

    /** Starts the query unless it runs; a failed start is retried with backoff. */
    public synchronized void start() {
        wanted = true;
        if (state == QueryState.ACTIVE && query != null && query.isActive()) {
            return;
        }
        generation.incrementAndGet();
        nextRestartAt = null;
        launch();
    }

    /** Stops the query, letting the running batch finish; no restart follows until {@link #start}. */
    public void stop() throws Exception {
        StreamingQuery running;
        synchronized (this) {
            wanted = false;
            generation.incrementAndGet();
            nextRestartAt = null;
            running = query;
            state = QueryState.STOPPED;
        }
        if (running != null && running.isActive()) {
            LOG.info("Stopping query {} (the running batch finishes first)", name);
            stopper.stop(running);
        }
    }

    public void restart() throws Exception {
        stop();
        start();
    }

    /** The query cannot run any more in this JVM (e.g. the lake lock was lost): stop it for good. */
    public void fail(String reason) {
        try {
            stop();
        }
        catch (Exception e) {
            LOG.warn("Stopping query {} failed", name, e);
        }
        synchronized (this) {
            state = QueryState.FAILED;
            lastFailure = reason;
            lastFailureAt = clock.instant();
        }
    }

    /** Spark's QueryTerminatedEvent for any query; ignored unless it is the current run of this one. */
    /** Whether {@code runId} is the run this supervisor started last. */
    public synchronized boolean isCurrentRun(UUID runId) {
        return query != null && query.runId().equals(runId);
    }

    public synchronized void terminated(UUID runId, Optional<String> exception) {
        if (query == null || !query.runId().equals(runId)) {
            return;
        }
        if (exception.isEmpty() || !wanted) {
            if (wanted) {
                // stopped by someone else than this supervisor: Spark itself, or a shutdown
                state = QueryState.STOPPED;
                wanted = false;
            }
            return;
        }
        recordFailure(exception.get());
        scheduleRestart();
    }

    /** Spark's progress report of a finished batch, with Spark's own rows and rates. */
    public void progressed(StreamingQueryProgress progress) {
        progressed(progress, BatchRates.ofSpark(progress));
    }

    /** Spark's progress report of a finished batch, and the rows and rates it really had (Spark's counters may miss them). */
    public void progressed(StreamingQueryProgress progress, BatchRates rates) {
        synchronized (this) {
            if (query == null || !query.runId().equals(progress.runId())) {
                return;
            }
        }
        lastRates = rates;
        lastProgress = progress;
        if (progress.numInputRows() > 0 || progress.durationMs().containsKey("addBatch")) {
            lastCommittedBatch = progress.batchId();
            backoff.reset();
        }
    }

    public synchronized Optional<StreamingQuery> query() {
        return Optional.ofNullable(query);
    }

    public synchronized Snapshot snapshot() {
        QueryState current = state;
        if (current == QueryState.ACTIVE && query != null && !query.isActive() && query.exception().isDefined()) {
            // terminated, the listener has not told us yet
            current = QueryState.RESTARTING;
        }
        return new Snapshot(name, Optional.ofNullable(query).map(StreamingQuery::id), Optional.ofNullable(query).map(StreamingQuery::runId),
                current, wanted, Optional.ofNullable(lastProgress), Optional.ofNullable(lastRates), Optional.ofNullable(lastCommittedBatch), restarts,
                Optional.ofNullable(lastFailure), Optional.ofNullable(lastFailureAt), Optional.ofNullable(nextRestartAt));
    }

    private void launch() {
        try {
            query = starter.start();
            state = QueryState.ACTIVE;
            LOG.info("Query {} started (id {}, run {})", name, query.id(), query.runId());
        }
        catch (Exception e) {
            recordFailure(e.toString());
            scheduleRestart();
        }
    }

    private void recordFailure(String message) {
        lastFailure = message;
        lastFailureAt = clock.instant();
        state = QueryState.RESTARTING;
    }

    private void scheduleRestart() {
        Duration delay = backoff.next();
        long scheduledGeneration = generation.get();
        nextRestartAt = clock.instant().plus(delay);
        LOG.warn("Query {} failed ({}); restarting from its checkpoint in {} ms", name, lastFailure, delay.toMillis());
        scheduler.schedule(() -> restartAfterFailure(scheduledGeneration), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restartAfterFailure(long scheduledGeneration) {
        if (!wanted || generation.get() != scheduledGeneration || state != QueryState.RESTARTING) {
            return;
        }
        restarts++;
        nextRestartAt = null;
        LOG.info("Restarting query {} (restart {})", name, restarts);
        launch();
    }
}
