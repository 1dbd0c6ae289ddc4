package dev.bankinglake.compose;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bankinglake.contract.LakeTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The lake as Presto answers it, through the port the compose file publishes on 127.0.0.1: rows
 * and distinct event ids per table, and what every acknowledged request should have made of them.
 */
final class LakeCounts {
    /** The tables the API's events land in, and the quarantine, which a clean mix leaves empty. */
    static final List<LakeTable> TABLES = List.of(LakeTable.ASSET_PRICES, LakeTable.ACCOUNT_STATUS, LakeTable.ASSET_TRANSACTIONS,
            LakeTable.CASH_TRANSACTIONS, LakeTable.REJECTED_EVENTS);

    /** Rows of a table, and how many distinct event ids they hold. */
    record Count(long rows, long distinctEvents) {
    }

    private final String jdbcUrl;
    private final Supplier<Properties> login;
    private final Map<LakeTable, Long> expected = new EnumMap<>(LakeTable.class);

    /** {@code login}: asked at each query, once the stack's secrets exist. */
    LakeCounts(int prestoPort, Supplier<Properties> login) {
        this.jdbcUrl = "jdbc:presto://127.0.0.1:" + prestoPort + "/hive/default";
        this.login = requireNonNull(login, "login is null");
        TABLES.forEach(table -> expected.put(table, 0L));
    }

    /** Requests the API acknowledged, whose events the table must now hold once more each. */
    void expect(LakeTable table, long acknowledged) {
        expected.merge(requireNonNull(table, "table is null"), acknowledged, Long::sum);
    }

    Map<LakeTable, Long> expected() {
        return Map.copyOf(expected);
    }

    long expectedEvents() {
        return expected.values().stream().mapToLong(Long::longValue).sum();
    }

    Count count(LakeTable table) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, login.get());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*), count(distinct " + identity(table) + ") from " + table.tableName())) {
            rows.next();
            return new Count(rows.getLong(1), rows.getLong(2));
        }
    }

    /** What makes a row one message: its event id, or for a quarantined message (which may lack one) its place in the topic. */
    private static String identity(LakeTable table) {
        return table == LakeTable.REJECTED_EVENTS
                ? "cast(kafka_partition as varchar) || ':' || cast(kafka_offset as varchar)"
                : "event_id";
    }

    /** Waits until every table holds exactly the expected rows, each event once; fails saying which differs. */
    void awaitExact(Duration within) {
        await("every table of the lake holds exactly the acknowledged events, each once: " + expected)
                .atMost(within).pollInterval(Duration.ofSeconds(3)).ignoreExceptionsInstanceOf(SQLException.class)
                .untilAsserted(() -> {
                    for (LakeTable table : TABLES) {
                        Count count = count(table);
                        assertThat(count.rows()).as("rows of %s", table.tableName()).isEqualTo(expected.get(table));
                        assertThat(count.distinctEvents()).as("distinct events of %s", table.tableName()).isEqualTo(count.rows());
                    }
                });
    }

    /** The per-table counts as one line, for the test's report. */
    String describe() throws SQLException {
        StringBuilder line = new StringBuilder();
        for (LakeTable table : TABLES) {
            Count count = count(table);
            line.append(table.tableName()).append('=').append(count.rows()).append(" (").append(count.distinctEvents()).append(" distinct) ");
        }
        return line.toString().strip();
    }
}
