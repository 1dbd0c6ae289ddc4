package dev.bankinglake.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.supervisor.FailureWindow.Decision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The restart policy on a made-up timeline: no clock, no sleeps. */
class FailureWindowTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final RestartPolicy policy = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 3, Duration.ofSeconds(60));
    private final FailureWindow window = new FailureWindow(policy);

    @Test
    void restartsWithGrowingBackoffThenGivesUpAtTheMaxFailuresWithinTheWindow() {
        assertThat(window.recordFailure(at(0))).isEqualTo(new Decision.Restart(Duration.ofSeconds(1), 1));
        assertThat(window.recordFailure(at(10))).isEqualTo(new Decision.Restart(Duration.ofSeconds(2), 2));
        assertThat(window.recordFailure(at(20))).isEqualTo(new Decision.GiveUp(3, Duration.ofSeconds(60)));
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        window.recordFailure(at(0));
        window.recordFailure(at(30));
        // the first failure is now 61 s old: only the second one still counts
        assertThat(window.recordFailure(at(61))).isEqualTo(new Decision.Restart(Duration.ofSeconds(2), 2));
        assertThat(window.failuresAt(at(91))).isEqualTo(1);
        assertThat(window.failuresAt(at(122))).isZero();
    }

    @Test
    void aFailureExactlyOneWindowOldStillCounts() {
        window.recordFailure(at(0));
        window.recordFailure(at(30));
        assertThat(window.recordFailure(at(60))).isEqualTo(new Decision.GiveUp(3, Duration.ofSeconds(60)));
    }

    @Test
    void backoffStartsOverAfterAQuietWindow() {
        window.recordFailure(at(0));
        window.recordFailure(at(5));
        assertThat(window.recordFailure(at(500))).isEqualTo(new Decision.Restart(Duration.ofSeconds(1), 1));
    }

    @Test
    void slowCrashLoopNeverGivesUpButFastOneDoes() {
        // one failure every 40 s: never more than 2 within 60 s
        for (int failure = 0; failure < 20; failure++) {
            assertThat(window.recordFailure(at(40L * failure))).isInstanceOf(Decision.Restart.class);
        }
        FailureWindow fast = new FailureWindow(policy);
        fast.recordFailure(at(0));
        fast.recordFailure(at(1));
        assertThat(fast.recordFailure(at(3))).isInstanceOf(Decision.GiveUp.class);
    }

    @Test
    void oneAllowedFailureGivesUpAtTheFirst() {
        FailureWindow strict = new FailureWindow(new RestartPolicy(Duration.ZERO, Duration.ZERO, 1, Duration.ofSeconds(1)));
        assertThat(strict.recordFailure(at(0))).isEqualTo(new Decision.GiveUp(1, Duration.ofSeconds(1)));
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }
}
