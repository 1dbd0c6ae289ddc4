package dev.bankinglake.contract;

import static dev.bankinglake.contract.EventField.AMOUNT;
import static dev.bankinglake.contract.EventField.ASSET_NAME;
import static dev.bankinglake.contract.EventField.FULL_NAME;
import static dev.bankinglake.contract.EventField.NUMBER_OF;
import static dev.bankinglake.contract.EventField.UNIT_PRICE;
import static dev.bankinglake.contract.EventField.USER_ID;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Every kind of event the API writes, the table it lands in, and the fields it must carry
 * besides the ones every event has ({@link EventContract#COMMON_REQUIRED_FIELDS}).
 */
public enum EventType {
    RETURN_ASSET_PRICE("return_asset_price", LakeTable.ASSET_PRICES, EnumSet.of(ASSET_NAME)),
    RETURN_ACCOUNT_INFO("return_account_info", LakeTable.ASSET_PRICES, EnumSet.of(USER_ID, AMOUNT)),
    OPEN_ACCOUNT("open_account", LakeTable.ACCOUNT_STATUS, EnumSet.of(USER_ID, FULL_NAME)),
    DELETE_ACCOUNT("delete_account", LakeTable.ACCOUNT_STATUS, EnumSet.of(USER_ID, FULL_NAME)),
    MAKE_DEPOSIT("make_deposit", LakeTable.CASH_TRANSACTIONS, EnumSet.of(USER_ID, AMOUNT)),
    MAKE_WITHDRAWAL("make_withdrawal", LakeTable.CASH_TRANSACTIONS, EnumSet.of(USER_ID, AMOUNT)),
    BUY_ASSET("buy_asset", LakeTable.ASSET_TRANSACTIONS, EnumSet.of(USER_ID, ASSET_NAME, NUMBER_OF, UNIT_PRICE, AMOUNT)),
    SELL_ASSET("sell_asset", LakeTable.ASSET_TRANSACTIONS, EnumSet.of(USER_ID, ASSET_NAME, NUMBER_OF, UNIT_PRICE, AMOUNT));

    private final String wireName;
    private final LakeTable table;
    private final Set<EventField> requiredFields;

    EventType(String wireName, LakeTable table, Set<EventField> requiredFields) {
        this.wireName = wireName;
        this.table = table;
        this.requiredFields = requiredFields;
    }

    /** The {@code event_type} value on the topic. */
    public String wireName() {
        return wireName;
    }

    public LakeTable table() {
        return table;
    }

    /** Fields this type needs beyond the common ones. */
    public Set<EventField> requiredFields() {
        return EnumSet.copyOf(requiredFields);
    }

    public static Optional<EventType> byWireName(String wireName) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(wireName)).findFirst();
    }
}
