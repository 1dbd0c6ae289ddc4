package dev.bankinglake.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.events.EventJson;
import dev.bankinglake.api.events.EventParser;
import dev.bankinglake.api.game.Account;
import dev.bankinglake.api.game.Bank;
import dev.bankinglake.api.game.GameAction;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.Service;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 50 threads trading on a few accounts: no overdraft, cash conserved, topic and state agree. */
class ConcurrencyIT {
    private static final int THREADS = 50;
    private static final int REQUESTS_PER_THREAD = 30;
    private static final List<String> USERS = List.of("u1", "u2", "u3", "u4");
    private static final List<String> ASSETS = List.of("stock_a", "bond_a");

    private static LocalStack stack;
    private static TestApi api;

    @BeforeAll
    static void startApi() {
        stack = LocalStack.shared();
        stack.require(Service.KAFKA);
        api = TestApi.start(stack.kafkaBootstrap(), TestApi.uniqueTopic("concurrency"));
    }

    @AfterAll
    static void stopApi() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void concurrentTradingKeepsEveryRuleAndReconcilesWithTheTopic() throws Exception {
        for (String user : USERS) {
            assertThat(api.post("/open_account/", "{\"user_id\":\"" + user + "\",\"full_name\":\"Trader " + user + "\"}").statusCode())
                    .isEqualTo(201);
            assertThat(api.post("/deposit/", "{\"user_id\":\"" + user + "\",\"amount\":2000}").statusCode()).isEqualTo(200);
        }

        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicReference<BigDecimal> clientCash = new AtomicReference<>(new BigDecimal("8000.00"));
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        String user = USERS.get(random.nextInt(USERS.size()));
                        String asset = ASSETS.get(random.nextInt(ASSETS.size()));
                        HttpResponse<String> response;
                        BigDecimal cashChange;
                        switch (random.nextInt(4)) {
                            case 0 -> {
                                BigDecimal amount = BigDecimal.valueOf(random.nextInt(1, 20_000), 2);
                                response = api.post("/deposit/", "{\"user_id\":\"" + user + "\",\"amount\":\"" + amount + "\"}");
                                cashChange = amount;
                            }
                            case 1 -> {
                                BigDecimal amount = BigDecimal.valueOf(random.nextInt(1, 100_000), 2);
                                response = api.post("/withdraw/", "{\"user_id\":\"" + user + "\",\"amount\":" + amount + "}");
                                cashChange = amount.negate();
                            }
                            case 2 -> {
                                response = api.post("/buy_asset/", "{\"user_id\":\"" + user + "\",\"asset_name\":\"" + asset
                                        + "\",\"number_of\":" + random.nextInt(1, 8) + "}");
                                cashChange = response.statusCode() == 200 ? amountOf(response).negate() : BigDecimal.ZERO;
                            }
                            default -> {
                                response = api.post("/sell_asset/", "{\"user_id\":\"" + user + "\",\"asset_name\":\"" + asset
                                        + "\",\"number_of\":" + random.nextInt(1, 8) + "}");
                                cashChange = response.statusCode() == 200 ? amountOf(response) : BigDecimal.ZERO;
                            }
                        }
                        statuses.merge(response.statusCode(), 1, Integer::sum);
                        if (response.statusCode() == 200) {
                            clientCash.accumulateAndGet(cashChange, BigDecimal::add);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> worker : workers) {
                worker.get(5, TimeUnit.MINUTES);
            }
        }
        finally {
            pool.shutdownNow();
        }

        assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(200, 422);
        assertThat(statuses.get(200)).isGreaterThan(THREADS);

        Map<String, Account> finalState = api.server().bank().accounts();
        BigDecimal totalCash = BigDecimal.ZERO;
        for (Account account : finalState.values()) {
            assertThat(account.cash().signum()).as("cash of %s", account.userId()).isNotNegative();
            assertThat(account.holdings().values()).as("units of %s", account.userId()).allMatch(units -> units >= 0);
            totalCash = totalCash.add(account.cash());
        }
        assertThat(totalCash).as("cash = deposits - withdrawals - buys + sells, as the clients saw them").isEqualTo(clientCash.get());

        List<ConsumerRecord<String, String>> records = TopicEvents.readAll(stack.kafkaBootstrap(), api.topic());
        assertThat(records).hasSize(2 * USERS.size() + statuses.get(200));
        BigDecimal topicCash = BigDecimal.ZERO;
        Bank replayed = new Bank(api.server().bank().market());
        for (ConsumerRecord<String, String> record : records) {
            Optional<GameAction> action = EventParser.accountChange(record.value());
            assertThat(action).as("an account change: %s", record.value()).isPresent();
            assertThat(record.key()).isEqualTo(action.get().userId());
            replayed.replay(action.get());
            JsonNode json = EventJson.read(record.value());
            BigDecimal amount = json.path(EventField.AMOUNT.jsonName()).decimalValue();
            GameAction change = action.get();
            if (change instanceof GameAction.CashDeposited || change instanceof GameAction.AssetSold) {
                topicCash = topicCash.add(amount);
            }
            else if (change instanceof GameAction.CashWithdrawn || change instanceof GameAction.AssetBought) {
                topicCash = topicCash.subtract(amount);
            }
        }
        assertThat(topicCash).as("cash reconciled from the topic's events").isEqualTo(totalCash);
        assertThat(replayed.accounts()).as("state replayed from the topic").isEqualTo(finalState);
    }

    private static BigDecimal amountOf(HttpResponse<String> response) {
        return TestApi.json(response).get(EventField.AMOUNT.jsonName()).decimalValue();
    }
}
