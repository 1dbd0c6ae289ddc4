package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * A valid event as the windows see it: its type, event time and the fields the figures use.
 * Money is {@code decimal(18,2)}, as in the lake.
 */
public record WindowEvent(String eventType, long epochMillis, String assetName, Long numberOf, BigDecimal unitPrice, BigDecimal amount) {
    public WindowEvent {
        requireNonNull(eventType, "eventType is null");
    }
}
