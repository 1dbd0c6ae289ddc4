package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.settings.SettingValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lake service's settings for compaction, from environment variables; defaults here and
 * nowhere else, every problem reported at once.
 *
 * @param scheduled      whether the service compacts closed partitions by itself ({@code COMPACTION_SCHEDULED}); when false it
 *                       still finishes interrupted compactions and deletes retired folders, and {@code compact} runs on demand
 * @param checkInterval  how often the service looks for closed partitions to compact and retired folders to delete
 *                       ({@code COMPACTION_CHECK_INTERVAL})
 * @param closeGrace     how long after midnight UTC a day's partitions still take late events before the schedule compacts
 *                       them ({@code COMPACTION_CLOSE_GRACE})
 * @param deleteGrace    how long a retired folder stays after the metastore moved its partition elsewhere: longer than the
 *                       longest query ({@code COMPACTION_DELETE_GRACE})
 * @param targetFileSize bytes of input per output file ({@code COMPACTION_TARGET_FILE_SIZE})
 * @param openFiles      when scheduled: a day still open is merged once one of its partitions holds this many batch files
 *                       ({@code COMPACTION_OPEN_FILES}; 0, the default: open days are left to the compaction after they close;
 *                       on two cores under sustained load the merges cost the batches more CPU than the queries gain)
 * @param openCheckInterval how often the service counts the open days' batch files ({@code COMPACTION_OPEN_CHECK_INTERVAL})
 */
