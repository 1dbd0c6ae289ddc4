package dev.bankinglake.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowSpecTest {
    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void aTumblingBucketHoldsItsStartButNotItsEnd() {
        WindowSpec minute = WindowSpec.tumbling(Duration.ofMinutes(1));
        assertThat(minute.startsOf(millis("2026-11-20T22:08:28.123Z"))).containsExactly(millis("2026-11-20T22:08:00Z"));
        assertThat(minute.startsOf(millis("2026-11-20T22:08:00Z"))).containsExactly(millis("2026-11-20T22:08:00Z"));
        assertThat(minute.startsOf(millis("2026-11-20T22:08:59.999Z"))).containsExactly(millis("2026-11-20T22:08:00Z"));
        assertThat(minute.endOf(millis("2026-11-20T22:08:00Z"))).isEqualTo(millis("2026-11-20T22:09:00Z"));
        assertThat(minute.windowsPerInstant()).isEqualTo(1);
    }

    @Test
    void anInstantIsInEverySlidingWindowThatHoldsIt() {
        WindowSpec sliding = WindowSpec.sliding(Duration.ofSeconds(60), Duration.ofSeconds(10));
        assertThat(sliding.windowsPerInstant()).isEqualTo(6);
        assertThat(sliding.startsOf(millis("2026-11-20T22:08:28.123Z"))).containsExactly(
                millis("2026-11-20T22:07:30Z"), millis("2026-11-20T22:07:40Z"), millis("2026-11-20T22:07:50Z"),
                millis("2026-11-20T22:08:00Z"), millis("2026-11-20T22:08:10Z"), millis("2026-11-20T22:08:20Z"));
        assertThat(sliding.startsOf(millis("2026-11-20T22:08:30Z"))).startsWith(millis("2026-11-20T22:07:40Z"))
                .endsWith(millis("2026-11-20T22:08:30Z"));
    }

    @Test
    void windowsBeforeTheEpochAlignToo() {
        WindowSpec tenSeconds = WindowSpec.tumbling(Duration.ofSeconds(10));
        assertThat(tenSeconds.startsOf(-1)).containsExactly(-10_000L);
        assertThat(tenSeconds.startsOf(-10_000)).containsExactly(-10_000L);
    }

    @Test
    void theSlideMustDivideTheLength() {
        assertThatThrownBy(() -> WindowSpec.sliding(Duration.ofSeconds(60), Duration.ofSeconds(25)))
                .hasMessage("Invalid windows: length PT1M, slide PT25S (both positive, the slide must divide the length)");
    }
}
