package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark's events of one supervised query: its start and end logged, its end handed to the
 * supervision ({@link SupervisedQuery#terminated}), its progress to {@link #progressed}. Every
 * other query's events are left to that query's own listener.
 */
public abstract class SupervisedQueryListener extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisedQueryListener.class);

    private final SupervisedQuery supervised;

    protected SupervisedQueryListener(SupervisedQuery supervised) {
        this.supervised = requireNonNull(supervised, "supervised is null");
    }

    /** A finished batch of this listener's query. */
    protected abstract void progressed(StreamingQueryProgress progress);

    @Override
    public final void onQueryStarted(QueryStartedEvent event) {
        if (supervised.name().equals(event.name())) {
            LOG.info("Streaming query started: {} (id {}, run {})", event.name(), event.id(), event.runId());
        }
    }

    @Override
    public final void onQueryProgress(QueryProgressEvent event) {
        if (supervised.name().equals(event.progress().name())) {
            progressed(event.progress());
        }
    }

    @Override
    public final void onQueryTerminated(QueryTerminatedEvent event) {
        Optional<String> exception = event.exception().isDefined() ? Optional.of(event.exception().get()) : Optional.empty();
        if (supervised.isCurrentRun(event.runId())) {
            exception.ifPresentOrElse(message -> LOG.error("Streaming query {} failed: {}", supervised.name(), message),
                    () -> LOG.info("Streaming query {} stopped", supervised.name()));
        }
        supervised.terminated(event.runId(), exception);
    }
}
