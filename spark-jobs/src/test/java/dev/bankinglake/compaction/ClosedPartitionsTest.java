package dev.bankinglake.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ClosedPartitionsTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-20");

    @Test
    void aDayClosesAtTheNextMidnightUtcPlusTheGrace() {
        Duration grace = Duration.ofHours(1);
        assertThat(ClosedPartitions.closesAt(DAY, grace)).isEqualTo(Instant.parse("2026-11-21T01:00:00Z"));
        assertThat(ClosedPartitions.isClosed(DAY, Instant.parse("2026-11-20T23:59:59Z"), grace)).isFalse();
        assertThat(ClosedPartitions.isClosed(DAY, Instant.parse("2026-11-21T00:30:00Z"), grace)).as("within the grace").isFalse();
        assertThat(ClosedPartitions.isClosed(DAY, Instant.parse("2026-11-21T01:00:00Z"), grace)).isTrue();
        assertThat(ClosedPartitions.isClosed(DAY, Instant.parse("2026-12-01T00:00:00Z"), grace)).isTrue();
        assertThat(ClosedPartitions.isClosed(DAY, Instant.parse("2026-11-21T00:00:00Z"), Duration.ZERO)).isTrue();
        assertThat(ClosedPartitions.isClosed(DAY.plusDays(1), Instant.parse("2026-11-21T12:00:00Z"), Duration.ZERO)).as("today").isFalse();
    }

    @Test
    void onDemandAnyDayBeforeTodayUtc() {
        assertThat(ClosedPartitions.isPast(DAY, Instant.parse("2026-11-21T00:00:00Z"))).isTrue();
        assertThat(ClosedPartitions.isPast(DAY, Instant.parse("2026-11-20T23:59:59Z"))).isFalse();
        assertThat(ClosedPartitions.today(Instant.parse("2026-11-20T23:59:59Z"))).isEqualTo(DAY);
    }
}
