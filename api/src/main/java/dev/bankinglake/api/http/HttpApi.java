package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.api.events.Event;
import dev.bankinglake.api.events.EventFactory;
import dev.bankinglake.api.events.EventJson;
import dev.bankinglake.api.events.EventSink;
import dev.bankinglake.api.events.RequestHeaders;
import dev.bankinglake.api.game.Account;
import dev.bankinglake.api.game.AccountValuation;
import dev.bankinglake.api.game.Asset;
import dev.bankinglake.api.game.Bank;
import dev.bankinglake.api.game.GameAction;
import dev.bankinglake.api.game.GameAction.AssetBought;
import dev.bankinglake.api.game.GameAction.AssetSold;
import dev.bankinglake.api.game.Outcome;
import dev.bankinglake.contract.EventField;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP routes of the game. Handlers parse, call the {@link Bank} and render; they throw on
 * anything wrong and {@link ErrorMapping} answers. Every path also answers with a trailing slash.
 */
public final class HttpApi {
    public static final String ROOT = "/";
    public static final String HEALTH = "/health";
    public static final String METRICS = "/metrics";
    public static final String RETURN_PRICE = "/return_price";
    public static final String RETURN_ASSET_PRICE = "/return_asset_price/{asset_name}";
    public static final String RETURN_ACCOUNT_INFO = "/return_account_info/{user_id}";
    public static final String OPEN_ACCOUNT = "/open_account";
    public static final String DELETE_ACCOUNT = "/delete_account";
    public static final String DEPOSIT = "/deposit";
    public static final String WITHDRAW = "/withdraw";
    public static final String BUY_ASSET = "/buy_asset";
    public static final String SELL_ASSET = "/sell_asset";

    /** Route label for requests that matched no endpoint, so raw paths never become metric labels. */
    static final String UNMATCHED_ROUTE = "unmatched";

    private static final String JSON = "application/json";
    private static final String MESSAGE = "message";
    private static final String EVENT_ID = EventField.EVENT_ID.jsonName();

    private final Bank bank;
    private final EventFactory events;
    private final EventSink sink;
    private final ServiceStatus status;
    private final Metrics metrics;
    private final long maxBodyBytes;

    public HttpApi(Bank bank, EventFactory events, EventSink sink, ServiceStatus status, Metrics metrics, long maxBodyBytes) {
        this.bank = requireNonNull(bank, "bank is null");
        this.events = requireNonNull(events, "events is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.sink = new MeteredEventSink(requireNonNull(sink, "sink is null"), metrics);
        this.status = requireNonNull(status, "status is null");
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A configured, not yet started, Javalin application. */
    public Javalin create() {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.router.ignoreTrailingSlashes = true;
            config.http.maxRequestSize = maxBodyBytes;
            config.requestLogger.http((ctx, millis) -> metrics.observeRequest(
                    ctx.method().name(), routeOf(ctx), ctx.statusCode(), Duration.ofNanos(Math.round(millis * 1_000_000.0))));
            ErrorMapping.install(config, metrics);
        });

        app.get(ROOT, this::welcome);
        app.get(HEALTH, this::health);
        app.get(METRICS, ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()));

