package dev.bankinglake.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.WindowTable;
import dev.bankinglake.service.BatchHistory;
import dev.bankinglake.service.IngestMetrics;
import dev.bankinglake.service.ServiceStatus;
import dev.bankinglake.service.http.OperatorToken;
import dev.bankinglake.service.http.ServiceHttp;
import dev.bankinglake.windows.LiveWindows;
import dev.bankinglake.windows.WindowKey;
import dev.bankinglake.windows.WindowUpdate;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The analytics routes over a real socket, without Presto behind them (a closed port): parameters are
 * checked first, the live windows stream as Server-Sent Events, the dashboard and its chart library are served.
 */
class AnalyticsHttpTest {
    private static final Instant NOW = Instant.parse("2026-11-20T22:08:28Z");
    private final HttpClient client = HttpClient.newHttpClient();
    private final LiveWindows live = new LiveWindows(100);
    private final BatchHistory history = BatchHistory.lastHour();
    private WindowStream stream;
    private Javalin app;

    @BeforeEach
    void start() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PrestoAnalytics presto = new PrestoAnalytics("http://127.0.0.1:" + closedPort, "hive_readonly", "default", 10, Duration.ofSeconds(5));
        stream = new WindowStream(live, () -> Map.of("service", Map.of("phase", "running")));
        AnalyticsHttp analytics = new AnalyticsHttp(live, presto, stream, history, Clock.fixed(NOW, ZoneOffset.UTC));
        app = new ServiceHttp(new ServiceStatus(NOW), new IngestMetrics(), List.of(analytics), OperatorToken.none()).create().start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        stream.close();
        app.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static WindowUpdate update(String start, String key, long events, boolean isFinal) {
        Instant begin = Instant.parse(start);
        return new WindowUpdate(new WindowKey(WindowTable.EVENT_COUNTS, begin.toEpochMilli(), begin.plusSeconds(60).toEpochMilli(), key),
                Map.of("events", events), isFinal);
    }

    @Test
    void theHistoryRouteAnswersTheBatchesOfTheLastHourOldestFirst() throws Exception {
        assertThat(get("/analytics/history").body()).isEqualTo("{\"batches\":[]}");
        history.add(BatchHistory.Entry.live(7, NOW.minusSeconds(2), 12, 6.0, Duration.ofMillis(250), 3, Duration.ofMillis(900), java.util.Optional.of(Duration.ofMillis(1900))));
        history.add(BatchHistory.Entry.live(8, NOW.minusSeconds(1), 4, 4.0, Duration.ofMillis(150), 0, Duration.ofMillis(600), java.util.Optional.empty()));
        HttpResponse<String> answer = get("/analytics/history");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"batch_id\":7,\"batch_time\":\"" + NOW.minusSeconds(2) + "\",\"rows\":12,\"input_rows_per_second\":6.0,"
                + "\"batch_duration_ms\":250,\"kafka_lag\":3,\"delay_ms\":900,\"end_to_end_ms\":1900")
                .contains("\"delay_ms\":600,\"end_to_end_ms\":null").containsSubsequence("\"batch_id\":7", "\"batch_id\":8");
    }

    @Test
    void badParametersAnswer400WithTheReasonBeforeAnyQuery() throws Exception {
        assertThat(get("/analytics/counts?from=yesterday")).satisfies(response -> {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("\"error\":\"Invalid from: 'yesterday' (must be an ISO-8601 instant");
        });
        assertThat(get("/analytics/counts?event_type=deposit").body()).contains("Unknown event_type: 'deposit'");
        assertThat(get("/analytics/trades?asset=a%27b").statusCode()).isEqualTo(400);
        assertThat(get("/analytics/sql").body()).contains("\"status\":400").contains("Missing q");
        assertThat(get("/analytics/tables/asset_prices?limit=0").body()).contains("Invalid limit: 0 (must be 1 to 10)");
        assertThat(get("/analytics/tables/no_such_table")).satisfies(response -> {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).contains("Unknown table: 'no_such_table' (known: asset_prices,").contains("event_counts, trade_windows");
        });
    }

    @Test
    void prestoAwayIsA503NotA500() throws Exception {
        HttpResponse<String> response = get("/analytics/sql?q=select%201");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("is unavailable");
        assertThat(get("/analytics/counts").statusCode()).isEqualTo(503);
    }

    @Test
    void finalWindowsOfTheLakeWinOverTheLiveOnesAndOpenOnesAreAdded() {
        List<WindowUpdate> merged = AnalyticsHttp.merge(
                List.of(update("2026-11-20T22:07:00Z", "make_deposit", 4, true)),
                List.of(update("2026-11-20T22:07:00Z", "make_deposit", 3, false), update("2026-11-20T22:08:00Z", "make_deposit", 1, false),
                        update("2026-11-20T22:07:00Z", "open_account", 2, true)));
        assertThat(merged).extracting(update -> update.start().toString().substring(11, 16) + " " + update.key() + " "
                + update.figures().get("events") + " " + update.isFinal())
                .containsExactly("22:07 make_deposit 4 true", "22:07 open_account 2 true", "22:08 make_deposit 1 false");
    }

    @Test
    void theStreamSendsOpenWindowsOnConnectThenEveryUpdate() throws Exception {
        live.apply(List.of(update("2026-11-20T22:07:00Z", "make_deposit", 1, false)));
        // as a browser's EventSource asks
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + AnalyticsHttp.STREAM))
                .header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(nextEvent(lines)).containsExactly("event: window", "data: {\"table\":\"event_counts\",\"window_start\":\"2026-11-20T22:07:00Z\","
                    + "\"window_end\":\"2026-11-20T22:08:00Z\",\"key\":\"make_deposit\",\"event_type\":\"make_deposit\",\"final\":false,"
                    + "\"figures\":{\"events\":1}}");
            assertThat(nextEvent(lines)).containsExactly("event: pipeline", "data: {\"service\":{\"phase\":\"running\"}}");
            live.apply(List.of(update("2026-11-20T22:07:00Z", "make_deposit", 2, true)));
            // the pipeline state comes every 2 s in between
            List<String> next = nextEvent(lines);
            for (int skipped = 0; skipped < 5 && next.get(0).equals("event: pipeline"); skipped++) {
                next = nextEvent(lines);
            }
            assertThat(next).hasSize(2).first().isEqualTo("event: window");
            assertThat(next.get(1)).contains("\"final\":true").contains("\"events\":2");
        }
    }

    /** The lines of the next event, without the blank line that ends it. */
    private static List<String> nextEvent(BufferedReader lines) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                java.util.ArrayList<String> event = new java.util.ArrayList<>();
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (!event.isEmpty()) {
                            return (List<String>) event;
                        }
                        continue;
                    }
                    if (!line.startsWith(":")) {
                        event.add(line);
                    }
                }
                return (List<String>) event;
            }
            catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theDashboardAndItsChartLibraryComeFromTheService() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<script src=\"/assets/chart.umd.js\"></script>").doesNotContain("https://");
        HttpResponse<String> chart = get(AnalyticsHttp.CHART_LIBRARY);
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart.js");
        assertThat(get("/dashboard.js").body()).contains("new EventSource('/analytics/stream')");
    }
}
