package dev.bankinglake.api.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.game.Account;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.Service;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** While Kafka is away, writes answer 503 and change nothing; once it is back they succeed. */
class KafkaOutageIT {
    private static LocalStack stack;
    private static TestApi api;

    @BeforeAll
    static void startApi() {
        stack = LocalStack.shared();
        stack.require(Service.KAFKA);
        api = TestApi.start(stack.kafkaBootstrap(), TestApi.uniqueTopic("outage"));
    }

    @AfterAll
    static void stopApi() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void writesAnswer503WhileKafkaIsDownAndSucceedAfterItReturns() {
        assertThat(api.post("/open_account/", "{\"user_id\":\"ann\",\"full_name\":\"Ann Lee\"}").statusCode()).isEqualTo(201);
        assertThat(api.post("/deposit/", "{\"user_id\":\"ann\",\"amount\":1000}").statusCode()).isEqualTo(200);
        assertThat(api.post("/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"bond_a\",\"number_of\":1}").statusCode()).isEqualTo(200);
        Map<String, Account> before = api.server().bank().accounts();
        int eventsBefore = TopicEvents.readAll(stack.kafkaBootstrap(), api.topic()).size();

        stack.stop(Service.KAFKA);
        try {
            await("GET /health answers 503 while Kafka is stopped").atMost(30, SECONDS).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.get("/health").statusCode() == 503);

            assertUnavailable(api.post("/deposit/", "{\"user_id\":\"ann\",\"amount\":50}"));
            assertUnavailable(api.post("/withdraw/", "{\"user_id\":\"ann\",\"amount\":10}"));
            assertUnavailable(api.post("/buy_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"bond_a\",\"number_of\":1}"));
            assertUnavailable(api.post("/sell_asset/", "{\"user_id\":\"ann\",\"asset_name\":\"bond_a\",\"number_of\":1}"));
            assertUnavailable(api.post("/open_account/", "{\"user_id\":\"bob\",\"full_name\":\"Bob\"}"));
            assertUnavailable(api.post("/delete_account/", "{\"user_id\":\"ann\",\"full_name\":\"Ann Lee\"}"));

            assertThat(api.server().bank().accounts()).as("accounts while Kafka is down").isEqualTo(before);
            // Refusals that need no event still answer as usual.
            assertThat(api.post("/deposit/", "{\"user_id\":\"ann\",\"amount\":-1}").statusCode()).isEqualTo(400);
        }
        finally {
            stack.start(Service.KAFKA);
        }

        await("GET /health answers 200 after Kafka is back").atMost(60, SECONDS).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("/health").statusCode() == 200);
        assertThat(api.server().bank().accounts()).isEqualTo(before);

        HttpResponse<String> deposit = api.post("/deposit/", "{\"user_id\":\"ann\",\"amount\":50}");
        assertThat(deposit.statusCode()).as(deposit.body()).isEqualTo(200);
        JsonNode account = TestApi.json(deposit).get("account");
        assertThat(account.get("cash").decimalValue()).isEqualTo(before.get("ann").cash().add(new BigDecimal("50.00")));
        assertThat(api.post("/open_account/", "{\"user_id\":\"bob\",\"full_name\":\"Bob\"}").statusCode()).isEqualTo(201);

        var events = TopicEvents.readAll(stack.kafkaBootstrap(), api.topic());
        assertThat(events).as("only the two writes after the outage were added").hasSize(eventsBefore + 2);
        assertThat(events).as("bob's account was opened once, after the outage")
                .filteredOn(record -> record.value().contains("\"" + EventField.USER_ID.jsonName() + "\":\"bob\""))
                .hasSize(1);
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        JsonNode error = TestApi.json(response);
        assertThat(error.get("status").asInt()).isEqualTo(503);
        assertThat(error.get("error").asText()).startsWith("Event could not be recorded, nothing was changed");
    }
}
