package dev.bankinglake.api.game;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/** Something a player can hold, with its price at the market's epoch. */
public record Asset(String name, AssetType type, BigDecimal basePrice) {
    public Asset {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(basePrice, "basePrice is null");
        if (basePrice.signum() <= 0) {
            throw new IllegalArgumentException("Invalid base price of " + name + ": " + basePrice + " (must be positive)");
        }
        basePrice = Money.of(basePrice);
    }

    /** Cash is priced like an asset so it can be listed, but it cannot be bought or sold. */
    public boolean tradable() {
        return type != AssetType.CASH;
    }
}
