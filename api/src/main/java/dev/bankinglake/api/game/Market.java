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
import java.util.concurrent.atomic.AtomicReference;

/**
 * The assets of the game and their prices. A price grows continuously from the epoch:
 * {@code base * e^(rate * years)}, computed in {@link BigDecimal} and rounded to cents.
 *
 * <p>A rounded price stays the same for hours (a cent of a 100.00 stock growing 10% a year is
 * about six hours), while the series behind it costs tens of microseconds: each asset keeps the
 * span of instants whose price is known to be one value ({@link Span}) and answers from it. The
 * price is monotonic in time and rounding is monotonic, so every instant between two with the
 * same rounded price has that price too.
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
    private final Map<String, AtomicReference<Span>> spans;

    /** Every instant in [{@code fromMillis}, {@code toMillis}] (since the epoch) has {@code price}. */
    record Span(long fromMillis, long toMillis, BigDecimal price) {
        boolean contains(long millis) {
            return fromMillis <= millis && millis <= toMillis;
        }
    }

    /** How far ahead a new span reaches when the price there is still the same, longest first. */
    private static final long[] SPAN_PROBES_MILLIS = {600_000, 60_000, 6_000, 600};

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
        Map<String, AtomicReference<Span>> spanByName = new LinkedHashMap<>();
        for (String name : order) {
            spanByName.put(name, new AtomicReference<>());
        }
        this.spans = Map.copyOf(spanByName);
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
        return price(asset(name), clock.instant());
    }

    /** Every asset with its current price, in catalogue order. */
    public Map<String, BigDecimal> prices() {
        Instant now = clock.instant();
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        for (String name : order) {
            prices.put(name, price(assets.get(name), now));
        }
        return prices;
    }

    /** {@link #priceAt}, answered from the asset's known span when {@code when} lies in it. */
    BigDecimal price(Asset asset, Instant when) {
        AtomicReference<Span> known = spans.get(asset.name());
        long millis = Duration.between(epoch, when).toMillis();
        Span span = known.get();
        if (span != null && span.contains(millis)) {
            return span.price();
        }
        BigDecimal price = priceAt(asset, millis);
        long to = millis;
        for (long probe : SPAN_PROBES_MILLIS) {
            if (millis <= Long.MAX_VALUE - probe && priceAt(asset, millis + probe).compareTo(price) == 0) {
                to = millis + probe;
                break;
            }
        }
        known.set(new Span(millis, to, price));
        return price;
    }

    BigDecimal priceAt(Asset asset, Instant when) {
        return priceAt(asset, Duration.between(epoch, when).toMillis());
    }

    private static BigDecimal priceAt(Asset asset, long millisSinceEpoch) {
        BigDecimal years = BigDecimal.valueOf(millisSinceEpoch)
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
