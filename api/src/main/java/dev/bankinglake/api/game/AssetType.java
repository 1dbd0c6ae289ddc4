package dev.bankinglake.api.game;

import java.math.BigDecimal;

/** Kinds of asset and how fast their price grows. */
public enum AssetType {
    STOCK(new BigDecimal("0.10")),
    BOND(new BigDecimal("0.04")),
    CASH(BigDecimal.ZERO);

    private final BigDecimal annualGrowthRate;

    AssetType(BigDecimal annualGrowthRate) {
        this.annualGrowthRate = annualGrowthRate;
    }

    /** Continuously compounded growth per year, e.g. 0.10 for 10 %. */
    public BigDecimal annualGrowthRate() {
        return annualGrowthRate;
    }
}
