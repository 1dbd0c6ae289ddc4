package dev.bankinglake.contract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Final event-time windows, written by the lake service's windows query once the watermark has
 * passed a window's end: each window and key once, {@code dt} = the UTC date of the window start.
 * The same figures, while a window is still open, go to the Kafka topic {@link #TOPIC}. Described
 * in {@code contract/WINDOWS.md}.
 */
public enum WindowTable implements TableDefinition {
    /** Tumbling buckets per event type. */
    EVENT_COUNTS("event_counts", "Events per event type in tumbling event-time buckets, final once the watermark passed the bucket's end",
            new Column(EventField.EVENT_TYPE.jsonName(), ColumnType.STRING, "The event type counted")),
    /** Sliding windows per traded asset. */
    TRADE_WINDOWS("trade_windows", "Trades per asset in sliding event-time windows, final once the watermark passed the window's end",
            new Column(EventField.ASSET_NAME.jsonName(), ColumnType.STRING, "The asset traded"));

    /** The Kafka topic of every window update, open and final, compacted and keyed by table, window and key. */
    public static final String TOPIC = "windows";

    public static final Column WINDOW_START = new Column("window_start", ColumnType.TIMESTAMP, "Start of the window, UTC, inclusive");
    public static final Column WINDOW_END = new Column("window_end", ColumnType.TIMESTAMP, "End of the window, UTC, exclusive");
    public static final Column EVENTS = new Column("events", ColumnType.BIGINT, "Events of the type in the window");
    public static final Column TOTAL_AMOUNT = new Column("total_amount", ColumnType.MONEY,
            "Sum of amount: cash moved (deposits, withdrawals) or trade value (buys, sells); null for other event types");
    public static final Column TRADES = new Column("trades", ColumnType.BIGINT, "Buys and sells of the asset in the window");
    public static final Column UNITS_BOUGHT = new Column("units_bought", ColumnType.BIGINT, "Sum of number_of over the buys");
    public static final Column UNITS_SOLD = new Column("units_sold", ColumnType.BIGINT, "Sum of number_of over the sells");
    public static final Column VALUE_BOUGHT = new Column("value_bought", ColumnType.MONEY, "Sum of amount over the buys");
    public static final Column VALUE_SOLD = new Column("value_sold", ColumnType.MONEY, "Sum of amount over the sells");
    public static final Column AVG_UNIT_PRICE = new Column("avg_unit_price", ColumnType.MONEY,
            "Average unit_price over the trades, rounded half up to two decimals");
    public static final Column MIN_UNIT_PRICE = new Column("min_unit_price", ColumnType.MONEY, "Lowest unit_price of a trade");
    public static final Column MAX_UNIT_PRICE = new Column("max_unit_price", ColumnType.MONEY, "Highest unit_price of a trade");

    /** The event types whose amount {@link #TOTAL_AMOUNT} sums: cash moved and trade value. */
    public static final Set<EventType> AMOUNT_TYPES = Set.of(EventType.MAKE_DEPOSIT, EventType.MAKE_WITHDRAWAL, EventType.BUY_ASSET,
            EventType.SELL_ASSET);

    private final String tableName;
    private final String comment;
    private final Column keyColumn;

    WindowTable(String tableName, String comment, Column keyColumn) {
        this.tableName = tableName;
        this.comment = comment;
        this.keyColumn = keyColumn;
    }

    @Override
    public String tableName() {
        return tableName;
    }

    @Override
    public String comment() {
        return comment;
    }

    /** The column a window is kept per: {@code event_type} or {@code asset_name}. */
    public Column keyColumn() {
        return keyColumn;
    }

    /** The figures of a window, without its start, end and key. */
    public List<Column> figureColumns() {
        return switch (this) {
            case EVENT_COUNTS -> List.of(EVENTS, TOTAL_AMOUNT);
            case TRADE_WINDOWS -> List.of(TRADES, UNITS_BOUGHT, UNITS_SOLD, VALUE_BOUGHT, VALUE_SOLD, AVG_UNIT_PRICE, MIN_UNIT_PRICE,
                    MAX_UNIT_PRICE);
        };
    }

    @Override
    public List<Column> columns() {
        List<Column> columns = new ArrayList<>(List.of(WINDOW_START, WINDOW_END, keyColumn));
        columns.addAll(figureColumns());
        return List.copyOf(columns);
    }

    public static Optional<WindowTable> byTableName(String name) {
        return Arrays.stream(values()).filter(table -> table.tableName.equals(name)).findFirst();
    }
}
