package dev.bankinglake.api.game;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;

/** An account valued at current prices. */
public record AccountValuation(Account account, List<Position> positions, BigDecimal holdingsValue, BigDecimal totalValue) {
    public AccountValuation {
        requireNonNull(account, "account is null");
        positions = List.copyOf(requireNonNull(positions, "positions is null"));
        requireNonNull(holdingsValue, "holdingsValue is null");
        requireNonNull(totalValue, "totalValue is null");
    }

    /** Units of one asset and what they are worth now. */
    public record Position(String assetName, long units, BigDecimal unitPrice, BigDecimal value) {
        public Position {
            requireNonNull(assetName, "assetName is null");
            requireNonNull(unitPrice, "unitPrice is null");
            requireNonNull(value, "value is null");
        }
    }
}
