package dev.bankinglake.analytics;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.EventType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The query parameters of the analytics routes, parsed and checked; a bad one is an
 * {@link IllegalArgumentException} whose message says which and why (the service answers it with 400).
 */
public final class AnalyticsParameters {
    /** Without {@code from}, windows starting in the last hour. */
    public static final Duration DEFAULT_SPAN = Duration.ofHours(1);
    public static final Duration MAX_SPAN = Duration.ofDays(31);
    public static final int MAX_SQL_LENGTH = 10_000;
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,15}");
    private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private AnalyticsParameters() {
    }

    /** Windows whose start is in {@code [from, to)}. */
    public record TimeRange(Instant from, Instant to) {
        public TimeRange {
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
        }
    }

    /**
     * {@code from} and {@code to}: ISO-8601 instants ({@code 2026-11-20T22:08:00Z}) or epoch
     * milliseconds. Defaults: {@code to} a minute after now (the open windows), {@code from} an hour
     * before {@code to}.
     */
    public static TimeRange range(String fromText, String toText, Instant now) {
        Instant to = toText == null || toText.isBlank() ? now.plus(Duration.ofMinutes(1)) : instant("to", toText);
        Instant from = fromText == null || fromText.isBlank() ? to.minus(DEFAULT_SPAN) : instant("from", fromText);
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("Invalid time range: from " + from + " is not before to " + to);
        }
        if (Duration.between(from, to).compareTo(MAX_SPAN) > 0) {
            throw new IllegalArgumentException("Invalid time range: " + from + " to " + to + " spans more than " + MAX_SPAN.toDays() + " days");
        }
        return new TimeRange(from, to);
    }

    static Instant instant(String name, String text) {
        String value = text.trim();
        try {
            return EPOCH_MILLIS.matcher(value).matches() ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
        }
        catch (DateTimeException | NumberFormatException e) {
            throw new IllegalArgumentException("Invalid " + name + ": '" + value
                    + "' (must be an ISO-8601 instant such as 2026-11-20T22:08:00Z, or epoch milliseconds)");
        }
    }

    /** An event type of the contract, if given. */
    public static Optional<String> eventType(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String value = text.trim();
        if (EventType.byWireName(value).isEmpty()) {
            throw new IllegalArgumentException("Unknown event_type: '" + value + "' (one of: "
                    + Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.joining(", ")) + ")");
        }
        return Optional.of(value);
    }

    /** An asset name, if given: letters, digits, '_', '.', '-'. */
    public static Optional<String> asset(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String value = text.trim();
        if (!ASSET.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid asset: '" + value + "' (1 to 64 letters, digits, '_', '.', '-')");
        }
        return Optional.of(value);
    }

    /** A row limit between 1 and {@code max}; {@code defaultLimit} when absent. */
    public static int limit(String text, int defaultLimit, int max) {
        if (text == null || text.isBlank()) {
            return Math.min(defaultLimit, max);
        }
        int limit;
        try {
            limit = Integer.parseInt(text.trim());
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid limit: '" + text.trim() + "' (must be a whole number, 1 to " + max + ")");
        }
        if (limit < 1 || limit > max) {
            throw new IllegalArgumentException("Invalid limit: " + limit + " (must be 1 to " + max + ")");
        }
        return limit;
    }

    /** The statement of {@code /analytics/sql}: one, not blank, at most {@value #MAX_SQL_LENGTH} characters. */
    public static String sql(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Missing q: the SQL statement to run, e.g. q=select count(*) from cash_transactions");
        }
        String statement = text.strip();
        // Presto takes one statement without the terminator a shell user types out of habit
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).strip();
        }
        if (statement.length() > MAX_SQL_LENGTH) {
            throw new IllegalArgumentException("Invalid q: " + statement.length() + " characters (at most " + MAX_SQL_LENGTH + ")");
        }
        return statement;
    }
}
