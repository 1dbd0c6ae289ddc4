package dev.bankinglake.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HiveDdlTest {
    @Test
    void createsExternalParquetTablePartitionedByDate() {
        String ddl = HiveDdl.createTable(LakeTable.CASH_TRANSACTIONS, "hdfs://namenode:8020/lake/");
        assertThat(ddl)
                .startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS cash_transactions (\n  event_id string COMMENT")
                .contains("  amount decimal(18,2) COMMENT 'Cash moved, trade value, or account value for account lookups',\n")
                .contains("  user_agent string COMMENT 'HTTP request header User-Agent',\n")
                .contains("PARTITIONED BY (dt string COMMENT 'UTC date, yyyy-MM-dd')\nSTORED AS PARQUET\n")
                .endsWith("LOCATION 'hdfs://namenode:8020/lake/cash_transactions'");
    }

    @Test
    void listsEveryColumnOnceInOrder() {
        String ddl = HiveDdl.createTable(LakeTable.ASSET_TRANSACTIONS, "/lake");
        int last = -1;
        for (Column column : LakeTable.ASSET_TRANSACTIONS.columns()) {
            int at = ddl.indexOf("\n  " + column.name() + " " + column.type().hiveType() + " ");
            assertThat(at).as(column.name()).isGreaterThan(last);
            last = at;
        }
    }
}
