package dev.bankinglake.api;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.EventContract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the API can be told from outside, read from environment variables. Defaults live
 * here and nowhere else; construction fails with every problem listed at once.
 *
 * @param host               interface the HTTP server binds to ({@code API_HOST}, else the stack's
 *                           {@code LAKE_BIND_ADDRESS}, else loopback: nobody else gets in unless told)
 * @param port               HTTP port, 0 for any free port ({@code API_PORT})
 * @param kafkaBootstrap     Kafka bootstrap servers, {@code host:port[,host:port]} ({@code KAFKA_BOOTSTRAP})
 * @param eventsTopic        topic events are written to and state is rebuilt from ({@code EVENTS_TOPIC})
 * @param maxBodyBytes       largest request body accepted; larger ones answer 413 ({@code API_MAX_BODY_BYTES})
 * @param kafkaTimeout       longest a request waits for Kafka to acknowledge its event ({@code API_KAFKA_TIMEOUT_MS})
 * @param kafkaLinger        how long the producer waits for more events to send in one request
 *                           ({@code API_KAFKA_LINGER_MS}, Kafka's {@code linger.ms}); every
 *                           request still answers only after its own event is acknowledged
 */
public record ApiConfig(
        String host,
        int port,
        String kafkaBootstrap,
        String eventsTopic,
        long maxBodyBytes,
        Duration kafkaTimeout,
        Duration kafkaLinger) {

    public static final String API_HOST = "API_HOST";
    /** The stack's one bind variable (scripts/lib/env.sh), which API_HOST overrides. */
    public static final String LAKE_BIND_ADDRESS = "LAKE_BIND_ADDRESS";
    public static final String API_PORT = "API_PORT";
    public static final String KAFKA_BOOTSTRAP = "KAFKA_BOOTSTRAP";
    public static final String EVENTS_TOPIC = "EVENTS_TOPIC";
    public static final String API_MAX_BODY_BYTES = "API_MAX_BODY_BYTES";
    public static final String API_KAFKA_TIMEOUT_MS = "API_KAFKA_TIMEOUT_MS";
    public static final String API_KAFKA_LINGER_MS = "API_KAFKA_LINGER_MS";

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5000;
    public static final String DEFAULT_KAFKA_BOOTSTRAP = "127.0.0.1:9092";
    public static final String DEFAULT_EVENTS_TOPIC = EventContract.DEFAULT_TOPIC;
    public static final long DEFAULT_MAX_BODY_BYTES = 16_384;
    public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_KAFKA_LINGER = Duration.ZERO;

    private static final long MIN_KAFKA_TIMEOUT_MS = 500;
    private static final long MAX_KAFKA_TIMEOUT_MS = 120_000;
    private static final long MAX_KAFKA_LINGER_MS = 1_000;

    public ApiConfig {
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add(API_HOST + " must not be blank");
        }
        if (port < 0 || port > 65_535) {
            problems.add(API_PORT + " must be between 0 and 65535, was " + port);
        }
        if (kafkaBootstrap == null || !kafkaBootstrap.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
            problems.add(KAFKA_BOOTSTRAP + " must be host:port[,host:port...], was '" + kafkaBootstrap + "'");
        }
        if (eventsTopic == null || !eventsTopic.matches("[a-zA-Z0-9._-]{1,249}")) {
            problems.add(EVENTS_TOPIC + " must be 1-249 characters of [a-zA-Z0-9._-], was '" + eventsTopic + "'");
        }
        if (maxBodyBytes < 64) {
            problems.add(API_MAX_BODY_BYTES + " must be at least 64, was " + maxBodyBytes);
        }
        if (kafkaTimeout == null
                || kafkaTimeout.toMillis() < MIN_KAFKA_TIMEOUT_MS
                || kafkaTimeout.toMillis() > MAX_KAFKA_TIMEOUT_MS) {
            problems.add(API_KAFKA_TIMEOUT_MS + " must be between " + MIN_KAFKA_TIMEOUT_MS + " and "
                    + MAX_KAFKA_TIMEOUT_MS + ", was " + (kafkaTimeout == null ? null : kafkaTimeout.toMillis()));
        }
        if (kafkaLinger == null || kafkaLinger.isNegative() || kafkaLinger.toMillis() > MAX_KAFKA_LINGER_MS) {
            problems.add(API_KAFKA_LINGER_MS + " must be between 0 and " + MAX_KAFKA_LINGER_MS + ", was "
                    + (kafkaLinger == null ? null : kafkaLinger.toMillis()));
        }
        else if (kafkaTimeout != null && kafkaLinger.compareTo(kafkaTimeout) >= 0) {
            problems.add(API_KAFKA_LINGER_MS + " must be below " + API_KAFKA_TIMEOUT_MS + " (" + kafkaTimeout.toMillis()
                    + "), was " + kafkaLinger.toMillis());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid API configuration: " + String.join("; ", problems));
        }
    }

    /** With the default linger. */
    public ApiConfig(String host, int port, String kafkaBootstrap, String eventsTopic, long maxBodyBytes, Duration kafkaTimeout) {
        this(host, port, kafkaBootstrap, eventsTopic, maxBodyBytes, kafkaTimeout, DEFAULT_KAFKA_LINGER);
    }

    public static ApiConfig defaults() {
        return fromEnvironment(Map.of());
    }

    /** Reads the configuration from a map of environment variables; absent or blank means default. */
    public static ApiConfig fromEnvironment(Map<String, String> environment) {
        requireNonNull(environment, "environment is null");
        List<String> problems = new ArrayList<>();
        Function<String, String> lookup = name -> {
            String value = environment.get(name);
            return value == null || value.isBlank() ? null : value.trim();
        };
        String host = orDefault(lookup.apply(API_HOST), orDefault(lookup.apply(LAKE_BIND_ADDRESS), DEFAULT_HOST));
        long port = parseLong(lookup, API_PORT, DEFAULT_PORT, problems);
        String bootstrap = orDefault(lookup.apply(KAFKA_BOOTSTRAP), DEFAULT_KAFKA_BOOTSTRAP);
        String topic = orDefault(lookup.apply(EVENTS_TOPIC), DEFAULT_EVENTS_TOPIC);
        long maxBody = parseLong(lookup, API_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, problems);
        long timeoutMs = parseLong(lookup, API_KAFKA_TIMEOUT_MS, DEFAULT_KAFKA_TIMEOUT.toMillis(), problems);
        long lingerMs = parseLong(lookup, API_KAFKA_LINGER_MS, DEFAULT_KAFKA_LINGER.toMillis(), problems);
        try {
            ApiConfig config = new ApiConfig(host, (int) Math.max(-1, Math.min(port, Integer.MAX_VALUE)), bootstrap, topic, maxBody,
                    Duration.ofMillis(timeoutMs), Duration.ofMillis(lingerMs));
            if (problems.isEmpty()) {
                return config;
            }
        }
        catch (IllegalArgumentException e) {
            problems.add(e.getMessage().replaceFirst("^Invalid API configuration: ", ""));
        }
        throw new IllegalArgumentException("Invalid API configuration: " + String.join("; ", problems));
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null ? defaultValue : value;
    }

    private static long parseLong(Function<String, String> lookup, String name, long defaultValue, List<String> problems) {
        String value = lookup.apply(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        }
        catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, was '" + value + "'");
            return defaultValue;
        }
    }
}
