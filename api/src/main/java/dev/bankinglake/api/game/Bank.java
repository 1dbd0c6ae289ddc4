package dev.bankinglake.api.game;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.api.game.GameAction.AccountDeleted;
import dev.bankinglake.api.game.GameAction.AccountLookedUp;
import dev.bankinglake.api.game.GameAction.AccountOpened;
import dev.bankinglake.api.game.GameAction.AssetBought;
import dev.bankinglake.api.game.GameAction.AssetSold;
import dev.bankinglake.api.game.GameAction.CashDeposited;
import dev.bankinglake.api.game.GameAction.CashWithdrawn;
import dev.bankinglake.api.game.GameAction.PriceLookedUp;
import dev.bankinglake.api.game.GameAction.PricesLookedUp;
import dev.bankinglake.contract.EventField;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts and the rules of the game. Every change follows the same steps while holding the
 * account's lock: check the rules, record the action in the journal (which waits until it is
 * durable), then commit the new account. A journal failure therefore leaves the account untouched,
 * and two requests on one account never interleave.
 */
public final class Bank {
    public static final int MAX_ID_LENGTH = 64;
    public static final int MAX_NAME_LENGTH = 200;
    /** Keeps every trade value inside the lake's decimal(18,2). */
    public static final long MAX_UNITS = 1_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(Bank.class);
    private static final int LOCK_STRIPES = 1024;