        app.get(RETURN_PRICE, whenReady(this::returnPrices));
        app.get(RETURN_ASSET_PRICE, whenReady(this::returnAssetPrice));
        app.get(RETURN_ACCOUNT_INFO, whenReady(this::returnAccountInfo));
        app.post(OPEN_ACCOUNT, whenReady(this::openAccount));
        app.post(DELETE_ACCOUNT, whenReady(this::deleteAccount));
        app.post(DEPOSIT, whenReady(this::deposit));
        app.post(WITHDRAW, whenReady(this::withdraw));
        app.post(BUY_ASSET, whenReady(this::buyAsset));
        app.post(SELL_ASSET, whenReady(this::sellAsset));
        return app;
    }

    private static String routeOf(Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() || path.equals("*") ? UNMATCHED_ROUTE : path;
        }
        catch (RuntimeException e) {
            return UNMATCHED_ROUTE;
        }
    }

    private Handler whenReady(Handler handler) {
        return ctx -> {
            if (!status.rebuilt()) {
                throw ApiException.unavailable("Not ready: account state is still being rebuilt from the events topic");
            }
            handler.handle(ctx);
        };
    }

    private void welcome(Context ctx) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put(MESSAGE, "Welcome to the banking game: open an account, deposit cash, buy and sell assets");
        ArrayNode routes = body.putArray("routes");
        for (String route : new String[] {RETURN_PRICE, RETURN_ASSET_PRICE, RETURN_ACCOUNT_INFO, OPEN_ACCOUNT,
                DELETE_ACCOUNT, DEPOSIT, WITHDRAW, BUY_ASSET, SELL_ASSET, HEALTH, METRICS}) {
            routes.add(route);
        }
        respond(ctx, 200, body);
    }

    private void health(Context ctx) {
        boolean rebuilt = status.rebuilt();
        boolean kafka = status.kafkaReachable();
        boolean ready = rebuilt && kafka;
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("status", ready ? "ready" : "unavailable");
        body.put("kafka", kafka ? "reachable" : "unreachable");
        body.put("state", rebuilt ? "rebuilt" : "rebuilding");
        body.put("accounts", bank.accounts().size());
        respond(ctx, ready ? 200 : 503, body);
    }

    private void returnPrices(Context ctx) {
        RequestJournal journal = journal(ctx);
        Map<String, BigDecimal> prices = bank.lookUpPrices(journal);
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        ArrayNode assets = body.putArray("assets");
        prices.forEach((name, price) -> assets.add(priceNode(bank.market().asset(name), price)));
        respond(ctx, 200, withEvent(body, journal.recorded()));
    }

    private void returnAssetPrice(Context ctx) {
        String assetName = ctx.pathParam(EventField.ASSET_NAME.jsonName());
        RequestJournal journal = journal(ctx);
        BigDecimal price = bank.lookUpPrice(assetName, journal);
        respond(ctx, 200, withEvent(priceNode(bank.market().asset(assetName), price), journal.recorded()));
    }

    private void returnAccountInfo(Context ctx) {
        String userId = ctx.pathParam(EventField.USER_ID.jsonName());
        RequestJournal journal = journal(ctx);
        AccountValuation valuation = bank.lookUpAccount(userId, journal);
        ObjectNode body = accountNode(valuation.account());
        ArrayNode holdings = body.putArray("holdings");
        for (AccountValuation.Position position : valuation.positions()) {
            ObjectNode node = holdings.addObject();
            node.put(EventField.ASSET_NAME.jsonName(), position.assetName());
            node.put(EventField.NUMBER_OF.jsonName(), position.units());
            node.put(EventField.UNIT_PRICE.jsonName(), position.unitPrice());
            node.put("value", position.value());
        }
        body.put("holdings_value", valuation.holdingsValue());
        body.put("total_value", valuation.totalValue());
        respond(ctx, 200, withEvent(body, journal.recorded()));
    }

    private void openAccount(Context ctx) {
        JsonBody body = body(ctx);
        RequestJournal journal = journal(ctx);
        Outcome<?> outcome = bank.openAccount(body.text(EventField.USER_ID), body.text(EventField.FULL_NAME), journal);
        respondOutcome(ctx, 201, outcome, journal.recorded());
    }

    private void deleteAccount(Context ctx) {
        JsonBody body = body(ctx);
        RequestJournal journal = journal(ctx);
        Outcome<?> outcome = bank.deleteAccount(body.text(EventField.USER_ID), body.text(EventField.FULL_NAME), journal);
        respondOutcome(ctx, 200, outcome, journal.recorded());
    }

    private void deposit(Context ctx) {
        JsonBody body = body(ctx);
        String userId = body.text(EventField.USER_ID);
        BigDecimal amount = body.decimal(EventField.AMOUNT);
        RequestJournal journal = journal(ctx);
        respondOutcome(ctx, 200, bank.deposit(userId, amount, journal), journal.recorded());
    }

    private void withdraw(Context ctx) {
        JsonBody body = body(ctx);
        String userId = body.text(EventField.USER_ID);
        BigDecimal amount = body.decimal(EventField.AMOUNT);
        RequestJournal journal = journal(ctx);
        respondOutcome(ctx, 200, bank.withdraw(userId, amount, journal), journal.recorded());
    }

    private void buyAsset(Context ctx) {
        JsonBody body = body(ctx);
        String userId = body.text(EventField.USER_ID);
        String assetName = body.text(EventField.ASSET_NAME);
        long numberOf = body.wholeNumber(EventField.NUMBER_OF);
        RequestJournal journal = journal(ctx);
        respondOutcome(ctx, 200, bank.buy(userId, assetName, numberOf, journal), journal.recorded());
    }

    private void sellAsset(Context ctx) {
        JsonBody body = body(ctx);
        String userId = body.text(EventField.USER_ID);
        String assetName = body.text(EventField.ASSET_NAME);
        long numberOf = body.wholeNumber(EventField.NUMBER_OF);
        RequestJournal journal = journal(ctx);
        respondOutcome(ctx, 200, bank.sell(userId, assetName, numberOf, journal), journal.recorded());
    }

    private RequestJournal journal(Context ctx) {
        return new RequestJournal(events, sink, RequestHeaders.whitelisted(ctx::header));
    }

    /** Reads at most one byte more than allowed, so an oversized body is refused without buffering it. */
    private JsonBody body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw ApiException.payloadTooLarge("Request body too large: " + declared + " bytes (at most " + maxBodyBytes + ")");
        }
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        }
        catch (IOException e) {
            throw ApiException.badRequest("Cannot read request body: " + e.getMessage());
        }
        return JsonBody.parse(bytes, maxBodyBytes);
    }

    private static ObjectNode priceNode(Asset asset, BigDecimal price) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put(EventField.ASSET_NAME.jsonName(), asset.name());
        node.put("asset_type", asset.type().name().toLowerCase(Locale.ROOT));
        node.put(EventField.UNIT_PRICE.jsonName(), price);
        return node;
    }

    private static ObjectNode accountNode(Account account) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put(EventField.USER_ID.jsonName(), account.userId());
        node.put(EventField.FULL_NAME.jsonName(), account.fullName());
        node.put("cash", account.cash());
        return node;
    }

    private void respondOutcome(Context ctx, int code, Outcome<?> outcome, Event event) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put(MESSAGE, event.json().path(EventField.DESCRIPTION.jsonName()).asText());
        GameAction action = outcome.action();
        if (action instanceof AssetBought bought) {
            putTrade(body, bought.assetName(), bought.numberOf(), bought.unitPrice(), bought.amount());
        }
        else if (action instanceof AssetSold sold) {
            putTrade(body, sold.assetName(), sold.numberOf(), sold.unitPrice(), sold.amount());
        }
        ObjectNode account = accountNode(outcome.account());
        ObjectNode holdings = account.putObject("holdings");
        outcome.account().holdings().forEach(holdings::put);
        body.set("account", account);
        respond(ctx, code, withEvent(body, event));
    }

    private static void putTrade(ObjectNode body, String assetName, long numberOf, BigDecimal unitPrice, BigDecimal amount) {
        body.put(EventField.ASSET_NAME.jsonName(), assetName);
        body.put(EventField.NUMBER_OF.jsonName(), numberOf);
        body.put(EventField.UNIT_PRICE.jsonName(), unitPrice);
        body.put(EventField.AMOUNT.jsonName(), amount);
    }

    private static ObjectNode withEvent(ObjectNode body, Event event) {
        body.put(EVENT_ID, event.eventId().toString());
        return body;
    }

    private static void respond(Context ctx, int code, ObjectNode body) {
        ctx.status(code).contentType(JSON).result(EventJson.write(body));
    }
}
