package dev.bankinglake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;

import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.HeaderField;
import dev.bankinglake.contract.LakeTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Routes validated messages to a lake table and flattens them into exactly that table's columns
 * ({@link LakeTable#columns()} in order, then the partition column {@code dt}). Expects the output
 * of {@link EventValidation#validate} and a session time zone of UTC, which makes {@code dt} the
 * UTC date.
 */
public final class TableRows {
    private static final String DATE_PATTERN = "yyyy-MM-dd";

    private TableRows() {
    }

    /** The rows of {@code table} among the validated messages, flattened to its columns. */
    public static Dataset<Row> rowsFor(Dataset<Row> validated, LakeTable table) {
        Dataset<Row> routed = validated.filter(col(EventValidation.LAKE_TABLE).equalTo(table.tableName()));
        return routed.select(columnsFor(table).toArray(Column[]::new));
    }

    /** The expressions of {@code table}'s columns over validated messages, in order, the partition column last. */
    public static List<Column> columnsFor(LakeTable table) {
        List<Column> columns = new ArrayList<>();
        for (dev.bankinglake.contract.Column column : table.columns()) {
            columns.add(source(column).try_cast(LakeSchemas.sparkType(column.type())).as(column.name()));
        }
        Column partitionTime = table.isEventTable() ? col(EventValidation.EVENT_TIME) : col(EventValidation.KAFKA_TIMESTAMP);
        columns.add(date_format(partitionTime, DATE_PATTERN).as(LakeTable.PARTITION_COLUMN.name()));
        return columns;
    }

    private static Column source(dev.bankinglake.contract.Column column) {
        String name = column.name();
        if (name.equals(LakeTable.RAW_EVENT.name()) || name.equals(LakeTable.RAW_VALUE.name())) {
            return col(EventValidation.RAW_VALUE);
        }
        if (name.equals(LakeTable.KAFKA_TOPIC.name()) || name.equals(LakeTable.KAFKA_PARTITION.name())
                || name.equals(LakeTable.KAFKA_OFFSET.name()) || name.equals(LakeTable.KAFKA_TIMESTAMP.name())
                || name.equals(LakeTable.REASON.name())) {
            return col(name);
        }
        if (name.equals(EventField.EVENT_TIME.jsonName())) {
            return col(EventValidation.EVENT_TIME);
        }
        Optional<EventField> field = EventField.byJsonName(name).filter(candidate -> candidate != EventField.HEADERS);
        if (field.isPresent()) {
            return EventValidation.field(field.get());
        }
        for (HeaderField header : HeaderField.all()) {
            if (header.fieldName().equals(name)) {
                return EventValidation.field(EventField.HEADERS).getField(name);
            }
        }
        throw new IllegalStateException("No source for lake column '" + name + "': the contract has a column the job cannot fill");
    }
}
