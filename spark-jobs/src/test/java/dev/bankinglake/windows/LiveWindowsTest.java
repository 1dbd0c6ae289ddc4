package dev.bankinglake.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.contract.WindowTable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live view: updates, and a restart's restore from the windows topic's latest values. */
class LiveWindowsTest {
    private static WindowUpdate counts(String start, String key, long events, boolean isFinal) {
        long begin = Instant.parse(start).toEpochMilli();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("events", events);
        figures.put("total_amount", new BigDecimal("12.30"));
        return new WindowUpdate(new WindowKey(WindowTable.EVENT_COUNTS, begin, begin + 60_000, key), figures, isFinal);
    }

    @Test
    void topicMessagesReadBackAsTheUpdatesTheyWereWithContractTypes() {
        WindowUpdate update = counts("2026-11-20T22:08:00Z", "make_deposit", 3, false);
        assertThat(WindowsTopic.fromJson(WindowsTopic.toJson(update))).isEqualTo(update);

        Map<String, Object> trade = new LinkedHashMap<>();
        trade.put("trades", 2L);
        trade.put("units_bought", 5L);
        trade.put("units_sold", 0L);
        trade.put("value_bought", new BigDecimal("123456789012345.67"));
        trade.put("value_sold", null);
        trade.put("avg_unit_price", new BigDecimal("0.02"));
        trade.put("min_unit_price", new BigDecimal("0.01"));
        trade.put("max_unit_price", new BigDecimal("0.03"));
        long start = Instant.parse("2026-11-20T22:07:10Z").toEpochMilli();
        WindowUpdate trades = new WindowUpdate(new WindowKey(WindowTable.TRADE_WINDOWS, start, start + 60_000, "gold"), trade, true);
        assertThat(WindowsTopic.fromJson(WindowsTopic.toJson(trades))).isEqualTo(trades);
    }

    @Test
    void anUnreadableMessageSaysWhy() {
        assertThatThrownBy(() -> WindowsTopic.fromJson("{\"table\":\"no_such\"}")).hasMessage("Unknown window table: 'no_such'");
        assertThatThrownBy(() -> WindowsTopic.fromJson("not json")).hasMessageStartingWith("Not JSON: ");
    }

    @Test
    void aRestoreTakesOpenWindowsOnlyKeepsNewerOnesAndTellsNoSubscriber() {
        LiveWindows live = new LiveWindows(10);
        List<List<WindowUpdate>> told = new ArrayList<>();
        live.subscribe(told::add);
        live.apply(List.of(counts("2026-11-20T22:09:00Z", "make_deposit", 7, false)));
        told.clear();

        live.restore(List.of(
                counts("2026-11-20T22:08:00Z", "make_deposit", 3, false),
                counts("2026-11-20T22:07:00Z", "make_deposit", 4, true),
                counts("2026-11-20T22:09:00Z", "make_deposit", 5, false)));

        assertThat(told).isEmpty();
        assertThat(live.open()).extracting(update -> update.start().toString() + " " + update.figures().get("events"))
                .containsExactlyInAnyOrder("2026-11-20T22:08:00Z 3", "2026-11-20T22:09:00Z 7");
        assertThat(live.openWindows()).isEqualTo(2);
    }
}
