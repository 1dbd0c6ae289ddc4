package dev.bankinglake.windows;

import dev.bankinglake.contract.Column;
import dev.bankinglake.contract.ColumnType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.WindowTable;
import dev.bankinglake.lake.LakeSchemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@link WindowUpdate}s as Spark rows: the windows query's output (every table's figure columns side
 * by side, plus the table, the key and whether the window is final) and a window table's lake rows
 * (the contract's columns, then {@code dt} = the UTC date of the window start).
 */
public final class WindowRows {
    static final String TABLE = "window_table";
    static final String KEY = "window_key";
    static final String FINAL = "is_final";

    private WindowRows() {
    }

    /** The schema of the windows query's output rows. */
    public static StructType outputSchema() {
        StructType schema = new StructType()
                .add(TABLE, DataTypes.StringType, false)
                .add(LakeSchemas.field(WindowTable.WINDOW_START))
                .add(LakeSchemas.field(WindowTable.WINDOW_END))
                .add(KEY, DataTypes.StringType, false)
                .add(FINAL, DataTypes.BooleanType, false);
        for (Column column : figureColumns()) {
            schema = schema.add(LakeSchemas.field(column));
        }
        return schema;
    }

    static Row toOutputRow(WindowUpdate update) {
        List<Object> values = new ArrayList<>(List.of(update.table().tableName(), Timestamp.from(update.start()), Timestamp.from(update.end()),
                update.key(), update.isFinal()));
        for (Column column : figureColumns()) {
            values.add(update.figures().get(column.name()));
        }
        return RowFactory.create(values.toArray());
    }

    static WindowUpdate fromOutputRow(Row row) {
        WindowTable table = WindowTable.byTableName(row.getAs(TABLE))
                .orElseThrow(() -> new IllegalStateException("Unknown window table in the windows output: " + row.getAs(TABLE)));
        long start = ((Timestamp) row.getAs(WindowTable.WINDOW_START.name())).getTime();
        long end = ((Timestamp) row.getAs(WindowTable.WINDOW_END.name())).getTime();
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Column column : table.figureColumns()) {
            figures.put(column.name(), row.getAs(column.name()));
        }
        return new WindowUpdate(new WindowKey(table, start, end, row.getAs(KEY)), figures, row.getAs(FINAL));
    }

    /** A final window as a row of its lake table, {@link LakeSchemas#tableSchema} order. */
    static Row toLakeRow(WindowUpdate update) {
        List<Object> values = new ArrayList<>(List.of(Timestamp.from(update.start()), Timestamp.from(update.end()), update.key()));
        for (Column column : update.table().figureColumns()) {
            values.add(update.figures().get(column.name()));
        }
        values.add(partitionOf(update.start()));
        return RowFactory.create(values.toArray());
    }

    /** {@code dt} of a window: the UTC date of its start. */
    static String partitionOf(Instant start) {
        return start.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** The figure columns of both tables, each once, in contract order. */
    private static List<Column> figureColumns() {
        Map<String, Column> columns = new LinkedHashMap<>();
        for (WindowTable table : WindowTable.values()) {
            table.figureColumns().forEach(column -> columns.putIfAbsent(column.name(), column));
        }
        columns.values().forEach(column -> {
            if (column.type() == ColumnType.TIMESTAMP || column.name().equals(LakeTable.PARTITION_COLUMN.name())) {
                throw new IllegalStateException("A figure column cannot be " + column.name());
            }
        });
        return List.copyOf(columns.values());
    }
}
