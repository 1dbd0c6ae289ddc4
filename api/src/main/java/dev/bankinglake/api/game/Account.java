package dev.bankinglake.api.game;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/** An account as of now. Immutable: a change builds a new one, committed only once it is recorded. */
public record Account(String userId, String fullName, BigDecimal cash, Map<String, Long> holdings) {
    public Account {
        requireNonNull(userId, "userId is null");
        requireNonNull(fullName, "fullName is null");
        requireNonNull(cash, "cash is null");
        cash = Money.of(cash);
        TreeMap<String, Long> units = new TreeMap<>();
        requireNonNull(holdings, "holdings is null").forEach((asset, count) -> {
            if (count != null && count != 0) {
                units.put(asset, count);
            }
        });
        holdings = Map.copyOf(units);
    }

    public static Account opened(String userId, String fullName) {
        return new Account(userId, fullName, Money.ZERO, Map.of());
    }

    public long units(String assetName) {
        return holdings.getOrDefault(assetName, 0L);
    }

    public Account withCash(BigDecimal newCash) {
        return new Account(userId, fullName, newCash, holdings);
    }

    public Account withUnits(String assetName, long units) {
        Map<String, Long> changed = new TreeMap<>(holdings);
        changed.put(assetName, units);
        return new Account(userId, fullName, cash, changed);
    }
}
