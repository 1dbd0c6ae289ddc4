package dev.bankinglake.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.service.IngestMetrics;
import dev.bankinglake.service.ServiceStatus;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP surface over a real socket, before the service has a Spark session: every answer is JSON. */
class ServiceHttpTest {
    private static final String TOKEN = "0123456789abcdef-operator";
    private final HttpClient client = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        app = new ServiceHttp(new ServiceStatus(Instant.parse("2026-11-21T08:00:00Z")), new IngestMetrics(), java.util.List.of(),
                OperatorToken.of(TOKEN)).create().start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return send(method, path, "Bearer " + TOKEN);
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyChangeNeedsTheOperatorTokenAndReadsStayOpen() throws Exception {
        for (String path : java.util.List.of("/pipeline/ingest/stop", "/pipeline/ingest/start", "/pipeline/ingest/restart")) {
            HttpResponse<String> missing = send("POST", path, null);
            assertJson(missing, 401, "\"error\":\"Unauthorized: missing operator token");
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"lake-service\"");
            assertJson(send("POST", path, "Bearer " + TOKEN + "x"), 401, "Unauthorized: wrong operator token");
            assertJson(send("POST", path, "Basic " + TOKEN), 401, "must be 'Bearer <operator token>'");
            // the right token reaches the handler, which knows no such query yet
            assertJson(send("POST", path, "bearer " + TOKEN), 404, "Unknown query: 'ingest'");
        }
        assertJson(send("GET", "/pipeline/ingest", null), 404, "Unknown query: 'ingest'");
        assertJson(send("GET", "/health", null), 503, "service starting");
    }

    @Test
    void withoutAConfiguredTokenNothingMayBeChanged() throws Exception {
        Javalin open = new ServiceHttp(new ServiceStatus(Instant.parse("2026-11-21T08:00:00Z")), new IngestMetrics()).create().start("127.0.0.1", 0);
        try {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/pipeline/ingest/stop"))
                    .header("Authorization", "Bearer anything-at-all-here").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertJson(answer, 401, "no operator token configured");
        }
        finally {
            open.stop();
        }
    }

    @Test
    void aShortTokenIsRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OperatorToken.of("short"))
                .hasMessage("Invalid operator token: 5 characters (must be at least 16)");
    }

    private static void assertJson(HttpResponse<String> response, int status, String body) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).contains(body);
    }

    @Test
    void healthSaysWhyItIsNotReady() throws Exception {
        assertJson(send("GET", "/health"), 503, "\"reason\":\"service starting: Spark session, lock and queries not ready yet\"");
    }

    @Test
    void errorsAreJsonWithTheReason() throws Exception {
        assertJson(send("GET", "/pipeline/ingest"), 404, "{\"error\":\"Unknown query: 'ingest' (known: )\",\"status\":404}");
        assertJson(send("POST", "/pipeline/ingest/stop"), 404, "Unknown query: 'ingest'");
        assertJson(send("GET", "/no/such/route"), 404, "{\"error\":\"Endpoint GET /no/such/route not found\",\"status\":404}");
        assertJson(send("GET", "/batches?limit=-3"), 400, "{\"error\":\"Invalid limit: -3 (must be 1 to 1000)\",\"status\":400}");
        assertJson(send("GET", "/batches/x1"), 400, "Invalid batch id: 'x1' (must be a whole number)");
        assertJson(send("GET", "/batches"), 503, "The lineage is not available yet: the service is starting");
    }

    @Test
    void requestsJettyRefusesBeforeAnyHandlerAreAnsweredInJsonToo() throws Exception {
        assertJson(send("GET", "/pipeline/%00"), 400, "\"status\":400");
        assertJson(send("GET", "/return_asset_price/%00"), 400, "\"error\":\"Bad request: ");
        String raw = raw("GET /pipeline/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 400").contains("Content-Type: application/json").contains("\"status\":400").doesNotContain("<html");
    }

    /** A request as raw bytes: Java's HTTP client refuses to send a malformed escape. */
    private String raw(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void metricsArePrometheusTextWithTheJvmsOwn() throws Exception {
        HttpResponse<String> metrics = send("GET", "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(metrics.body()).contains("lake_batches_total 0.0").contains("lake_rows_total{table=\"rejected_events\"} 0.0")
                .contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
    }
}
