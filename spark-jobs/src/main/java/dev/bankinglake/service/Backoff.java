package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Exponential backoff between restarts: initial, doubled each time, capped; reset after a success. */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        this.initial = requireNonNull(initial, "initial is null");
        this.max = requireNonNull(max, "max is null");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("Invalid backoff: initial " + initial + ", max " + max + " (need 0 < initial <= max)");
        }
        this.next = initial;
    }

    /** The delay before the next attempt; each call doubles the one after, up to the cap. */
    public synchronized Duration next() {
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }

    public synchronized void reset() {
        next = initial;
    }
}
