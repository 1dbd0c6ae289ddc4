package dev.bankinglake.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.WindowTable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenWindowsTest {
    private static final WindowSpec MINUTE = WindowSpec.tumbling(Duration.ofMinutes(1));
    private static final WindowSpec SLIDING = WindowSpec.sliding(Duration.ofSeconds(20), Duration.ofSeconds(10));

    private final OpenWindows windows = new OpenWindows();
    private final Set<WindowKey> touched = new HashSet<>();

    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private void add(String type, String time, String asset, Long units, String unitPrice, String amount) {
        touched.addAll(windows.add(new WindowEvent(type, millis(time), asset, units, unitPrice == null ? null : new BigDecimal(unitPrice),
                amount == null ? null : new BigDecimal(amount)), MINUTE, SLIDING));
    }

    private List<WindowUpdate> emit(String watermark) {
        List<WindowUpdate> updates = windows.emit(touched, millis(watermark));
        touched.clear();
        return updates;
    }

    @Test
    void countsAndSumsMoneyExactlyPerEventTypeAndBucket() {
        add("make_deposit", "2026-11-20T22:08:01Z", null, null, null, "100.10");
        add("make_deposit", "2026-11-20T22:08:59.999Z", null, null, null, "0.20");
        add("make_withdrawal", "2026-11-20T22:08:30Z", null, null, null, "50.00");
        add("return_asset_price", "2026-11-20T22:08:30Z", "stock_a", null, "12.34", null);
        add("make_deposit", "2026-11-20T22:09:00Z", null, null, null, "1.00");

        List<WindowUpdate> updates = emit("2026-11-20T22:08:50Z");

        assertThat(updates).allMatch(update -> !update.isFinal());
        assertThat(updates).extracting(update -> update.start() + " " + update.key() + " " + update.figures()).containsExactly(
                "2026-11-20T22:08:00Z make_deposit {events=2, total_amount=100.30}",
                "2026-11-20T22:08:00Z make_withdrawal {events=1, total_amount=50.00}",
                "2026-11-20T22:08:00Z return_asset_price {events=1, total_amount=null}",
                "2026-11-20T22:09:00Z make_deposit {events=1, total_amount=1.00}");
    }

    @Test
    void tradeWindowsHoldUnitsValuesAndPricesOfBuysAndSells() {
        add("buy_asset", "2026-11-20T22:08:05Z", "stock_a", 2L, "10.00", "20.00");
        add("sell_asset", "2026-11-20T22:08:12Z", "stock_a", 1L, "10.05", "10.05");
        add("buy_asset", "2026-11-20T22:08:13Z", "bond_b", 3L, "1.00", "3.00");

        List<WindowUpdate> updates = emit("2026-11-20T22:07:00Z");

        Map<String, Object> both = updates.stream()
                .filter(update -> update.table() == WindowTable.TRADE_WINDOWS && update.key().equals("stock_a")
                        && update.start().equals(Instant.parse("2026-11-20T22:08:00Z")))
                .findFirst().orElseThrow().figures();
        assertThat(both).containsExactly(
                Map.entry("trades", 2L), Map.entry("units_bought", 2L), Map.entry("units_sold", 1L),
                Map.entry("value_bought", new BigDecimal("20.00")), Map.entry("value_sold", new BigDecimal("10.05")),
                Map.entry("avg_unit_price", new BigDecimal("10.03")), Map.entry("min_unit_price", new BigDecimal("10.00")),
                Map.entry("max_unit_price", new BigDecimal("10.05")));
        assertThat(updates).filteredOn(update -> update.table() == WindowTable.TRADE_WINDOWS)
                .extracting(update -> update.start().toString().substring(11) + " " + update.key())
                .containsExactly("22:07:50Z stock_a", "22:08:00Z bond_b", "22:08:00Z stock_a", "22:08:10Z bond_b", "22:08:10Z stock_a");
    }

    @Test
    void aWindowIsFinalOnceTheWatermarkReachesItsEndAndNeverEmittedAgain() {
        add("make_deposit", "2026-11-20T22:08:01Z", null, null, null, "5.00");
        assertThat(emit("2026-11-20T22:08:00Z")).extracting(WindowUpdate::isFinal).containsExactly(false);
        assertThat(windows.earliestEnd()).hasValue(millis("2026-11-20T22:09:00Z"));

        add("make_deposit", "2026-11-20T22:09:10Z", null, null, null, "7.00");
        List<WindowUpdate> updates = emit("2026-11-20T22:09:00Z");

        assertThat(updates).extracting(update -> update.start().toString().substring(11) + " " + update.isFinal() + " " + update.figures())
                .containsExactly("22:08:00Z true {events=1, total_amount=5.00}", "22:09:00Z false {events=1, total_amount=7.00}");
        assertThat(emit("2026-11-20T22:09:05Z")).as("nothing touched, nothing closed").isEmpty();
        assertThat(emit("2026-11-20T22:10:00Z")).extracting(update -> update.start().toString().substring(11) + " " + update.isFinal())
                .containsExactly("22:09:00Z true");
        assertThat(windows.isEmpty()).isTrue();
        assertThat(windows.earliestEnd()).isEmpty();
    }

    @Test
    void anEventAtOrBeforeTheLastEmitsWatermarkIsLateEvenWithNoWindowOpen() {
        assertThat(windows.isLate(millis("2026-11-20T22:00:00Z"))).as("nothing emitted yet").isFalse();
        add("make_deposit", "2026-11-20T22:08:01Z", null, null, null, "5.00");
        emit("2026-11-20T22:09:00Z");
        assertThat(windows.isEmpty()).isTrue();
        assertThat(windows.isLate(millis("2026-11-20T22:08:59Z"))).isTrue();
        assertThat(windows.isLate(millis("2026-11-20T22:09:00Z"))).as("at the watermark").isTrue();
        assertThat(windows.isLate(millis("2026-11-20T22:09:00.001Z"))).isFalse();
        emit("2026-11-20T22:08:00Z");
        assertThat(windows.isLate(millis("2026-11-20T22:08:59Z"))).as("an older watermark does not move it back").isTrue();
    }

    @Test
    void theAverageUnitPriceRoundsHalfUp() {
        add("buy_asset", "2026-11-20T22:08:05Z", "gold", 1L, "0.01", "0.01");
        add("buy_asset", "2026-11-20T22:08:06Z", "gold", 1L, "0.02", "0.02");
        WindowUpdate window = emit("2026-11-20T22:07:00Z").stream()
                .filter(update -> update.table() == WindowTable.TRADE_WINDOWS).findFirst().orElseThrow();
        assertThat(window.figures().get("avg_unit_price")).isEqualTo(new BigDecimal("0.02"));
    }

    @Test
    void updatesAreJsonForTheTopicAndRowsForHttp() {
        WindowUpdate update = new WindowUpdate(new WindowKey(WindowTable.EVENT_COUNTS, millis("2026-11-20T22:08:00Z"),
                millis("2026-11-20T22:09:00Z"), "make_deposit"), Map.of("events", 3L), false);
        assertThat(update.window().topicKey()).isEqualTo("event_counts|2026-11-20T22:08:00Z|make_deposit");
        assertThat(WindowsTopic.toJson(update)).isEqualTo("{\"table\":\"event_counts\",\"window_start\":\"2026-11-20T22:08:00Z\","
                + "\"window_end\":\"2026-11-20T22:09:00Z\",\"key\":\"make_deposit\",\"final\":false,\"figures\":{\"events\":3}}");
        assertThat(update.toRow()).containsExactly(Map.entry("window_start", "2026-11-20T22:08:00Z"), Map.entry("window_end", "2026-11-20T22:09:00Z"),
                Map.entry("event_type", "make_deposit"), Map.entry("events", 3L), Map.entry("final", false));
    }
}
