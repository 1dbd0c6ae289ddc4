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
import org.apache.spark.util.LongAccumulator;

/**
 * The windows query's stateful step: Spark calls it once per micro-batch with the batch's rows that
 * the watermark did not drop (and once more, without rows, when the watermark passed the earliest
 * open window's end). It adds the valid events to their windows and emits every touched window as
 * open and every window the batch's watermark passed as final.
 *
 * <p>The batch's watermark is the one Spark will use in the next batch: the latest event time of
 * the rows (ticks of {@link WindowClock} included) minus the delay, or Spark's current watermark if
 * that is later. Every row of a batch reaches this one group, so this is exactly Spark's
 * computation; closing here, one batch before Spark's timeout would, is safe because the next
 * batch drops every event at or before that watermark, so a window emitted as final is never
 * touched again. A tick thus closes the windows it makes due in the batch that reads it.
 *
 * <p>Spark itself drops, before this step, the events at or before the previous batch's watermark
 * (its rule for late events since 3.5), one batch behind the windows closed here: this step drops
 * the events that arrive in between ({@link OpenWindows#isLate}) and counts them in {@code late}.
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
    private final long watermarkDelayMillis;
    private final LongAccumulator late;

    WindowFunction(WindowSpec counts, WindowSpec trades, long watermarkDelayMillis, LongAccumulator late) {
        this.counts = requireNonNull(counts, "counts is null");
        this.trades = requireNonNull(trades, "trades is null");
        if (watermarkDelayMillis < 0) {
            throw new IllegalArgumentException("watermarkDelayMillis is negative: " + watermarkDelayMillis);
        }
        this.watermarkDelayMillis = watermarkDelayMillis;
        this.late = requireNonNull(late, "late is null");
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> events, GroupState<OpenWindows> state) {
        OpenWindows windows = state.exists() ? state.get() : new OpenWindows();
        Set<WindowKey> touched = new LinkedHashSet<>();
        long latest = Long.MIN_VALUE;
        while (events.hasNext()) {
            Row event = events.next();
            Timestamp time = event.getAs(EVENT_TIME);
            if (time != null) {
                latest = Math.max(latest, time.getTime());
            }
            if (event.<Boolean>getAs(VALID)) {
                if (windows.isLate(time.getTime())) {
                    late.add(1);
                }
                else {
                    touched.addAll(windows.add(toEvent(event), counts, trades));
                }
            }
        }
        List<WindowUpdate> updates = windows.emit(touched, nextWatermark(state.getCurrentWatermarkMs(), latest, watermarkDelayMillis));
        // kept with no window open too: it holds the watermark the next batch's late events are measured by
        state.update(windows);
        if (!windows.isEmpty()) {
            state.setTimeoutTimestamp(windows.earliestEnd().getAsLong());
        }
        return updates.stream().map(WindowRows::toOutputRow).iterator();
    }

    /**
     * The watermark Spark computes from a batch whose latest event time is {@code latestEventMillis}
     * ({@link Long#MIN_VALUE} if it had none): that minus the delay, never below the current one.
     */
    static long nextWatermark(long currentMillis, long latestEventMillis, long delayMillis) {
        if (latestEventMillis == Long.MIN_VALUE) {
            return currentMillis;
        }
        return Math.max(currentMillis, latestEventMillis - delayMillis);
    }

    static WindowEvent toEvent(Row row) {
        Timestamp time = row.getAs(EVENT_TIME);
        Object units = row.getAs(NUMBER_OF);
        return new WindowEvent(row.getAs(EVENT_TYPE), time.getTime(), row.getAs(ASSET_NAME), units == null ? null : ((Number) units).longValue(),
                row.<BigDecimal>getAs(UNIT_PRICE), row.<BigDecimal>getAs(AMOUNT));
    }
}
