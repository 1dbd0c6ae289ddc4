package dev.bankinglake.api.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.api.game.GameAction.AssetBought;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BankTest {
    private final List<GameAction> journal = Collections.synchronizedList(new ArrayList<>());
    private final ActionJournal recording = journal::add;
    private Bank bank;

    @BeforeEach
    void setUp() {
        bank = new Bank(Market.withDefaultAssets(Clock.fixed(Market.DEFAULT_EPOCH, ZoneOffset.UTC)));
    }

    private void openWith(String userId, String cash) {
        bank.openAccount(userId, "Name of " + userId, recording);
        bank.deposit(userId, new BigDecimal(cash), recording);
    }

    @Test
    void depositsWithdrawalsAndTradesMoveCashAndUnits() {
        openWith("ann", "1000");
        bank.withdraw("ann", new BigDecimal("100.50"), recording);
        Outcome<AssetBought> bought = bank.buy("ann", "stock_a", 3, recording);
        bank.sell("ann", "stock_a", 1, recording);

        assertThat(bought.action().unitPrice()).isEqualTo(new BigDecimal("100.00"));
        assertThat(bought.action().amount()).isEqualTo(new BigDecimal("300.00"));
        Account ann = bank.account("ann").orElseThrow();
        assertThat(ann.cash()).isEqualTo(new BigDecimal("699.50"));
        assertThat(ann.holdings()).isEqualTo(Map.of("stock_a", 2L));
        assertThat(journal).hasSize(5);
    }

    @Test
    void rulesAreEnforcedWithMessagesThatSayWhy() {
        openWith("ann", "250");
        bank.buy("ann", "stock_a", 1, recording);
        int recorded = journal.size();

        assertThatThrownBy(() -> bank.withdraw("ann", new BigDecimal("500"), recording))
                .isInstanceOf(RuleViolationException.class)
                .hasMessage("Cannot withdraw 500.00 for 'ann': cash is 150.00");
        assertThatThrownBy(() -> bank.buy("ann", "stock_a", 2, recording))
                .isInstanceOf(RuleViolationException.class)
                .hasMessage("Cannot buy 2 stock_a for 'ann': costs 200.00 at 100.00, cash is 150.00");
        assertThatThrownBy(() -> bank.sell("ann", "stock_a", 10, recording))
                .isInstanceOf(RuleViolationException.class)
                .hasMessage("Cannot sell 10 stock_a for 'ann': holds 1");
        assertThatThrownBy(() -> bank.sell("ann", "bond_a", 1, recording))
                .isInstanceOf(RuleViolationException.class)
                .hasMessage("Cannot sell 1 bond_a for 'ann': holds 0");
        assertThatThrownBy(() -> bank.buy("ann", "cash", 1, recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Cannot trade 'cash': it is cash; use deposit and withdraw");
        assertThatThrownBy(() -> bank.openAccount("ann", "Ann", recording))
                .isInstanceOf(AccountExistsException.class)
                .hasMessage("Account already exists: 'ann'");
        assertThatThrownBy(() -> bank.deleteAccount("ann", "Someone Else", recording))
                .isInstanceOf(RuleViolationException.class)
                .hasMessage("Cannot delete account 'ann': full_name 'Someone Else' does not match the account holder's name");
        assertThatThrownBy(() -> bank.deposit("bob", BigDecimal.TEN, recording))
                .isInstanceOf(UnknownAccountException.class)
                .hasMessage("Unknown account: 'bob'");
        assertThatThrownBy(() -> bank.deposit("ann", new BigDecimal("-5"), recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Invalid amount: -5 (must be positive)");
        assertThatThrownBy(() -> bank.deposit("ann", new BigDecimal("0.001"), recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Invalid amount: 0.001 (at most 2 decimals)");
        assertThatThrownBy(() -> bank.buy("ann", "stock_a", 0, recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Invalid number_of: 0 (must be positive)");
        assertThatThrownBy(() -> bank.buy("ann", "gold", 1, recording))
                .isInstanceOf(UnknownAssetException.class)
                .hasMessageStartingWith("Unknown asset: 'gold'");

        assertThat(journal).hasSize(recorded);
        assertThat(bank.account("ann").orElseThrow().cash()).isEqualTo(new BigDecimal("150.00"));
    }

    @Test
    void aFailingJournalLeavesTheAccountAsItWas() {
        openWith("ann", "500");
        Account before = bank.account("ann").orElseThrow();
        ActionJournal failing = action -> {
            throw new IllegalStateException("journal down");
        };

        assertThatThrownBy(() -> bank.buy("ann", "stock_a", 2, failing)).hasMessage("journal down");
        assertThatThrownBy(() -> bank.withdraw("ann", BigDecimal.ONE, failing)).hasMessage("journal down");
        assertThatThrownBy(() -> bank.deleteAccount("ann", "Name of ann", failing)).hasMessage("journal down");
        assertThatThrownBy(() -> bank.openAccount("bob", "Bob", failing)).hasMessage("journal down");

        assertThat(bank.account("ann")).contains(before);
        assertThat(bank.account("bob")).isEmpty();
    }

    @Test
    void deleteRemovesTheAccount() {
        openWith("ann", "10");
        bank.deleteAccount("ann", "Name of ann", recording);
        assertThat(bank.account("ann")).isEmpty();
        bank.openAccount("ann", "Ann Again", recording);
        assertThat(bank.account("ann").orElseThrow().cash()).isEqualTo(Money.ZERO);
    }

    @Test
    void valuationUsesCurrentPrices() {
        openWith("ann", "1000");
        bank.buy("ann", "stock_a", 2, recording);
        bank.buy("ann", "bond_a", 4, recording);
        AccountValuation valuation = bank.lookUpAccount("ann", recording);
        assertThat(valuation.holdingsValue()).isEqualTo(new BigDecimal("400.00"));
        assertThat(valuation.totalValue()).isEqualTo(new BigDecimal("1000.00"));
        assertThat(journal.get(journal.size() - 1)).isEqualTo(new GameAction.AccountLookedUp("ann", new BigDecimal("1000.00")));
    }

    @Test
    void replayingTheJournalRebuildsEveryAccount() {
        openWith("ann", "1000");
        openWith("bob", "300");
        bank.buy("ann", "stock_a", 3, recording);
        bank.sell("ann", "stock_a", 1, recording);
        bank.withdraw("bob", new BigDecimal("20"), recording);
        openWith("cid", "5");
        bank.deleteAccount("cid", "Name of cid", recording);
        bank.lookUpAccount("ann", recording);

        Bank rebuilt = new Bank(bank.market());
        journal.forEach(rebuilt::replay);

        assertThat(rebuilt.accounts()).isEqualTo(bank.accounts());
    }

    @Test
    void replaySkipsActionsThatCannotApply() {
        assertThat(bank.replay(new GameAction.CashDeposited("ghost", BigDecimal.TEN))).isFalse();
        assertThat(bank.accounts()).isEmpty();
    }

    @Test
    void concurrentTradesNeverOverdrawAndConserveCash() throws Exception {
        List<String> users = List.of("u1", "u2", "u3");
        users.forEach(user -> openWith(user, "1000"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                futures.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    String user = users.get(random.nextInt(users.size()));
                    try {
                        switch (random.nextInt(4)) {
                            case 0 -> bank.buy(user, "stock_a", 1 + random.nextInt(3), recording);
                            case 1 -> bank.sell(user, "stock_a", 1 + random.nextInt(3), recording);
                            case 2 -> bank.withdraw(user, BigDecimal.valueOf(1 + random.nextInt(200)), recording);
                            default -> bank.deposit(user, BigDecimal.valueOf(1 + random.nextInt(100)), recording);
                        }
                    }
                    catch (RuleViolationException expected) {
                        // refused trades are part of the game
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        finally {
            pool.shutdownNow();
        }
        BigDecimal expectedCash = BigDecimal.ZERO;
        for (GameAction action : journal) {
            if (action instanceof GameAction.CashDeposited deposit) {
                expectedCash = expectedCash.add(deposit.amount());
            }
            else if (action instanceof GameAction.CashWithdrawn withdrawal) {
                expectedCash = expectedCash.subtract(withdrawal.amount());
            }
            else if (action instanceof GameAction.AssetBought bought) {
                expectedCash = expectedCash.subtract(bought.amount());
            }
            else if (action instanceof GameAction.AssetSold sold) {
                expectedCash = expectedCash.add(sold.amount());
            }
        }
        BigDecimal totalCash = BigDecimal.ZERO;
        for (Account account : bank.accounts().values()) {
            assertThat(account.cash().signum()).as("cash of %s", account.userId()).isGreaterThanOrEqualTo(0);
            assertThat(account.holdings().values()).allMatch(units -> units >= 0);
            totalCash = totalCash.add(account.cash());
        }
        assertThat(totalCash).isEqualByComparingTo(expectedCash);
    }

    @Test
    void userIdsAndNamesAreValidated() {
        assertThatThrownBy(() -> bank.openAccount(" ", "Ann", recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Invalid user_id: '' (must not be blank)");
        assertThatThrownBy(() -> bank.openAccount(" ann", "Ann", recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Invalid user_id: ' ann' (must not start or end with whitespace)");
        assertThatThrownBy(() -> bank.openAccount("x".repeat(65), "Ann", recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Invalid user_id: 65 characters (at most 64)");
        assertThatThrownBy(() -> bank.openAccount("ann", "", recording))
                .isInstanceOf(InvalidActionException.class)
                .hasMessage("Invalid full_name: '' (must not be blank)");
    }
}
