package dev.bankinglake.presto.report;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The answer to a saved query: column names and rows of text values (null stays null). */
public record QueryResult(SavedQuery query, List<String> columns, List<List<String>> rows) {
    public QueryResult {
        requireNonNull(query, "query is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(rows, "rows is null");
        List<List<String>> copies = new ArrayList<>();
        // rows may hold nulls, which List.copyOf refuses
        rows.forEach(row -> copies.add(Collections.unmodifiableList(new ArrayList<>(row))));
        rows = Collections.unmodifiableList(copies);
    }

    public static QueryResult run(Connection connection, SavedQuery query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet resultSet = statement.executeQuery(query.sql())) {
            ResultSetMetaData metadata = resultSet.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int column = 1; column <= metadata.getColumnCount(); column++) {
                columns.add(metadata.getColumnLabel(column));
            }
            List<List<String>> rows = new ArrayList<>();
            while (resultSet.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columns.size(); column++) {
                    row.add(resultSet.getString(column));
                }
                rows.add(row);
            }
            return new QueryResult(query, columns, rows);
        } catch (SQLException e) {
            throw new SQLException("Saved query " + query.name() + " failed: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** The value of a column in the first row whose first column equals {@code key}, or null. */
    public String valueOf(String key, String column) {
        int index = columns.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("No column " + column + " in " + query.name() + " (has " + columns + ")");
        }
        return rows.stream().filter(row -> key.equals(row.get(0))).map(row -> row.get(index)).findFirst().orElse(null);
    }
}
