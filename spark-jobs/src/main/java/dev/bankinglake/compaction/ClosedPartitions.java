package dev.bankinglake.compaction;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Which day partitions are closed. A day's partition takes events until its day ends (UTC) and
 * late ones for a grace after that; the schedule compacts it only then. On demand, any day before
 * today is closed enough: late events that come after are still committed (into its current
 * location) and a later run compacts them too.
 */
public final class ClosedPartitions {
    private ClosedPartitions() {
    }

    public static LocalDate today(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    /** The instant the schedule may compact {@code day}: the next midnight UTC plus the grace. */
    public static Instant closesAt(LocalDate day, Duration closeGrace) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(closeGrace);
    }

    /** For the schedule: the day is over and its grace has passed. */
    public static boolean isClosed(LocalDate day, Instant now, Duration closeGrace) {
        return !now.isBefore(closesAt(day, closeGrace));
    }

    /** For an on-demand run: the day is before today (UTC). */
    public static boolean isPast(LocalDate day, Instant now) {
        return day.isBefore(today(now));
    }
}
