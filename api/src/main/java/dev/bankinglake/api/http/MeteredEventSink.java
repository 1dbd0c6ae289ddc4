package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.api.events.Event;
import dev.bankinglake.api.events.EventDeliveryException;
import dev.bankinglake.api.events.EventSink;

/** Counts events acknowledged and failed on their way to the real sink. */
public final class MeteredEventSink implements EventSink {
    private final EventSink delegate;
    private final Metrics metrics;

    public MeteredEventSink(EventSink delegate, Metrics metrics) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    @Override
    public void publish(Event event) {
        try {
            delegate.publish(event);
        }
        catch (EventDeliveryException e) {
            metrics.eventFailed(event.type());
            throw e;
        }
        metrics.eventProduced(event.type());
    }
}
