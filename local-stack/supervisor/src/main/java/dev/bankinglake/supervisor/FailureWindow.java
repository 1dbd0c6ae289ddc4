package dev.bankinglake.supervisor;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The child's unasked exits within the policy's window, and what to do after each one. Time comes
 * from the caller, so the policy is tested without a clock or sleeps. Not thread-safe: the
 * watchdog's loop is its only user.
 */
final class FailureWindow {
    private final RestartPolicy policy;
    private final Deque<Instant> failures = new ArrayDeque<>();

    FailureWindow(RestartPolicy policy) {
        this.policy = requireNonNull(policy, "policy is null");
    }

    /** Records a failure at {@code at} (not earlier than the previous one) and decides. */
    Decision recordFailure(Instant at) {
        requireNonNull(at, "at is null");
        forgetBefore(at);
        failures.addLast(at);
        if (failures.size() >= policy.maxFailures()) {
            return new Decision.GiveUp(failures.size(), policy.window());
        }
        return new Decision.Restart(policy.backoffAfter(failures.size()), failures.size());
    }

    /** Failures that still count at {@code now}: at most the window old. */
    int failuresAt(Instant now) {
        forgetBefore(now);
        return failures.size();
    }

    private void forgetBefore(Instant now) {
        Instant oldestCounted = now.minus(policy.window());
        while (!failures.isEmpty() && failures.peekFirst().isBefore(oldestCounted)) {
            failures.removeFirst();
        }
    }

    /** What the watchdog does after a failure. */
    sealed interface Decision {
        /** Start the child again after {@code backoff}; {@code failuresInWindow} includes this failure. */
        record Restart(Duration backoff, int failuresInWindow) implements Decision {
            public Restart {
                requireNonNull(backoff, "backoff is null");
            }
        }

        /** Too many failures: {@code failures} within {@code window}. */
        record GiveUp(int failures, Duration window) implements Decision {
            public GiveUp {
                requireNonNull(window, "window is null");
            }
        }
    }
}
