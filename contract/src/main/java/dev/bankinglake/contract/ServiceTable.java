package dev.bankinglake.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Tables the lake service writes about its own work, queryable in Presto next to the data.
 */
public enum ServiceTable implements TableDefinition {
    /**
     * Lineage: one row per committed micro-batch of the ingest query, with the Kafka offsets it
     * consumed and what it wrote. {@code dt} is the UTC date of the batch's Spark timestamp, which
     * a replayed batch keeps, so a replay cannot put the same batch in two partitions.
     */
    LAKE_BATCHES("lake_batches", "Lineage of the committed micro-batches of the ingest query");

    public static final Column BATCH_ID = new Column("batch_id", ColumnType.BIGINT, "Micro-batch id (Spark's, per checkpoint)");
    public static final Column QUERY_ID = new Column("query_id", ColumnType.STRING, "Streaming query id, stable across restarts of one checkpoint");
    public static final Column RUN_ID = new Column("run_id", ColumnType.STRING, "Run of the query that committed the batch");
    public static final Column KAFKA_TOPIC = new Column("kafka_topic", ColumnType.STRING, "Topic the batch read");
    public static final Column START_OFFSETS = new Column("start_offsets", ColumnType.STRING,
            "First offset per partition, JSON {\"partition\": offset}");
    public static final Column END_OFFSETS = new Column("end_offsets", ColumnType.STRING,
            "Offset after the last one read per partition (exclusive), JSON {\"partition\": offset}");
    public static final Column OFFSETS_CONSUMED = new Column("offsets_consumed", ColumnType.BIGINT,
            "Messages the batch consumed: sum of end minus start offsets");
    public static final Column FILES_COMMITTED = new Column("files_committed", ColumnType.STRING,
            "Files committed per table, JSON {\"table\": count}");
    public static final Column PARTITIONS_COMMITTED = new Column("partitions_committed", ColumnType.STRING,
            "Partitions written per table, JSON {\"table\": [\"yyyy-MM-dd\", ...]}");
    public static final Column DURATION_MS = new Column("duration_ms", ColumnType.BIGINT, "Time to write and commit the batch");
    public static final Column PARSE_MS = new Column("parse_ms", ColumnType.BIGINT, "Of which: read, parse and validate");
    public static final Column WRITE_MS = new Column("write_ms", ColumnType.BIGINT, "Of which: write and commit the files");
    public static final Column BATCH_TIME = new Column("batch_time", ColumnType.TIMESTAMP, "Spark's timestamp of the batch (kept on replay)");
    public static final Column COMMITTED_AT = new Column("committed_at", ColumnType.TIMESTAMP, "When the batch's files were committed");

    private static final String ROWS_PREFIX = "rows_";

    private final String tableName;
    private final String comment;

    ServiceTable(String tableName, String comment) {
        this.tableName = tableName;
        this.comment = comment;
    }

    @Override
    public String tableName() {
        return tableName;
    }

    @Override
    public String comment() {
        return comment;
    }

    @Override
    public List<Column> columns() {
        List<Column> columns = new ArrayList<>(List.of(BATCH_ID, QUERY_ID, RUN_ID, KAFKA_TOPIC, START_OFFSETS, END_OFFSETS, OFFSETS_CONSUMED));
        for (LakeTable table : LakeTable.values()) {
            columns.add(rowsColumn(table));
        }
        columns.addAll(List.of(FILES_COMMITTED, PARTITIONS_COMMITTED, DURATION_MS, PARSE_MS, WRITE_MS, BATCH_TIME, COMMITTED_AT));
        return List.copyOf(columns);
    }

    /** The lineage column that counts the rows a batch wrote to {@code table}. */
    public static Column rowsColumn(LakeTable table) {
        return new Column(ROWS_PREFIX + table.tableName(), ColumnType.BIGINT, "Rows the batch wrote to " + table.tableName());
    }

    public static java.util.Optional<ServiceTable> byTableName(String name) {
        return java.util.Arrays.stream(values()).filter(table -> table.tableName.equals(name)).findFirst();
    }
}
