package dev.bankinglake.presto.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.presto.report.QueryResult;
import dev.bankinglake.presto.report.Report;
import dev.bankinglake.presto.report.SavedQuery;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.Service;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole chain over the real local stack: requests to the built API, events on Kafka, the
 * built streaming job, Parquet on HDFS, partitions in the metastore, answers from Presto JDBC.
 * Counts are exact: every accepted request is one row, every refused one is none.
 */
@ExtendWith(LocalStackExtension.class)
class EndToEndIT {
    private static final String USER_AGENT = "lake-e2e/1.0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String api;
    private static final Map<EventType, Integer> accepted = new EnumMap<>(EventType.class);
    private static final List<String> eventIds = new ArrayList<>();
    private static final Map<String, BigDecimal> depositedByUser = new TreeMap<>();
    private static final Map<String, BigDecimal> withdrawnByUser = new TreeMap<>();
    private static final Map<String, Long> unitsBought = new HashMap<>();
    private static final Map<String, BigDecimal> valueBought = new HashMap<>();
    private static final Map<String, Long> unitsSold = new HashMap<>();
    private static final Map<String, BigDecimal> tradedByUser = new HashMap<>();
    private static final Map<String, Integer> lookups = new HashMap<>();
    private static int refused;

    @BeforeAll
    static void driveTheApi(LocalStack stack) throws Exception {
        stack.require(Service.API, Service.STREAMING);
        api = stack.environment().get("API_URL");

        for (String[] user : new String[][] {{"ann", "Ann Archer"}, {"bob", "Bob Baker"}, {"cid", "Cid Cole"}, {"dan", "Dan Dyer"}}) {
            ok(post("/open_account/", "{\"user_id\": \"" + user[0] + "\", \"full_name\": \"" + user[1] + "\"}"), EventType.OPEN_ACCOUNT);
        }
        refuse(post("/open_account/", "{\"user_id\": \"ann\", \"full_name\": \"Ann Archer\"}"), 409);
        refuse(post("/open_account", "{\"user_id\": "), 400);

        deposit("ann", "1000");
        deposit("bob", "500.50");
        deposit("cid", "250");
        deposit("dan", "100");
        deposit("ann", "20.25");
        refuse(post("/deposit/", "{\"user_id\": \"ann\", \"amount\": -5}"), 400);
        refuse(post("/deposit/", "{\"user_id\": \"ann\", \"amount\": \"abc\"}"), 400);
        refuse(post("/deposit/", "{\"user_id\": \"ann\", \"amount\": \"1.005\"}"), 400);
        refuse(post("/deposit/", "{\"user_id\": \"nobody\", \"amount\": 10}"), 404);

        withdraw("ann", "100");
        withdraw("bob", "0.50");
        refuse(post("/withdraw/", "{\"user_id\": \"cid\", \"amount\": 10000}"), 422);

        trade("/buy_asset/", "ann", "stock_a", 2);
        trade("/buy_asset/", "bob", "bond_a", 3);
        trade("/buy_asset/", "cid", "stock_a", 1);
        refuse(post("/buy_asset/", "{\"user_id\": \"dan\", \"asset_name\": \"stock_a\", \"number_of\": 1000}"), 422);
        refuse(post("/buy_asset/", "{\"user_id\": \"dan\", \"asset_name\": \"gold\", \"number_of\": 1}"), 404);
        refuse(post("/buy_asset/", "{\"user_id\": \"dan\", \"asset_name\": \"stock_a\", \"number_of\": 1.5}"), 400);
        trade("/sell_asset/", "ann", "stock_a", 1);
        refuse(post("/sell_asset/", "{\"user_id\": \"bob\", \"asset_name\": \"bond_a\", \"number_of\": 10}"), 422);

        lookup("/return_price", "all");
        lookup("/return_price/", "all");
        lookup("/return_asset_price/stock_a", "stock_a");
        lookup("/return_asset_price/stock_a/", "stock_a");
        lookup("/return_asset_price/stock_a", "stock_a");
        lookup("/return_asset_price/bond_a", "bond_a");
        refuse(get("/return_asset_price/gold"), 404);

        ok(get("/return_account_info/ann"), EventType.RETURN_ACCOUNT_INFO);
        ok(get("/return_account_info/bob/"), EventType.RETURN_ACCOUNT_INFO);
        refuse(get("/return_account_info/nobody"), 404);

        ok(post("/delete_account/", "{\"user_id\": \"dan\", \"full_name\": \"Dan Dyer\"}"), EventType.DELETE_ACCOUNT);
        refuse(post("/delete_account/", "{\"user_id\": \"cid\", \"full_name\": \"Someone Else\"}"), 422);
        refuse(get("/no_such_route"), 404);
    }

