package dev.bankinglake.contract;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The top-level fields of an event as it is written to Kafka (JSON, snake_case keys).
 * {@link #HEADERS} is a nested object whose keys are {@link HeaderField#fieldName()}.
 */
public enum EventField {
    SCHEMA_VERSION("schema_version", ColumnType.INT, "Version of this contract the event was written with"),
    EVENT_ID("event_id", ColumnType.STRING, "UUID of the event, unique across the topic"),
    EVENT_TYPE("event_type", ColumnType.STRING, "What happened, one of the event types"),
    EVENT_TIME("event_time", ColumnType.TIMESTAMP, "When the API accepted the action, UTC, ISO-8601"),
    USER_ID("user_id", ColumnType.STRING, "Account the action is about"),
    FULL_NAME("full_name", ColumnType.STRING, "Account holder's name (account opening and closing)"),
    ASSET_NAME("asset_name", ColumnType.STRING, "Asset traded or looked up; 'all' for a lookup of every asset"),
    NUMBER_OF("number_of", ColumnType.BIGINT, "Units of the asset bought or sold"),
    AMOUNT("amount", ColumnType.MONEY, "Cash moved, trade value, or account value for account lookups"),
    UNIT_PRICE("unit_price", ColumnType.MONEY, "Price of one unit at event time"),
    DESCRIPTION("description", ColumnType.STRING, "Human-readable sentence describing the action"),
    HEADERS("headers", ColumnType.STRING, "Whitelisted HTTP request headers (nested object)");

    private final String jsonName;
    private final ColumnType type;
    private final String comment;

    EventField(String jsonName, ColumnType type, String comment) {
        this.jsonName = jsonName;
        this.type = type;
        this.comment = comment;
    }

    public String jsonName() {
        return jsonName;
    }

    public ColumnType type() {
        return type;
    }

    public String comment() {
        return comment;
    }

    /** The lake column this field flattens into (not meaningful for {@link #HEADERS}). */
    public Column column() {
        return new Column(jsonName, type, comment);
    }

    public static Optional<EventField> byJsonName(String jsonName) {
        return Arrays.stream(values()).filter(field -> field.jsonName.equals(jsonName)).findFirst();
    }

    public static List<EventField> all() {
        return List.of(values());
    }
}
