package dev.bankinglake.api.game;

import dev.bankinglake.contract.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** How the game represents money: {@link BigDecimal}, two decimals, banker's rounding. */
public final class Money {
    public static final int SCALE = ColumnType.MONEY_SCALE;
    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;
    public static final BigDecimal ZERO = BigDecimal.ZERO.setScale(SCALE, ROUNDING);
    /** Largest value the lake's decimal(18,2) columns hold. */
    public static final BigDecimal MAX = BigDecimal.TEN.pow(ColumnType.MONEY_PRECISION - SCALE)
            .subtract(BigDecimal.ONE.movePointLeft(SCALE));

    private Money() {
    }

    /** Rounds to the money scale. */
    public static BigDecimal of(BigDecimal value) {
        return value.setScale(SCALE, ROUNDING);
    }

    public static BigDecimal of(String value) {
        return of(new BigDecimal(value));
    }

    /**
     * Checks an amount a player asked for: positive, at most two decimals, within the lake's range.
     *
     * @return the amount at the money scale
     */
    public static BigDecimal requireValidAmount(String fieldName, BigDecimal amount) {
        if (amount == null) {
            throw new InvalidActionException("Missing " + fieldName);
        }
        // A client can send 1e999999999; its plain form would be a billion characters long.
        String shown = Math.abs(amount.scale()) > 40 ? amount.toString() : amount.toPlainString();
        if (amount.signum() <= 0) {
            throw new InvalidActionException("Invalid " + fieldName + ": " + shown + " (must be positive)");
        }
        if (amount.stripTrailingZeros().scale() > SCALE) {
            throw new InvalidActionException("Invalid " + fieldName + ": " + shown + " (at most " + SCALE + " decimals)");
        }
        if (amount.compareTo(MAX) > 0) {
            throw new InvalidActionException("Invalid " + fieldName + ": " + shown + " (must not exceed " + MAX.toPlainString() + ")");
        }
        return of(amount);
    }
}
