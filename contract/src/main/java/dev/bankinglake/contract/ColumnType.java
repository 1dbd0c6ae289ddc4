package dev.bankinglake.contract;

/**
 * The column types the lake uses, with their spelling in Hive DDL. Presto reads the same
 * Hive types; Spark maps them in the streaming job's schema bridge.
 */
public enum ColumnType {
    STRING("string"),
    INT("int"),
    BIGINT("bigint"),
    /** Money: two decimals, like every amount the API accepts. */
    MONEY("decimal(18,2)"),
    TIMESTAMP("timestamp");

    public static final int MONEY_PRECISION = 18;
    public static final int MONEY_SCALE = 2;

    private final String hiveType;

    ColumnType(String hiveType) {
        this.hiveType = hiveType;
    }

    public String hiveType() {
        return hiveType;
    }
}
