package dev.bankinglake.windows;

import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.WindowTable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The windows the watermark has not passed yet, with their running figures: the state the windows
 * query keeps in Spark's state store between micro-batches. Pure logic, no Spark.
 *
 * <p>A window is final once the watermark reaches its end. An event whose time is not after the
 * watermark of the last emit is late ({@link #isLate}) and touches nothing, so an accepted event
 * only ever touches windows that end after that watermark: a window that was emitted as final is
 * never touched again.
 */
public final class OpenWindows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HashMap<WindowKey, WindowFigures> windows = new HashMap<>();
    /** The watermark of the last {@link #emit}: every window ending at or before it was emitted as final. */
    private long closedThroughMillis;

    /** Adds an event to every window of both tables that holds it; returns the windows it touched. */
    public List<WindowKey> add(WindowEvent event, WindowSpec counts, WindowSpec trades) {
        List<WindowKey> touched = new ArrayList<>();
        for (long start : counts.startsOf(event.epochMillis())) {
            WindowKey key = new WindowKey(WindowTable.EVENT_COUNTS, start, counts.endOf(start), event.eventType());
            windows.computeIfAbsent(key, unused -> new WindowFigures()).count(event);
            touched.add(key);
        }
        boolean trade = EventType.BUY_ASSET.wireName().equals(event.eventType()) || EventType.SELL_ASSET.wireName().equals(event.eventType());
        if (trade && event.assetName() != null) {
            for (long start : trades.startsOf(event.epochMillis())) {
                WindowKey key = new WindowKey(WindowTable.TRADE_WINDOWS, start, trades.endOf(start), event.assetName());
                windows.computeIfAbsent(key, unused -> new WindowFigures()).trade(event);
                touched.add(key);
            }
        }
        return touched;
    }

    /**
     * What changed: every window whose end the watermark reached, as final (and forgotten), then the
     * touched windows that stay open, in {@link WindowKey#ORDER}.
     */
    public List<WindowUpdate> emit(Set<WindowKey> touched, long watermarkMillis) {
        closedThroughMillis = Math.max(closedThroughMillis, watermarkMillis);
        List<WindowUpdate> finals = new ArrayList<>();
        Iterator<Map.Entry<WindowKey, WindowFigures>> entries = windows.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<WindowKey, WindowFigures> entry = entries.next();
            if (entry.getKey().endMillis() <= watermarkMillis) {
                finals.add(new WindowUpdate(entry.getKey(), entry.getValue().toColumns(entry.getKey().table()), true));
                entries.remove();
            }
        }
        finals.sort((left, right) -> WindowKey.ORDER.compare(left.window(), right.window()));
        List<WindowUpdate> updates = new ArrayList<>(finals);
        TreeSet<WindowKey> open = new TreeSet<>(WindowKey.ORDER);
        open.addAll(touched);
        for (WindowKey key : open) {
            WindowFigures figures = windows.get(key);
            if (figures != null) {
                updates.add(new WindowUpdate(key, figures.toColumns(key.table()), false));
            }
        }
        return updates;
    }

    /**
     * Whether an event at {@code epochMillis} is late: at or before the watermark of the last
     * {@link #emit}, so every window that could hold it is final already.
     */
    public boolean isLate(long epochMillis) {
        return epochMillis <= closedThroughMillis;
    }

    /** The end of the window that becomes final first, if any is open. */
    public OptionalLong earliestEnd() {
        return windows.keySet().stream().mapToLong(WindowKey::endMillis).min();
    }

    public boolean isEmpty() {
        return windows.isEmpty();
    }

    public int size() {
        return windows.size();
    }
}
