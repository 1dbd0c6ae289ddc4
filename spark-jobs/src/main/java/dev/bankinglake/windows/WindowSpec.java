package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.time.Duration;

/**
 * Event-time windows of one length, starting every {@code slide}, aligned on the epoch (so, as both
 * divide a day, on UTC midnight). Tumbling windows have {@code slide == length}. A window holds the
 * times {@code start <= t < start + length}.
 */
public record WindowSpec(Duration length, Duration slide) implements Serializable {
    public WindowSpec {
        requireNonNull(length, "length is null");
        requireNonNull(slide, "slide is null");
        if (length.toMillis() <= 0 || slide.toMillis() <= 0 || length.toMillis() % slide.toMillis() != 0) {
            throw new IllegalArgumentException("Invalid windows: length " + length + ", slide " + slide
                    + " (both positive, the slide must divide the length)");
        }
    }

    public static WindowSpec tumbling(Duration length) {
        return new WindowSpec(length, length);
    }

    public static WindowSpec sliding(Duration length, Duration slide) {
        return new WindowSpec(length, slide);
    }

    /** How many windows hold any one instant. */
    public int windowsPerInstant() {
        return (int) (length.toMillis() / slide.toMillis());
    }

    /** The starts (epoch millis, oldest first) of the windows that hold the instant {@code epochMillis}. */
    public long[] startsOf(long epochMillis) {
        long slideMillis = slide.toMillis();
        long latest = Math.floorDiv(epochMillis, slideMillis) * slideMillis;
        int count = windowsPerInstant();
        long[] starts = new long[count];
        for (int index = 0; index < count; index++) {
            starts[index] = latest - (long) (count - 1 - index) * slideMillis;
        }
        return starts;
    }

    public long endOf(long startMillis) {
        return startMillis + length.toMillis();
    }
}
