package dev.bankinglake.supervisor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When the watchdog starts a child again after it exited unasked, and when it stops trying.
 *
 * <p>The pause before a restart doubles with every failure inside the window, from
 * {@code initialBackoff} up to {@code maxBackoff}; once {@code maxFailures} failures fall within
 * {@code window}, the watchdog gives up. Failures older than the window are forgotten, so a
 * service that ran well for a while starts again from the initial backoff.
 */
public record RestartPolicy(Duration initialBackoff, Duration maxBackoff, int maxFailures, Duration window) {
    /**
     * 1 s doubling to 30 s, 6 failures within 5 minutes: a crash loop is given about 90 s of
     * restarts (backoffs of 31 s plus six starts), longer than HDFS's 60 s soft lease limit, the
     * longest a restarted lake service may wait for what its killed predecessor held.
     */
    public static final RestartPolicy DEFAULT = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 6, Duration.ofMinutes(5));

    public RestartPolicy {
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        requireNonNull(window, "window is null");
        List<String> problems = problems(initialBackoff, maxBackoff, maxFailures, window);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid restart policy: " + String.join("; ", problems));
        }
    }

    /** Every reason the values cannot make a policy, so that a configuration reports them all at once. */
    static List<String> problems(Duration initialBackoff, Duration maxBackoff, int maxFailures, Duration window) {
        List<String> problems = new ArrayList<>();
        if (initialBackoff.isNegative()) {
            problems.add("initial backoff " + initialBackoff + " is negative");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add("max backoff " + maxBackoff + " is shorter than the initial backoff " + initialBackoff);
        }
        if (maxFailures < 1) {
            problems.add("max failures " + maxFailures + " (must be at least 1)");
        }
        if (window.isNegative() || window.isZero()) {
            problems.add("window " + window + " (must be positive)");
        }
        return problems;
    }

    /**
     * The pause before the next start once {@code failuresInWindow} failures (at least 1) fell within
     * the window: the initial backoff doubled for each failure after the first, at most the max backoff.
     */
    public Duration backoffAfter(int failuresInWindow) {
        if (failuresInWindow < 1) {
            throw new IllegalArgumentException("failuresInWindow " + failuresInWindow + " (must be at least 1)");
        }
        Duration backoff = initialBackoff;
        for (int failure = 1; failure < failuresInWindow && backoff.compareTo(maxBackoff) < 0; failure++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }
}
