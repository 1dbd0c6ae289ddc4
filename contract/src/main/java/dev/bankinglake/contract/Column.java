package dev.bankinglake.contract;

import static java.util.Objects.requireNonNull;

/** A column of a lake table. Names are lower-case snake_case, as Hive and Presto expect. */
public record Column(String name, ColumnType type, String comment) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(comment, "comment is null");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("Invalid column name: '" + name + "' (must be lower-case snake_case)");
        }
    }
}
