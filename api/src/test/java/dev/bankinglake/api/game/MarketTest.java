package dev.bankinglake.api.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MarketTest {
    private static Market at(Instant instant) {
        return Market.withDefaultAssets(Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void pricesStartAtTheirBaseAtTheEpoch() {
        Market market = at(Market.DEFAULT_EPOCH);
        assertThat(market.unitPrice("stock_a")).isEqualByComparingTo("100.00");
        assertThat(market.unitPrice("bond_a")).isEqualByComparingTo("50.00");
        assertThat(market.unitPrice("cash")).isEqualByComparingTo("1.00");
    }

    @Test
    void pricesGrowContinuouslyByAssetType() {
        // One Julian year later: 100 * e^0.10 = 110.517..., 50 * e^0.04 = 52.040...
        Market market = at(Market.DEFAULT_EPOCH.plus(Duration.ofDays(365).plusHours(6)));
        assertThat(market.unitPrice("stock_a")).isEqualTo(new BigDecimal("110.52"));
        assertThat(market.unitPrice("bond_a")).isEqualTo(new BigDecimal("52.04"));
        assertThat(market.unitPrice("cash")).isEqualTo(new BigDecimal("1.00"));

        // Ten years: 100 * e^1 = 271.828..., 50 * e^0.4 = 74.591...
        Market later = at(Market.DEFAULT_EPOCH.plus(Duration.ofDays(3652).plusHours(12)));
        assertThat(later.unitPrice("stock_a")).isEqualTo(new BigDecimal("271.83"));
        assertThat(later.unitPrice("bond_a")).isEqualTo(new BigDecimal("74.59"));
    }

    @Test
    void pricesAreMoneyWithTwoDecimalsAndNeverFall() {
        BigDecimal previous = BigDecimal.ZERO;
        for (int day = 0; day < 400; day += 7) {
            BigDecimal price = at(Market.DEFAULT_EPOCH.plus(Duration.ofDays(day))).unitPrice("stock_a");
            assertThat(price.scale()).isEqualTo(2);
            assertThat(price).isGreaterThanOrEqualTo(previous);
            previous = price;
        }
    }

    @Test
    void listsEveryAssetInCatalogueOrder() {
        assertThat(at(Market.DEFAULT_EPOCH).prices()).containsKeys("stock_a", "bond_a", "cash");
        assertThat(at(Market.DEFAULT_EPOCH).prices().keySet()).containsExactly("stock_a", "bond_a", "cash");
    }

    @Test
    void unknownAssetsAndTradingCashAreRefused() {
        Market market = at(Market.DEFAULT_EPOCH);
        assertThatThrownBy(() -> market.unitPrice("gold"))
                .isInstanceOf(UnknownAssetException.class)
                .hasMessage("Unknown asset: 'gold' (known: stock_a, bond_a, cash)");
        assertThatThrownBy(() -> market.tradableAsset("cash"))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Cannot trade 'cash': it is cash; use deposit and withdraw");
    }

    @Test
    void expMatchesKnownValues() {
        assertThat(Market.exp(BigDecimal.ONE).setScale(10, Money.ROUNDING)).isEqualTo(new BigDecimal("2.7182818285"));
        assertThat(Market.exp(new BigDecimal("-1")).setScale(10, Money.ROUNDING)).isEqualTo(new BigDecimal("0.3678794412"));
        assertThat(Market.exp(new BigDecimal("3")).setScale(6, Money.ROUNDING)).isEqualTo(new BigDecimal("20.085537"));
    }
}
