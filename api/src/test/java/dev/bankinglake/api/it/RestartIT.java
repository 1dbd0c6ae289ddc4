package dev.bankinglake.api.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.api.game.Account;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.Service;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A restarted API rebuilds exactly the accounts it had, from the topic alone. */
class RestartIT {
    private static LocalStack stack;

    @BeforeAll
    static void requireKafka() {
        stack = LocalStack.shared();
        stack.require(Service.KAFKA);
    }

    @Test
    void stateAfterRestartEqualsStateBefore() {
        String topic = TestApi.uniqueTopic("restart");
        Map<String, Account> before;
        Map<String, String> infoBefore;
        try (TestApi first = TestApi.start(stack.kafkaBootstrap(), topic)) {
            for (String user : new String[] {"ann", "bob", "cid"}) {
                assertThat(first.post("/open_account/", "{\"user_id\":\"" + user + "\",\"full_name\":\"Name " + user + "\"}").statusCode())
                        .isEqualTo(201);
                assertThat(first.post("/deposit/", "{\"user_id\":\"" + user + "\",\"amount\":\"1000.25\"}").statusCode()).isEqualTo(200);
            }
            assertThat(first.post("/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":3}").statusCode()).isEqualTo(200);
            assertThat(first.post("/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"bond_a\",\"number_of\":5}").statusCode()).isEqualTo(200);
            assertThat(first.post("/sell_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":1}").statusCode()).isEqualTo(200);
            assertThat(first.post("/withdraw/", "{\"user_id\":\"bob\",\"amount\":99.99}").statusCode()).isEqualTo(200);
            assertThat(first.post("/delete_account/", "{\"user_id\":\"cid\",\"full_name\":\"Name cid\"}").statusCode()).isEqualTo(200);
            assertThat(first.post("/withdraw/", "{\"user_id\":\"bob\",\"amount\":5000}").statusCode()).isEqualTo(422);
            assertThat(first.get("/return_account_info/ann").statusCode()).isEqualTo(200);
            before = first.server().bank().accounts();
            infoBefore = Map.of("ann", holdingsAndCash(first, "ann"), "bob", holdingsAndCash(first, "bob"));
        }
        assertThat(before).containsOnlyKeys("ann", "bob");
        assertThat(before.get("bob").cash()).isEqualTo(new BigDecimal("900.26"));

        try (TestApi second = TestApi.start(stack.kafkaBootstrap(), topic)) {
            assertThat(second.server().bank().accounts()).isEqualTo(before);
            assertThat(holdingsAndCash(second, "ann")).isEqualTo(infoBefore.get("ann"));
            assertThat(holdingsAndCash(second, "bob")).isEqualTo(infoBefore.get("bob"));
            assertThat(second.get("/return_account_info/cid").statusCode()).isEqualTo(404);
            assertThat(second.post("/open_account/", "{\"user_id\":\"ann\",\"full_name\":\"Name ann\"}").statusCode()).isEqualTo(409);
            assertThat(second.post("/sell_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":3}").statusCode())
                    .isEqualTo(422);
            assertThat(second.post("/sell_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"stock_a\",\"number_of\":2}").statusCode())
                    .isEqualTo(200);
        }
    }

    /** Cash and holdings as the HTTP API reports them (prices move, so values are left out). */
    private static String holdingsAndCash(TestApi api, String user) {
        var info = TestApi.json(api.get("/return_account_info/" + user));
        StringBuilder summary = new StringBuilder("cash=" + info.get("cash").decimalValue().toPlainString());
        info.get("holdings").forEach(holding -> summary.append(' ').append(holding.get("asset_name").asText())
                .append('=').append(holding.get("number_of").asLong()));
        return summary.toString();
    }
}
