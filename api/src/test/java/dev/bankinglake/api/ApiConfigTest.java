package dev.bankinglake.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {
    @Test
    void defaults() {
        ApiConfig config = ApiConfig.defaults();
        assertThat(config).isEqualTo(new ApiConfig("127.0.0.1", 5000, "127.0.0.1:9092", "events", 16_384, Duration.ofSeconds(5)));
        assertThat(ApiConfig.fromEnvironment(Map.of(ApiConfig.API_PORT, " ", ApiConfig.EVENTS_TOPIC, ""))).isEqualTo(config);
    }

    @Test
    void fullExplicitMapping() {
        ApiConfig config = ApiConfig.fromEnvironment(Map.of(
                "API_HOST", "10.0.0.7",
                "LAKE_BIND_ADDRESS", "10.0.0.8",
                "API_PORT", "8081",
                "KAFKA_BOOTSTRAP", "broker-1:9093,broker-2:9093",
                "EVENTS_TOPIC", "game.events-v1",
                "API_MAX_BODY_BYTES", "1024",
                "API_KAFKA_TIMEOUT_MS", "2500",
                "API_KAFKA_LINGER_MS", "5",
                "UNRELATED", "ignored"));
        assertThat(config).isEqualTo(new ApiConfig("10.0.0.7", 8081, "broker-1:9093,broker-2:9093", "game.events-v1", 1024,
                Duration.ofMillis(2500), Duration.ofMillis(5)));
    }

    @Test
    void listensOnTheStacksBindAddressUnlessApiHostSaysOtherwise() {
        assertThat(ApiConfig.fromEnvironment(Map.of("LAKE_BIND_ADDRESS", "0.0.0.0")).host()).isEqualTo("0.0.0.0");
        assertThat(ApiConfig.fromEnvironment(Map.of("LAKE_BIND_ADDRESS", "0.0.0.0", "API_HOST", "10.1.2.3")).host()).isEqualTo("10.1.2.3");
        assertThat(ApiConfig.fromEnvironment(Map.of()).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> ApiConfig.fromEnvironment(Map.of(
                "API_PORT", "http",
                "KAFKA_BOOTSTRAP", "no-port",
                "EVENTS_TOPIC", "bad topic",
                "API_MAX_BODY_BYTES", "10",
                "API_KAFKA_TIMEOUT_MS", "1",
                "API_KAFKA_LINGER_MS", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid API configuration: ")
                .hasMessageContaining("API_PORT must be a whole number, was 'http'")
                .hasMessageContaining("KAFKA_BOOTSTRAP must be host:port[,host:port...], was 'no-port'")
                .hasMessageContaining("EVENTS_TOPIC must be 1-249 characters of [a-zA-Z0-9._-], was 'bad topic'")
                .hasMessageContaining("API_MAX_BODY_BYTES must be at least 64, was 10")
                .hasMessageContaining("API_KAFKA_TIMEOUT_MS must be between 500 and 120000, was 1")
                .hasMessageContaining("API_KAFKA_LINGER_MS must be between 0 and 1000, was -1");
    }

    @Test
    void lingerBelowTimeout() {
        assertThatThrownBy(() -> ApiConfig.fromEnvironment(Map.of("API_KAFKA_TIMEOUT_MS", "600", "API_KAFKA_LINGER_MS", "600")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid API configuration: API_KAFKA_LINGER_MS must be below API_KAFKA_TIMEOUT_MS (600), was 600");
    }

    @Test
    void portOutOfRange() {
        assertThatThrownBy(() -> ApiConfig.fromEnvironment(Map.of("API_PORT", "70000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid API configuration: API_PORT must be between 0 and 65535, was 70000");
    }
}
