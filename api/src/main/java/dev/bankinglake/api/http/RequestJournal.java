package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.api.events.Event;
import dev.bankinglake.api.events.EventFactory;
import dev.bankinglake.api.events.EventSink;
import dev.bankinglake.api.events.RequestHeaders;
import dev.bankinglake.api.game.ActionJournal;
import dev.bankinglake.api.game.GameAction;

/** Records the action of one request as its event, carrying that request's whitelisted headers. */
final class RequestJournal implements ActionJournal {
    private final EventFactory events;
    private final EventSink sink;
    private final RequestHeaders headers;
    private Event recorded;

    RequestJournal(EventFactory events, EventSink sink, RequestHeaders headers) {
        this.events = requireNonNull(events, "events is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.headers = requireNonNull(headers, "headers is null");
    }

    @Override
    public void record(GameAction action) {
        Event event = events.create(action, headers);
        sink.publish(event);
        recorded = event;
    }

    Event recorded() {
        if (recorded == null) {
            throw new IllegalStateException("No event was recorded for this request");
        }
        return recorded;
    }
}
