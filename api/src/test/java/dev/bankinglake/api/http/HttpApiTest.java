package dev.bankinglake.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.events.Event;
import dev.bankinglake.api.events.EventFactory;
import dev.bankinglake.api.events.EventJson;
import dev.bankinglake.api.events.RecordingEventSink;
import dev.bankinglake.api.game.Account;
import dev.bankinglake.api.game.Bank;
import dev.bankinglake.api.game.GameAction;
import dev.bankinglake.api.game.Market;
import dev.bankinglake.contract.EventContract;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import io.javalin.Javalin;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HttpApiTest {
    private static final long MAX_BODY = 1024;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final RecordingEventSink sink = new RecordingEventSink();
    private final AtomicBoolean kafkaUp = new AtomicBoolean(true);
    private final ServiceStatus status = new ServiceStatus(kafkaUp::get);
    private final Metrics metrics = new Metrics();
    private Bank bank;
    private Javalin app;

    @BeforeEach
    void start() {
        Clock clock = Clock.fixed(Market.DEFAULT_EPOCH, ZoneOffset.UTC);
        bank = new Bank(Market.withDefaultAssets(clock));
        // Seed state straight into the bank so the seeding emits nothing.
        bank.replay(new GameAction.AccountOpened("ann", "Ann Lee"));
        bank.replay(new GameAction.CashDeposited("ann", new BigDecimal("250.00")));
        bank.replay(new GameAction.AssetBought("ann", "stock_a", 2, new BigDecimal("100.00"), new BigDecimal("200.00")));
        status.markRebuilt();
        app = new HttpApi(bank, EventFactory.randomIds(clock), sink, status, metrics, MAX_BODY).create().start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        metrics.close();
    }

    static Stream<Arguments> badRequests() {
        String tooLarge = "{\"user_id\":\"ann\",\"amount\":1,\"pad\":\"" + "x".repeat((int) MAX_BODY) + "\"}";
        return Stream.of(
                Arguments.of("POST", "/deposit/", "{", 400, "Malformed JSON"),
                Arguments.of("POST", "/deposit/", "", 400, "Missing request body (expected a JSON object)"),
                Arguments.of("POST", "/deposit/", "[1]", 400, "Request body must be a JSON object, was array"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":1} trailing", 400, "Malformed JSON"),
                Arguments.of("POST", "/deposit/", "{\"amount\":5}", 400, "Missing user_id"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":5,\"amount\":5}", 400, "Invalid user_id: 5 (must be a string)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\"}", 400, "Missing amount"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":null}", 400, "Missing amount"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":\"abc\"}", 400, "Invalid amount: \"abc\" (must be a number)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":true}", 400, "Invalid amount: true (must be a number)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":[1]}", 400, "Invalid amount: [1] (must be a number)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":-5}", 400, "Invalid amount: -5 (must be positive)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":0}", 400, "Invalid amount: 0 (must be positive)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":\"-5\"}", 400, "Invalid amount: -5 (must be positive)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":1.234}", 400, "Invalid amount: 1.234 (at most 2 decimals)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":\"NaN\"}", 400, "Invalid amount: \"NaN\" (must be a number)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":1e400}", 400, "(must not exceed 9999999999999999.99)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":1e999999999}", 400,
                        "Invalid amount: 1E+999999999 (must not exceed 9999999999999999.99)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":1e-999999999}", 400,
                        "Invalid amount: 1E-999999999 (at most 2 decimals)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":1e999999999}", 400,
                        "(too large)"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":" + "[".repeat(900) + "}", 400, "Malformed JSON"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":\"\u00ff\"}", 400, "(must be a number)"),
                Arguments.of("GET", "/return_account_info/%20", null, 400, "Invalid user_id: '' (must not be blank)"),
                Arguments.of("PUT", "/deposit/", "{}", 404, "/deposit"),
                Arguments.of("POST", "/withdraw/", "{\"user_id\":\"ann\",\"amount\":\"-1\"}", 400, "Invalid amount: -1 (must be positive)"),
                Arguments.of("POST", "/withdraw/", "{\"user_id\":\"ann\",\"amount\":500}", 422, "Cannot withdraw 500.00 for 'ann': cash is 50.00"),
                Arguments.of("POST", "/deposit/", "{\"user_id\":\"bob\",\"amount\":5}", 404, "Unknown account: 'bob'"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":2.5}", 400,
                        "Invalid number_of: 2.5 (must be a whole number)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":\"2.5\"}", 400,
                        "Invalid number_of: \"2.5\" (must be a whole number)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":\"two\"}", 400,
                        "Invalid number_of: \"two\" (must be a whole number)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":0}", 400,
                        "Invalid number_of: 0 (must be positive)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":-1}", 400,
                        "Invalid number_of: -1 (must be positive)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":1e30}", 400,
                        "Invalid number_of: 1E+30 (too large)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\"}", 400, "Missing number_of"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"number_of\":1}", 400, "Missing asset_name"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"cash\",\"number_of\":1}", 400,
                        "Cannot trade 'cash': it is cash; use deposit and withdraw"),
                Arguments.of("POST", "/sell_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"cash\",\"number_of\":1}", 400,
                        "Cannot trade 'cash'"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"gold\",\"number_of\":1}", 404,
                        "Unknown asset: 'gold' (known: stock_a, bond_a, cash)"),
                Arguments.of("POST", "/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":1}", 422,
                        "Cannot buy 1 stock_a for 'ann': costs 100.00 at 100.00, cash is 50.00"),
                Arguments.of("POST", "/sell_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":10}", 422,
                        "Cannot sell 10 stock_a for 'ann': holds 2"),
                Arguments.of("POST", "/open_account/", "{\"user_id\":\"ann\",\"full_name\":\"Ann Lee\"}", 409, "Account already exists: 'ann'"),
                Arguments.of("POST", "/open_account/", "{\"user_id\":\"zed\"}", 400, "Missing full_name"),
                Arguments.of("POST", "/open_account/", "{\"user_id\":\"\",\"full_name\":\"Zed\"}", 400, "Invalid user_id: '' (must not be blank)"),
                Arguments.of("POST", "/delete_account/", "{\"user_id\":\"ann\",\"full_name\":\"Ann Other\"}", 422,
                        "Cannot delete account 'ann': full_name 'Ann Other' does not match the account holder's name"),
                Arguments.of("POST", "/delete_account/", "{\"user_id\":\"bob\",\"full_name\":\"Bob\"}", 404, "Unknown account: 'bob'"),
                Arguments.of("GET", "/return_account_info/bob", null, 404, "Unknown account: 'bob'"),
                Arguments.of("GET", "/return_asset_price/gold/", null, 404, "Unknown asset: 'gold'"),
                Arguments.of("GET", "/no_such_route", null, 404, "/no_such_route"),
                Arguments.of("GET", "/deposit/", null, 404, "/deposit"),
                Arguments.of("POST", "/deposit/", tooLarge, 413, "Request body too large: "));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("badRequests")
    void badInputIsRefusedWithAClearErrorAndChangesNothing(String method, String path, String body, int status, String message)
            throws Exception {
        Map<String, Account> before = bank.accounts();

        HttpResponse<String> response = send(method, path, body, Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode error = EventJson.read(response.body());
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("error").asText()).contains(message);
        assertThat(sink.events()).isEmpty();
        assertThat(bank.accounts()).isEqualTo(before);
    }

    @Test
    void everyActionEmitsOneEventWithWhitelistedHeaders() throws Exception {
        Map<String, String> headers = Map.of("Authorization", "Bearer secret", "Cookie", "id=secret", "User-Agent", "unit-test",
                "Content-Type", "application/json", "X-Custom", "secret");
        assertThat(send("POST", "/open_account", "{\"user_id\":\"bob\",\"full_name\":\"Bob Stone\"}", headers).statusCode()).isEqualTo(201);
        assertThat(send("POST", "/deposit", "{\"user_id\":\"bob\",\"amount\":\"200\"}", headers).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/withdraw/", "{\"user_id\":\"bob\",\"amount\":10.5}", headers).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/buy_asset", "{\"user_id\":\"bob\",\"asset_name\":\"bond_a\",\"number_of\":\"3\"}", headers).statusCode())
                .isEqualTo(200);
        assertThat(send("POST", "/sell_asset", "{\"user_id\":\"bob\",\"asset_name\":\"bond_a\",\"number_of\":1}", headers).statusCode())
                .isEqualTo(200);
        assertThat(send("GET", "/return_price/", null, headers).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/return_asset_price/bond_a", null, headers).statusCode()).isEqualTo(200);
        HttpResponse<String> info = send("GET", "/return_account_info/bob/", null, headers);
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(send("POST", "/delete_account", "{\"user_id\":\"bob\",\"full_name\":\"Bob Stone\"}", headers).statusCode())
                .isEqualTo(200);

        assertThat(sink.events()).extracting(Event::type).containsExactly(EventType.OPEN_ACCOUNT, EventType.MAKE_DEPOSIT,
                EventType.MAKE_WITHDRAWAL, EventType.BUY_ASSET, EventType.SELL_ASSET, EventType.RETURN_ASSET_PRICE,
                EventType.RETURN_ASSET_PRICE, EventType.RETURN_ACCOUNT_INFO, EventType.DELETE_ACCOUNT);
        for (Event event : sink.events()) {
            JsonNode sentHeaders = event.json().get(EventField.HEADERS.jsonName());
            assertThat(sentHeaders.size()).isEqualTo(HeaderField.values().length);
            assertThat(sentHeaders.get(HeaderField.USER_AGENT.fieldName()).asText()).isEqualTo("unit-test");
            assertThat(event.value()).doesNotContain("secret").doesNotContainIgnoringCase("authorization").doesNotContainIgnoringCase("cookie");
        }
        JsonNode buy = sink.events().get(3).json();
        assertThat(buy.get(EventField.NUMBER_OF.jsonName()).asLong()).isEqualTo(3);
        assertThat(buy.get(EventField.UNIT_PRICE.jsonName()).decimalValue()).isEqualTo(new BigDecimal("50.00"));
        assertThat(buy.get(EventField.AMOUNT.jsonName()).decimalValue()).isEqualTo(new BigDecimal("150.00"));
        JsonNode allPrices = sink.events().get(5).json();
        assertThat(allPrices.get(EventField.ASSET_NAME.jsonName()).asText()).isEqualTo(EventContract.ALL_ASSETS);
        assertThat(allPrices.has(EventField.UNIT_PRICE.jsonName())).isFalse();
        assertThat(sink.events().get(5).key()).as("a price lookup's key: its event id").isEqualTo(allPrices.get(EventField.EVENT_ID.jsonName()).asText());
        JsonNode infoBody = EventJson.read(info.body());
        assertThat(infoBody.get("total_value").decimalValue()).isEqualTo(new BigDecimal("189.50"));
        assertThat(sink.events().get(7).json().get(EventField.AMOUNT.jsonName()).decimalValue()).isEqualTo(new BigDecimal("189.50"));
        assertThat(bank.account("bob")).isEmpty();
    }

    @Test
    void whenKafkaRefusesTheEventTheAnswerIs503AndNothingChanges() throws Exception {
        Map<String, Account> before = bank.accounts();
        sink.failing(true);

        HttpResponse<String> response = send("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":5}", Map.of());

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode error = EventJson.read(response.body());
        assertThat(error.get("error").asText()).startsWith("Event could not be recorded, nothing was changed: ");
        assertThat(error.get("status").asInt()).isEqualTo(503);
        assertThat(bank.accounts()).isEqualTo(before);
        assertThat(metrics.eventsFailed(EventType.MAKE_DEPOSIT)).isEqualTo(1);

        sink.failing(false);
        assertThat(send("POST", "/deposit/", "{\"user_id\":\"ann\",\"amount\":5}", Map.of()).statusCode()).isEqualTo(200);
        assertThat(bank.account("ann").orElseThrow().cash()).isEqualTo(new BigDecimal("55.00"));
        assertThat(metrics.eventsProduced(EventType.MAKE_DEPOSIT)).isEqualTo(1);
    }

    @Test
    void gameRoutesWaitForTheRebuildAndHealthTellsWhy() throws Exception {
        ServiceStatus rebuilding = new ServiceStatus(() -> true);
        Javalin other = new HttpApi(bank, EventFactory.randomIds(Clock.systemUTC()), sink, rebuilding, metrics, MAX_BODY)
                .create().start("127.0.0.1", 0);
        try {
            URI base = URI.create("http://127.0.0.1:" + other.port());
            HttpResponse<String> deposit = CLIENT.send(HttpRequest.newBuilder(base.resolve("/deposit"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"ann\",\"amount\":5}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deposit.statusCode()).isEqualTo(503);
            assertThat(deposit.body()).contains("still being rebuilt");
            HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"state\":\"rebuilding\"");
            assertThat(sink.events()).isEmpty();
        }
        finally {
            other.stop();
        }
    }

    @Test
    void healthNeedsKafka() throws Exception {
        assertThat(send("GET", "/health", null, Map.of()).statusCode()).isEqualTo(200);
        kafkaUp.set(false);
        HttpResponse<String> health = send("GET", "/health/", null, Map.of());
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"kafka\":\"unreachable\"");
    }

    @Test
    void welcomeAndMetrics() throws Exception {
        assertThat(send("GET", "/", null, Map.of()).body()).contains("Welcome");
        send("GET", "/return_price", null, Map.of());
        send("GET", "/nowhere/at/all", null, Map.of());
        RawHttp.get(app.port(), "/nowhere/%zz");
        HttpResponse<String> scrape = send("GET", "/metrics", null, Map.of());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue(Metrics.CONTENT_TYPE);
        assertThat(scrape.body())
                .contains("# TYPE api_requests_total counter")
                .contains("api_requests_total{method=\"GET\",route=\"/return_price\",status=\"200\"} 1")
                .contains("api_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1")
                .contains("# TYPE api_request_duration_seconds histogram")
                .contains("api_request_duration_seconds_bucket{method=\"GET\",route=\"/return_price\",le=\"0.005\"}")
                .contains("api_request_duration_seconds_bucket{method=\"GET\",route=\"/return_price\",le=\"+Inf\"} 1")
                .contains("api_request_duration_seconds_count{method=\"GET\",route=\"/return_price\"} 1")
                .contains("api_requests_refused_total{status=\"400\"} 1")
                .contains("api_events_produced_total{event_type=\"return_asset_price\"} 1")
                .contains("api_events_failed_total{event_type=\"make_deposit\"} 0")
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_threads_live_threads ")
                .contains("process_uptime_seconds ")
                .doesNotContain("nowhere");
    }

    static Stream<Arguments> requestsJettyRefuses() {
        String host = "Host: 127.0.0.1";
        return Stream.of(
                Arguments.of("GET /return_asset_price/%00 HTTP/1.1", host, 400, "illegal character such as %00"),
                Arguments.of("GET /%zz HTTP/1.1", host, 400, "a '%' not followed by two hex digits"),
                Arguments.of("POST /deposit/%2 HTTP/1.1", host, 400, "Malformed request"),
                Arguments.of("DELETE /return_asset_price/%00 HTTP/1.1", host, 400, "Malformed request"),
                Arguments.of("GET /return_price HTTP/1.1", "X-Padding: " + "x".repeat(20_000), 431, "Request header fields too large"),
                Arguments.of("GET /" + "a".repeat(20_000) + " HTTP/1.1", host, 414, "Request URI too long"),
                Arguments.of("GET /return_price HTTP/1.1", "User-Agent: no-host", 400, "Malformed request: No Host"),
                Arguments.of("GET /return_price HTTP/7.1", host, 505, "HTTP version not supported"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("requestsJettyRefuses")
    void requestsJettyRefusesBeforeRoutingAreAnsweredInJson(String requestLine, String header, int status, String message)
            throws Exception {
        Map<String, Account> before = bank.accounts();
        int colon = header.indexOf(':');

        RawHttp.Response response = RawHttp.send(app.port(), requestLine,
                Map.of(header.substring(0, colon), header.substring(colon + 1).trim()));

        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode error = EventJson.read(response.body());
        assertThat(error.size()).as(response.body()).isEqualTo(2);
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("error").asText()).contains(message).endsWith("refused before any route ran, nothing was changed");
        assertThat(response.body()).doesNotContain("<h1>", "<pre>");
        assertThat(metrics.refusedCount(status)).isEqualTo(1);
        assertThat(sink.events()).isEmpty();
        assertThat(bank.accounts()).isEqualTo(before);
    }

    @Test
    void aBadRequestDoesNotStopTheNextOne() throws Exception {
        assertThat(RawHttp.get(app.port(), "/return_asset_price/%00").status()).isEqualTo(400);

        HttpResponse<String> price = send("GET", "/return_asset_price/stock_a", null, Map.of());

        assertThat(price.statusCode()).isEqualTo(200);
        assertThat(EventJson.read(price.body()).get(EventField.ASSET_NAME.jsonName()).asText()).isEqualTo("stock_a");
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
