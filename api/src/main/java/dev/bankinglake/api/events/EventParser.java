package dev.bankinglake.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.game.GameAction;
import dev.bankinglake.api.game.GameAction.AccountDeleted;
import dev.bankinglake.api.game.GameAction.AccountOpened;
import dev.bankinglake.api.game.GameAction.AssetBought;
import dev.bankinglake.api.game.GameAction.AssetSold;
import dev.bankinglake.api.game.GameAction.CashDeposited;
import dev.bankinglake.api.game.GameAction.CashWithdrawn;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Reads an event back into the action that changed an account, for rebuilding state. Lookups
 * change nothing and read as empty.
 */
public final class EventParser {
    private EventParser() {
    }

    /**
     * @throws IllegalArgumentException when the value is not a valid event of a known type
     */
    public static Optional<GameAction> accountChange(String value) {
        JsonNode json;
        try {
            json = EventJson.read(value);
        }
        catch (Exception e) {
            throw new IllegalArgumentException("Not JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("Not a JSON object");
        }
        String typeName = text(json, EventField.EVENT_TYPE);
        EventType type = EventType.byWireName(typeName)
                .orElseThrow(() -> new IllegalArgumentException("Unknown " + EventField.EVENT_TYPE.jsonName() + ": " + typeName));
        return switch (type) {
            case RETURN_ASSET_PRICE, RETURN_ACCOUNT_INFO -> Optional.empty();
            case OPEN_ACCOUNT -> Optional.of(new AccountOpened(text(json, EventField.USER_ID), text(json, EventField.FULL_NAME)));
            case DELETE_ACCOUNT -> Optional.of(new AccountDeleted(text(json, EventField.USER_ID), text(json, EventField.FULL_NAME)));
            case MAKE_DEPOSIT -> Optional.of(new CashDeposited(text(json, EventField.USER_ID), decimal(json, EventField.AMOUNT)));
            case MAKE_WITHDRAWAL -> Optional.of(new CashWithdrawn(text(json, EventField.USER_ID), decimal(json, EventField.AMOUNT)));
            case BUY_ASSET -> Optional.of(new AssetBought(text(json, EventField.USER_ID), text(json, EventField.ASSET_NAME),
                    whole(json, EventField.NUMBER_OF), decimal(json, EventField.UNIT_PRICE), decimal(json, EventField.AMOUNT)));
            case SELL_ASSET -> Optional.of(new AssetSold(text(json, EventField.USER_ID), text(json, EventField.ASSET_NAME),
                    whole(json, EventField.NUMBER_OF), decimal(json, EventField.UNIT_PRICE), decimal(json, EventField.AMOUNT)));
        };
    }

    private static String text(JsonNode json, EventField field) {
        JsonNode node = json.get(field.jsonName());
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("Missing or non-text " + field.jsonName());
        }
        return node.asText();
    }

    private static BigDecimal decimal(JsonNode json, EventField field) {
        JsonNode node = json.get(field.jsonName());
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException("Missing or non-numeric " + field.jsonName());
        }
        return node.decimalValue();
    }

    private static long whole(JsonNode json, EventField field) {
        JsonNode node = json.get(field.jsonName());
        if (node == null || !node.canConvertToExactIntegral() || !node.canConvertToLong()) {
            throw new IllegalArgumentException("Missing or non-integral " + field.jsonName());
        }
        return node.longValue();
    }
}
