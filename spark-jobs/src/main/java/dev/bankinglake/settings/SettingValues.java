package dev.bankinglake.settings;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of the service's settings for durations and sizes, used by every config class:
 * <ul>
 *   <li>a duration is a whole number and a unit: {@code 500 ms}, {@code 30 seconds}, {@code 10 min},
 *       {@code 1 hour} (ms, millisecond(s), s, second(s), m, min, minute(s), h, hour(s));</li>
 *   <li>a size is a whole number of bytes, or with a unit: {@code 512 KB}, {@code 128 MB},
 *       {@code 1 GB} (powers of 1024).</li>
 * </ul>
 * A value that does not parse adds a problem, naming the setting and the value, to the caller's
 * list (which reports them all at once) and gives an empty result.
 */
public final class SettingValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|milliseconds?|s|seconds?|m|min|minutes?|h|hours?)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|bytes?|kb|mb|gb)?");

    private SettingValues() {
    }

    /**
     * The duration {@code value} of setting {@code name}; {@code examples} name a few values typical
     * of that setting for the problem's text (e.g. {@code '500 ms', '1 second', '2 minutes'}).
     */
    public static Optional<Duration> duration(List<String> problems, String name, String value, String examples) {
        Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            problems.add(name + ": '" + value + "' (must be a number and a unit, e.g. " + examples + ")");
            return Optional.empty();
        }
        long amount;
        try {
            amount = Long.parseLong(matcher.group(1));
        }
        catch (NumberFormatException e) {
            problems.add(name + ": '" + value + "' (too large)");
            return Optional.empty();
        }
        String unit = matcher.group(2);
        try {
            if (unit.startsWith("ms") || unit.startsWith("milli")) {
                return Optional.of(Duration.ofMillis(amount));
            }
            if (unit.startsWith("h")) {
                return Optional.of(Duration.ofHours(amount));
            }
            if (unit.startsWith("m")) {
                return Optional.of(Duration.ofMinutes(amount));
            }
            return Optional.of(Duration.ofSeconds(amount));
        }
        catch (ArithmeticException e) {
            problems.add(name + ": '" + value + "' (too large)");
            return Optional.empty();
        }
    }

    /** The size {@code value} of setting {@code name}, in bytes. */
    public static OptionalLong size(List<String> problems, String name, String value) {
        Matcher matcher = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            problems.add(name + ": '" + value + "' (must be a number of bytes, or with a unit: '512 KB', '128 MB', '1 GB')");
            return OptionalLong.empty();
        }
        try {
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "b" : matcher.group(2);
            long factor = switch (unit) {
                case "kb" -> 1024L;
                case "mb" -> 1024L * 1024;
                case "gb" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            return OptionalLong.of(Math.multiplyExact(amount, factor));
        }
        catch (NumberFormatException | ArithmeticException e) {
            problems.add(name + ": '" + value + "' (too large)");
            return OptionalLong.empty();
        }
    }
}
