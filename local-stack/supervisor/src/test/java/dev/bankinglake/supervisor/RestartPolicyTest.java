package dev.bankinglake.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    private final RestartPolicy policy = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 6, Duration.ofMinutes(5));

    @Test
    void backoffDoublesFromTheInitialOneUpToTheMax() {
        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.backoffAfter(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoffAfter(1_000)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void zeroInitialBackoffRestartsAtOnce() {
        RestartPolicy immediate = new RestartPolicy(Duration.ZERO, Duration.ZERO, 3, Duration.ofSeconds(10));
        assertThat(immediate.backoffAfter(2)).isEqualTo(Duration.ZERO);
    }

    @Test
    void backoffNeedsAFailure() {
        assertThatThrownBy(() -> policy.backoffAfter(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("failuresInWindow 0 (must be at least 1)");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new RestartPolicy(Duration.ofSeconds(-1), Duration.ofSeconds(-2), 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid restart policy: initial backoff PT-1S is negative; "
                        + "max backoff PT-2S is shorter than the initial backoff PT-1S; "
                        + "max failures 0 (must be at least 1); window PT0S (must be positive)");
    }
}
