package dev.bankinglake.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.WindowTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowClockTest {
    private static final Duration DELAY = Duration.ofSeconds(10);

    private static WindowUpdate open(String start, String end) {
        return new WindowUpdate(new WindowKey(WindowTable.EVENT_COUNTS, Instant.parse(start).toEpochMilli(), Instant.parse(end).toEpochMilli(),
                "make_deposit"), Map.of(), false);
    }

    @Test
    void aWindowIsDueOnceItsEndPlusTheDelayHasPassed() {
        List<WindowUpdate> open = List.of(open("2026-12-03T10:40:00Z", "2026-12-03T10:41:00Z"));
        assertThat(WindowClock.due(open, DELAY, Instant.parse("2026-12-03T10:41:09.999Z"))).isFalse();
        assertThat(WindowClock.due(open, DELAY, Instant.parse("2026-12-03T10:41:10Z"))).isTrue();
        assertThat(WindowClock.due(List.of(), DELAY, Instant.parse("2026-12-03T11:00:00Z"))).as("nothing open: no tick").isFalse();
    }

    @Test
    void theFirstTickLeavesAsSoonAsAWindowIsDueThenAtMostOnePerInterval() {
        List<WindowUpdate> open = List.of(open("2026-12-03T10:40:00Z", "2026-12-03T10:41:00Z"));
        Duration interval = Duration.ofSeconds(1);
        Instant due = Instant.parse("2026-12-03T10:41:10Z");
        assertThat(WindowClock.tickDue(open, DELAY, null, interval, due.minusMillis(1))).as("not due yet").isFalse();
        assertThat(WindowClock.tickDue(open, DELAY, null, interval, due)).as("due, no tick before").isTrue();
        assertThat(WindowClock.tickDue(open, DELAY, Instant.parse("2026-12-03T10:40:00Z"), interval, due)).as("an old tick").isTrue();
        assertThat(WindowClock.tickDue(open, DELAY, due, interval, due.plusMillis(999))).as("within an interval of the last").isFalse();
        assertThat(WindowClock.tickDue(open, DELAY, due, interval, due.plusSeconds(1))).as("an interval after the last").isTrue();
        assertThat(WindowClock.tickDue(List.of(), DELAY, null, interval, due)).as("nothing open").isFalse();
    }

    @Test
    void theClockTopicFollowsTheWindowsTopic() {
        assertThat(WindowClock.topicOf("windows")).isEqualTo("windows-clock");
    }
}
