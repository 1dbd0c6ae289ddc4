package dev.bankinglake.windows;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowFunctionTest {
    @Test
    void aBatchsWatermarkIsItsLatestEventTimeMinusTheDelayNeverBelowTheCurrentOne() {
        assertThat(WindowFunction.nextWatermark(0, 70_000, 10_000)).isEqualTo(60_000);
        assertThat(WindowFunction.nextWatermark(65_000, 70_000, 10_000)).as("an older batch does not move it back").isEqualTo(65_000);
        assertThat(WindowFunction.nextWatermark(65_000, Long.MIN_VALUE, 10_000)).as("no event time in the batch").isEqualTo(65_000);
        assertThat(WindowFunction.nextWatermark(0, 70_000, 0)).as("no delay").isEqualTo(70_000);
    }
}
