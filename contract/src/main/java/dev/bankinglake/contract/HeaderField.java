package dev.bankinglake.contract;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The only HTTP request headers an event may carry. Anything else (Authorization, Cookie, ...)
 * never leaves the API. The JSON key and the lake column are the snake_case form of the
 * header name, so the nested object flattens without renaming.
 */
public enum HeaderField {
    ACCEPT("Accept"),
    HOST("Host"),
    USER_AGENT("User-Agent"),
    CONTENT_LENGTH("Content-Length"),
    ACCEPT_ENCODING("Accept-Encoding"),
    CONNECTION("Connection"),
    CONTENT_TYPE("Content-Type");

    private final String httpName;

    HeaderField(String httpName) {
        this.httpName = httpName;
    }

    /** The header as it appears on the wire, e.g. {@code User-Agent}. */
    public String httpName() {
        return httpName;
    }

    /** The key in the event's {@code headers} object and the lake column, e.g. {@code user_agent}. */
    public String fieldName() {
        return httpName.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    public Column column() {
        return new Column(fieldName(), ColumnType.STRING, "HTTP request header " + httpName);
    }

    /** Case-insensitive lookup of a header name as sent by a client. */
    public static Optional<HeaderField> byHttpName(String name) {
        for (HeaderField field : values()) {
            if (field.httpName.equalsIgnoreCase(name)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    public static List<HeaderField> all() {
        return List.of(values());
    }
}
