package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one compaction run did to one partition.
 *
 * @param filesBefore data files in the current location before the run (those rewritten when compacted)
 * @param filesAfter  data files in the current location after the run (the rewritten ones, plus late files taken over at the switch)
 * @param lateFiles   files committed into the old location while the run rewrote it, carried over at the switch
 * @param steps       what the run finished or cleaned up besides: a switch confirmed, markers written, retired folders deleted
 */
public record PartitionOutcome(String table, String dt, Action action, int filesBefore, int filesAfter, long bytesBefore, long bytesAfter,
        long rows, int lateFiles, String location, List<String> steps, long durationMs) {

    public enum Action {
        /** Rewritten into a new generation, verified, and switched. */
        COMPACTED,
        /** Nothing worth rewriting (already at the target size, or a single small file). */
        UP_TO_DATE,
        /** No data files. */
        EMPTY,
        /** The metastore does not know the partition yet: compacted once it is registered. */
        NOT_REGISTERED,
        /** The metastore points at none of the partition's folders: left alone. */
        ELSEWHERE
    }

    public PartitionOutcome {
        requireNonNull(table, "table is null");
        requireNonNull(dt, "dt is null");
        requireNonNull(action, "action is null");
        requireNonNull(location, "location is null");
        steps = List.copyOf(steps);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("table", table);
        json.put("dt", dt);
        json.put("action", action.name().toLowerCase(Locale.ROOT));
        json.put("files_before", filesBefore);
        json.put("files_after", filesAfter);
        json.put("bytes_before", bytesBefore);
        json.put("bytes_after", bytesAfter);
        json.put("rows", rows);
        json.put("late_files", lateFiles);
        json.put("location", location);
        json.put("steps", steps);
        json.put("duration_ms", durationMs);
        return json;
    }
}
