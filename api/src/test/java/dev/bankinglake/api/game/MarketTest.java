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

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void knownSpansAnswerWhatTheSeriesAnswers() {
        // Around the instants where stock_a and bond_a move by a cent, forwards, backwards and in
        // jumps of every probe's length: every answer equals the price computed for that instant.
        Instant start = Market.DEFAULT_EPOCH.plus(Duration.ofDays(700));
        MovingClock clock = new MovingClock(start);
        Market market = Market.withDefaultAssets(clock);
        Market uncached = Market.withDefaultAssets(clock);
        java.util.Random random = new java.util.Random(7);
        long[] steps = {1, 599, 600, 601, 5_999, 6_000, 60_000, 600_000, 3_600_000, -1, -600, -60_000, -600_000};
        int changes = 0;
        BigDecimal previous = null;
        Instant when = start;
        for (int i = 0; i < 20_000; i++) {
            when = when.plusMillis(steps[random.nextInt(steps.length)]);
            clock.now = when;
            for (String name : java.util.List.of("stock_a", "bond_a", "cash")) {
                assertThat(market.unitPrice(name)).as("%s at %s", name, when).isEqualTo(uncached.priceAt(uncached.asset(name), when));
            }
            BigDecimal stock = uncached.priceAt(uncached.asset("stock_a"), when);
            if (previous != null && stock.compareTo(previous) != 0) {
                changes++;
            }
            previous = stock;
        }
        // the walk crossed cent boundaries, so spans ended and new ones began
        assertThat(changes).isGreaterThan(10);
        assertThat(market.prices()).isEqualTo(uncached.prices().keySet().stream()
                .collect(java.util.stream.Collectors.toMap(name -> name, name -> uncached.priceAt(uncached.asset(name), clock.now),
                        (a, b) -> a, java.util.LinkedHashMap::new)));
    }

    @Test
    void expMatchesKnownValues() {
        assertThat(Market.exp(BigDecimal.ONE).setScale(10, Money.ROUNDING)).isEqualTo(new BigDecimal("2.7182818285"));
        assertThat(Market.exp(new BigDecimal("-1")).setScale(10, Money.ROUNDING)).isEqualTo(new BigDecimal("0.3678794412"));
        assertThat(Market.exp(new BigDecimal("3")).setScale(6, Money.ROUNDING)).isEqualTo(new BigDecimal("20.085537"));
    }
}
