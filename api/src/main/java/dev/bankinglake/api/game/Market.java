package dev.bankinglake.api.game;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The assets of the game and their prices. A price grows continuously from the epoch:
 * {@code base * e^(rate * years)}, computed in {@link BigDecimal} and rounded to cents.
 */
public final class Market {
    /** Prices are anchored here so every API instance, and every restart, agrees on them. */
    public static final Instant DEFAULT_EPOCH = Instant.parse("2024-01-01T00:00:00Z");

    public static final List<Asset> DEFAULT_ASSETS = List.of(
            new Asset("stock_a", AssetType.STOCK, new BigDecimal("100.00")),
            new Asset("bond_a", AssetType.BOND, new BigDecimal("50.00")),
            new Asset("cash", AssetType.CASH, new BigDecimal("1.00")));

    private static final MathContext PRECISION = MathContext.DECIMAL128;
    private static final BigDecimal SECONDS_PER_YEAR = BigDecimal.valueOf(Duration.ofDays(365).plusHours(6).toSeconds());

    private final Clock clock;
    private final Instant epoch;
    private final Map<String, Asset> assets;
    private final List<String> order;

    public Market(Clock clock, Instant epoch, List<Asset> assets) {
        this.clock = requireNonNull(clock, "clock is null");
        this.epoch = requireNonNull(epoch, "epoch is null");
        Map<String, Asset> byName = new LinkedHashMap<>();
        for (Asset asset : requireNonNull(assets, "assets is null")) {
            if (byName.put(asset.name(), asset) != null) {
                throw new IllegalArgumentException("Duplicate asset: " + asset.name());
            }
        }
        this.assets = Map.copyOf(byName);
        this.order = List.copyOf(byName.keySet());
    }

    public static Market withDefaultAssets(Clock clock) {
        return new Market(clock, DEFAULT_EPOCH, DEFAULT_ASSETS);
    }

    public Clock clock() {
        return clock;
    }

    public Asset asset(String name) {
        Asset asset = name == null ? null : assets.get(name);
        if (asset == null) {
            throw new UnknownAssetException("Unknown asset: '" + name + "' (known: " + String.join(", ", order) + ")");
        }
        return asset;
    }

    /** An asset that may be bought or sold; cash is refused. */
    public Asset tradableAsset(String name) {
        Asset asset = asset(name);
        if (!asset.tradable()) {
            throw new InvalidActionException("Cannot trade '" + name + "': it is cash; use deposit and withdraw");
        }
        return asset;
    }

    public BigDecimal unitPrice(String name) {
        return priceAt(asset(name), clock.instant());
    }

    /** Every asset with its current price, in catalogue order. */
    public Map<String, BigDecimal> prices() {
        Instant now = clock.instant();
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        for (String name : order) {
            prices.put(name, priceAt(assets.get(name), now));
        }
        return prices;
    }

    BigDecimal priceAt(Asset asset, Instant when) {
        BigDecimal years = BigDecimal.valueOf(Duration.between(epoch, when).toMillis())
                .divide(BigDecimal.valueOf(1000), PRECISION)
                .divide(SECONDS_PER_YEAR, PRECISION);
        BigDecimal exponent = asset.type().annualGrowthRate().multiply(years, PRECISION);
        return Money.of(asset.basePrice().multiply(exp(exponent), PRECISION));
    }

    /** e^x by its Taylor series; growth exponents are small, so a few dozen terms are exact to 34 digits. */
    static BigDecimal exp(BigDecimal x) {
        if (x.signum() < 0) {
            return BigDecimal.ONE.divide(exp(x.negate()), PRECISION);
        }
        if (x.compareTo(BigDecimal.ONE) > 0) {
            BigDecimal half = exp(x.divide(BigDecimal.valueOf(2), PRECISION));
            return half.multiply(half, PRECISION);
        }
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        BigDecimal epsilon = BigDecimal.ONE.movePointLeft(PRECISION.getPrecision() + 2);
        for (int n = 1; n < 200; n++) {
            term = term.multiply(x, PRECISION).divide(BigDecimal.valueOf(n), PRECISION);
            sum = sum.add(term, PRECISION);
            if (term.abs().compareTo(epsilon) < 0) {
                break;
            }
        }
        return sum;
    }
}
