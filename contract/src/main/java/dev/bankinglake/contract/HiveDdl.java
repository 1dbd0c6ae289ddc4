package dev.bankinglake.contract;

import static java.util.Objects.requireNonNull;

import java.util.stream.Collectors;

/**
 * Hive DDL for the lake tables, generated from {@link TableDefinition#all()}. The files in {@code hive/ddl}
 * are this output with the location left as {@value #LAKE_ROOT_PLACEHOLDER}; a test keeps them equal.
 */
public final class HiveDdl {
    public static final String LAKE_ROOT_PLACEHOLDER = "${LAKE_ROOT}";

    private HiveDdl() {
    }

    /** {@code CREATE EXTERNAL TABLE IF NOT EXISTS} for the table stored under {@code lakeRoot/<table>}. */
    public static String createTable(TableDefinition table, String lakeRoot) {
        requireNonNull(table, "table is null");
        requireNonNull(lakeRoot, "lakeRoot is null");
        String columns = table.columns().stream()
                .map(column -> "  " + column.name() + " " + column.type().hiveType() + " COMMENT '" + escape(column.comment()) + "'")
                .collect(Collectors.joining(",\n"));
        Column partition = LakeTable.PARTITION_COLUMN;
        return "CREATE EXTERNAL TABLE IF NOT EXISTS " + table.tableName() + " (\n"
                + columns + "\n"
                + ")\n"
                + "COMMENT '" + escape(table.comment()) + "'\n"
                + "PARTITIONED BY (" + partition.name() + " " + partition.type().hiveType() + " COMMENT '" + escape(partition.comment()) + "')\n"
                + "STORED AS PARQUET\n"
                + "LOCATION '" + tableLocation(lakeRoot, table) + "'";
    }

    /** The folder of a table under the lake root. */
    public static String tableLocation(String lakeRoot, TableDefinition table) {
        String root = lakeRoot.endsWith("/") ? lakeRoot.substring(0, lakeRoot.length() - 1) : lakeRoot;
        return root + "/" + table.tableName();
    }

    /** The content of {@code hive/ddl/<table>.sql}. */
    public static String ddlFile(TableDefinition table) {
        return "-- Generated from the lake contract (dev.bankinglake.contract." + table.getClass().getSimpleName() + "); do not edit by hand.\n"
                + "-- The lake service creates this table itself at start; this file documents it and lets\n"
                + "-- an operator create it by hand: replace " + LAKE_ROOT_PLACEHOLDER + " with the lake root.\n"
                + createTable(table, LAKE_ROOT_PLACEHOLDER) + ";\n";
    }

    private static String escape(String text) {
        return text.replace("'", "\\'");
    }
}
