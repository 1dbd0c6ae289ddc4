package dev.bankinglake.api.http;

import dev.bankinglake.contract.EventType;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The few metrics the API exposes, rendered in the Prometheus text format (version 0.0.4).
 * Labels are bounded: routes are endpoint templates, not raw paths.
 */
public final class Metrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final double[] BUCKETS_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record RequestKey(String method, String route, int status) {
    }

    private record RouteKey(String method, String route) {
    }

    private static final class Histogram {
        private final LongAdder[] buckets = new LongAdder[BUCKETS_SECONDS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS_SECONDS.length; i++) {
                if (seconds <= BUCKETS_SECONDS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    private final ConcurrentMap<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<RouteKey, Histogram> latencies = new ConcurrentHashMap<>();
    private final ConcurrentMap<EventType, LongAdder> eventsProduced = new ConcurrentHashMap<>();
    private final ConcurrentMap<EventType, LongAdder> eventsFailed = new ConcurrentHashMap<>();

    public void observeRequest(String method, String route, int status, double millis) {
        requests.computeIfAbsent(new RequestKey(method, route, status), key -> new LongAdder()).increment();
        latencies.computeIfAbsent(new RouteKey(method, route), key -> new Histogram()).observe(millis / 1000.0);
    }

    public void eventProduced(EventType type) {
        eventsProduced.computeIfAbsent(type, key -> new LongAdder()).increment();
    }

    public void eventFailed(EventType type) {
        eventsFailed.computeIfAbsent(type, key -> new LongAdder()).increment();
    }

    public long requestCount(String method, String route, int status) {
        LongAdder adder = requests.get(new RequestKey(method, route, status));
        return adder == null ? 0 : adder.sum();
    }

    public long eventsProduced(EventType type) {
        LongAdder adder = eventsProduced.get(type);
        return adder == null ? 0 : adder.sum();
    }

    public long eventsFailed(EventType type) {
        LongAdder adder = eventsFailed.get(type);
        return adder == null ? 0 : adder.sum();
    }

    public String scrape() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP api_requests_total HTTP requests answered, by method, route and status.\n");
        out.append("# TYPE api_requests_total counter\n");
        Map<String, Long> lines = new TreeMap<>();
        requests.forEach((key, adder) -> lines.put("api_requests_total{method=\"" + escape(key.method()) + "\",route=\""
                + escape(key.route()) + "\",status=\"" + key.status() + "\"}", adder.sum()));
        lines.forEach((name, value) -> out.append(name).append(' ').append(value).append('\n'));

        out.append("# HELP api_request_duration_seconds Time to answer HTTP requests, by method and route.\n");
        out.append("# TYPE api_request_duration_seconds histogram\n");
        Map<String, Histogram> histograms = new TreeMap<>();
        latencies.forEach((key, histogram) -> histograms.put("method=\"" + escape(key.method()) + "\",route=\""
                + escape(key.route()) + "\"", histogram));
        histograms.forEach((labels, histogram) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS_SECONDS.length; i++) {
                cumulative += histogram.buckets[i].sum();
                out.append("api_request_duration_seconds_bucket{").append(labels).append(",le=\"")
                        .append(BUCKETS_SECONDS[i]).append("\"} ").append(cumulative).append('\n');
            }
            long count = histogram.count.sum();
            out.append("api_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count).append('\n');
            out.append("api_request_duration_seconds_sum{").append(labels).append("} ").append(histogram.sum.sum()).append('\n');
            out.append("api_request_duration_seconds_count{").append(labels).append("} ").append(count).append('\n');
        });

        appendEventCounter(out, "api_events_produced_total", "Events acknowledged by Kafka, by event type.", eventsProduced);
        appendEventCounter(out, "api_events_failed_total", "Events Kafka did not acknowledge in time, by event type.", eventsFailed);
        return out.toString();
    }

    private static void appendEventCounter(StringBuilder out, String name, String help, Map<EventType, LongAdder> counters) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        for (EventType type : EventType.values()) {
            LongAdder adder = counters.get(type);
            out.append(name).append("{event_type=\"").append(type.wireName()).append("\"} ")
                    .append(adder == null ? 0 : adder.sum()).append('\n');
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
