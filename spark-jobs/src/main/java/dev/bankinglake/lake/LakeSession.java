package dev.bankinglake.lake;

import org.apache.spark.sql.SparkSession;

/** The Spark settings the lake's files depend on, shared by the job and its tests. */
public final class LakeSession {
    private LakeSession() {
    }

    /**
     * Columns that hold a different value in nearly every row (the raw message, the event id, the
     * sentence with its amounts): Parquet's dictionary for them fills up and is dropped in every
     * file after costing a hash look-up and compare per value, so they are written plain from the start.
     */
    static final java.util.List<String> UNIQUE_TEXT_COLUMNS = java.util.List.of(
            dev.bankinglake.contract.LakeTable.RAW_EVENT.name(),
            dev.bankinglake.contract.LakeTable.RAW_VALUE.name(),
            dev.bankinglake.contract.EventField.EVENT_ID.jsonName(),
            dev.bankinglake.contract.EventField.DESCRIPTION.jsonName());

    /** Settings that decide what the Parquet files look like and how messages are parsed. */
    public static SparkSession.Builder withLakeSettings(SparkSession.Builder builder) {
        for (String column : UNIQUE_TEXT_COLUMNS) {
            builder = builder.config("spark.hadoop.parquet.enable.dictionary#" + column, "false");
        }
        return builder
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.parquet.compression.codec", "snappy")
                // Hive-compatible decimals (fixed-length binary) and INT96 timestamps: what
                // Presto 0.287's Hive connector and Hive itself read without surprises.
                .config("spark.sql.parquet.writeLegacyFormat", "true")
                .config("spark.sql.parquet.outputTimestampType", "INT96")
                .config("spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED")
                .config("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
                // a field of the wrong type nulls that field only, so the reason can name it
                .config("spark.sql.json.enablePartialResults", "true")
                .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
                .config("spark.hadoop.parquet.summary.metadata.level", "NONE")
                .config("spark.ui.showConsoleProgress", "false");
    }

    /** A small local session for tests and tools: one core, no UI, bound to the loopback address. */
    public static SparkSession local(String appName) {
        return withLakeSettings(SparkSession.builder())
                .appName(appName)
                .master("local[1]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "1")
                .getOrCreate();
    }
}
