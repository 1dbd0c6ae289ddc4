package dev.bankinglake.api.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.ApiConfig;
import dev.bankinglake.api.ApiServer;
import dev.bankinglake.api.events.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** An API server running in the test JVM against a real broker, and an HTTP client for it. */
final class TestApi implements AutoCloseable {
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(3);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final ApiServer server;
    private final String topic;

    private TestApi(ApiServer server, String topic) {
        this.server = server;
        this.topic = topic;
    }

    /** Starts an API on a free port and waits until it has rebuilt its state from the topic. */
    static TestApi start(String kafkaBootstrap, String topic) {
        ApiConfig config = new ApiConfig("127.0.0.1", 0, kafkaBootstrap, topic, ApiConfig.DEFAULT_MAX_BODY_BYTES, KAFKA_TIMEOUT);
        ApiServer server = new ApiServer(config, Clock.systemUTC()).start();
        TestApi api = new TestApi(server, topic);
        await("API rebuilt its state from topic " + topic).atMost(60, SECONDS).pollInterval(Duration.ofMillis(100))
                .until(server::rebuilt);
        return api;
    }

    /** A topic name no other test uses. */
    static String uniqueTopic(String prefix) {
        return "api-it-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    ApiServer server() {
        return server;
    }

    String topic() {
        return topic;
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    HttpResponse<String> get(String path) {
        return get(path, Map.of());
    }

    HttpResponse<String> post(String path, String json, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json)), headers);
    }

    HttpResponse<String> post(String path, String json) {
        return post(path, json, Map.of("Content-Type", "application/json"));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return EventJson.read(response.body());
        }
        catch (Exception e) {
            throw new AssertionError("Not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> headers) {
        headers.forEach(request::header);
        request.timeout(Duration.ofSeconds(30));
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        catch (Exception e) {
            throw new IllegalStateException("HTTP request failed: " + e, e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
