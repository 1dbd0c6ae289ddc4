package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

/**
 * The windows query's stateful step: Spark calls it once per micro-batch with the batch's events
 * that the watermark did not drop (and once more, without events, when the watermark passed the
 * earliest open window's end). It adds the events to their windows and emits every touched window
 * as open and every window the watermark passed as final.
 */
final class WindowFunction implements FlatMapGroupsWithStateFunction<String, Row, OpenWindows, Row> {
    private static final long serialVersionUID = 1L;

    static final String VALID = "valid";
    static final String EVENT_TYPE = "event_type";
    static final String EVENT_TIME = "event_time";
    static final String ASSET_NAME = "asset_name";
    static final String NUMBER_OF = "number_of";
    static final String UNIT_PRICE = "unit_price";
    static final String AMOUNT = "amount";

    private final WindowSpec counts;
    private final WindowSpec trades;

    WindowFunction(WindowSpec counts, WindowSpec trades) {
        this.counts = requireNonNull(counts, "counts is null");
        this.trades = requireNonNull(trades, "trades is null");
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> events, GroupState<OpenWindows> state) {
        OpenWindows windows = state.exists() ? state.get() : new OpenWindows();
        Set<WindowKey> touched = new LinkedHashSet<>();
        while (events.hasNext()) {
            Row event = events.next();
            if (event.<Boolean>getAs(VALID)) {
                touched.addAll(windows.add(toEvent(event), counts, trades));
            }
        }
        List<WindowUpdate> updates = windows.emit(touched, state.getCurrentWatermarkMs());
        if (windows.isEmpty()) {
            state.remove();
        }
        else {
            state.update(windows);
            state.setTimeoutTimestamp(windows.earliestEnd().getAsLong());
        }
        return updates.stream().map(WindowRows::toOutputRow).iterator();
    }

    static WindowEvent toEvent(Row row) {
        Timestamp time = row.getAs(EVENT_TIME);
        Object units = row.getAs(NUMBER_OF);
        return new WindowEvent(row.getAs(EVENT_TYPE), time.getTime(), row.getAs(ASSET_NAME), units == null ? null : ((Number) units).longValue(),
                row.<BigDecimal>getAs(UNIT_PRICE), row.<BigDecimal>getAs(AMOUNT));
    }
}
