package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * The Kafka offsets a micro-batch reads, per partition of one topic: from {@code start}
 * (inclusive; a partition missing there starts at 0) to {@code end} (exclusive).
 */
public record KafkaRange(String topic, Map<Integer, Long> start, Map<Integer, Long> end) {
    public KafkaRange {
        requireNonNull(topic, "topic is null");
        start = Map.copyOf(start);
        end = Map.copyOf(end);
    }

    public long start(int partition) {
        return start.getOrDefault(partition, 0L);
    }

    /** Messages in the range: for each partition, end minus start (as Spark's offset log gives them). */
    public long messages() {
        long total = 0;
        for (Map.Entry<Integer, Long> partition : end.entrySet()) {
            total += partition.getValue() - start(partition.getKey());
        }
        return total;
    }
}
