package dev.bankinglake.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.api.events.KafkaSettings;
import dev.bankinglake.contract.EventType;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void requestsAreCountedAndTimedByMethodRouteAndStatus() {
        try (Metrics metrics = new Metrics()) {
            metrics.observeRequest("POST", HttpApi.DEPOSIT, 200, Duration.ofMillis(3));
            metrics.observeRequest("POST", HttpApi.DEPOSIT, 200, Duration.ofMillis(30));
            metrics.observeRequest("POST", HttpApi.DEPOSIT, 422, Duration.ofMillis(2));

            assertThat(metrics.requestCount("POST", HttpApi.DEPOSIT, 200)).isEqualTo(2);
            assertThat(metrics.requestCount("POST", HttpApi.DEPOSIT, 422)).isEqualTo(1);
            assertThat(metrics.requestCount("GET", HttpApi.DEPOSIT, 200)).isZero();
            assertThat(metrics.scrape())
                    .contains("api_requests_total{method=\"POST\",route=\"/deposit\",status=\"200\"} 2")
                    .contains("api_request_duration_seconds_bucket{method=\"POST\",route=\"/deposit\",le=\"0.0025\"} 1")
                    .contains("api_request_duration_seconds_bucket{method=\"POST\",route=\"/deposit\",le=\"0.005\"} 2")
                    .contains("api_request_duration_seconds_bucket{method=\"POST\",route=\"/deposit\",le=\"0.05\"} 3")
                    .contains("api_request_duration_seconds_count{method=\"POST\",route=\"/deposit\"} 3")
                    .contains("api_request_duration_seconds_sum{method=\"POST\",route=\"/deposit\"} 0.035")
                    .contains("api_request_duration_seconds_max{method=\"POST\",route=\"/deposit\"} 0.03");
        }
    }

    @Test
    void everyEventTypeIsReportedFromTheStart() {
        try (Metrics metrics = new Metrics()) {
            metrics.eventProduced(EventType.MAKE_DEPOSIT);
            metrics.eventFailed(EventType.BUY_ASSET);

            String scrape = metrics.scrape();
            for (EventType type : EventType.values()) {
                assertThat(scrape).contains("api_events_produced_total{event_type=\"" + type.wireName() + "\"}")
                        .contains("api_events_failed_total{event_type=\"" + type.wireName() + "\"}");
            }
            assertThat(scrape).contains("api_events_produced_total{event_type=\"make_deposit\"} 1")
                    .contains("api_events_failed_total{event_type=\"buy_asset\"} 1")
                    .contains("api_events_failed_total{event_type=\"make_deposit\"} 0");
            assertThat(metrics.eventsProduced(EventType.MAKE_DEPOSIT)).isEqualTo(1);
            assertThat(metrics.eventsFailed(EventType.MAKE_DEPOSIT)).isZero();
        }
    }

    @Test
    void theJvmReportsItsOwnMetrics() {
        try (Metrics metrics = new Metrics()) {
            assertThat(metrics.scrape())
                    .contains("jvm_memory_used_bytes{area=\"heap\"")
                    .contains("jvm_memory_max_bytes{")
                    .contains("jvm_gc_memory_allocated_bytes_total ")
                    .contains("jvm_threads_live_threads ")
                    .contains("jvm_threads_states_threads{state=\"runnable\"}")
                    .contains("jvm_classes_loaded_classes ")
                    .contains("system_cpu_count ")
                    .contains("process_cpu_usage ")
                    .contains("process_uptime_seconds ")
                    .contains("process_start_time_seconds ");
        }
    }

    @Test
    void aBoundProducerReportsItsOwnMetrics() throws IOException {
        // A real producer needs no broker to have its metrics; nothing listens on this port.
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                KafkaSettings.producer("127.0.0.1:" + closedPort, Duration.ofSeconds(1)));
                Metrics metrics = new Metrics()) {
            assertThat(metrics.scrape()).doesNotContain("kafka_producer_");

            metrics.bindKafkaProducer(producer);

            assertThat(metrics.scrape())
                    .contains("kafka_producer_record_send_rate{")
                    .contains("kafka_producer_record_send_total{")
                    .contains("kafka_producer_record_error_rate{")
                    .contains("kafka_producer_request_latency_avg{")
                    .contains("kafka_producer_request_latency_max{")
                    .contains("kafka_producer_buffer_available_bytes{")
                    .contains("client_id=\"lake-api-producer\"");
        }
    }
}
