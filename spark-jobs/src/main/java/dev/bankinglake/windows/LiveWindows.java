package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.WindowTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The windows as the service last saw them: every open window, and the most recent final ones
 * (until the lake, which holds every final window, has surely caught up). The analytics routes read
 * it; subscribers (the SSE stream, other features) are told of every update as it happens.
 */
public final class LiveWindows {
    private static final Logger LOG = LoggerFactory.getLogger(LiveWindows.class);

    private final int maxRecentFinals;
    private final Map<WindowKey, WindowUpdate> open = new ConcurrentHashMap<>();
    private final LinkedHashMap<WindowKey, WindowUpdate> recentFinals = new LinkedHashMap<>();
    private final List<Consumer<List<WindowUpdate>>> subscribers = new CopyOnWriteArrayList<>();

    public LiveWindows(int maxRecentFinals) {
        if (maxRecentFinals < 0) {
            throw new IllegalArgumentException("Invalid maxRecentFinals: " + maxRecentFinals + " (must not be negative)");
        }
        this.maxRecentFinals = maxRecentFinals;
    }

    /** Takes a batch of updates, then tells every subscriber. */
    public void apply(List<WindowUpdate> updates) {
        requireNonNull(updates, "updates is null");
        if (updates.isEmpty()) {
            return;
        }
        take(updates);
        for (Consumer<List<WindowUpdate>> subscriber : subscribers) {
            try {
                subscriber.accept(updates);
            }
            catch (RuntimeException e) {
                LOG.warn("A window subscriber failed", e);
            }
        }
    }

    /**
     * Takes the open windows as they were before a restart (the latest value of each window on the
     * windows topic), without telling subscribers: nothing changed. Final ones are left out: the
     * lake holds them before the topic does. Windows seen since then win.
     */
    public void restore(List<WindowUpdate> previous) {
        requireNonNull(previous, "previous is null");
        List<WindowUpdate> stillOpen;
        synchronized (recentFinals) {
            stillOpen = previous.stream().filter(update -> !update.isFinal())
                    .filter(update -> !open.containsKey(update.window()) && !recentFinals.containsKey(update.window())).toList();
        }
        take(stillOpen);
    }

    private void take(List<WindowUpdate> updates) {
        synchronized (recentFinals) {
            for (WindowUpdate update : updates) {
                if (update.isFinal()) {
                    open.remove(update.window());
                    recentFinals.put(update.window(), update);
                }
                else if (!recentFinals.containsKey(update.window())) {
                    open.put(update.window(), update);
                }
            }
            Iterator<WindowKey> oldest = recentFinals.keySet().iterator();
            while (recentFinals.size() > maxRecentFinals && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** Calls {@code subscriber} with every later batch of updates; run the returned action to stop. */
    public Runnable subscribe(Consumer<List<WindowUpdate>> subscriber) {
        requireNonNull(subscriber, "subscriber is null");
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** Windows of {@code table} starting in {@code [from, to)}, for {@code key} if given: open ones and recent final ones. */
    public List<WindowUpdate> windows(WindowTable table, Instant from, Instant to, Optional<String> key) {
        List<WindowUpdate> found = new ArrayList<>();
        synchronized (recentFinals) {
            for (WindowUpdate update : open.values()) {
                if (matches(update, table, from, to, key)) {
                    found.add(update);
                }
            }
            for (WindowUpdate update : recentFinals.values()) {
                if (matches(update, table, from, to, key)) {
                    found.add(update);
                }
            }
        }
        found.sort((left, right) -> WindowKey.ORDER.compare(left.window(), right.window()));
        return found;
    }

    /** Every open window, oldest first. */
    public List<WindowUpdate> open() {
        List<WindowUpdate> found = new ArrayList<>(open.values());
        found.sort((left, right) -> Long.compare(left.window().startMillis(), right.window().startMillis()) != 0
                ? Long.compare(left.window().startMillis(), right.window().startMillis())
                : WindowKey.ORDER.compare(left.window(), right.window()));
        return found;
    }

    public int openWindows() {
        return open.size();
    }

    private static boolean matches(WindowUpdate update, WindowTable table, Instant from, Instant to, Optional<String> key) {
        return update.table() == table && !update.start().isBefore(from) && update.start().isBefore(to)
                && key.map(update.key()::equals).orElse(true);
    }
}
