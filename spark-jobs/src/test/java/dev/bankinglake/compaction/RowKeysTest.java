package dev.bankinglake.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.ServiceTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.contract.WindowTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowKeysTest {
    @Test
    void eachTableIsSortedByItsNaturalTimeAndCheckedByWhatIdentifiesARow() {
        assertThat(RowKeys.of(LakeTable.CASH_TRANSACTIONS)).isEqualTo(new RowKeys("event_time", List.of("event_id")));
        assertThat(RowKeys.of(LakeTable.REJECTED_EVENTS))
                .isEqualTo(new RowKeys("kafka_timestamp", List.of("kafka_topic", "kafka_partition", "kafka_offset")));
        assertThat(RowKeys.of(ServiceTable.LAKE_BATCHES)).isEqualTo(new RowKeys("batch_time", List.of("batch_id", "query_id")));
        assertThat(RowKeys.of(WindowTable.TRADE_WINDOWS)).isEqualTo(new RowKeys("window_start", List.of("window_start", "window_end", "asset_name")));
        assertThat(RowKeys.of(WindowTable.EVENT_COUNTS).sortColumns()).containsExactly("window_start", "window_end", "event_type");
    }

    @Test
    void everyTableOfTheLakeHasKeysThatAreItsColumns() {
        for (TableDefinition table : TableDefinition.all()) {
            RowKeys keys = RowKeys.of(table);
            assertThat(table.columnNames()).as(table.tableName()).contains(keys.timeColumn()).containsAll(keys.idColumns());
        }
    }
}
