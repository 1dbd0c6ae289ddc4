package dev.bankinglake.api.events;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import java.util.UUID;

/**
 * One event as it goes to Kafka: the message key and the JSON value.
 *
 * @param key  partition key: the user id of an account's event (they stay in order), the
 *             event's own id for a price lookup (no order needed: spread over the partitions)
 * @param json the value, keyed by {@link EventField#jsonName()}
 */
public record Event(String key, EventType type, UUID eventId, ObjectNode json) {
    public Event {
        requireNonNull(key, "key is null");
        requireNonNull(type, "type is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(json, "json is null");
        json = json.deepCopy();
    }

    public String value() {
        return EventJson.write(json);
    }
}
