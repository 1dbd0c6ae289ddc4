package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's metrics on a Micrometer registry, scraped in the Prometheus text format: requests
 * and their latency, events sent and failed, the JVM's own metrics, and the Kafka producer's own
 * metrics once {@link #bindKafkaProducer bound}. Labels are bounded: routes are endpoint templates
 * (or {@code unmatched}), never raw paths, and statuses are HTTP codes.
 */
public final class Metrics implements AutoCloseable {
    /** The format {@link PrometheusMeterRegistry#scrape()} writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String REQUESTS = "api.requests";
    static final String REQUEST_DURATION = "api.request.duration";
    static final String REQUESTS_REFUSED = "api.requests.refused";
    static final String EVENTS_PRODUCED = "api.events.produced";
    static final String EVENTS_FAILED = "api.events.failed";

    private static final String METHOD = "method";
    private static final String ROUTE = "route";
    private static final String STATUS = "status";
    private static final String EVENT_TYPE = "event_type";

    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    // The bucket bounds the API has always published, so dashboards and alerts on `le` keep working;
    // Micrometer's own percentile histogram would add some 70 buckets to every method and route.
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> closeableBinders = Collections.synchronizedList(new ArrayList<>());
    private final Map<EventType, Counter> eventsProduced;
    private final Map<EventType, Counter> eventsFailed;

    public Metrics() {
        bind(new ClassLoaderMetrics());
        bind(new JvmMemoryMetrics());
        bind(new JvmGcMetrics());
        bind(new JvmThreadMetrics());
        bind(new ProcessorMetrics());
        bind(new UptimeMetrics());
        // Every event type from the start, so a type that never failed reads 0 rather than missing.
        eventsProduced = eventCounters(EVENTS_PRODUCED, "Events acknowledged by Kafka, by event type.");
        eventsFailed = eventCounters(EVENTS_FAILED, "Events Kafka did not acknowledge in time, by event type.");
    }

    /**
     * Publishes the producer's own metrics (send and error rates, request latency, batch sizes,
     * buffer use, per broker) as {@code kafka_producer_*}, read from the producer itself. They are
     * unbound when these metrics are {@linkplain #close() closed}.
     */
    public void bindKafkaProducer(Producer<?, ?> producer) {
        bind(new KafkaClientMetrics(requireNonNull(producer, "producer is null")));
    }

    /** One answered request; {@code route} must be an endpoint template or {@code unmatched}, never a raw path. */
    public void observeRequest(String method, String route, int status, Duration elapsed) {
        requireNonNull(method, "method is null");
        requireNonNull(route, "route is null");
        requireNonNull(elapsed, "elapsed is null");
        Counter.builder(REQUESTS)
                .description("HTTP requests answered, by method, route and status.")
                .tags(METHOD, method, ROUTE, route, STATUS, Integer.toString(status))
                .register(registry)
                .increment();
        Timer.builder(REQUEST_DURATION)
                .description("Time to answer HTTP requests, by method and route.")
                .tags(METHOD, method, ROUTE, route)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)
                .record(elapsed);
    }

    /** A request the HTTP server answered with an error itself (a malformed URI, headers too large), before any route ran. */
    public void requestRefused(int status) {
        Counter.builder(REQUESTS_REFUSED)
                .description("Requests the HTTP server refused before any route ran (malformed URI or headers, too large), by status.")
                .tag(STATUS, Integer.toString(status))
                .register(registry)
                .increment();
    }

    public void eventProduced(EventType type) {
        eventsProduced.get(requireNonNull(type, "type is null")).increment();
    }

    public void eventFailed(EventType type) {
        eventsFailed.get(requireNonNull(type, "type is null")).increment();
    }

    public long requestCount(String method, String route, int status) {
        Counter counter = registry.find(REQUESTS).tags(METHOD, method, ROUTE, route, STATUS, Integer.toString(status)).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    public long refusedCount(int status) {
        Counter counter = registry.find(REQUESTS_REFUSED).tag(STATUS, Integer.toString(status)).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    public long eventsProduced(EventType type) {
        return (long) eventsProduced.get(requireNonNull(type, "type is null")).count();
    }

    public long eventsFailed(EventType type) {
        return (long) eventsFailed.get(requireNonNull(type, "type is null")).count();
    }

    /** Every metric in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    /** Stops the binders that watch something (GC notifications, the Kafka producer's metric refresh). */
    @Override
    public void close() {
        List<AutoCloseable> binders;
        synchronized (closeableBinders) {
            binders = new ArrayList<>(closeableBinders);
            closeableBinders.clear();
        }
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            }
            catch (Exception e) {
                log.warn("Cannot close metrics binder {}: {}", binder.getClass().getSimpleName(), e.toString());
            }
        }
        registry.close();
    }

    private void bind(MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            closeableBinders.add(closeable);
        }
    }

    private Map<EventType, Counter> eventCounters(String name, String description) {
        Map<EventType, Counter> counters = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            counters.put(type, Counter.builder(name).description(description).tag(EVENT_TYPE, type.wireName()).register(registry));
        }
        return Collections.unmodifiableMap(counters);
    }
}
