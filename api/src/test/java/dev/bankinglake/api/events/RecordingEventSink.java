package dev.bankinglake.api.events;

import java.util.ArrayList;
import java.util.List;

/** A hand-written sink for tests: keeps what it was given, or refuses everything while failing. */
public final class RecordingEventSink implements EventSink {
    private final List<Event> events = new ArrayList<>();
    private volatile boolean failing;

    @Override
    public synchronized void publish(Event event) {
        if (failing) {
            throw new EventDeliveryException("Kafka did not acknowledge the " + event.type().wireName() + " event (test)", null);
        }
        events.add(event);
    }

    public void failing(boolean failing) {
        this.failing = failing;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized Event last() {
        return events.get(events.size() - 1);
    }
}
