package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest query's batches of the last hour, as the dashboard charts them: per batch its time
 * (the {@code batch_time} of {@code /batches}), the rows it committed, its input rate, its
 * duration, the Kafka lag it left and its delay from trigger to commit. Kept in memory from what
 * the service already sees of each batch; a restart starts it again (the lineage table keeps the
 * batches themselves).
 */
public final class BatchHistory {
    /** One batch; {@code delay}: from the batch's trigger to its report, the longest an event of it waited after the trigger. */
    public record Entry(long batchId, Instant batchTime, long rows, double inputRowsPerSecond, Duration duration, long kafkaLag,
            Duration delay) {
        public Entry {
            requireNonNull(batchTime, "batchTime is null");
            requireNonNull(duration, "duration is null");
            requireNonNull(delay, "delay is null");
        }

        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("batch_id", batchId);
            json.put("batch_time", batchTime.toString());
            json.put("rows", rows);
            json.put("input_rows_per_second", inputRowsPerSecond);
            json.put("batch_duration_ms", duration.toMillis());
            json.put("kafka_lag", kafkaLag);
            json.put("delay_ms", delay.toMillis());
            return json;
        }
    }

    private final Duration keep;
    private final int maxEntries;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public BatchHistory(Duration keep, int maxEntries) {
        this.keep = requireNonNull(keep, "keep is null");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("Invalid maxEntries: " + maxEntries + " (must be at least 1)");
        }
        this.maxEntries = maxEntries;
    }

    /** The last hour, at most one entry per second of a 1 s trigger. */
    public static BatchHistory lastHour() {
        return new BatchHistory(Duration.ofHours(1), 7200);
    }

    /** Adds a batch; a batch of an id already held (a replay after a restart of the query) replaces nothing. */
    public synchronized void add(Entry entry) {
        requireNonNull(entry, "entry is null");
        if (entries.stream().anyMatch(held -> held.batchId() == entry.batchId())) {
            return;
        }
        entries.addLast(entry);
        Instant oldest = entry.batchTime().minus(keep);
        while (entries.size() > maxEntries || (!entries.isEmpty() && entries.peekFirst().batchTime().isBefore(oldest))) {
            entries.removeFirst();
        }
    }

    /** The batches kept, oldest first. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }
}
