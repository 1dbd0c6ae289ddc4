package dev.bankinglake.table;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the lake's folders say about one partition, and what a compaction run must do about it.
 * Generation 0 is the partition's home folder; each compaction adds the next generation, and the
 * newest one present is the current location. Older generations still on disk are retired: a
 * retirement marker records when the metastore stopped sending queries there. No marker means the
 * switch to the current generation was not confirmed (the run that made it died, or the metastore
 * failed): the next run confirms it before anything else.
 *
 * @param current        the current generation (0: the home folder)
 * @param generations    the compacted generations on disk (1, 2, ...), the current one included
 * @param homeHoldsFiles whether the home folder still holds data files
 * @param retiredAt      retirement markers: generation to the instant the metastore moved away from it
 */
public record PartitionState(int current, SortedSet<Integer> generations, boolean homeHoldsFiles, Map<Integer, Instant> retiredAt) {

    /** How the metastore's location of the partition relates to its folders. */
    public enum Agreement {
        /** It points at the current generation. */
        IN_STEP,
        /** It points at an older folder of the partition: a switch was not completed; moving it to the current one is safe. */
        BEHIND,
        /** It points at none of the partition's folders: someone else moved it; compaction leaves it alone. */
        ELSEWHERE,
        /** The metastore does not know the partition (yet). */
        NOT_REGISTERED
    }

    public PartitionState {
        generations = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(generations, "generations is null")));
        retiredAt = java.util.Collections.unmodifiableMap(new TreeMap<>(requireNonNull(retiredAt, "retiredAt is null")));
        if (current < 0 || (current > 0 && !generations.contains(current)) || (!generations.isEmpty() && generations.last() != current)) {
            throw new IllegalArgumentException("Invalid partition state: current generation " + current + " with generations " + generations
                    + " (the current one is the newest on disk, 0 when there is none)");
        }
    }

    /** Generations older than the current one whose files are still on disk. */
    public SortedSet<Integer> retired() {
        SortedSet<Integer> retired = new TreeSet<>(generations.headSet(current));
        if (current > 0 && homeHoldsFiles) {
            retired.add(0);
        }
        return retired;
    }

    /** Retired generations without a marker: the metastore may still point at one of them. */
    public SortedSet<Integer> unconfirmed() {
        SortedSet<Integer> unconfirmed = retired();
        unconfirmed.removeAll(retiredAt.keySet());
        return unconfirmed;
    }

    /** Retired generations whose grace has passed: no running query can still read them. */
    public SortedSet<Integer> deletable(Instant now, Duration deleteGrace) {
        SortedSet<Integer> deletable = new TreeSet<>();
        for (int generation : retired()) {
            Instant marked = retiredAt.get(generation);
            if (marked != null && !now.isBefore(marked.plus(deleteGrace))) {
                deletable.add(generation);
            }
        }
        return deletable;
    }

    /** Markers whose generation is gone: what a run that died while deleting leaves. */
    public SortedSet<Integer> staleMarkers() {
        SortedSet<Integer> stale = new TreeSet<>(retiredAt.keySet());
        stale.removeAll(retired());
        return stale;
    }

    /** Something to finish or clean up, whatever the schedule says about compacting. */
    public boolean needsRecovery(Instant now, Duration deleteGrace) {
        return !unconfirmed().isEmpty() || !deletable(now, deleteGrace).isEmpty() || !staleMarkers().isEmpty();
    }

    /** The generation the next compaction writes. */
    public int nextGeneration() {
        return current + 1;
    }

    /**
     * Compares the metastore's location with the partition's folders: the current one, and the
     * older ones (the home folder and the retired generations). Compared as given: qualified paths.
     */
    public static Agreement agreement(Optional<String> metastoreLocation, String currentLocation, Collection<String> olderLocations) {
        requireNonNull(metastoreLocation, "metastoreLocation is null");
        requireNonNull(currentLocation, "currentLocation is null");
        if (metastoreLocation.isEmpty()) {
            return Agreement.NOT_REGISTERED;
        }
        String location = withoutTrailingSlash(metastoreLocation.get());
        if (location.equals(withoutTrailingSlash(currentLocation))) {
            return Agreement.IN_STEP;
        }
        for (String older : olderLocations) {
            if (location.equals(withoutTrailingSlash(older))) {
                return Agreement.BEHIND;
            }
        }
        return Agreement.ELSEWHERE;
    }

    private static String withoutTrailingSlash(String location) {
        return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    }
}
