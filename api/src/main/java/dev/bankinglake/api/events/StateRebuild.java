package dev.bankinglake.api.events;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.api.game.Bank;
import dev.bankinglake.api.game.GameAction;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds every account by replaying the events topic from the beginning up to the end offsets
 * it had when the rebuild started. Events written later come from this API instance, which only
 * accepts writes once the rebuild is done.
 */
public final class StateRebuild {
    private static final Logger log = LoggerFactory.getLogger(StateRebuild.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private StateRebuild() {
    }

    /** What a rebuild read. */
    public record Summary(long eventsRead, long accountChanges, long skipped, int accounts) {
    }

    /**
     * @param stallTimeout how long polling may go without progress before the rebuild fails
     * @throws IllegalStateException if the topic cannot be read to its end
     */
    public static Summary replay(Consumer<String, String> consumer, String topic, Bank bank, Duration stallTimeout) {
        requireNonNull(consumer, "consumer is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(bank, "bank is null");
        List<PartitionInfo> partitionInfos = consumer.partitionsFor(topic, stallTimeout);
        if (partitionInfos == null || partitionInfos.isEmpty()) {
            log.info("Topic '{}' has no partitions yet; nothing to rebuild", topic);
            return new Summary(0, 0, 0, bank.accounts().size());
        }
        List<TopicPartition> partitions = partitionInfos.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> endOffsets = new HashMap<>(consumer.endOffsets(partitions, stallTimeout));

        long read = 0;
        long changes = 0;
        long skipped = 0;
        long lastProgress = System.nanoTime();
        while (!reachedEnd(consumer, endOffsets)) {
            boolean progressed = false;
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                Long end = endOffsets.get(new TopicPartition(record.topic(), record.partition()));
                if (end == null || record.offset() >= end) {
                    continue;
                }
                progressed = true;
                read++;
                try {
                    Optional<GameAction> action = EventParser.accountChange(record.value());
                    if (action.isPresent() && bank.replay(action.get())) {
                        changes++;
                    }
                }
                catch (IllegalArgumentException e) {
                    skipped++;
                    log.warn("Skipped unreadable event at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                            e.getMessage());
                }
            }
            if (progressed) {
                lastProgress = System.nanoTime();
            }
            else if (Duration.ofNanos(System.nanoTime() - lastProgress).compareTo(stallTimeout) > 0) {
                throw new IllegalStateException("State rebuild from topic '" + topic + "' made no progress for "
                        + stallTimeout.toMillis() + " ms; positions " + positions(consumer, endOffsets) + ", end offsets " + endOffsets);
            }
        }
        Summary summary = new Summary(read, changes, skipped, bank.accounts().size());
        log.info("Rebuilt state from topic '{}': {}", topic, summary);
        return summary;
    }

    private static boolean reachedEnd(Consumer<String, String> consumer, Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> entry : endOffsets.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<TopicPartition, Long> positions(Consumer<String, String> consumer, Map<TopicPartition, Long> endOffsets) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        endOffsets.keySet().forEach(partition -> positions.put(partition, consumer.position(partition)));
        return positions;
    }
}
