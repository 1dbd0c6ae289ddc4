package dev.bankinglake.lake.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.contract.EventContract;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Events as the API writes them to the topic, built from the contract: every field an event type
 * requires (plus the optional ones the API fills, such as the unit price of a price lookup),
 * JSON with snake_case keys, money as numbers with two decimals, time as ISO-8601 UTC with millis.
 */
public final class SampleEvents {
    public static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final List<String> ASSETS = List.of("stock_a", "stock_b", "bond_c", "gold", "crypto_d");
    private static final List<String> NAMES = List.of("Ann Lee", "Bo Chen", "Cleo Martin", "Dev Patel", "Eva Novak");

    /** The share of each type in a realistic stream: mostly lookups and trades. */
    private static final Map<EventType, Integer> MIX = new EnumMap<>(Map.of(
            EventType.RETURN_ASSET_PRICE, 30,
            EventType.RETURN_ACCOUNT_INFO, 10,
            EventType.OPEN_ACCOUNT, 5,
            EventType.DELETE_ACCOUNT, 1,
            EventType.MAKE_DEPOSIT, 15,
            EventType.MAKE_WITHDRAWAL, 9,
            EventType.BUY_ASSET, 18,
            EventType.SELL_ASSET, 12));

    private final Random random;

    public SampleEvents(long seed) {
        this.random = new Random(seed);
    }

    /** A type drawn from the realistic mix. */
    public EventType nextType() {
        int total = MIX.values().stream().mapToInt(Integer::intValue).sum();
        int pick = random.nextInt(total);
        for (Map.Entry<EventType, Integer> entry : MIX.entrySet()) {
            pick -= entry.getValue();
            if (pick < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** A complete event of {@code type} with a fresh id. */
    public ObjectNode event(EventType type, Instant time) {
        return event(type, UUID.randomUUID().toString(), time);
    }

    public ObjectNode event(EventType type, String eventId, Instant time) {
        requireNonNull(type, "type is null");
        ObjectNode event = JSON.createObjectNode();
        Set<EventField> fields = EnumSet.copyOf(EventContract.COMMON_REQUIRED_FIELDS);
        fields.addAll(type.requiredFields());
        if (type == EventType.RETURN_ASSET_PRICE) {
            fields.add(EventField.UNIT_PRICE);
        }
        String user = "user_" + random.nextInt(10_000);
        BigDecimal unitPrice = money(1, 500);
        long units = 1 + random.nextInt(50);
        for (EventField field : fields) {
            switch (field) {
                case SCHEMA_VERSION -> event.put(field.jsonName(), EventContract.SCHEMA_VERSION);
                case EVENT_ID -> event.put(field.jsonName(), eventId);
                case EVENT_TYPE -> event.put(field.jsonName(), type.wireName());
                case EVENT_TIME -> event.put(field.jsonName(), EVENT_TIME.format(time));
                case USER_ID -> event.put(field.jsonName(), user);
                case FULL_NAME -> event.put(field.jsonName(), NAMES.get(random.nextInt(NAMES.size())));
                case ASSET_NAME -> event.put(field.jsonName(), ASSETS.get(random.nextInt(ASSETS.size())));
                case NUMBER_OF -> event.put(field.jsonName(), units);
                case UNIT_PRICE -> event.put(field.jsonName(), unitPrice);
                case AMOUNT -> event.put(field.jsonName(), type.requiredFields().contains(EventField.NUMBER_OF)
                        ? unitPrice.multiply(BigDecimal.valueOf(units)).setScale(2, RoundingMode.HALF_EVEN)
                        : money(10, 5_000));
                case DESCRIPTION -> event.put(field.jsonName(), type.wireName().replace('_', ' ') + " by " + user);
                case HEADERS -> event.set(field.jsonName(), headers());
            }
        }
        return event;
    }

    private ObjectNode headers() {
        ObjectNode headers = JSON.createObjectNode();
        for (HeaderField header : HeaderField.all()) {
            headers.put(header.fieldName(), switch (header) {
                case ACCEPT -> "application/json";
                case HOST -> "127.0.0.1:8080";
                case USER_AGENT -> "bench-client/1.0";
                case CONTENT_LENGTH -> String.valueOf(40 + random.nextInt(60));
                case ACCEPT_ENCODING -> "gzip";
                case CONNECTION -> "keep-alive";
                case CONTENT_TYPE -> "application/json";
            });
        }
        return headers;
    }

    private BigDecimal money(int min, int max) {
        long cents = (long) min * 100 + random.nextInt((max - min) * 100);
        return BigDecimal.valueOf(cents, 2);
    }

    public static String toJson(ObjectNode event) {
        try {
            return JSON.writeValueAsString(event);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write event as JSON", e);
        }
    }
}
