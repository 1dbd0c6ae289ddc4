package dev.bankinglake.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.LakeTable;

/**
 * A known mix of requests over every route of the API, sent as a compose user sends them: curl
 * and ab in the tools container. Every request of the mix must be acknowledged; each one that is
 * adds the event it made to what the lake must hold. Requests the API must refuse (4xx with a
 * JSON error) make no event.
 */
final class RequestMix {
    /** What one user holds in cash after the mix: 60 deposits of 10, 20 withdrawals of 1. */
    static final String FIRST_USER_CASH = "580.00";

    private RequestMix() {
    }

    /** Sends the mix for users {@code prefix + "a"}, {@code "b"} and {@code "c"}. */
    static void send(ToolsContainer tools, LakeCounts lake, String prefix) {
        String alice = prefix + "a";
        String bob = prefix + "b";
        String carol = prefix + "c";
        for (String path : new String[] {"/", "/health", "/metrics"}) {
            assertThat(tools.get(path).status()).as("GET %s (no event)", path).isEqualTo(200);
        }

        open(tools, lake, alice);
        open(tools, lake, bob);
        ab(tools, lake, LakeTable.CASH_TRANSACTIONS, "/deposit", "{\"user_id\": \"" + alice + "\", \"amount\": \"10\"}", 60, 4);
        ToolsContainer.Answer funds = tools.post("/deposit", "{\"user_id\": \"" + bob + "\", \"amount\": \"100000\"}");
        assertThat(funds.status()).as("POST /deposit for %s: %s", bob, funds.body()).isEqualTo(200);
        lake.expect(LakeTable.CASH_TRANSACTIONS, 1);
        ab(tools, lake, LakeTable.CASH_TRANSACTIONS, "/withdraw", "{\"user_id\": \"" + alice + "\", \"amount\": \"1\"}", 20, 2);
        ab(tools, lake, LakeTable.ASSET_TRANSACTIONS, "/buy_asset",
                "{\"user_id\": \"" + bob + "\", \"asset_name\": \"stock_a\", \"number_of\": \"1\"}", 12, 3);
        ab(tools, lake, LakeTable.ASSET_TRANSACTIONS, "/sell_asset",
                "{\"user_id\": \"" + bob + "\", \"asset_name\": \"stock_a\", \"number_of\": \"1\"}", 6, 2);
        ab(tools, lake, LakeTable.ASSET_PRICES, "/return_price", null, 20, 2);
        ab(tools, lake, LakeTable.ASSET_PRICES, "/return_asset_price/bond_a", null, 15, 3);
        ab(tools, lake, LakeTable.ASSET_PRICES, "/return_account_info/" + alice, null, 10, 2);
        open(tools, lake, carol);
        ToolsContainer.Answer closed = tools.post("/delete_account", "{\"user_id\": \"" + carol + "\", \"full_name\": \"Compose " + carol + "\"}");
        assertThat(closed.status()).as("POST /delete_account for %s: %s", carol, closed.body()).isEqualTo(200);
        lake.expect(LakeTable.ACCOUNT_STATUS, 1);

        refused(tools, "/withdraw", "{\"user_id\": \"" + alice + "\", \"amount\": \"99999999\"}", 422, "Cannot withdraw");
        refused(tools, "/deposit", "{\"user_id\": \"" + alice + "\", \"amount\": \"-5\"}", 400, "Invalid amount");
        refused(tools, "/buy_asset", "{\"user_id\": \"" + carol + "\", \"asset_name\": \"stock_a\", \"number_of\": \"1\"}", 404, "Unknown account");
        refused(tools, "/open_account", "{\"user_id\": ", 400, "Malformed JSON");
    }

    private static void open(ToolsContainer tools, LakeCounts lake, String user) {
        ToolsContainer.Answer answer = tools.post("/open_account", "{\"user_id\": \"" + user + "\", \"full_name\": \"Compose " + user + "\"}");
        assertThat(answer.status()).as("POST /open_account for %s: %s", user, answer.body()).isEqualTo(201);
        lake.expect(LakeTable.ACCOUNT_STATUS, 1);
    }

    private static void ab(ToolsContainer tools, LakeCounts lake, LakeTable table, String path, String json, int requests, int concurrency) {
        ToolsContainer.Bench bench = tools.ab(path, json, requests, concurrency);
        lake.expect(table, bench.acknowledged());
        assertThat(bench).as("ab -n %d -c %d on %s %s", requests, concurrency, json == null ? "GET" : "POST", path)
                .isEqualTo(new ToolsContainer.Bench(requests, 0, 0));
    }

    private static void refused(ToolsContainer tools, String path, String json, int status, String reason) {
        ToolsContainer.Answer answer = tools.post(path, json);
        assertThat(answer.status()).as("POST %s %s: %s", path, json, answer.body()).isEqualTo(status);
        assertThat(answer.body()).as("error body of POST %s", path).contains("\"error\"").contains(reason);
    }
}
