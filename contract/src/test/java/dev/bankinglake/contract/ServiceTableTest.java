package dev.bankinglake.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceTableTest {
    @Test
    void lineageCountsTheRowsOfEveryTopicTable() {
        List<String> columns = ServiceTable.LAKE_BATCHES.columnNames();
        for (LakeTable table : LakeTable.values()) {
            assertThat(columns).contains("rows_" + table.tableName());
        }
        assertThat(columns).startsWith("batch_id", "query_id", "run_id", "kafka_topic", "start_offsets", "end_offsets", "offsets_consumed")
                .endsWith("batch_time", "committed_at")
                .doesNotHaveDuplicates()
                .doesNotContain(LakeTable.PARTITION_COLUMN.name());
    }

    @Test
    void everyTableIsListedOnceWithAUniqueName() {
        List<String> names = TableDefinition.all().stream().map(TableDefinition::tableName).toList();
        assertThat(names).doesNotHaveDuplicates()
                .containsSubsequence("asset_prices", "rejected_events", "lake_batches");
        assertThat(ServiceTable.byTableName("lake_batches")).contains(ServiceTable.LAKE_BATCHES);
        assertThat(ServiceTable.byTableName("asset_prices")).isEmpty();
    }

    @Test
    void ddlOfTheLineageTableIsGeneratedLikeTheOthers() {
        assertThat(HiveDdl.createTable(ServiceTable.LAKE_BATCHES, "/lake"))
                .startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS lake_batches (\n  batch_id bigint COMMENT")
                .contains("  rows_rejected_events bigint COMMENT 'Rows the batch wrote to rejected_events',\n")
                .contains("  batch_time timestamp COMMENT")
                .endsWith("LOCATION '/lake/lake_batches'");
    }
}
