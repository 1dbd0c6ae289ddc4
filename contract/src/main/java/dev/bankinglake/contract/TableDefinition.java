package dev.bankinglake.contract;

import java.util.List;

/**
 * A table of the lake as the metastore and Presto see it: external, Parquet, partitioned by
 * {@link LakeTable#PARTITION_COLUMN}, stored in a folder named like the table under the lake root.
 * {@link LakeTable} holds the tables fed from the events topic; {@link ServiceTable} those the lake
 * service writes about its own work; {@link WindowTable} the final event-time windows. {@link #all()}
 * lists every table the lake registers.
 */
public interface TableDefinition {
    String tableName();

    String comment();

    /** The data columns in file order, without the partition column. */
    List<Column> columns();

    default List<String> columnNames() {
        return columns().stream().map(Column::name).toList();
    }

    /** Every table of the lake, topic tables first. */
    static List<TableDefinition> all() {
        List<TableDefinition> tables = new java.util.ArrayList<>(List.of(LakeTable.values()));
        tables.addAll(List.of(ServiceTable.values()));
        tables.addAll(List.of(WindowTable.values()));
        return List.copyOf(tables);
    }
}
