package dev.bankinglake.api.events;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.HeaderField;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTTP request headers an event may carry: only those of {@link HeaderField}. Anything else
 * (Authorization, Cookie, ...) cannot get in, because only whitelisted names are ever looked up.
 */
public record RequestHeaders(Map<HeaderField, String> values) {
    public static final RequestHeaders NONE = new RequestHeaders(Map.of());

    /** Longest header value kept; longer ones are cut so a client cannot bloat the event. */
    public static final int MAX_VALUE_LENGTH = 512;

    public RequestHeaders {
        requireNonNull(values, "values is null");
        EnumMap<HeaderField, String> copy = new EnumMap<>(HeaderField.class);
        values.forEach((field, value) -> {
            if (value != null) {
                copy.put(field, value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) : value);
            }
        });
        values = Collections.unmodifiableMap(copy);
    }

    /**
     * Picks the whitelisted headers from a request.
     *
     * @param headerByHttpName looks a header up by its name on the wire; null when not sent
     */
    public static RequestHeaders whitelisted(Function<String, String> headerByHttpName) {
        requireNonNull(headerByHttpName, "headerByHttpName is null");
        EnumMap<HeaderField, String> picked = new EnumMap<>(HeaderField.class);
        for (HeaderField field : HeaderField.values()) {
            String value = headerByHttpName.apply(field.httpName());
            if (value != null) {
                picked.put(field, value);
            }
        }
        return new RequestHeaders(picked);
    }

    public String get(HeaderField field) {
        return values.get(field);
    }
}
