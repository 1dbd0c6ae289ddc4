package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.lineage.BatchLineage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ingest query's batches of the last hour, as the dashboard charts them: per batch its time
 * (the {@code batch_time} of {@code /batches}), the rows it committed, its input rate, its
 * duration, the Kafka lag it left, its delay from trigger to commit and from acceptance to commit.
 * Kept in memory from what the service sees of each batch; after a restart the batches before it
 * come back from the lineage table ({@link #restore}), with what that table holds of them.
 */
public final class BatchHistory {
    /**
     * One batch; {@code delay}: from the batch's trigger to its report, the longest an event of it
     * waited after the trigger; {@code endToEnd}: from the API's acceptance of the batch's oldest
     * event (its Kafka timestamp) to the report, the longest an event of it took into the lake
     * (empty for a batch without events).
     */
    public record Entry(long batchId, Instant batchTime, long rows, double inputRowsPerSecond, Duration duration, OptionalLong kafkaLag,
            Duration delay, Optional<Duration> endToEnd, boolean fromLineage) {
        public Entry {
            requireNonNull(batchTime, "batchTime is null");
            requireNonNull(duration, "duration is null");
            requireNonNull(kafkaLag, "kafkaLag is null");
            requireNonNull(delay, "delay is null");
            requireNonNull(endToEnd, "endToEnd is null");
        }

        /** A batch as the service saw it run. */
        public static Entry live(long batchId, Instant batchTime, long rows, double inputRowsPerSecond, Duration duration, long kafkaLag,
                Duration delay, Optional<Duration> endToEnd) {
            return new Entry(batchId, batchTime, rows, inputRowsPerSecond, duration, OptionalLong.of(kafkaLag), delay, endToEnd, false);
        }

        /**
         * A batch from its lineage row, {@code previous} the row of the batch before it if known: its
         * duration is the writer's ({@code duration_ms}), its delay {@code committed_at} minus
         * {@code batch_time}; the Kafka lag and the acceptance of its events are not in the row.
         */
        public static Entry ofLineage(BatchLineage batch, BatchLineage previous) {
            long rows = batch.rowsWritten();
            Duration duration = Duration.ofMillis(batch.durationMs());
            BatchRates rates = BatchRates.of(batch.batchId(), rows, batch.batchTime(), previous == null ? null : previous.batchTime(), duration);
            Duration delay = Duration.between(batch.batchTime(), batch.committedAt());
            return new Entry(batch.batchId(), batch.batchTime(), rows, rates.inputRowsPerSecond(), duration, OptionalLong.empty(),
                    delay.isNegative() ? Duration.ZERO : delay, Optional.empty(), true);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("batch_id", batchId);
            json.put("batch_time", batchTime.toString());
            json.put("rows", rows);
            json.put("input_rows_per_second", inputRowsPerSecond);
            json.put("batch_duration_ms", duration.toMillis());
            json.put("kafka_lag", kafkaLag.isPresent() ? kafkaLag.getAsLong() : null);
            json.put("delay_ms", delay.toMillis());
            json.put("end_to_end_ms", endToEnd.map(Duration::toMillis).orElse(null));
            json.put("source", fromLineage ? "lineage" : "live");
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

    /**
     * Adds the batches of the last hour before {@code now} from their lineage rows (any order) of
     * the query of the newest of them: those of an id already held, from the service itself, stay.
     */
    public synchronized int restore(List<BatchLineage> lineage, Instant now) {
        requireNonNull(lineage, "lineage is null");
        if (lineage.isEmpty()) {
            return 0;
        }
        BatchLineage newest = lineage.stream().max(Comparator.comparing(BatchLineage::committedAt)).orElseThrow();
        Map<Long, BatchLineage> byId = new TreeMap<>();
        for (BatchLineage batch : lineage) {
            if (batch.queryId().equals(newest.queryId())) {
                byId.put(batch.batchId(), batch);
            }
        }
        Set<Long> held = new HashSet<>();
        entries.forEach(entry -> held.add(entry.batchId()));
        List<Entry> merged = new ArrayList<>(entries);
        Instant oldest = now.minus(keep);
        int restored = 0;
        for (BatchLineage batch : byId.values()) {
            if (!held.contains(batch.batchId()) && !batch.batchTime().isBefore(oldest)) {
                merged.add(Entry.ofLineage(batch, byId.get(batch.batchId() - 1)));
                restored++;
            }
        }
        merged.sort(Comparator.comparing(Entry::batchTime).thenComparingLong(Entry::batchId));
        entries.clear();
        entries.addAll(merged.subList(Math.max(0, merged.size() - maxEntries), merged.size()));
        return restored;
    }

    /** The batches kept, oldest first. */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }
}
