package dev.bankinglake.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.events.EventFactory;
import dev.bankinglake.api.events.EventJson;
import dev.bankinglake.contract.EventContract;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.Service;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every route writes exactly its event, with every field right, to a real broker. */
class EventsIT {
    private static final Map<String, String> HEADERS = Map.of(
            "User-Agent", "events-it",
            "Accept", "application/json",
            "Content-Type", "application/json",
            "Authorization", "Bearer top-secret",
            "Cookie", "session=top-secret",
            "X-Forwarded-For", "10.1.2.3");

    private static LocalStack stack;
    private static TestApi api;

    /** What one accepted request must have written. */
    private record Expected(String eventId, EventType type, String key, Map<EventField, Object> fields, String description,
            Integer contentLength) {
    }

    private final List<Expected> expected = new ArrayList<>();

    @BeforeAll
    static void startApi() {
        stack = LocalStack.shared();
        stack.require(Service.KAFKA);
        api = TestApi.start(stack.kafkaBootstrap(), TestApi.uniqueTopic("events"));
    }

    @AfterAll
    static void stopApi() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void eachRouteWritesItsExactEvent() {
        Instant before = Instant.now().minusMillis(1);

        String open = "{\"user_id\":\"tpeters\",\"full_name\":\"Tom Peters\"}";
        accepted(api.post("/open_account/", open, HEADERS), 201, EventType.OPEN_ACCOUNT, "tpeters",
                fields(EventField.USER_ID, "tpeters", EventField.FULL_NAME, "Tom Peters"),
                "tpeters opened an account for Tom Peters", open);

        String deposit = "{\"user_id\": \"tpeters\", \"amount\": \"200\"}";
        accepted(api.post("/deposit/", deposit, HEADERS), 200, EventType.MAKE_DEPOSIT, "tpeters",
                fields(EventField.USER_ID, "tpeters", EventField.AMOUNT, new BigDecimal("200.00")),
                "tpeters deposited 200.00 in cash", deposit);

        String withdraw = "{\"user_id\":\"tpeters\",\"amount\":12.5}";
        accepted(api.post("/withdraw", withdraw, HEADERS), 200, EventType.MAKE_WITHDRAWAL, "tpeters",
                fields(EventField.USER_ID, "tpeters", EventField.AMOUNT, new BigDecimal("12.50")),
                "tpeters withdrew 12.50 in cash", withdraw);

        refused(api.post("/withdraw/", "{\"user_id\":\"tpeters\",\"amount\":1000}", HEADERS), 422);
        refused(api.post("/deposit/", "{\"user_id\":\"tpeters\",\"amount\":-5}", HEADERS), 400);
        refused(api.post("/open_account/", open, HEADERS), 409);

        String buy = "{\"user_id\":\"tpeters\",\"asset_name\":\"bond_a\",\"number_of\":\"2\"}";
        HttpResponse<String> bought = api.post("/buy_asset/", buy, HEADERS);
        JsonNode boughtBody = TestApi.json(bought);
        BigDecimal bondPrice = boughtBody.get(EventField.UNIT_PRICE.jsonName()).decimalValue();
        accepted(bought, 200, EventType.BUY_ASSET, "tpeters",
                fields(EventField.USER_ID, "tpeters", EventField.ASSET_NAME, "bond_a", EventField.NUMBER_OF, 2L,
                        EventField.UNIT_PRICE, bondPrice, EventField.AMOUNT, bondPrice.multiply(BigDecimal.valueOf(2))),
                "tpeters bought 2 bond_a at " + bondPrice + " each for " + bondPrice.multiply(BigDecimal.valueOf(2)), buy);

        String sell = "{\"user_id\":\"tpeters\",\"asset_name\":\"bond_a\",\"number_of\":1}";
        HttpResponse<String> sold = api.post("/sell_asset", sell, HEADERS);
        BigDecimal sellPrice = TestApi.json(sold).get(EventField.UNIT_PRICE.jsonName()).decimalValue();
        accepted(sold, 200, EventType.SELL_ASSET, "tpeters",
                fields(EventField.USER_ID, "tpeters", EventField.ASSET_NAME, "bond_a", EventField.NUMBER_OF, 1L,
                        EventField.UNIT_PRICE, sellPrice, EventField.AMOUNT, sellPrice),
                "tpeters sold 1 bond_a at " + sellPrice + " each for " + sellPrice, sell);

        refused(api.post("/sell_asset/", "{\"user_id\":\"tpeters\",\"asset_name\":\"bond_a\",\"number_of\":5}", HEADERS), 422);
        refused(api.post("/buy_asset/", "{\"user_id\":\"tpeters\",\"asset_name\":\"cash\",\"number_of\":1}", HEADERS), 400);

        HttpResponse<String> prices = api.get("/return_price/", HEADERS);
        Map<String, String> listed = new TreeMap<>();
        TestApi.json(prices).get("assets").forEach(asset -> listed.put(asset.get(EventField.ASSET_NAME.jsonName()).asText(),
                asset.get(EventField.UNIT_PRICE.jsonName()).decimalValue().toPlainString()));
        assertThat(listed).containsOnlyKeys("stock_a", "bond_a", "cash");
        StringBuilder sentence = new StringBuilder("Prices of all assets looked up: ");
        listed.forEach((name, value) -> sentence.append(name).append(' ').append(value).append(", "));
        accepted(prices, 200, EventType.RETURN_ASSET_PRICE, null,
                fields(EventField.ASSET_NAME, EventContract.ALL_ASSETS), sentence.substring(0, sentence.length() - 2), null);

        HttpResponse<String> price = api.get("/return_asset_price/stock_a", HEADERS);
        BigDecimal stockPrice = TestApi.json(price).get(EventField.UNIT_PRICE.jsonName()).decimalValue();
        accepted(price, 200, EventType.RETURN_ASSET_PRICE, null,
                fields(EventField.ASSET_NAME, "stock_a", EventField.UNIT_PRICE, stockPrice),
                "Price of stock_a looked up: " + stockPrice, null);

        refused(api.get("/return_asset_price/gold", HEADERS), 404);

        HttpResponse<String> info = api.get("/return_account_info/tpeters/", HEADERS);
        BigDecimal total = TestApi.json(info).get("total_value").decimalValue();
        accepted(info, 200, EventType.RETURN_ACCOUNT_INFO, "tpeters",
                fields(EventField.USER_ID, "tpeters", EventField.AMOUNT, total),
                "tpeters looked up their account, worth " + total + " in total", null);

        refused(api.get("/return_account_info/nobody", HEADERS), 404);
        refused(api.post("/delete_account/", "{\"user_id\":\"tpeters\",\"full_name\":\"Tom\"}", HEADERS), 422);

        accepted(api.post("/delete_account/", open, HEADERS), 200, EventType.DELETE_ACCOUNT, "tpeters",
                fields(EventField.USER_ID, "tpeters", EventField.FULL_NAME, "Tom Peters"),
                "tpeters deleted the account of Tom Peters", open);

        Instant after = Instant.now().plusMillis(1);
        List<ConsumerRecord<String, String>> records = TopicEvents.readAll(stack.kafkaBootstrap(), api.topic());

        assertThat(records).as("one event per accepted request, none for refused ones").hasSize(expected.size());
        Map<String, ConsumerRecord<String, String>> byEventId = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            JsonNode json = read(record.value());
            byEventId.put(json.get(EventField.EVENT_ID.jsonName()).asText(), record);
        }
        for (Expected want : expected) {
            ConsumerRecord<String, String> record = byEventId.get(want.eventId());
            assertThat(record).as("event %s of %s on the topic", want.eventId(), want.type()).isNotNull();
            assertEvent(record, read(record.value()), want, before, after);
        }
    }

    private void assertEvent(ConsumerRecord<String, String> record, JsonNode json, Expected want, Instant before, Instant after) {
        String what = want.type().wireName() + " " + record.value();
        assertThat(record.key()).as(what).isEqualTo(want.key());

        Set<String> names = new HashSet<>();
        json.fieldNames().forEachRemaining(names::add);
        Set<String> wantNames = new HashSet<>();
        EventContract.COMMON_REQUIRED_FIELDS.forEach(field -> wantNames.add(field.jsonName()));
        want.fields().keySet().forEach(field -> wantNames.add(field.jsonName()));
        assertThat(names).as("fields of " + what).isEqualTo(wantNames);

        assertThat(json.get(EventField.SCHEMA_VERSION.jsonName()).isInt()).isTrue();
        assertThat(json.get(EventField.SCHEMA_VERSION.jsonName()).asInt()).isEqualTo(EventContract.SCHEMA_VERSION);
        assertThat(UUID.fromString(json.get(EventField.EVENT_ID.jsonName()).asText()).toString()).isEqualTo(want.eventId());
        assertThat(json.get(EventField.EVENT_TYPE.jsonName()).asText()).isEqualTo(want.type().wireName());
        String eventTime = json.get(EventField.EVENT_TIME.jsonName()).asText();
        assertThat(eventTime).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.from(EventFactory.EVENT_TIME_FORMAT.parse(eventTime))).isBetween(before, after);
        assertThat(json.get(EventField.DESCRIPTION.jsonName()).asText()).isEqualTo(want.description());
        want.fields().forEach((field, value) -> {
            JsonNode node = json.get(field.jsonName());
            if (value instanceof BigDecimal decimal) {
                assertThat(node.isNumber()).as(field.jsonName() + " is a JSON number in " + what).isTrue();
                assertThat(node.decimalValue()).as(field.jsonName()).isEqualTo(decimal.setScale(2));
                assertThat(node.decimalValue().scale()).isEqualTo(2);
            }
            else if (value instanceof Long number) {
                assertThat(node.isIntegralNumber()).isTrue();
                assertThat(node.asLong()).isEqualTo(number);
            }
            else {
                assertThat(node.asText()).as(field.jsonName()).isEqualTo(value);
            }
        });

        JsonNode headers = json.get(EventField.HEADERS.jsonName());
        List<String> headerKeys = new ArrayList<>();
        headers.fieldNames().forEachRemaining(headerKeys::add);
        assertThat(headerKeys).containsExactlyElementsOf(HeaderField.all().stream().map(HeaderField::fieldName).toList());
        assertThat(headers.get(HeaderField.USER_AGENT.fieldName()).asText()).isEqualTo("events-it");
        assertThat(headers.get(HeaderField.ACCEPT.fieldName()).asText()).isEqualTo("application/json");
        assertThat(headers.get(HeaderField.HOST.fieldName()).asText()).isEqualTo("127.0.0.1:" + api.server().port());
        assertThat(headers.get(HeaderField.ACCEPT_ENCODING.fieldName()).isNull()).isTrue();
        if (want.contentLength() != null) {
            assertThat(headers.get(HeaderField.CONTENT_TYPE.fieldName()).asText()).isEqualTo("application/json");
            assertThat(headers.get(HeaderField.CONTENT_LENGTH.fieldName()).asText()).isEqualTo(want.contentLength().toString());
        }
        assertThat(record.value()).doesNotContain("top-secret").doesNotContain("10.1.2.3");
    }

    private void accepted(HttpResponse<String> response, int status, EventType type, String key, Map<EventField, Object> fields,
            String description, String body) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        String eventId = TestApi.json(response).get(EventField.EVENT_ID.jsonName()).asText();
        // no key given: the event's own id (price lookups, spread over the partitions)
        expected.add(new Expected(eventId, type, key == null ? eventId : key, fields, description, body == null ? null : body.getBytes().length));
    }

    private static void refused(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(TestApi.json(response).get("status").asInt()).isEqualTo(status);
    }

    private static Map<EventField, Object> fields(Object... pairs) {
        Map<EventField, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((EventField) pairs[i], pairs[i + 1]);
        }
        return fields;
    }

    private static JsonNode read(String value) {
        try {
            return EventJson.read(value);
        }
        catch (Exception e) {
            throw new AssertionError("Not JSON on the topic: " + value, e);
        }
    }
}
