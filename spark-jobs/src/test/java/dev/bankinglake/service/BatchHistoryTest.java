package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BatchHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static BatchHistory.Entry batch(long id, Instant time) {
        return new BatchHistory.Entry(id, time, 10, 5.0, Duration.ofMillis(300), 2, Duration.ofMillis(400));
    }

    @Test
    void keepsTheLastHourOldestFirstAndEachBatchOnce() {
        BatchHistory history = BatchHistory.lastHour();
        history.add(batch(1, T0));
        history.add(batch(2, T0.plusSeconds(1800)));
        history.add(batch(2, T0.plusSeconds(1801)));
        assertThat(history.entries()).extracting(BatchHistory.Entry::batchId).containsExactly(1L, 2L);
        history.add(batch(3, T0.plusSeconds(3601)));
        assertThat(history.entries()).extracting(BatchHistory.Entry::batchId).as("batch 1 is more than an hour older").containsExactly(2L, 3L);
        assertThat(history.entries().get(1).toJson()).containsEntry("batch_id", 3L).containsEntry("rows", 10L)
                .containsEntry("batch_time", "2026-12-03T11:00:01Z").containsEntry("batch_duration_ms", 300L).containsEntry("kafka_lag", 2L)
                .containsEntry("delay_ms", 400L);
    }

    @Test
    void keepsAtMostItsNumberOfEntries() {
        BatchHistory history = new BatchHistory(Duration.ofHours(1), 2);
        for (int id = 0; id < 5; id++) {
            history.add(batch(id, T0.plusSeconds(id)));
        }
        assertThat(history.entries()).extracting(BatchHistory.Entry::batchId).containsExactly(3L, 4L);
    }
}
