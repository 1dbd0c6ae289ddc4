package dev.bankinglake.windows;

import static dev.bankinglake.contract.WindowTable.AVG_UNIT_PRICE;
import static dev.bankinglake.contract.WindowTable.EVENTS;
import static dev.bankinglake.contract.WindowTable.MAX_UNIT_PRICE;
import static dev.bankinglake.contract.WindowTable.MIN_UNIT_PRICE;
import static dev.bankinglake.contract.WindowTable.TOTAL_AMOUNT;
import static dev.bankinglake.contract.WindowTable.TRADES;
import static dev.bankinglake.contract.WindowTable.UNITS_BOUGHT;
import static dev.bankinglake.contract.WindowTable.UNITS_SOLD;
import static dev.bankinglake.contract.WindowTable.VALUE_BOUGHT;
import static dev.bankinglake.contract.WindowTable.VALUE_SOLD;

import dev.bankinglake.contract.ColumnType;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.WindowTable;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running figures of one open window: what {@code event_counts} and {@code trade_windows}
 * hold, summed exactly (money in {@link BigDecimal}, never a double).
 */
public final class WindowFigures implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(ColumnType.MONEY_SCALE);

    private long events;
    private BigDecimal totalAmount;
    private long trades;
    private long unitsBought;
    private long unitsSold;
    private BigDecimal valueBought = ZERO;
    private BigDecimal valueSold = ZERO;
    private BigDecimal sumUnitPrice = ZERO;
    private BigDecimal minUnitPrice;
    private BigDecimal maxUnitPrice;

    /** Counts an event in an {@code event_counts} bucket. */
    void count(WindowEvent event) {
        events++;
        boolean summed = EventType.byWireName(event.eventType()).map(WindowTable.AMOUNT_TYPES::contains).orElse(false);
        if (summed && event.amount() != null) {
            totalAmount = (totalAmount == null ? ZERO : totalAmount).add(event.amount());
        }
        else if (summed && totalAmount == null) {
            totalAmount = ZERO;
        }
    }

    /** Adds a buy or sell to a {@code trade_windows} window. */
    void trade(WindowEvent event) {
        trades++;
        long units = event.numberOf() == null ? 0 : event.numberOf();
        BigDecimal value = event.amount() == null ? ZERO : event.amount();
        if (EventType.BUY_ASSET.wireName().equals(event.eventType())) {
            unitsBought += units;
            valueBought = valueBought.add(value);
        }
        else {
            unitsSold += units;
            valueSold = valueSold.add(value);
        }
        BigDecimal price = event.unitPrice();
        if (price != null) {
            sumUnitPrice = sumUnitPrice.add(price);
            minUnitPrice = minUnitPrice == null || price.compareTo(minUnitPrice) < 0 ? price : minUnitPrice;
            maxUnitPrice = maxUnitPrice == null || price.compareTo(maxUnitPrice) > 0 ? price : maxUnitPrice;
        }
    }

    /** The figure columns of {@code table} in contract order, money with two decimals. */
    public Map<String, Object> toColumns(WindowTable table) {
        Map<String, Object> columns = new LinkedHashMap<>();
        switch (table) {
            case EVENT_COUNTS -> {
                columns.put(EVENTS.name(), events);
                columns.put(TOTAL_AMOUNT.name(), money(totalAmount));
            }
            case TRADE_WINDOWS -> {
                columns.put(TRADES.name(), trades);
                columns.put(UNITS_BOUGHT.name(), unitsBought);
                columns.put(UNITS_SOLD.name(), unitsSold);
                columns.put(VALUE_BOUGHT.name(), money(valueBought));
                columns.put(VALUE_SOLD.name(), money(valueSold));
                columns.put(AVG_UNIT_PRICE.name(), trades == 0 || minUnitPrice == null ? null
                        : sumUnitPrice.divide(BigDecimal.valueOf(trades), ColumnType.MONEY_SCALE, RoundingMode.HALF_UP));
                columns.put(MIN_UNIT_PRICE.name(), money(minUnitPrice));
                columns.put(MAX_UNIT_PRICE.name(), money(maxUnitPrice));
            }
        }
        return columns;
    }

    private static BigDecimal money(BigDecimal value) {
        return value == null ? null : value.setScale(ColumnType.MONEY_SCALE, RoundingMode.UNNECESSARY);
    }
}
