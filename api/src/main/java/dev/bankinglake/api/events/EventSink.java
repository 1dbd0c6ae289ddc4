package dev.bankinglake.api.events;

/** Where events go. {@link #publish} returns once the event is durable, or throws {@link EventDeliveryException}. */
@FunctionalInterface
public interface EventSink {
    void publish(Event event);
}
