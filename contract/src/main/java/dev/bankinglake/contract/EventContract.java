package dev.bankinglake.contract;

import java.util.EnumSet;
import java.util.Set;

/** Facts about the event stream that the producer and every consumer share. */
public final class EventContract {
    /** Bumped whenever a field is added, removed or changes meaning. */
    public static final int SCHEMA_VERSION = 1;

    public static final String DEFAULT_TOPIC = "events";

    /** {@code asset_name} of a price lookup that returned every asset. */
    public static final String ALL_ASSETS = "all";

    /** Fields every event carries, whatever its type. */
    public static final Set<EventField> COMMON_REQUIRED_FIELDS = EnumSet.of(
            EventField.SCHEMA_VERSION,
            EventField.EVENT_ID,
            EventField.EVENT_TYPE,
            EventField.EVENT_TIME,
            EventField.DESCRIPTION,
            EventField.HEADERS);

    private EventContract() {
    }
}
