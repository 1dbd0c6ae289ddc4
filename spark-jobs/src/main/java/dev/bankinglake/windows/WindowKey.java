package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.WindowTable;
import java.io.Serializable;
import java.time.Instant;
import java.util.Comparator;

/** One window of one table for one key (an event type, an asset). Times are epoch millis. */
public record WindowKey(WindowTable table, long startMillis, long endMillis, String key) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Table, then start, then key: the order windows are emitted and answered in. */
    public static final Comparator<WindowKey> ORDER = Comparator.comparing(WindowKey::table)
            .thenComparingLong(WindowKey::startMillis)
            .thenComparing(WindowKey::key);

    public WindowKey {
        requireNonNull(table, "table is null");
        requireNonNull(key, "key is null");
        if (endMillis <= startMillis) {
            throw new IllegalArgumentException("Invalid window: end " + endMillis + " not after start " + startMillis);
        }
    }

    /** The key of the window's messages on the windows topic: {@code <table>|<window_start>|<key>}. */
    public String topicKey() {
        return table.tableName() + "|" + Instant.ofEpochMilli(startMillis) + "|" + key;
    }
}
