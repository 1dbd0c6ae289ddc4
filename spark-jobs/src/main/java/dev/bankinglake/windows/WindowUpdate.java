package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.WindowTable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of one window at one moment: open (it may still change) or final (the watermark passed
 * its end; this is what the lake holds). What the windows topic, the SSE stream and the analytics
 * routes carry.
 */
public record WindowUpdate(WindowKey window, Map<String, Object> figures, boolean isFinal) {
    public WindowUpdate {
        requireNonNull(window, "window is null");
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(figures, "figures is null")));
    }

    public WindowTable table() {
        return window.table();
    }

    public Instant start() {
        return Instant.ofEpochMilli(window.startMillis());
    }

    public Instant end() {
        return Instant.ofEpochMilli(window.endMillis());
    }

    public String key() {
        return window.key();
    }

    /**
     * The JSON object of the topic and the stream: table, window start and end (ISO-8601 UTC), key,
     * final, figures. As an HTTP row it also names the key by its column ({@code event_type}, {@code asset_name}).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("table", table().tableName());
        json.put("window_start", start().toString());
        json.put("window_end", end().toString());
        json.put("key", key());
        json.put(table().keyColumn().name(), key());
        json.put("final", isFinal);
        json.put("figures", figures);
        return json;
    }

    /** One row of the analytics routes: window start and end, the key under its column name, the figures, final. */
    public Map<String, Object> toRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("window_start", start().toString());
        row.put("window_end", end().toString());
        row.put(table().keyColumn().name(), key());
        row.putAll(figures);
        row.put("final", isFinal);
        return row;
    }
}