    @Test
    void everyAcceptedRequestIsExactlyOneRowOfItsTableAndRefusedOnesAreNone(LocalStack stack) throws Exception {
        int total = accepted.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(total).isEqualTo(eventIds.size()).isEqualTo(24);
        assertThat(refused).isEqualTo(15);

        try (Connection presto = stack.presto("lake-viewer")) {
            await("the lake to hold the " + total + " accepted events")
                    .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> Report.lakeRows(presto) >= total);

            for (LakeTable table : LakeTable.values()) {
                Map<String, Long> expected = new TreeMap<>();
                table.eventTypes().forEach(type -> {
                    if (accepted.containsKey(type)) {
                        expected.put(type.wireName(), (long) accepted.get(type));
                    }
                });
                assertThat(countsByType(presto, table)).as("rows per event_type in %s", table.tableName()).isEqualTo(expected);
            }
            assertThat(single(presto, "SELECT count(DISTINCT event_id) FROM (" + unionOfEventIds() + ")")).isEqualTo(String.valueOf(total));
            assertThat(strings(presto, unionOfEventIds())).containsExactlyInAnyOrderElementsOf(eventIds);
        }
    }

    @Test
    void columnsAreTypedAndHeadersFilled(LocalStack stack) throws Exception {
        try (Connection presto = awaitLake(stack)) {
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            assertThat(strings(presto, "SELECT DISTINCT user_agent || '|' || content_type || '|' || CAST(host IS NOT NULL AS varchar) "
                    + "|| '|' || dt FROM cash_transactions"))
                    .containsExactly(USER_AGENT + "|application/json|true|" + today);
            assertThat(strings(presto, "SELECT DISTINCT user_agent FROM asset_prices")).containsExactly(USER_AGENT);
            assertThat(single(presto, "SELECT count(*) FROM asset_prices WHERE content_type IS NOT NULL")).isEqualTo("0");
            assertThat(single(presto, "SELECT CAST(amount AS varchar) || ' ' || typeof(amount) || ' ' || typeof(event_time) "
                    + "FROM cash_transactions WHERE user_id = 'bob' AND event_type = 'make_deposit'"))
                    .isEqualTo("500.50 decimal(18,2) timestamp");
            assertThat(strings(presto, "SELECT full_name FROM account_status WHERE event_type = 'delete_account'")).containsExactly("Dan Dyer");
            assertThat(single(presto, "SELECT count(*) FROM asset_transactions WHERE unit_price IS NULL OR number_of IS NULL "
                    + "OR amount <> unit_price * number_of OR raw_event IS NULL OR kafka_offset IS NULL"))
                    .isEqualTo("0");
            assertThat(single(presto, "SELECT count(*) FROM " + LakeTable.REJECTED_EVENTS.tableName())).isEqualTo("0");
            assertThat(strings(presto, "SELECT dt FROM \"cash_transactions$partitions\"")).containsExactly(today);
            assertThat(single(presto, "SELECT count(*) FROM cash_transactions WHERE raw_event LIKE '%secret%' OR raw_event LIKE '%uthorization%'"))
                    .as("the Authorization header never reaches the lake").isEqualTo("0");
        }
    }

    @Test
    void reportFiguresMatchWhatWasSent(LocalStack stack) throws Exception {
        try (Connection presto = awaitLake(stack)) {
            Map<String, QueryResult> report = new HashMap<>();
            for (QueryResult result : Report.runAll(presto, SavedQuery.loadAll(Paths.get(System.getProperty("lake.queries.dir"))))) {
                report.put(result.query().name(), result);
            }
            QueryResult cash = report.get("01_deposits_vs_withdrawals");
            assertThat(cash.valueOf("make_deposit", "transactions")).isEqualTo("5");
            assertThat(new BigDecimal(cash.valueOf("make_deposit", "total_amount"))).isEqualByComparingTo(sum(depositedByUser));
            assertThat(new BigDecimal(cash.valueOf("make_withdrawal", "total_amount"))).isEqualByComparingTo(sum(withdrawnByUser));

            QueryResult traded = report.get("02_most_traded_assets");
            assertThat(traded.valueOf("stock_a", "units_bought")).isEqualTo(String.valueOf(unitsBought.get("stock_a")));
            assertThat(traded.valueOf("bond_a", "units_bought")).isEqualTo(String.valueOf(unitsBought.get("bond_a")));
            assertThat(traded.valueOf("stock_a", "units_sold")).isEqualTo(String.valueOf(unitsSold.get("stock_a")));
            assertThat(new BigDecimal(traded.valueOf("stock_a", "value_bought"))).isEqualByComparingTo(valueBought.get("stock_a"));

            QueryResult viewed = report.get("03_most_viewed_assets");
            lookups.forEach((asset, count) -> assertThat(viewed.valueOf(asset, "lookups")).as(asset).isEqualTo(String.valueOf(count)));

            QueryResult retention = report.get("04_retention");
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            assertThat(retention.valueOf(today, "opened")).isEqualTo("4");
            assertThat(retention.valueOf(today, "deleted")).isEqualTo("1");

            QueryResult perUser = report.get("05_money_per_user");
            depositedByUser.forEach((user, amount) ->
                    assertThat(new BigDecimal(perUser.valueOf(user, "deposited"))).as(user).isEqualByComparingTo(amount));
            withdrawnByUser.forEach((user, amount) ->
                    assertThat(new BigDecimal(perUser.valueOf(user, "withdrawn"))).as(user).isEqualByComparingTo(amount));

            QueryResult traders = report.get("06_top_traders");
            tradedByUser.forEach((user, value) ->
                    assertThat(new BigDecimal(traders.valueOf(user, "traded_value"))).as(user).isEqualByComparingTo(value));

            QueryResult flow = report.get("07_net_cash_flow_per_day");
            assertThat(new BigDecimal(flow.valueOf(today, "net_cash_flow")))
                    .isEqualByComparingTo(sum(depositedByUser).subtract(sum(withdrawnByUser)));
        }
    }

    // ------------------------------------------------------------------ requests

    private static void deposit(String user, String amount) throws Exception {
        ok(post("/deposit/", "{\"user_id\": \"" + user + "\", \"amount\": \"" + amount + "\"}"), EventType.MAKE_DEPOSIT);
        depositedByUser.merge(user, new BigDecimal(amount), BigDecimal::add);
    }

    private static void withdraw(String user, String amount) throws Exception {
        ok(post("/withdraw/", "{\"user_id\": \"" + user + "\", \"amount\": " + amount + "}"), EventType.MAKE_WITHDRAWAL);
        withdrawnByUser.merge(user, new BigDecimal(amount), BigDecimal::add);
    }

    private static void trade(String path, String user, String asset, long units) throws Exception {
        boolean buy = path.startsWith("/buy");
        JsonNode body = ok(post(path, "{\"user_id\": \"" + user + "\", \"asset_name\": \"" + asset + "\", \"number_of\": \"" + units + "\"}"),
                buy ? EventType.BUY_ASSET : EventType.SELL_ASSET);
        BigDecimal amount = new BigDecimal(body.path("amount").asText());
        assertThat(amount).as("trade value in the answer to %s", path).isPositive();
        (buy ? unitsBought : unitsSold).merge(asset, units, Long::sum);
        if (buy) {
            valueBought.merge(asset, amount, BigDecimal::add);
        }
        tradedByUser.merge(user, amount, BigDecimal::add);
    }

    private static void lookup(String path, String asset) throws Exception {
        ok(get(path), EventType.RETURN_ASSET_PRICE);
        lookups.merge(asset, 1, Integer::sum);
    }

    private static JsonNode ok(HttpResponse<String> response, EventType type) throws Exception {
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.uri(), response.body()).isIn(200, 201);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("event_id").asText()).as("event_id in the answer to %s", response.uri()).isNotBlank();
        eventIds.add(body.path("event_id").asText());
        accepted.merge(type, 1, Integer::sum);
        return body;
    }

    private static void refuse(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.uri(), response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("error").asText()).as("error message of %s", response.uri()).isNotBlank();
        refused++;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(20))
                .header("User-Agent", USER_AGENT).header("Content-Type", "application/json").header("Authorization", "Bearer secret")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(20))
                .header("User-Agent", USER_AGENT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------ lake

    private static Connection awaitLake(LocalStack stack) throws SQLException {
        Connection presto = stack.presto("lake-viewer");
        await("the lake to hold the accepted events").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> Report.lakeRows(presto) >= eventIds.size());
        return presto;
    }

    private static String unionOfEventIds() {
        List<String> selects = new ArrayList<>();
        for (LakeTable table : LakeTable.values()) {
            if (table.isEventTable()) {
                selects.add("SELECT event_id FROM " + table.tableName());
            }
        }
        return String.join(" UNION ALL ", selects);
    }

    private static Map<String, Long> countsByType(Connection presto, LakeTable table) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        if (!table.isEventTable()) {
            return counts;
        }
        try (Statement statement = presto.createStatement();
                ResultSet rows = statement.executeQuery("SELECT event_type, count(*) FROM " + table.tableName() + " GROUP BY event_type")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private static List<String> strings(Connection presto, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = presto.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static String single(Connection presto, String sql) throws SQLException {
        List<String> values = strings(presto, sql);
        assertThat(values).as(sql).hasSize(1);
        return values.get(0);
    }

    private static BigDecimal sum(Map<String, BigDecimal> amounts) {
        return amounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
