package dev.bankinglake.metastore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.LakeTable;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.Partition;
import org.apache.hadoop.hive.metastore.api.Table;
import org.junit.jupiter.api.Test;

class HiveTablesTest {
    private static final String LAKE = "hdfs://127.0.0.1:8020/lake";

    @Test
    void tablesFollowTheContract() {
        for (LakeTable lakeTable : LakeTable.values()) {
            Table table = HiveTables.table(lakeTable, LAKE, "lake");

            assertThat(table.getDbName()).isEqualTo("lake");
            assertThat(table.getTableName()).isEqualTo(lakeTable.tableName());
            assertThat(table.getTableType()).isEqualTo("EXTERNAL_TABLE");
            assertThat(table.getParameters()).containsEntry("EXTERNAL", "TRUE");
            assertThat(table.getSd().getCols()).extracting(FieldSchema::getName).containsExactlyElementsOf(lakeTable.columnNames());
            assertThat(table.getSd().getCols()).extracting(FieldSchema::getType)
                    .containsExactlyElementsOf(lakeTable.columns().stream().map(column -> column.type().hiveType()).toList());
            assertThat(table.getPartitionKeys()).extracting(FieldSchema::getName, FieldSchema::getType)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("dt", "string"));
            assertThat(table.getSd().getLocation()).isEqualTo(LAKE + "/" + lakeTable.tableName());
            assertThat(table.getSd().getSerdeInfo().getSerializationLib())
                    .isEqualTo("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
            assertThat(table.getSd().getInputFormat()).isEqualTo("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
            assertThat(table.getSd().getOutputFormat()).isEqualTo("org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat");
        }
    }

    @Test
    void partitionsPointAtTheirDateFolder() {
        Partition partition = HiveTables.partition(LakeTable.CASH_TRANSACTIONS, LAKE + "/", "lake", "2026-11-20");

        assertThat(partition.getValues()).containsExactly("2026-11-20");
        assertThat(partition.getSd().getLocation()).isEqualTo(LAKE + "/cash_transactions/dt=2026-11-20");
        assertThat(partition.getSd().getCols()).extracting(FieldSchema::getName)
                .containsExactlyElementsOf(LakeTable.CASH_TRANSACTIONS.columnNames());
    }
}