    private final Market market;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    // Striped rather than one lock per user id, so ids that never become accounts cost no memory.
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public Bank(Market market) {
        this.market = requireNonNull(market, "market is null");
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public Market market() {
        return market;
    }

    public Optional<Account> account(String userId) {
        return Optional.ofNullable(accounts.get(userId));
    }

    /** A copy of every account, by user id. */
    public Map<String, Account> accounts() {
        return Map.copyOf(accounts);
    }

    /** Forgets every account, before a rebuild starts over; never while requests are served. */
    public void clear() {
        accounts.clear();
    }

    public Map<String, BigDecimal> lookUpPrices(ActionJournal journal) {
        Map<String, BigDecimal> prices = market.prices();
        journal.record(new PricesLookedUp(prices));
        return prices;
    }

    public BigDecimal lookUpPrice(String assetName, ActionJournal journal) {
        BigDecimal price = market.unitPrice(assetName);
        journal.record(new PriceLookedUp(assetName, price));
        return price;
    }

    public AccountValuation lookUpAccount(String userId, ActionJournal journal) {
        requireUserId(userId);
        return locked(userId, () -> {
            AccountValuation valuation = valuation(existing(userId));
            journal.record(new AccountLookedUp(userId, valuation.totalValue()));
            return valuation;
        });
    }

    public Outcome<AccountOpened> openAccount(String userId, String fullName, ActionJournal journal) {
        requireUserId(userId);
        requireFullName(fullName);
        return locked(userId, () -> {
            if (accounts.containsKey(userId)) {
                throw new AccountExistsException("Account already exists: '" + userId + "'");
            }
            return commit(new AccountOpened(userId, fullName), journal);
        });
    }

    public Outcome<AccountDeleted> deleteAccount(String userId, String fullName, ActionJournal journal) {
        requireUserId(userId);
        requireFullName(fullName);
        return locked(userId, () -> {
            Account account = existing(userId);
            if (!account.fullName().equals(fullName)) {
                throw new RuleViolationException("Cannot delete account '" + userId + "': "
                        + EventField.FULL_NAME.jsonName() + " '" + fullName + "' does not match the account holder's name");
            }
            return commit(new AccountDeleted(userId, fullName), journal);
        });
    }

    public Outcome<CashDeposited> deposit(String userId, BigDecimal amount, ActionJournal journal) {
        requireUserId(userId);
        BigDecimal valid = Money.requireValidAmount(EventField.AMOUNT.jsonName(), amount);
        return locked(userId, () -> {
            Account account = existing(userId);
            if (account.cash().add(valid).compareTo(Money.MAX) > 0) {
                throw new RuleViolationException("Cannot deposit " + valid + " for '" + userId + "': cash would exceed "
                        + Money.MAX.toPlainString());
            }
            return commit(new CashDeposited(userId, valid), journal);
        });
    }

    public Outcome<CashWithdrawn> withdraw(String userId, BigDecimal amount, ActionJournal journal) {
        requireUserId(userId);
        BigDecimal valid = Money.requireValidAmount(EventField.AMOUNT.jsonName(), amount);
        return locked(userId, () -> {
            Account account = existing(userId);
            if (account.cash().compareTo(valid) < 0) {
                throw new RuleViolationException("Cannot withdraw " + valid + " for '" + userId + "': cash is " + account.cash());
            }
            return commit(new CashWithdrawn(userId, valid), journal);
        });
    }

    public Outcome<AssetBought> buy(String userId, String assetName, long numberOf, ActionJournal journal) {
        requireUserId(userId);
        requireUnits(numberOf);
        Asset asset = market.tradableAsset(assetName);
        return locked(userId, () -> {
            Account account = existing(userId);
            BigDecimal unitPrice = market.unitPrice(asset.name());
            BigDecimal cost = Money.of(unitPrice.multiply(BigDecimal.valueOf(numberOf)));
            if (account.cash().compareTo(cost) < 0) {
                throw new RuleViolationException("Cannot buy " + numberOf + " " + asset.name() + " for '" + userId
                        + "': costs " + cost + " at " + unitPrice + ", cash is " + account.cash());
            }
            return commit(new AssetBought(userId, asset.name(), numberOf, unitPrice, cost), journal);
        });
    }

    public Outcome<AssetSold> sell(String userId, String assetName, long numberOf, ActionJournal journal) {
        requireUserId(userId);
        requireUnits(numberOf);
        Asset asset = market.tradableAsset(assetName);
        return locked(userId, () -> {
            Account account = existing(userId);
            long held = account.units(asset.name());
            if (held < numberOf) {
                throw new RuleViolationException("Cannot sell " + numberOf + " " + asset.name() + " for '" + userId
                        + "': holds " + held);
            }
            BigDecimal unitPrice = market.unitPrice(asset.name());
            BigDecimal proceeds = Money.of(unitPrice.multiply(BigDecimal.valueOf(numberOf)));
            return commit(new AssetSold(userId, asset.name(), numberOf, unitPrice, proceeds), journal);
        });
    }

    /**
     * Applies an action read back from the journal, without checking the rules again: they held
     * when it was recorded. Actions that cannot apply (for example a deposit to an account the log
     * never opened) are skipped and logged.
     *
     * @return whether the action changed an account
     */
    public boolean replay(GameAction action) {
        requireNonNull(action, "action is null");
        if (action.userId() == null) {
            return false;
        }
        return locked(action.userId(), () -> {
            Optional<Account> next = apply(accounts.get(action.userId()), action);
            if (next.isEmpty() && !(action instanceof AccountDeleted) && !(action instanceof AccountLookedUp)) {
                log.warn("Skipped replayed action that does not apply to the current state: {}", action);
                return false;
            }
            store(action.userId(), next);
            return !(action instanceof AccountLookedUp);
        });
    }

    private <A extends GameAction> Outcome<A> commit(A action, ActionJournal journal) {
        Account before = accounts.get(action.userId());
        Optional<Account> next = apply(before, action);
        journal.record(action);
        store(action.userId(), next);
        // A deleted account is reported as it was when it was closed.
        return new Outcome<>(action, next.orElse(before));
    }

    private void store(String userId, Optional<Account> account) {
        if (account.isPresent()) {
            accounts.put(userId, account.get());
        }
        else {
            accounts.remove(userId);
        }
    }

    /** The account after the action; empty when it does not exist afterwards (or cannot apply). */
    private static Optional<Account> apply(Account before, GameAction action) {
        if (action instanceof AccountOpened opened) {
            return before != null ? Optional.empty() : Optional.of(Account.opened(opened.userId(), opened.fullName()));
        }
        if (before == null || action instanceof AccountDeleted) {
            return Optional.empty();
        }
        if (action instanceof CashDeposited deposited) {
            return Optional.of(before.withCash(before.cash().add(deposited.amount())));
        }
        if (action instanceof CashWithdrawn withdrawn) {
            return Optional.of(before.withCash(before.cash().subtract(withdrawn.amount())));
        }
        if (action instanceof AssetBought bought) {
            return Optional.of(before.withCash(before.cash().subtract(bought.amount()))
                    .withUnits(bought.assetName(), before.units(bought.assetName()) + bought.numberOf()));
        }
        if (action instanceof AssetSold sold) {
            return Optional.of(before.withCash(before.cash().add(sold.amount()))
                    .withUnits(sold.assetName(), before.units(sold.assetName()) - sold.numberOf()));
        }
        return Optional.of(before);
    }

    private AccountValuation valuation(Account account) {
        Map<String, BigDecimal> prices = market.prices();
        List<AccountValuation.Position> positions = new ArrayList<>();
        BigDecimal holdingsValue = Money.ZERO;
        for (Map.Entry<String, Long> holding : account.holdings().entrySet()) {
            BigDecimal unitPrice = prices.get(holding.getKey());
            if (unitPrice == null) {
                unitPrice = Money.ZERO;
            }
            BigDecimal value = Money.of(unitPrice.multiply(BigDecimal.valueOf(holding.getValue())));
            positions.add(new AccountValuation.Position(holding.getKey(), holding.getValue(), unitPrice, value));
            holdingsValue = holdingsValue.add(value);
        }
        return new AccountValuation(account, positions, holdingsValue, account.cash().add(holdingsValue));
    }

    private Account existing(String userId) {
        requireUserId(userId);
        Account account = accounts.get(userId);
        if (account == null) {
            throw new UnknownAccountException("Unknown account: '" + userId + "'");
        }
        return account;
    }

    private <T> T locked(String userId, Supplier<T> body) {
        ReentrantLock lock = locks[Math.floorMod(userId.hashCode(), locks.length)];
        lock.lock();
        try {
            return body.get();
        }
        finally {
            lock.unlock();
        }
    }

    private static void requireUserId(String userId) {
        requireText(EventField.USER_ID.jsonName(), userId, MAX_ID_LENGTH);
        if (!userId.equals(userId.strip())) {
            throw new InvalidActionException("Invalid " + EventField.USER_ID.jsonName() + ": '" + userId
                    + "' (must not start or end with whitespace)");
        }
    }

    private static void requireFullName(String fullName) {
        requireText(EventField.FULL_NAME.jsonName(), fullName, MAX_NAME_LENGTH);
    }

    private static void requireText(String field, String value, int maxLength) {
        if (value == null) {
            throw new InvalidActionException("Missing " + field);
        }
        if (value.isBlank()) {
            throw new InvalidActionException("Invalid " + field + ": '' (must not be blank)");
        }
        if (value.length() > maxLength) {
            throw new InvalidActionException("Invalid " + field + ": " + value.length() + " characters (at most " + maxLength + ")");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidActionException("Invalid " + field + ": contains control characters");
        }
    }

    private static void requireUnits(long numberOf) {
        String field = EventField.NUMBER_OF.jsonName();
        if (numberOf <= 0) {
            throw new InvalidActionException("Invalid " + field + ": " + numberOf + " (must be positive)");
        }
        if (numberOf > MAX_UNITS) {
            throw new InvalidActionException("Invalid " + field + ": " + numberOf + " (at most " + MAX_UNITS + ")");
        }
    }
}
