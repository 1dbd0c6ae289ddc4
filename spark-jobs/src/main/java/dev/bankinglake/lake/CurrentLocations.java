package dev.bankinglake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.table.PartitionLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a lake table from where its partitions are now: each partition's current location (its
 * home folder, or its newest compacted generation), never a retired one, so a job reading the files
 * sees what Presto sees once the metastore has followed.
 */
public final class CurrentLocations {
    private static final String DT_IN_PATH = "/" + LakeTable.PARTITION_COLUMN.name() + "=([^/]+)/";

    private CurrentLocations() {
    }

    /** The current location of every partition of the table, oldest day first. */
    public static List<String> locations(PartitionLayout layout, TableDefinition table) throws IOException {
        List<String> locations = new ArrayList<>();
        for (String dt : layout.partitions(table)) {
            locations.add(layout.current(table, dt).path().toString());
        }
        return locations;
    }

    /** The table's rows with their {@code dt}, in the contract's column order; an empty table when it has no partition yet. */
    public static Dataset<Row> read(SparkSession spark, PartitionLayout layout, TableDefinition table) throws IOException {
        List<String> locations = locations(layout, table);
        if (locations.isEmpty()) {
            return spark.createDataFrame(List.of(), LakeSchemas.tableSchema(table));
        }
        String dt = LakeTable.PARTITION_COLUMN.name();
        // both a home folder (<table>/dt=D/) and a generation (<table>/_compaction/dt=D/gen-N/) name the day in their path
        return spark.read().schema(LakeSchemas.dataSchema(table)).parquet(locations.toArray(String[]::new))
                .withColumn(dt, regexp_extract(col("_metadata.file_path"), DT_IN_PATH, 1))
                .select(java.util.Arrays.stream(LakeSchemas.tableSchema(table).fieldNames()).map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new));
    }
}
