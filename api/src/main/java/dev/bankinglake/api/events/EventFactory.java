package dev.bankinglake.api.events;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.bankinglake.contract.EventContract;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns an accepted {@link GameAction} into its event. Top-level fields that do not apply to an
 * event type are omitted; the {@code headers} object always has every {@link HeaderField} key,
 * null for a header the client did not send.
 */
public final class EventFactory {
    public static final DateTimeFormatter EVENT_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final Supplier<UUID> eventIds;

    public EventFactory(Clock clock, Supplier<UUID> eventIds) {
        this.clock = requireNonNull(clock, "clock is null");
        this.eventIds = requireNonNull(eventIds, "eventIds is null");
    }

    public static EventFactory randomIds(Clock clock) {
        return new EventFactory(clock, UUID::randomUUID);
    }

    public Event create(GameAction action, RequestHeaders headers) {
        requireNonNull(action, "action is null");
        requireNonNull(headers, "headers is null");
        Map<EventField, Object> fields = new EnumMap<>(EventField.class);
        EventType type;
        String key;
        String description;
        if (action instanceof PricesLookedUp lookup) {
            type = EventType.RETURN_ASSET_PRICE;
            key = null;
            fields.put(EventField.ASSET_NAME, EventContract.ALL_ASSETS);
            description = "Prices of all assets looked up: " + lookup.prices().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(entry -> entry.getKey() + " " + entry.getValue())
                    .collect(Collectors.joining(", "));
        }
        else if (action instanceof PriceLookedUp lookup) {
            type = EventType.RETURN_ASSET_PRICE;
            key = null;
            fields.put(EventField.ASSET_NAME, lookup.assetName());
            fields.put(EventField.UNIT_PRICE, lookup.unitPrice());
            description = "Price of " + lookup.assetName() + " looked up: " + lookup.unitPrice();
        }
        else if (action instanceof AccountLookedUp lookup) {
            type = EventType.RETURN_ACCOUNT_INFO;
            key = lookup.userId();
            fields.put(EventField.USER_ID, lookup.userId());
            fields.put(EventField.AMOUNT, lookup.totalValue());
            description = lookup.userId() + " looked up their account, worth " + lookup.totalValue() + " in total";
        }
        else if (action instanceof AccountOpened opened) {
            type = EventType.OPEN_ACCOUNT;
            key = opened.userId();
            fields.put(EventField.USER_ID, opened.userId());
            fields.put(EventField.FULL_NAME, opened.fullName());
            description = opened.userId() + " opened an account for " + opened.fullName();
        }
        else if (action instanceof AccountDeleted deleted) {
            type = EventType.DELETE_ACCOUNT;
            key = deleted.userId();
            fields.put(EventField.USER_ID, deleted.userId());
            fields.put(EventField.FULL_NAME, deleted.fullName());
            description = deleted.userId() + " deleted the account of " + deleted.fullName();
        }
        else if (action instanceof CashDeposited deposit) {
            type = EventType.MAKE_DEPOSIT;
            key = deposit.userId();
            fields.put(EventField.USER_ID, deposit.userId());
            fields.put(EventField.AMOUNT, deposit.amount());
            description = deposit.userId() + " deposited " + deposit.amount() + " in cash";
        }
        else if (action instanceof CashWithdrawn withdrawal) {
            type = EventType.MAKE_WITHDRAWAL;
            key = withdrawal.userId();
            fields.put(EventField.USER_ID, withdrawal.userId());
            fields.put(EventField.AMOUNT, withdrawal.amount());
            description = withdrawal.userId() + " withdrew " + withdrawal.amount() + " in cash";
        }
        else if (action instanceof AssetBought bought) {
            type = EventType.BUY_ASSET;
            key = bought.userId();
            putTrade(fields, bought.userId(), bought.assetName(), bought.numberOf(), bought.unitPrice(), bought.amount());
            description = bought.userId() + " bought " + bought.numberOf() + " " + bought.assetName()
                    + " at " + bought.unitPrice() + " each for " + bought.amount();
        }
        else if (action instanceof AssetSold sold) {
            type = EventType.SELL_ASSET;
            key = sold.userId();
            putTrade(fields, sold.userId(), sold.assetName(), sold.numberOf(), sold.unitPrice(), sold.amount());
            description = sold.userId() + " sold " + sold.numberOf() + " " + sold.assetName()
                    + " at " + sold.unitPrice() + " each for " + sold.amount();
        }
        else {
            throw new IllegalArgumentException("No event for action " + action);
        }
        Set<EventField> missing = type.requiredFields();
        missing.removeAll(fields.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Event " + type.wireName() + " lacks required fields " + missing);
        }

        UUID eventId = requireNonNull(eventIds.get(), "event id is null");
        if (key == null) {
            // price lookups need no order among themselves: keyed by their own id, they spread over
            // every partition instead of all landing on the one of "all" or of a few asset names
            key = eventId.toString();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        fields.put(EventField.SCHEMA_VERSION, EventContract.SCHEMA_VERSION);
        fields.put(EventField.EVENT_ID, eventId.toString());
        fields.put(EventField.EVENT_TYPE, type.wireName());
        fields.put(EventField.EVENT_TIME, EVENT_TIME_FORMAT.format(now));
        fields.put(EventField.DESCRIPTION, description);

        ObjectNode json = EventJson.MAPPER.createObjectNode();
        for (EventField field : EventField.values()) {
            if (field == EventField.HEADERS) {
                ObjectNode headerNode = json.putObject(field.jsonName());
                for (HeaderField header : HeaderField.values()) {
                    headerNode.put(header.fieldName(), headers.get(header));
                }
            }
            else if (fields.containsKey(field)) {
                Object value = fields.get(field);
                if (value instanceof BigDecimal decimal) {
                    json.put(field.jsonName(), decimal);
                }
                else if (value instanceof Long number) {
                    json.put(field.jsonName(), number);
                }
                else if (value instanceof Integer number) {
                    json.put(field.jsonName(), number);
                }
                else {
                    json.put(field.jsonName(), (String) value);
                }
            }
        }
        return new Event(key, type, eventId, json);
    }

    private static void putTrade(Map<EventField, Object> fields, String userId, String assetName, long numberOf,
            BigDecimal unitPrice, BigDecimal amount) {
        fields.put(EventField.USER_ID, userId);
        fields.put(EventField.ASSET_NAME, assetName);
        fields.put(EventField.NUMBER_OF, numberOf);
        fields.put(EventField.UNIT_PRICE, unitPrice);
        fields.put(EventField.AMOUNT, amount);
    }
}
