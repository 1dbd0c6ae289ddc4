package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lineage.BatchLineage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatchHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static BatchHistory.Entry batch(long id, Instant time) {
        return BatchHistory.Entry.live(id, time, 10, 5.0, Duration.ofMillis(300), 2, Duration.ofMillis(400), Optional.of(Duration.ofMillis(1400)));
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
                .containsEntry("delay_ms", 400L).containsEntry("end_to_end_ms", 1400L).containsEntry("source", "live");
    }

    private static BatchLineage lineage(long id, String queryId, Instant batchTime, long rows) {
        return new BatchLineage(id, queryId, "run", "events", Map.of(0, id * 10), Map.of(0, id * 10 + rows), Map.of(LakeTable.CASH_TRANSACTIONS, rows),
                Map.of(), Map.of(), 250, 100, 150, batchTime, batchTime.plusMillis(900));
    }

    @Test
    void aRestartTakesBackTheLastHourFromTheLineageOfTheNewestQueryAndKeepsWhatItSawItself() {
        BatchHistory history = BatchHistory.lastHour();
        Instant now = T0.plusSeconds(4000);
        history.add(batch(9, now.minusSeconds(1)));
        int restored = history.restore(List.of(
                lineage(8, "q2", now.minusSeconds(3), 40),
                lineage(7, "q2", now.minusSeconds(5), 20),
                lineage(9, "q2", now.minusSeconds(1), 99),
                lineage(6, "q2", now.minusSeconds(3700), 5),
                lineage(8, "q1", now.minusSeconds(2), 1)), now);
        assertThat(restored).as("batches 7 and 8 of q2: 6 is over an hour old, 9 is held, q1 is an older checkpoint").isEqualTo(2);
        assertThat(history.entries()).extracting(BatchHistory.Entry::batchId).containsExactly(7L, 8L, 9L);
        Map<String, Object> eight = history.entries().get(1).toJson();
        assertThat(eight).containsEntry("rows", 40L).containsEntry("input_rows_per_second", 20.0).containsEntry("batch_duration_ms", 250L)
                .containsEntry("delay_ms", 900L).containsEntry("source", "lineage");
        assertThat(eight.get("kafka_lag")).as("not in the lineage row").isNull();
        assertThat(eight.get("end_to_end_ms")).as("not in the lineage row").isNull();
        assertThat(history.entries().get(0).toJson()).as("batch 6, over an hour old, still gives batch 7's input rate")
                .containsEntry("input_rows_per_second", 20 * 1000.0 / 3_695_000);
        assertThat(history.entries().get(2).toJson()).as("the service's own").containsEntry("rows", 10L).containsEntry("source", "live");
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