public record CompactionConfig(boolean scheduled, Duration checkInterval, Duration closeGrace, Duration deleteGrace, long targetFileSize,
        int openFiles, Duration openCheckInterval) {
    public static final String COMPACTION_SCHEDULED = "COMPACTION_SCHEDULED";
    public static final String COMPACTION_CHECK_INTERVAL = "COMPACTION_CHECK_INTERVAL";
    public static final String COMPACTION_CLOSE_GRACE = "COMPACTION_CLOSE_GRACE";
    public static final String COMPACTION_DELETE_GRACE = "COMPACTION_DELETE_GRACE";
    public static final String COMPACTION_TARGET_FILE_SIZE = "COMPACTION_TARGET_FILE_SIZE";
    public static final String COMPACTION_OPEN_FILES = "COMPACTION_OPEN_FILES";
    public static final String COMPACTION_OPEN_CHECK_INTERVAL = "COMPACTION_OPEN_CHECK_INTERVAL";

    public static final Map<String, String> DEFAULTS = Map.of(
            COMPACTION_SCHEDULED, "true",
            COMPACTION_CHECK_INTERVAL, "10 minutes",
            COMPACTION_CLOSE_GRACE, "1 hour",
            COMPACTION_DELETE_GRACE, "1 hour",
            COMPACTION_TARGET_FILE_SIZE, "128 MB",
            COMPACTION_OPEN_FILES, "0",
            COMPACTION_OPEN_CHECK_INTERVAL, "20 seconds");

    private static final String INTERVAL_EXAMPLES = "'30 seconds', '10 minutes', '1 hour'";
    private static final long MIN_TARGET_FILE_SIZE = 1024 * 1024;
    private static final long MAX_TARGET_FILE_SIZE = 16L * 1024 * 1024 * 1024;
    private static final int MAX_OPEN_FILES = 100_000;

    public CompactionConfig {
        requireNonNull(checkInterval, "checkInterval is null");
        requireNonNull(closeGrace, "closeGrace is null");
        requireNonNull(deleteGrace, "deleteGrace is null");
        requireNonNull(openCheckInterval, "openCheckInterval is null");
        List<String> problems = new ArrayList<>();
        validate(problems, checkInterval, closeGrace, deleteGrace, targetFileSize, openFiles, openCheckInterval);
        failIfAny(problems);
    }

    /** The settings from environment variables (or any map shaped like them). */
    public static CompactionConfig fromEnvironment(Map<String, String> environment) {
        requireNonNull(environment, "environment is null");
        List<String> problems = new ArrayList<>();
        String scheduledText = value(environment, COMPACTION_SCHEDULED).toLowerCase(Locale.ROOT);
        if (!scheduledText.equals("true") && !scheduledText.equals("false")) {
            problems.add(COMPACTION_SCHEDULED + ": '" + scheduledText + "' (must be true or false)");
        }
        Duration checkInterval = interval(problems, COMPACTION_CHECK_INTERVAL, value(environment, COMPACTION_CHECK_INTERVAL));
        Duration closeGrace = interval(problems, COMPACTION_CLOSE_GRACE, value(environment, COMPACTION_CLOSE_GRACE));
        Duration deleteGrace = interval(problems, COMPACTION_DELETE_GRACE, value(environment, COMPACTION_DELETE_GRACE));
        long targetFileSize = size(problems, COMPACTION_TARGET_FILE_SIZE, value(environment, COMPACTION_TARGET_FILE_SIZE));
        int openFiles = count(problems, COMPACTION_OPEN_FILES, value(environment, COMPACTION_OPEN_FILES));
        Duration openCheckInterval = interval(problems, COMPACTION_OPEN_CHECK_INTERVAL, value(environment, COMPACTION_OPEN_CHECK_INTERVAL));
        if (problems.isEmpty()) {
            validate(problems, checkInterval, closeGrace, deleteGrace, targetFileSize, openFiles, openCheckInterval);
        }
        failIfAny(problems);
        return new CompactionConfig(scheduledText.equals("true"), checkInterval, closeGrace, deleteGrace, targetFileSize, openFiles,
                openCheckInterval);
    }

    /** Parses a file size: a whole number of bytes, or with a unit: {@code 512 KB}, {@code 128 MB}, {@code 1 GB}. */
    public static long parseSize(String text) {
        List<String> problems = new ArrayList<>();
        long size = size(problems, "size", text);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
        return size;
    }

    /** Whether the schedule merges the days still open. */
    public boolean mergesOpenDays() {
        return scheduled && openFiles > 0;
    }

    private static void validate(List<String> problems, Duration checkInterval, Duration closeGrace, Duration deleteGrace, long targetFileSize,
            int openFiles, Duration openCheckInterval) {
        if (checkInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(COMPACTION_CHECK_INTERVAL + ": " + checkInterval + " (must be at least 1 second)");
        }
        if (closeGrace.isNegative() || closeGrace.compareTo(Duration.ofDays(1)) > 0) {
            problems.add(COMPACTION_CLOSE_GRACE + ": " + closeGrace + " (must be 0 to 24 hours)");
        }
        if (deleteGrace.isNegative()) {
            problems.add(COMPACTION_DELETE_GRACE + ": " + deleteGrace + " (must not be negative)");
        }
        if (targetFileSize < MIN_TARGET_FILE_SIZE || targetFileSize > MAX_TARGET_FILE_SIZE) {
            problems.add(COMPACTION_TARGET_FILE_SIZE + ": " + targetFileSize + " bytes (must be 1 MB to 16 GB)");
        }
        if (openFiles != 0 && (openFiles < 2 || openFiles > MAX_OPEN_FILES)) {
            problems.add(COMPACTION_OPEN_FILES + ": " + openFiles + " (must be 0, for never, or 2 to " + MAX_OPEN_FILES + ")");
        }
        if (openCheckInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(COMPACTION_OPEN_CHECK_INTERVAL + ": " + openCheckInterval + " (must be at least 1 second)");
        }
    }

    private static Duration interval(List<String> problems, String name, String value) {
        return SettingValues.duration(problems, name, value, INTERVAL_EXAMPLES).orElse(Duration.ZERO);
    }

    private static long size(List<String> problems, String name, String value) {
        return SettingValues.size(problems, name, value).orElse(-1);
    }

    private static int count(List<String> problems, String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        }
        catch (NumberFormatException e) {
            problems.add(name + ": '" + value + "' (must be a whole number)");
            return 0;
        }
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? DEFAULTS.get(name) : value.trim();
    }

    private static void failIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid compaction configuration: " + String.join("; ", problems));
        }
    }
}
