package dev.bankinglake.metastore;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.Column;
import dev.bankinglake.contract.HiveDdl;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.Partition;
import org.apache.hadoop.hive.metastore.api.SerDeInfo;
import org.apache.hadoop.hive.metastore.api.SkewedInfo;
import org.apache.hadoop.hive.metastore.api.StorageDescriptor;
import org.apache.hadoop.hive.metastore.api.Table;

/**
 * The metastore's view of a lake table, built from the contract: the same table the DDL in
 * {@code hive/ddl} describes ({@code STORED AS PARQUET}, external, partitioned by {@code dt}).
 */
public final class HiveTables {
    public static final String DEFAULT_DATABASE = "default";
    public static final String SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
    public static final String INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    public static final String OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
    public static final String EXTERNAL_TABLE = "EXTERNAL_TABLE";

    private HiveTables() {
    }

    public static String tableLocation(String lakeRoot, TableDefinition table) {
        return HiveDdl.tableLocation(lakeRoot, table);
    }

    public static String partitionLocation(String lakeRoot, TableDefinition table, String partitionValue) {
        return tableLocation(lakeRoot, table) + "/" + LakeTable.PARTITION_COLUMN.name() + "=" + partitionValue;
    }

    public static List<FieldSchema> columns(TableDefinition table) {
        List<FieldSchema> columns = new ArrayList<>();
        for (Column column : table.columns()) {
            columns.add(fieldSchema(column));
        }
        return columns;
    }

    public static Table table(TableDefinition table, String lakeRoot, String database) {
        requireNonNull(table, "table is null");
        requireNonNull(lakeRoot, "lakeRoot is null");
        Map<String, String> parameters = new HashMap<>();
        parameters.put("EXTERNAL", "TRUE");
        parameters.put("comment", table.comment());
        Table hiveTable = new Table();
        hiveTable.setDbName(requireNonNull(database, "database is null"));
        hiveTable.setTableName(table.tableName());
        hiveTable.setOwner(System.getProperty("user.name", "lake"));
        hiveTable.setTableType(EXTERNAL_TABLE);
        hiveTable.setParameters(parameters);
        hiveTable.setPartitionKeys(new ArrayList<>(List.of(fieldSchema(LakeTable.PARTITION_COLUMN))));
        hiveTable.setSd(storage(columns(table), tableLocation(lakeRoot, table)));
        hiveTable.setCreateTime(nowSeconds());
        return hiveTable;
    }

    public static Partition partition(TableDefinition table, String lakeRoot, String database, String partitionValue) {
        requireNonNull(partitionValue, "partitionValue is null");
        Partition partition = new Partition();
        partition.setDbName(requireNonNull(database, "database is null"));
        partition.setTableName(table.tableName());
        partition.setValues(new ArrayList<>(List.of(partitionValue)));
        partition.setSd(storage(columns(table), partitionLocation(lakeRoot, table, partitionValue)));
        partition.setParameters(new HashMap<>());
        partition.setCreateTime(nowSeconds());
        return partition;
    }

    private static StorageDescriptor storage(List<FieldSchema> columns, String location) {
        SerDeInfo serde = new SerDeInfo();
        serde.setSerializationLib(SERDE);
        serde.setParameters(new HashMap<>(Map.of("serialization.format", "1")));
        StorageDescriptor storage = new StorageDescriptor();
        storage.setCols(columns);
        storage.setLocation(location);
        storage.setInputFormat(INPUT_FORMAT);
        storage.setOutputFormat(OUTPUT_FORMAT);
        storage.setSerdeInfo(serde);
        storage.setCompressed(false);
        storage.setNumBuckets(-1);
        storage.setBucketCols(new ArrayList<>());
        storage.setSortCols(new ArrayList<>());
        storage.setParameters(new HashMap<>());
        storage.setSkewedInfo(new SkewedInfo(new ArrayList<>(), new ArrayList<>(), new HashMap<>()));
        storage.setStoredAsSubDirectories(false);
        return storage;
    }

    private static FieldSchema fieldSchema(Column column) {
        return new FieldSchema(column.name(), column.type().hiveType(), column.comment());
    }

    private static int nowSeconds() {
        return (int) (System.currentTimeMillis() / 1000);
    }
}
