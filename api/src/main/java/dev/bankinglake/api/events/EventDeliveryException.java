package dev.bankinglake.api.events;

/** Kafka did not acknowledge an event in time; the action it describes did not happen. */
public class EventDeliveryException extends RuntimeException {
    public EventDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
