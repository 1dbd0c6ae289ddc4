package dev.bankinglake.api.events;

import dev.bankinglake.api.game.GameAction;
import dev.bankinglake.api.game.GameAction.AccountDeleted;
import dev.bankinglake.api.game.GameAction.AccountLookedUp;
import dev.bankinglake.api.game.GameAction.AccountOpened;
import dev.bankinglake.api.game.GameAction.AssetBought;
import dev.bankinglake.api.game.GameAction.AssetSold;
import dev.bankinglake.api.game.GameAction.CashDeposited;
import dev.bankinglake.api.game.GameAction.CashWithdrawn;
import dev.bankinglake.api.game.GameAction.PriceLookedUp;
import dev.bankinglake.api.game.GameAction.PricesLookedUp;
import dev.bankinglake.contract.HeaderField;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The example events of contract/EVENTS.md, as the actions and request that produce them. */
final class EventExamples {
    static final Instant TIME = Instant.parse("2026-11-20T22:08:28.123Z");
    static final UUID EVENT_ID = UUID.fromString("3f2b8c1e-7a4d-4e8f-9b61-0c5d2e7a9f14");

    static final RequestHeaders GET_HEADERS = new RequestHeaders(Map.of(
            HeaderField.ACCEPT, "*/*",
            HeaderField.HOST, "127.0.0.1:5000",
            HeaderField.USER_AGENT, "curl/7.88.1"));

    static final RequestHeaders POST_HEADERS = new RequestHeaders(Map.of(
            HeaderField.ACCEPT, "*/*",
            HeaderField.HOST, "127.0.0.1:5000",
            HeaderField.USER_AGENT, "python-requests/2.31.0",
            HeaderField.CONTENT_LENGTH, "41",
            HeaderField.ACCEPT_ENCODING, "gzip, deflate",
            HeaderField.CONNECTION, "keep-alive",
            HeaderField.CONTENT_TYPE, "application/json"));

    /** Example id (as marked in EVENTS.md) to the action it shows. */
    static final Map<String, GameAction> ACTIONS;

    static {
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        prices.put("stock_a", new BigDecimal("133.49"));
        prices.put("bond_a", new BigDecimal("56.12"));
        prices.put("cash", new BigDecimal("1.00"));
        Map<String, GameAction> actions = new LinkedHashMap<>();
        actions.put("return_asset_price/all", new PricesLookedUp(prices));
        actions.put("return_asset_price/one", new PriceLookedUp("stock_a", new BigDecimal("133.49")));
        actions.put("return_account_info", new AccountLookedUp("tpeters", new BigDecimal("1466.98")));
        actions.put("open_account", new AccountOpened("tpeters", "Tom Peters"));
        actions.put("delete_account", new AccountDeleted("tpeters", "Tom Peters"));
        actions.put("make_deposit", new CashDeposited("tpeters", new BigDecimal("200.00")));
        actions.put("make_withdrawal", new CashWithdrawn("tpeters", new BigDecimal("50.00")));
        actions.put("buy_asset", new AssetBought("tpeters", "stock_a", 3, new BigDecimal("133.49"), new BigDecimal("400.47")));
        actions.put("sell_asset", new AssetSold("tpeters", "bond_a", 2, new BigDecimal("56.12"), new BigDecimal("112.24")));
        ACTIONS = Map.copyOf(actions);
    }

    private EventExamples() {
    }

    static EventFactory factory() {
        return new EventFactory(Clock.fixed(TIME, ZoneOffset.UTC), () -> EVENT_ID);
    }

    static RequestHeaders headersFor(String exampleId) {
        return exampleId.startsWith("return_") ? GET_HEADERS : POST_HEADERS;
    }

    static Event event(String exampleId) {
        return factory().create(ACTIONS.get(exampleId), headersFor(exampleId));
    }

}
