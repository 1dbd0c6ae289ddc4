package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.ServiceTable;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The exactly-once checks every streaming IT makes through Presto. */
final class LakeAssertions {
    private LakeAssertions() {
    }

    /** Waits until every table holds exactly what was sent, then checks that no event_id is there twice. */
    static void assertExactlyOnce(LakeTestSupport lake, EventStream stream, String context) throws Exception {
        await("every event to be visible in Presto exactly once (" + context + ")")
                .atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (LakeTable table : LakeTable.values()) {
                        assertThat(lake.prestoCount(table)).as("rows of %s", table.tableName()).isEqualTo(stream.produced(table));
                    }
                });
        String allEventIds = List.of(LakeTable.values()).stream().filter(LakeTable::isEventTable)
                .map(table -> "select event_id from " + lake.table(table))
                .collect(Collectors.joining(" union all "));
        Map<String, String> ids = lake.query("select count(*) as total, count(distinct event_id) as distinct_ids from (" + allEventIds + ")").get(0);
        assertThat(Long.parseLong(ids.get("total"))).as("event rows").isEqualTo(stream.producedEvents());
        assertThat(Long.parseLong(ids.get("distinct_ids"))).as("distinct event ids").isEqualTo(stream.producedEvents());
        assertThat(lake.count("select count(*) from (select distinct kafka_partition, kafka_offset from "
                + lake.table(LakeTable.REJECTED_EVENTS) + ")")).as("distinct rejected messages").isEqualTo(stream.produced(LakeTable.REJECTED_EVENTS));
    }

    /**
     * Batch after batch, the Kafka offset ranges follow each other per partition, and what each
     * batch wrote (rows of every table, rejected included) equals the offsets it consumed.
     */
    static void assertContiguousLineage(LakeTestSupport lake, ServiceClient service, EventStream stream) throws Exception {
        JsonNode batches = service.get("/batches?limit=1000").path("batches");
        assertThat(batches.size()).as("batches in the lineage").isGreaterThan(2);
        Map<String, Long> nextStart = new HashMap<>();
        long consumed = 0;
        long rows = 0;
        // newest first: walk from the oldest
        for (int index = batches.size() - 1; index >= 0; index--) {
            JsonNode batch = batches.get(index);
            long written = 0;
            for (LakeTable table : LakeTable.values()) {
                written += batch.path("rows").path(table.tableName()).asLong();
            }
            long batchConsumed = 0;
            var partitions = batch.path("offsets").fields();
            while (partitions.hasNext()) {
                var partition = partitions.next();
                long start = partition.getValue().path("start").asLong();
                long end = partition.getValue().path("end").asLong();
                assertThat(end).as("end offset of partition %s in batch %s", partition.getKey(), batch.path("batch_id")).isGreaterThanOrEqualTo(start);
                if (nextStart.containsKey(partition.getKey())) {
                    assertThat(start).as("start of partition %s in batch %s follows the previous batch", partition.getKey(), batch.path("batch_id"))
                            .isEqualTo(nextStart.get(partition.getKey()));
                }
                else {
                    assertThat(start).as("first batch starts at the topic's beginning").isZero();
                }
                nextStart.put(partition.getKey(), end);
                batchConsumed += end - start;
            }
            assertThat(written).as("rows written by batch %s = offsets it consumed", batch.path("batch_id")).isEqualTo(batchConsumed);
            assertThat(batch.path("offsets_consumed").asLong()).isEqualTo(batchConsumed);
            assertThat(batch.path("rejected_rows").asLong()).isEqualTo(batch.path("rows").path("rejected_events").asLong());
            consumed += batchConsumed;
            rows += written;
        }
        long sent = stream.producedEvents() + stream.produced(LakeTable.REJECTED_EVENTS);
        assertThat(consumed).as("offsets consumed by every batch").isEqualTo(sent);
        assertThat(rows).isEqualTo(sent);

        JsonNode oldest = batches.get(batches.size() - 1);
        JsonNode byId = service.get("/batches/" + oldest.path("batch_id").asLong());
        assertThat(byId).isEqualTo(oldest);
        HttpResponse<String> missing = service.request("GET", "/batches/987654321");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"error\":\"No committed batch 987654321 in the lineage\"");
        HttpResponse<String> bad = service.request("GET", "/batches?limit=zero");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Invalid limit: 'zero'");

        String table = "hive." + lake.database + "." + ServiceTable.LAKE_BATCHES.tableName();
        await("the lineage in Presto").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2))
                .until(() -> lake.prestoCountOf(table) == batches.size());
        Map<String, String> sums = lake.query("select sum(offsets_consumed) as consumed, sum(rows_rejected_events) as rejected, "
                + "count(distinct batch_id) as ids from " + table).get(0);
        assertThat(Long.parseLong(sums.get("consumed"))).isEqualTo(sent);
        assertThat(Long.parseLong(sums.get("rejected"))).isEqualTo(stream.produced(LakeTable.REJECTED_EVENTS));
        assertThat(Long.parseLong(sums.get("ids"))).isEqualTo(batches.size());
    }
}
