package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.settings.SettingValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The lake service's settings for live windows and the analytics routes, from environment
 * variables; defaults here and nowhere else, every problem reported at once.
 *
 * @param enabled          whether the windows query runs ({@code WINDOWS_ENABLED}); the analytics routes answer either way
 * @param watermarkDelay   how far behind the largest event time seen the watermark stays ({@code WATERMARK_DELAY})
 * @param bucket           tumbling bucket of {@code event_counts}; divides a day ({@code WINDOW_BUCKET})
 * @param tradeWindow      sliding window length of {@code trade_windows} ({@code TRADE_WINDOW})
 * @param tradeSlide       its slide; divides the window ({@code TRADE_SLIDE})
 * @param topic            Kafka topic of every window update, created compacted ({@code WINDOWS_TOPIC})
 * @param checkpointDir    the windows query's own checkpoint ({@code WINDOWS_CHECKPOINT_DIR}, default {@code CHECKPOINT_DIR}-windows)
 * @param readOnlyCatalog  the Presto catalog the analytics routes query: the lake's metastore with {@code hive.security=read-only}
 *                         ({@code PRESTO_READONLY_CATALOG})
 * @param sqlMaxRows       row cap of {@code /analytics/sql} and {@code /analytics/tables} ({@code ANALYTICS_SQL_MAX_ROWS})
 * @param sqlTimeout       time limit of one analytics query in Presto ({@code ANALYTICS_SQL_TIMEOUT})
 */
