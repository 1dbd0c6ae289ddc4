package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bankinglake.contract.LakeTable;
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
}
