package dev.bankinglake.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.game.GameAction;
import dev.bankinglake.contract.EventContract;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class EventFactoryTest {
    @Test
    void everyEventHasTheCommonFieldsAndItsTypesFieldsAndNothingElse() {
        for (String id : EventExamples.ACTIONS.keySet()) {
            Event event = EventExamples.event(id);
            JsonNode json = event.json();
            Set<String> expected = new java.util.HashSet<>();
            EventContract.COMMON_REQUIRED_FIELDS.forEach(field -> expected.add(field.jsonName()));
            event.type().requiredFields().forEach(field -> expected.add(field.jsonName()));
            if (id.equals("return_asset_price/one")) {
                expected.add(EventField.UNIT_PRICE.jsonName());
            }
            Set<String> names = StreamSupport.stream(((Iterable<String>) json::fieldNames).spliterator(), false)
                    .collect(Collectors.toSet());
            assertThat(names).as(id).isEqualTo(expected);
            assertThat(json.get(EventField.SCHEMA_VERSION.jsonName()).asInt()).isEqualTo(EventContract.SCHEMA_VERSION);
            assertThat(json.get(EventField.EVENT_ID.jsonName()).asText()).isEqualTo(EventExamples.EVENT_ID.toString());
            assertThat(json.get(EventField.EVENT_TIME.jsonName()).asText()).isEqualTo("2026-11-20T22:08:28.123Z");
        }
    }

    @Test
    void accountEventsAreKeyedByUserAndPriceLookupsByTheirOwnId() {
        assertThat(EventExamples.event("return_asset_price/all").key()).isEqualTo(EventExamples.EVENT_ID.toString());
        assertThat(EventExamples.event("return_asset_price/one").key()).isEqualTo(EventExamples.EVENT_ID.toString());
        assertThat(EventExamples.event("make_deposit").key()).isEqualTo("tpeters");
    }

    @Test
    void moneyIsWrittenWithTwoDecimals() {
        Event event = EventExamples.factory().create(
                new GameAction.CashDeposited("ann", new java.math.BigDecimal("200")), RequestHeaders.NONE);
        assertThat(event.value()).contains("\"amount\":200.00");
        assertThat(event.json().get(EventField.DESCRIPTION.jsonName()).asText()).isEqualTo("ann deposited 200.00 in cash");
    }

    @Test
    void eventTimeIsUtcWithMillisecondsEvenOnAWholeSecond() {
        EventFactory factory = new EventFactory(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.ofHours(5)), UUID::randomUUID);
        Event event = factory.create(new GameAction.AccountOpened("ann", "Ann"), RequestHeaders.NONE);
        assertThat(event.json().get(EventField.EVENT_TIME.jsonName()).asText()).isEqualTo("2026-01-02T03:04:05.000Z");
    }

    @Test
    void eventIdsAreRandomByDefault() {
        EventFactory factory = EventFactory.randomIds(Clock.systemUTC());
        Event first = factory.create(new GameAction.AccountOpened("ann", "Ann"), RequestHeaders.NONE);
        Event second = factory.create(new GameAction.AccountOpened("ann", "Ann"), RequestHeaders.NONE);
        assertThat(first.eventId()).isNotEqualTo(second.eventId());
    }

    @Test
    void headersObjectHasEveryWhitelistedKeyAndNullWhenNotSent() {
        Event event = EventExamples.factory().create(new GameAction.AccountOpened("ann", "Ann"),
                new RequestHeaders(Map.of(HeaderField.USER_AGENT, "test")));
        JsonNode headers = event.json().get(EventField.HEADERS.jsonName());
        List<String> keys = new ArrayList<>();
        headers.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(HeaderField.all().stream().map(HeaderField::fieldName).toList());
        assertThat(headers.get(HeaderField.USER_AGENT.fieldName()).asText()).isEqualTo("test");
        assertThat(headers.get(HeaderField.HOST.fieldName()).isNull()).isTrue();
    }

    @Test
    void accountChangesParseBackToTheSameAction() {
        for (Map.Entry<String, GameAction> example : EventExamples.ACTIONS.entrySet()) {
            Optional<GameAction> parsed = EventParser.accountChange(EventExamples.event(example.getKey()).value());
            if (example.getKey().startsWith("return_")) {
                assertThat(parsed).as(example.getKey()).isEmpty();
            }
            else {
                assertThat(parsed).as(example.getKey()).contains(example.getValue());
            }
        }
    }

    @Test
    void unreadableEventsAreRefusedWithTheReason() {
        Map<String, String> cases = new HashMap<>();
        cases.put("not json", "Not JSON");
        cases.put("[1]", "Not a JSON object");
        cases.put("{\"event_type\":\"teleport\"}", "Unknown event_type: teleport");
        cases.put("{\"event_type\":\"make_deposit\",\"user_id\":\"ann\"}", "Missing or non-numeric amount");
        cases.forEach((value, message) -> org.assertj.core.api.Assertions
                .assertThatThrownBy(() -> EventParser.accountChange(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message));
    }

    @Test
    void everyEventTypeCanBeProduced() {
        Set<EventType> produced = EventExamples.ACTIONS.keySet().stream()
                .map(id -> EventExamples.event(id).type())
                .collect(Collectors.toSet());
        assertThat(produced).containsExactlyInAnyOrder(EventType.values());
    }
}