public record WindowsConfig(
        boolean enabled,
        Duration watermarkDelay,
        Duration bucket,
        Duration tradeWindow,
        Duration tradeSlide,
        String topic,
        String checkpointDir,
        String readOnlyCatalog,
        int sqlMaxRows,
        Duration sqlTimeout) {

    public static final String WINDOWS_ENABLED = "WINDOWS_ENABLED";
    public static final String WATERMARK_DELAY = "WATERMARK_DELAY";
    public static final String WINDOW_BUCKET = "WINDOW_BUCKET";
    public static final String TRADE_WINDOW = "TRADE_WINDOW";
    public static final String TRADE_SLIDE = "TRADE_SLIDE";
    public static final String WINDOWS_TOPIC = "WINDOWS_TOPIC";
    public static final String WINDOWS_CHECKPOINT_DIR = "WINDOWS_CHECKPOINT_DIR";
    public static final String PRESTO_READONLY_CATALOG = "PRESTO_READONLY_CATALOG";
    public static final String ANALYTICS_SQL_MAX_ROWS = "ANALYTICS_SQL_MAX_ROWS";
    public static final String ANALYTICS_SQL_TIMEOUT = "ANALYTICS_SQL_TIMEOUT";

    /** Suffix of the lake service's CHECKPOINT_DIR that gives the windows query's default checkpoint. */
    public static final String CHECKPOINT_SUFFIX = "-windows";

    public static final Map<String, String> DEFAULTS = Map.of(
            WINDOWS_ENABLED, "true",
            WATERMARK_DELAY, "10 seconds",
            WINDOW_BUCKET, "1 minute",
            TRADE_WINDOW, "60 seconds",
            TRADE_SLIDE, "10 seconds",
            WINDOWS_TOPIC, "windows",
            PRESTO_READONLY_CATALOG, "hive_readonly",
            ANALYTICS_SQL_MAX_ROWS, "1000",
            ANALYTICS_SQL_TIMEOUT, "30 seconds");

    private static final Duration DAY = Duration.ofDays(1);
    private static final int MAX_ROWS_LIMIT = 100_000;
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern CATALOG = Pattern.compile("[a-z][a-z0-9_]*");

    public WindowsConfig {
        requireNonNull(watermarkDelay, "watermarkDelay is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(tradeWindow, "tradeWindow is null");
        requireNonNull(tradeSlide, "tradeSlide is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(checkpointDir, "checkpointDir is null");
        requireNonNull(readOnlyCatalog, "readOnlyCatalog is null");
        requireNonNull(sqlTimeout, "sqlTimeout is null");
        List<String> problems = new ArrayList<>();
        validate(problems, watermarkDelay, bucket, tradeWindow, tradeSlide, topic, checkpointDir, readOnlyCatalog, sqlMaxRows, sqlTimeout);
        failIfAny(problems);
    }

    /** Reads the settings from environment variables; {@code lakeCheckpointDir} is the ingest query's checkpoint. */
    public static WindowsConfig fromEnvironment(Map<String, String> environment, String lakeCheckpointDir) {
        requireNonNull(environment, "environment is null");
        requireNonNull(lakeCheckpointDir, "lakeCheckpointDir is null");
        List<String> problems = new ArrayList<>();
        String enabledText = value(environment, WINDOWS_ENABLED).toLowerCase(Locale.ROOT);
        if (!enabledText.equals("true") && !enabledText.equals("false")) {
            problems.add(WINDOWS_ENABLED + ": '" + enabledText + "' (must be true or false)");
        }
        Duration watermarkDelay = interval(problems, environment, WATERMARK_DELAY);
        Duration bucket = interval(problems, environment, WINDOW_BUCKET);
        Duration tradeWindow = interval(problems, environment, TRADE_WINDOW);
        Duration tradeSlide = interval(problems, environment, TRADE_SLIDE);
        Duration sqlTimeout = interval(problems, environment, ANALYTICS_SQL_TIMEOUT);
        int sqlMaxRows = -1;
        String maxRowsText = value(environment, ANALYTICS_SQL_MAX_ROWS);
        try {
            sqlMaxRows = Integer.parseInt(maxRowsText);
        }
        catch (NumberFormatException e) {
            problems.add(ANALYTICS_SQL_MAX_ROWS + ": '" + maxRowsText + "' (must be a whole number)");
        }
        String topic = value(environment, WINDOWS_TOPIC);
        String checkpointDir = environment.getOrDefault(WINDOWS_CHECKPOINT_DIR, "").isBlank()
                ? withoutTrailingSlash(lakeCheckpointDir) + CHECKPOINT_SUFFIX
                : withoutTrailingSlash(environment.get(WINDOWS_CHECKPOINT_DIR).trim());
        String catalog = value(environment, PRESTO_READONLY_CATALOG);
        if (problems.isEmpty()) {
            validate(problems, watermarkDelay, bucket, tradeWindow, tradeSlide, topic, checkpointDir, catalog, sqlMaxRows, sqlTimeout);
        }
        failIfAny(problems);
        return new WindowsConfig(enabledText.equals("true"), watermarkDelay, bucket, tradeWindow, tradeSlide, topic, checkpointDir, catalog,
                sqlMaxRows, sqlTimeout);
    }

    /** The tumbling buckets of event_counts. */
    public WindowSpec countsSpec() {
        return WindowSpec.tumbling(bucket);
    }

    /** The sliding windows of trade_windows. */
    public WindowSpec tradesSpec() {
        return WindowSpec.sliding(tradeWindow, tradeSlide);
    }

    private static void validate(List<String> problems, Duration watermarkDelay, Duration bucket, Duration tradeWindow, Duration tradeSlide,
            String topic, String checkpointDir, String catalog, int sqlMaxRows, Duration sqlTimeout) {
        if (watermarkDelay.isNegative()) {
            problems.add(WATERMARK_DELAY + ": " + watermarkDelay + " (must not be negative)");
        }
        requireDividesDay(problems, WINDOW_BUCKET, bucket);
        requireDividesDay(problems, TRADE_WINDOW, tradeWindow);
        requireDividesDay(problems, TRADE_SLIDE, tradeSlide);
        if (!tradeSlide.isZero() && !tradeWindow.isZero() && tradeWindow.toMillis() % tradeSlide.toMillis() != 0) {
            problems.add(TRADE_SLIDE + ": " + tradeSlide + " (must divide " + TRADE_WINDOW + " " + tradeWindow + ")");
        }
        if (!TOPIC.matcher(topic).matches()) {
            problems.add(WINDOWS_TOPIC + ": '" + topic + "' (must be a Kafka topic name: letters, digits, '.', '_', '-')");
        }
        if (!checkpointDir.matches("[a-z][a-z0-9+.-]*:/.+")) {
            problems.add(WINDOWS_CHECKPOINT_DIR + ": '" + checkpointDir + "' (must be an absolute URI such as hdfs://host:port/path)");
        }
        if (!CATALOG.matcher(catalog).matches()) {
            problems.add(PRESTO_READONLY_CATALOG + ": '" + catalog + "' (must be a lower-case Presto catalog name)");
        }
        if (sqlMaxRows < 1 || sqlMaxRows > MAX_ROWS_LIMIT) {
            problems.add(ANALYTICS_SQL_MAX_ROWS + ": " + sqlMaxRows + " (must be 1 to " + MAX_ROWS_LIMIT + ")");
        }
        if (sqlTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(ANALYTICS_SQL_TIMEOUT + ": " + sqlTimeout + " (must be at least 1 second)");
        }
    }

    private static void requireDividesDay(List<String> problems, String name, Duration length) {
        if (length.compareTo(Duration.ofSeconds(1)) < 0 || length.toMillis() % 1000 != 0 || DAY.toMillis() % length.toMillis() != 0) {
            problems.add(name + ": " + length + " (must be whole seconds, at least 1 second, and divide a day)");
        }
    }

    private static Duration interval(List<String> problems, Map<String, String> environment, String name) {
        return SettingValues.duration(problems, name, value(environment, name), "'500 ms', '10 seconds', '1 minute'").orElse(Duration.ZERO);
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? DEFAULTS.get(name) : value.trim();
    }

    private static void failIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid windows configuration: " + String.join("; ", problems));
        }
    }

    private static String withoutTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
