package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes windows by the clock when the events topic is idle. Spark's watermark is the latest event
 * time seen minus the delay: with no new events it stands still, and the last windows would stay
 * open until traffic comes back. While an open window's end plus the watermark delay has passed in
 * wall-clock time, this publishes a tick (a message whose Kafka timestamp is now) on the windows
 * query's clock topic: the first as soon as a window is due (the service checks several times per
 * trigger interval), then at most one per trigger interval while one stays due. The query reads the
 * tick as an event time that adds to no window: the watermark moves to now minus the delay, and the
 * batch that read the tick closes the window ({@link WindowFunction}), writes it to its table and
 * publishes it, as traffic would have.
 *
 * <p>Why ticks, not Spark's processing-time timeouts or a close on the driver: a timeout needs a
 * batch on every trigger (no-data batches), even when nothing is due; a close on the driver would
 * write windows the query's state still holds open, and an event arriving later would change a
 * window already written. A tick keeps the query the only one that closes windows, a later event
 * for a closed window counts as late as before, and a replay reads the same ticks again.
 */
final class WindowClock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WindowClock.class);
    /** The clock topic of a windows topic: {@code <windows topic>-clock}. */
    static final String SUFFIX = "-clock";
    static final String TICK = "tick";
    private static final long TIMEOUT_SECONDS = 30;
    private static final Duration RETENTION = Duration.ofDays(1);

    private final String bootstrap;
    private final String topic;
    private final LiveWindows live;
    private final Duration watermarkDelay;
    private final Duration tickInterval;
    private final Clock clock;
    private KafkaProducer<String, String> producer;
    private volatile Instant lastTick;
    private Instant lastAttempt;

    /** {@code tickInterval}: the least time between two ticks (the windows query's trigger interval). */
    WindowClock(String bootstrap, String windowsTopic, LiveWindows live, Duration watermarkDelay, Duration tickInterval, Clock clock) {
        this.bootstrap = requireNonNull(bootstrap, "bootstrap is null");
        this.topic = topicOf(requireNonNull(windowsTopic, "windowsTopic is null"));
        this.live = requireNonNull(live, "live is null");
        this.watermarkDelay = requireNonNull(watermarkDelay, "watermarkDelay is null");
        this.tickInterval = requireNonNull(tickInterval, "tickInterval is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    static String topicOf(String windowsTopic) {
        return windowsTopic + SUFFIX;
    }

    String topic() {
        return topic;
    }

    Optional<Instant> lastTick() {
        return Optional.ofNullable(lastTick);
    }

    /** Whether a tick is due at {@code now}: a window is due, and the last tick was sent at least an interval ago. */
    static boolean tickDue(List<WindowUpdate> open, Duration watermarkDelay, Instant lastAttempt, Duration tickInterval, Instant now) {
        return due(open, watermarkDelay, now) && (lastAttempt == null || !lastAttempt.plus(tickInterval).isAfter(now));
    }

    /** Whether an open window's end plus the watermark delay has passed at {@code now}. */
    static boolean due(List<WindowUpdate> open, Duration watermarkDelay, Instant now) {
        return open.stream().anyMatch(window -> !window.end().plus(watermarkDelay).isAfter(now));
    }

    /** Creates the clock topic (one partition, a day of retention) if it is missing. */
    void ensureTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)))) {
            NewTopic clockTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETENTION.toMillis())));
            try {
                admin.createTopics(List.of(clockTopic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Created topic {} (the windows' clock: ticks while the events topic is idle)", topic);
            }
            catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Publishes a tick if a window is due, without waiting for Kafka's answer (the caller is the
     * service's scheduler); a tick that fails is logged, and the next interval sends another.
     */
    synchronized void tickIfDue() {
        Instant now = clock.instant();
        if (!tickDue(live.open(), watermarkDelay, lastAttempt, tickInterval, now)) {
            return;
        }
        lastAttempt = now;
        try {
            producer().send(new ProducerRecord<>(topic, null, now.toEpochMilli(), null, TICK), (metadata, failure) -> {
                if (failure == null) {
                    lastTick = now;
                }
                else {
                    LOG.warn("No tick on {}: {}", topic, failure.toString());
                }
            });
        }
        catch (RuntimeException e) {
            LOG.warn("No tick on {}: {}", topic, e.toString());
        }
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties properties = WindowsTopic.producerProperties(bootstrap);
            // never hold the scheduler's thread long while a broker is away
            properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
            producer = new KafkaProducer<>(properties);
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
