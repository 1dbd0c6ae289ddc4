package dev.bankinglake.presto.report;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.presto.PrestoClientLogin;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The report command: runs every saved query of {@code presto/queries} through Presto JDBC
 * and prints each answer under its question.
 *
 * <pre>
 * report [--url jdbc:presto://127.0.0.1:8080/hive/default] [--queries presto/queries]
 *        [--format table|csv|json] [--await-rows N [--timeout-seconds S]]
 * </pre>
 * {@code --await-rows} first waits until the lake holds at least N rows (all tables, rejected
 * events included), e.g. the number of messages on the topic.
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            Options options = Options.parse(args);
            try (Connection connection = connect(options.url())) {
                if (options.awaitRows() > 0) {
                    awaitRows(connection, options.awaitRows(), Duration.ofSeconds(options.timeoutSeconds()));
                }
                out.print(options.format().render(runAll(connection, SavedQuery.loadAll(options.queries()))));
            }
        } catch (IllegalArgumentException | SQLException | IllegalStateException e) {
            System.err.println("report: " + e.getMessage());
            System.exit(1);
        }
        // The JDBC driver's HTTP dispatcher threads are not daemons and idle for a minute before
        // they end; the report is done, so do not make the caller wait for them.
        System.exit(0);
    }

    /** A connection to {@code url} with the login of the environment ({@link PrestoClientLogin}). */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, PrestoClientLogin.properties(System.getenv()));
    }

    public static List<QueryResult> runAll(Connection connection, List<SavedQuery> queries) throws SQLException {
        List<QueryResult> results = new ArrayList<>();
        for (SavedQuery query : queries) {
            results.add(QueryResult.run(connection, query));
        }
        return results;
    }

    /** Rows in every table of the lake, as Presto sees them now. */
    public static long lakeRows(Connection connection) throws SQLException {
        String sql = java.util.Arrays.stream(LakeTable.values())
                .map(table -> "SELECT count(*) AS c FROM " + table.tableName())
                .collect(Collectors.joining(" UNION ALL ", "SELECT sum(c) FROM (", ") t"));
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static void awaitRows(Connection connection, long expected, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        String lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                seen = lakeRows(connection);
                if (seen >= expected) {
                    System.err.println("report: the lake holds " + seen + " rows (waited for " + expected + ")");
                    return;
                }
            } catch (SQLException e) {
                // tables appear when the streaming job starts; keep waiting
                lastError = e.getMessage();
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the lake", e);
            }
        }
        throw new IllegalStateException("The lake holds " + seen + " rows after " + timeout.toSeconds() + "s, expected at least "
                + expected + (lastError == null ? "" : " (last error: " + lastError + ")"));
    }

    record Options(String url, Path queries, ReportFormat format, long awaitRows, long timeoutSeconds) {
        static Options parse(String[] args) {
            String url = System.getenv().getOrDefault("PRESTO_JDBC_URL",
                    "jdbc:presto://127.0.0.1:" + System.getenv().getOrDefault("PRESTO_PORT", "8080") + "/hive/default");
            Path queries = Paths.get("presto/queries");
            ReportFormat format = ReportFormat.TABLE;
            long awaitRows = 0;
            long timeoutSeconds = 120;
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    problems.add("Missing value for " + flag);
                    break;
                }
                String value = args[++i];
                switch (flag) {
                    case "--url" -> url = value;
                    case "--queries" -> queries = Paths.get(value);
                    case "--format" -> {
                        try {
                            format = ReportFormat.parse(value);
                        } catch (IllegalArgumentException e) {
                            problems.add(e.getMessage());
                        }
                    }
                    case "--await-rows" -> awaitRows = number(flag, value, problems);
                    case "--timeout-seconds" -> timeoutSeconds = number(flag, value, problems);
                    default -> problems.add("Unknown option: " + flag);
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems)
                        + "\nusage: report [--url JDBC_URL] [--queries DIR] [--format table|csv|json] [--await-rows N] [--timeout-seconds S]");
            }
            return new Options(url, queries, format, awaitRows, timeoutSeconds);
        }

        private static long number(String flag, String value, List<String> problems) {
            try {
                long parsed = Long.parseLong(value);
                if (parsed >= 0) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add("Invalid " + flag + ": '" + value + "' (must be a whole number >= 0)");
            return 0;
        }
    }
}
