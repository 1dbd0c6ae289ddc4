package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.ServiceTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.contract.WindowTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Per table: the time column the compacted files are sorted by (so each file covers a narrow time
 * range and Parquet min/max statistics prune well), and the columns that identify a row, which a
 * compaction must carry over exactly (each once, none lost, none added).
 *
 * @param timeColumn the natural time of a row: the event's time, the Kafka timestamp of a rejected message, the batch's time, the window's start
 * @param idColumns  what identifies a row: the event_id; topic, partition and offset of a rejected message; batch and query id; window and key
 */
public record RowKeys(String timeColumn, List<String> idColumns) {
    public RowKeys {
        requireNonNull(timeColumn, "timeColumn is null");
        idColumns = List.copyOf(idColumns);
        if (idColumns.isEmpty()) {
            throw new IllegalArgumentException("A table needs at least one id column");
        }
    }

    /** The sort order of a compacted file: time first, ids to make it total. */
    public List<String> sortColumns() {
        List<String> columns = new ArrayList<>(List.of(timeColumn));
        idColumns.stream().filter(column -> !column.equals(timeColumn)).forEach(columns::add);
        return List.copyOf(columns);
    }

    public static RowKeys of(TableDefinition table) {
        requireNonNull(table, "table is null");
        if (table == LakeTable.REJECTED_EVENTS) {
            return new RowKeys(LakeTable.KAFKA_TIMESTAMP.name(),
                    List.of(LakeTable.KAFKA_TOPIC.name(), LakeTable.KAFKA_PARTITION.name(), LakeTable.KAFKA_OFFSET.name()));
        }
        if (table instanceof LakeTable) {
            return new RowKeys(EventField.EVENT_TIME.jsonName(), List.of(EventField.EVENT_ID.jsonName()));
        }
        if (table == ServiceTable.LAKE_BATCHES) {
            return new RowKeys(ServiceTable.BATCH_TIME.name(), List.of(ServiceTable.BATCH_ID.name(), ServiceTable.QUERY_ID.name()));
        }
        if (table instanceof WindowTable window) {
            return new RowKeys(WindowTable.WINDOW_START.name(),
                    List.of(WindowTable.WINDOW_START.name(), WindowTable.WINDOW_END.name(), window.keyColumn().name()));
        }
        throw new IllegalArgumentException("No time and id columns known for table " + table.tableName());
    }
}
