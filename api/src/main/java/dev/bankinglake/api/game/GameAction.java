package dev.bankinglake.api.game;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Something a player did that the game accepted. Each one is recorded (as one event) before it
 * takes effect, and replaying the recorded actions in order rebuilds every account.
 */
public sealed interface GameAction {

    /** The account the action is about, or empty for price lookups. */
    default String userId() {
        return null;
    }

    record PricesLookedUp(Map<String, BigDecimal> prices) implements GameAction {
        public PricesLookedUp {
            prices = Map.copyOf(requireNonNull(prices, "prices is null"));
        }
    }

    record PriceLookedUp(String assetName, BigDecimal unitPrice) implements GameAction {
        public PriceLookedUp {
            requireNonNull(assetName, "assetName is null");
            requireNonNull(unitPrice, "unitPrice is null");
        }
    }

    record AccountLookedUp(String userId, BigDecimal totalValue) implements GameAction {
        public AccountLookedUp {
            requireNonNull(userId, "userId is null");
            requireNonNull(totalValue, "totalValue is null");
        }
    }

    record AccountOpened(String userId, String fullName) implements GameAction {
        public AccountOpened {
            requireNonNull(userId, "userId is null");
            requireNonNull(fullName, "fullName is null");
        }
    }

    record AccountDeleted(String userId, String fullName) implements GameAction {
        public AccountDeleted {
            requireNonNull(userId, "userId is null");
            requireNonNull(fullName, "fullName is null");
        }
    }

    record CashDeposited(String userId, BigDecimal amount) implements GameAction {
        public CashDeposited {
            requireNonNull(userId, "userId is null");
            amount = Money.of(requireNonNull(amount, "amount is null"));
        }
    }

    record CashWithdrawn(String userId, BigDecimal amount) implements GameAction {
        public CashWithdrawn {
            requireNonNull(userId, "userId is null");
            amount = Money.of(requireNonNull(amount, "amount is null"));
        }
    }

    record AssetBought(String userId, String assetName, long numberOf, BigDecimal unitPrice, BigDecimal amount)
            implements GameAction {
        public AssetBought {
            requireNonNull(userId, "userId is null");
            requireNonNull(assetName, "assetName is null");
            unitPrice = Money.of(requireNonNull(unitPrice, "unitPrice is null"));
            amount = Money.of(requireNonNull(amount, "amount is null"));
        }
    }

    record AssetSold(String userId, String assetName, long numberOf, BigDecimal unitPrice, BigDecimal amount)
            implements GameAction {
        public AssetSold {
            requireNonNull(userId, "userId is null");
            requireNonNull(assetName, "assetName is null");
            unitPrice = Money.of(requireNonNull(unitPrice, "unitPrice is null"));
            amount = Money.of(requireNonNull(amount, "amount is null"));
        }
    }
}
