package dev.bankinglake.contract;

import static dev.bankinglake.contract.EventField.AMOUNT;
import static dev.bankinglake.contract.EventField.ASSET_NAME;
import static dev.bankinglake.contract.EventField.FULL_NAME;
import static dev.bankinglake.contract.EventField.NUMBER_OF;
import static dev.bankinglake.contract.EventField.UNIT_PRICE;
import static dev.bankinglake.contract.EventField.USER_ID;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The tables fed from the events topic. Each is external, Parquet, partitioned by {@link #PARTITION_COLUMN}
 * and stored in its own folder, named like the table, under the lake root. The column lists
 * here are the only definition: the Spark schema, the Hive DDL in {@code hive/ddl} and the
 * Presto queries are generated from or tested against them.
 */
public enum LakeTable implements TableDefinition {
    ASSET_PRICES("asset_prices", "Price and account lookups",
            List.of(USER_ID, ASSET_NAME, UNIT_PRICE, AMOUNT)),
    ACCOUNT_STATUS("account_status", "Accounts opened and closed",
            List.of(USER_ID, FULL_NAME)),
    ASSET_TRANSACTIONS("asset_transactions", "Assets bought and sold",
            List.of(USER_ID, ASSET_NAME, NUMBER_OF, UNIT_PRICE, AMOUNT)),
    CASH_TRANSACTIONS("cash_transactions", "Cash deposited and withdrawn",
            List.of(USER_ID, AMOUNT)),
    /** Messages from the topic that are not valid events, kept with the reason and their origin. */
    REJECTED_EVENTS("rejected_events", "Messages that broke the event contract, with the reason",
            List.of());

    /** UTC date of the event ({@code yyyy-MM-dd}); for rejected messages, of the Kafka timestamp. */
    public static final Column PARTITION_COLUMN = new Column("dt", ColumnType.STRING, "UTC date, yyyy-MM-dd");

    public static final Column KAFKA_TOPIC = new Column("kafka_topic", ColumnType.STRING, "Topic the message was read from");
    public static final Column KAFKA_PARTITION = new Column("kafka_partition", ColumnType.INT, "Kafka partition of the message");
    public static final Column KAFKA_OFFSET = new Column("kafka_offset", ColumnType.BIGINT, "Kafka offset of the message");
    public static final Column KAFKA_TIMESTAMP = new Column("kafka_timestamp", ColumnType.TIMESTAMP, "Kafka timestamp of the message");
    public static final Column RAW_EVENT = new Column("raw_event", ColumnType.STRING, "The event exactly as read from Kafka");
    public static final Column REASON = new Column("reason", ColumnType.STRING, "Why the message was rejected");
    public static final Column RAW_VALUE = new Column("raw_value", ColumnType.STRING, "The message value as read from Kafka (UTF-8)");

    private final String tableName;
    private final String comment;
    private final List<EventField> payloadFields;

    LakeTable(String tableName, String comment, List<EventField> payloadFields) {
        this.tableName = tableName;
        this.comment = comment;
        this.payloadFields = List.copyOf(payloadFields);
    }

    @Override
    public String tableName() {
        return tableName;
    }

    @Override
    public String comment() {
        return comment;
    }

    public boolean isEventTable() {
        return this != REJECTED_EVENTS;
    }

    /** The event types routed to this table (none for {@link #REJECTED_EVENTS}). */
    public List<EventType> eventTypes() {
        return Arrays.stream(EventType.values()).filter(type -> type.table() == this).toList();
    }

    /** The event fields specific to this table, in column order. */
    public List<EventField> payloadFields() {
        return payloadFields;
    }

    /** The data columns in file order, without the partition column. */
    @Override
    public List<Column> columns() {
        List<Column> columns = new ArrayList<>();
        if (!isEventTable()) {
            columns.add(KAFKA_TOPIC);
            columns.add(KAFKA_PARTITION);
            columns.add(KAFKA_OFFSET);
            columns.add(KAFKA_TIMESTAMP);
            columns.add(REASON);
            columns.add(RAW_VALUE);
            return List.copyOf(columns);
        }
        columns.add(EventField.EVENT_ID.column());
        columns.add(EventField.EVENT_TYPE.column());
        columns.add(EventField.EVENT_TIME.column());
        columns.add(EventField.SCHEMA_VERSION.column());
        payloadFields.forEach(field -> columns.add(field.column()));
        columns.add(EventField.DESCRIPTION.column());
        HeaderField.all().forEach(header -> columns.add(header.column()));
        columns.add(KAFKA_PARTITION);
        columns.add(KAFKA_OFFSET);
        columns.add(KAFKA_TIMESTAMP);
        columns.add(RAW_EVENT);
        return List.copyOf(columns);
    }

    public static Optional<LakeTable> byTableName(String name) {
        return Arrays.stream(values()).filter(table -> table.tableName.equals(name)).findFirst();
    }
}
