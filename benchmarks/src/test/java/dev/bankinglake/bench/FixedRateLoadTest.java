package dev.bankinglake.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FixedRateLoadTest {
    @Test
    void requestsDueFollowTheRateWithoutDrift() {
        assertThat(FixedRateLoad.due(0, 2000)).isZero();
        assertThat(FixedRateLoad.due(10_000_000L, 2000)).isEqualTo(20);
        assertThat(FixedRateLoad.due(1_000_000_000L, 2000)).isEqualTo(2000);
        // an hour at 2,000/s owes exactly 7,200,000, with no rounding carried from tick to tick
        assertThat(FixedRateLoad.due(3_600_000_000_000L, 2000)).isEqualTo(7_200_000);
        assertThat(FixedRateLoad.due(999_999_999L, 1)).isZero();
        assertThat(FixedRateLoad.due(500_000_000L, 3)).isEqualTo(1);
    }

    @Test
    void refusesANegativeTimeAndAnImpossibleRate() {
        assertThatThrownBy(() -> FixedRateLoad.due(-1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid elapsed time: -1 ns (must not be negative)");
        assertThatThrownBy(() -> new FixedRateLoad("http://127.0.0.1:1", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid --load: 0.0 (must be more than 0 and at most 100000 requests/s)");
    }
}
