package dev.bankinglake.analytics;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.Column;
import dev.bankinglake.contract.ColumnType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.contract.WindowTable;
import dev.bankinglake.windows.WindowKey;
import dev.bankinglake.windows.WindowUpdate;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The lake through Presto JDBC, on the read-only catalog (the lake's metastore with
 * {@code hive.security=read-only}), as the Presto user {@value #USER}, whom Presto's file-based
 * access control ({@code presto/etc/rules.json}) lets read that catalog and nothing else: Presto
 * itself refuses every write, whatever the statement or the catalog it names. Each query has a
 * time limit (Presto's {@code query_max_run_time}) and a row cap.
 */
public final class PrestoAnalytics {
    static final String USER = "lake-analytics";

    private final String jdbcUrl;
    private final String database;
    private final int maxRows;
    private final Duration timeout;
    private final PrestoLogin login;

    /** Presto answered with an error (a refused write, a syntax error, a timeout): the client's problem. */
    public static final class QueryRefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        QueryRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Presto could not be asked. */
    public static final class PrestoUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        PrestoUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The answer of a query: columns, rows (at most the cap), whether more rows were cut off. */
    public record Answer(List<String> columns, List<Map<String, Object>> rows, boolean truncated, long elapsedMillis) {
        public Answer {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("columns", columns);
            json.put("rows", rows);
            json.put("row_count", rows.size());
            json.put("truncated", truncated);
            json.put("elapsed_ms", elapsedMillis);
            return json;
        }
    }

    public PrestoAnalytics(String prestoUrl, String catalog, String database, int maxRows, Duration timeout) {
        this(prestoUrl, catalog, database, maxRows, timeout, PrestoLogin.none());
    }

    public PrestoAnalytics(String prestoUrl, String catalog, String database, int maxRows, Duration timeout, PrestoLogin login) {
        URI uri = URI.create(requireNonNull(prestoUrl, "prestoUrl is null"));
        this.jdbcUrl = "jdbc:presto://" + uri.getHost() + ":" + uri.getPort() + "/" + requireNonNull(catalog, "catalog is null") + "/"
                + requireNonNull(database, "database is null");
        this.database = database;
        this.maxRows = maxRows;
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.login = requireNonNull(login, "login is null");
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public int maxRows() {
        return maxRows;
    }

    /** The final windows of {@code table} starting in {@code [from, to)}, for {@code key} if given. */
    public List<WindowUpdate> finalWindows(WindowTable table, Instant from, Instant to, Optional<String> key)
            throws QueryRefusedException, PrestoUnavailableException {
        List<String> figures = table.figureColumns().stream().map(Column::name).toList();
        String keyColumn = table.keyColumn().name();
        // dt prunes partitions; the window bounds as epoch millis keep the session's time zone out of the comparison
        String sql = "SELECT CAST(to_unixtime(window_start) * 1000 AS bigint) AS start_ms, CAST(to_unixtime(window_end) * 1000 AS bigint) AS end_ms, "
                + keyColumn + ", " + String.join(", ", figures)
                + " FROM " + table.tableName()
                + " WHERE dt BETWEEN '" + date(from) + "' AND '" + date(to) + "'"
                + " AND to_unixtime(window_start) >= " + seconds(from) + " AND to_unixtime(window_start) < " + seconds(to)
                + key.map(value -> " AND " + keyColumn + " = '" + value.replace("'", "''") + "'").orElse("")
                + " ORDER BY window_start, " + keyColumn;
        List<WindowUpdate> windows = new ArrayList<>();
        run(sql, Integer.MAX_VALUE, result -> {
            while (result.next()) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Column column : table.figureColumns()) {
                    values.put(column.name(), column.type() == ColumnType.MONEY ? result.getBigDecimal(column.name())
                            : longOrNull(result, column.name()));
                }
                windows.add(new WindowUpdate(new WindowKey(table, result.getLong("start_ms"), result.getLong("end_ms"), result.getString(keyColumn)),
                        values, true));
            }
            return null;
        });
        return windows;
    }

    /** The newest rows of a lake table: latest partitions first, then its first time column, newest first. */
    public Answer newestRows(TableDefinition table, int limit) throws QueryRefusedException, PrestoUnavailableException {
        String timeColumn = table.columns().stream().filter(column -> column.type() == ColumnType.TIMESTAMP).map(Column::name).findFirst()
                .orElse(LakeTable.PARTITION_COLUMN.name());
        return query("SELECT * FROM " + table.tableName() + " ORDER BY " + LakeTable.PARTITION_COLUMN.name() + " DESC, " + timeColumn
                + " DESC LIMIT " + limit, limit);
    }

    /** One statement, as the client wrote it, within the row cap and the time limit. */
    public Answer sql(String statement) throws QueryRefusedException, PrestoUnavailableException {
        return query(statement, maxRows);
    }

    private Answer query(String sql, int cap) throws QueryRefusedException, PrestoUnavailableException {
        long started = System.nanoTime();
        return run(sql, cap, result -> {
            ResultSetMetaData metadata = result.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int index = 1; index <= metadata.getColumnCount(); index++) {
                columns.add(metadata.getColumnLabel(index));
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            boolean truncated = false;
            while (result.next()) {
                if (rows.size() == cap) {
                    truncated = true;
                    break;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (int index = 1; index <= columns.size(); index++) {
                    row.put(columns.get(index - 1), value(result, index, metadata.getColumnType(index)));
                }
                rows.add(row);
            }
            return new Answer(columns, rows, truncated, (System.nanoTime() - started) / 1_000_000);
        });
    }

    @FunctionalInterface
    private interface ResultReader<T> {
        T read(ResultSet result) throws SQLException;
    }

    private <T> T run(String sql, int cap, ResultReader<T> reader) throws QueryRefusedException, PrestoUnavailableException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        login.applyTo(properties);
        properties.setProperty("timeZoneId", "UTC");
        properties.setProperty("sessionProperties", "query_max_run_time:" + timeout.toSeconds() + "s");
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties); Statement statement = connection.createStatement()) {
            if (cap < Integer.MAX_VALUE) {
                // one row past the cap tells that rows were cut off
                statement.setMaxRows(cap + 1);
            }
            try (ResultSet result = statement.executeQuery(sql)) {
                return reader.read(result);
            }
        }
        catch (SQLException e) {
            if (isUnreachable(e)) {
                throw new PrestoUnavailableException("Presto at " + jdbcUrl + " is unavailable: " + e.getMessage(), e);
            }
            throw new QueryRefusedException(message(e), e);
        }
    }

    private static boolean isUnreachable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Presto's own message, without the driver's wrapping. */
    static String message(SQLException error) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        String prefix = "Query failed (#";
        if (message.startsWith(prefix) && message.indexOf("): ") > 0) {
            return message.substring(message.indexOf("): ") + 3);
        }
        return message;
    }

    private static Object value(ResultSet result, int index, int type) throws SQLException {
        return switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> longOrNull(result, index);
            case Types.DECIMAL, Types.NUMERIC -> result.getBigDecimal(index);
            case Types.DOUBLE, Types.REAL, Types.FLOAT -> {
                double value = result.getDouble(index);
                yield result.wasNull() || !Double.isFinite(value) ? null : value;
            }
            case Types.BOOLEAN -> {
                boolean value = result.getBoolean(index);
                yield result.wasNull() ? null : value;
            }
            case Types.TIMESTAMP -> isoTimestamp(result.getString(index));
            default -> result.getString(index);
        };
    }

    private static Long longOrNull(ResultSet result, int index) throws SQLException {
        long value = result.getLong(index);
        return result.wasNull() ? null : value;
    }

    private static Long longOrNull(ResultSet result, String column) throws SQLException {
        long value = result.getLong(column);
        return result.wasNull() ? null : value;
    }

    /** Lake timestamps are UTC wall-clock times: {@code 2026-11-20 22:08:28.123} becomes {@code 2026-11-20T22:08:28.123Z}. */
    static String isoTimestamp(String text) {
        return text == null ? null : text.replace(' ', 'T') + "Z";
    }

    private static String date(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static String seconds(Instant instant) {
        return new BigDecimal(instant.toEpochMilli()).movePointLeft(3).toPlainString();
    }

    public String database() {
        return database;
    }
}
