package dev.bankinglake.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnalyticsParametersTest {
    private static final Instant NOW = Instant.parse("2026-11-20T22:08:28Z");

    @Test
    void rangeDefaultsToTheLastHourAndItsOpenWindows() {
        AnalyticsParameters.TimeRange range = AnalyticsParameters.range(null, " ", NOW);
        assertThat(range.to()).isEqualTo(Instant.parse("2026-11-20T22:09:28Z"));
        assertThat(range.from()).isEqualTo(Instant.parse("2026-11-20T21:09:28Z"));
    }

    @Test
    void rangeTakesIsoInstantsOrEpochMillis() {
        AnalyticsParameters.TimeRange range = AnalyticsParameters.range("2026-11-20T22:00:00Z", String.valueOf(NOW.toEpochMilli()), NOW);
        assertThat(range).isEqualTo(new AnalyticsParameters.TimeRange(Instant.parse("2026-11-20T22:00:00Z"), NOW));
    }

    @Test
    void badRangesSayWhatIsWrong() {
        assertThatThrownBy(() -> AnalyticsParameters.range("yesterday", null, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid from: 'yesterday' (must be an ISO-8601 instant such as 2026-11-20T22:08:00Z, or epoch milliseconds)");
        assertThatThrownBy(() -> AnalyticsParameters.range("2026-11-20T22:00:00Z", "2026-11-20T21:00:00Z", NOW))
                .hasMessage("Invalid time range: from 2026-11-20T22:00:00Z is not before to 2026-11-20T21:00:00Z");
        assertThatThrownBy(() -> AnalyticsParameters.range("2026-01-01T00:00:00Z", "2026-11-20T21:00:00Z", NOW))
                .hasMessage("Invalid time range: 2026-01-01T00:00:00Z to 2026-11-20T21:00:00Z spans more than 31 days");
    }

    @Test
    void eventTypesAndAssetsAreChecked() {
        assertThat(AnalyticsParameters.eventType("make_deposit")).contains("make_deposit");
        assertThat(AnalyticsParameters.eventType(null)).isEmpty();
        assertThatThrownBy(() -> AnalyticsParameters.eventType("deposit"))
                .hasMessageStartingWith("Unknown event_type: 'deposit' (one of: return_asset_price, return_account_info, ");
        assertThat(AnalyticsParameters.asset("stock_a")).contains("stock_a");
        assertThatThrownBy(() -> AnalyticsParameters.asset("stock'; drop table x"))
                .hasMessage("Invalid asset: 'stock'; drop table x' (1 to 64 letters, digits, '_', '.', '-')");
    }

    @Test
    void limitsAreWholeNumbersWithinTheCap() {
        assertThat(AnalyticsParameters.limit(null, 20, 1000)).isEqualTo(20);
        assertThat(AnalyticsParameters.limit("5", 20, 1000)).isEqualTo(5);
        assertThatThrownBy(() -> AnalyticsParameters.limit("0", 20, 1000)).hasMessage("Invalid limit: 0 (must be 1 to 1000)");
        assertThatThrownBy(() -> AnalyticsParameters.limit("ten", 20, 1000)).hasMessage("Invalid limit: 'ten' (must be a whole number, 1 to 1000)");
    }

    @Test
    void sqlIsOneStatementOfBoundedLength() {
        assertThat(AnalyticsParameters.sql("  select 1; ")).isEqualTo("select 1");
        assertThatThrownBy(() -> AnalyticsParameters.sql(" ")).hasMessageStartingWith("Missing q: the SQL statement to run");
        assertThatThrownBy(() -> AnalyticsParameters.sql("select " + "1,".repeat(6000) + "1"))
                .hasMessage("Invalid q: 12008 characters (at most 10000)");
    }
}
