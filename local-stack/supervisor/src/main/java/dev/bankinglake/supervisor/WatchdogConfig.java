package dev.bankinglake.supervisor;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the watchdog runs and how: built from its command line, with the defaults in one place,
 * validated at construction, every problem reported at once.
 *
 * @param name the service's name, for log lines and the status file (e.g. {@code streaming})
 * @param command the child's command line, run as is (no shell)
 * @param logFile the child's stdout and stderr are appended here, after a marker line per start
 * @param pidFile rewritten with the child's pid at every start
 * @param statusFile JSON status, rewritten at every change (see {@link WatchdogStatus})
 * @param stopTimeout how long a SIGTERM'd child may take to exit before it is killed
 */
public record WatchdogConfig(
        String name,
        List<String> command,
        Path logFile,
        Path pidFile,
        Path statusFile,
        RestartPolicy policy,
        Duration stopTimeout) {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    static final String USAGE = """
            Usage: Watchdog --name NAME --log FILE --pid-file FILE --status-file FILE
                            [--initial-backoff 1s] [--max-backoff 30s] [--max-failures 6] [--window 5m]
                            [--stop-timeout 30s] -- COMMAND [ARGUMENT...]
            Durations: a number with ms, s, m or h (no unit: seconds), e.g. 500ms, 2s, 1.5m.""";

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final List<String> REQUIRED = List.of("--name", "--log", "--pid-file", "--status-file");
    private static final List<String> OPTIONAL = List.of("--initial-backoff", "--max-backoff", "--max-failures", "--window", "--stop-timeout");

    public WatchdogConfig {
        requireNonNull(name, "name is null");
        command = List.copyOf(requireNonNull(command, "command is null"));
        requireNonNull(logFile, "logFile is null");
        requireNonNull(pidFile, "pidFile is null");
        requireNonNull(statusFile, "statusFile is null");
        requireNonNull(policy, "policy is null");
        requireNonNull(stopTimeout, "stopTimeout is null");
        if (name.isBlank() || command.isEmpty() || stopTimeout.isNegative()) {
            throw new IllegalArgumentException("Invalid watchdog configuration: name '" + name + "', command " + command
                    + ", stop timeout " + stopTimeout + " (need a name, a command and a stop timeout >= 0)");
        }
    }

    /** Parses {@code --option value ... -- command...}; throws with every problem found. */
    public static WatchdogConfig parse(List<String> arguments) {
        requireNonNull(arguments, "arguments is null");
        Map<String, String> options = new LinkedHashMap<>();
        List<String> command = List.of();
        List<String> problems = new ArrayList<>();
        List<String> valueless = new ArrayList<>();
        for (int index = 0; index < arguments.size(); index++) {
            String argument = arguments.get(index);
            if (argument.equals("--")) {
                command = arguments.subList(index + 1, arguments.size());
                break;
            }
            if (!REQUIRED.contains(argument) && !OPTIONAL.contains(argument)) {
                problems.add("unknown argument '" + argument + "'");
            }
            else if (index + 1 >= arguments.size() || arguments.get(index + 1).startsWith("--")) {
                problems.add(argument + " needs a value");
                valueless.add(argument);
            }
            else {
                options.put(argument, arguments.get(++index));
            }
        }
        for (String option : REQUIRED) {
            if (!valueless.contains(option) && (!options.containsKey(option) || options.get(option).isBlank())) {
                problems.add(option + " is missing");
            }
        }
        if (command.isEmpty()) {
            problems.add("no command after --");
        }
        Duration initialBackoff = duration(options, "--initial-backoff", RestartPolicy.DEFAULT.initialBackoff(), problems);
        Duration maxBackoff = duration(options, "--max-backoff", RestartPolicy.DEFAULT.maxBackoff(), problems);
        Duration window = duration(options, "--window", RestartPolicy.DEFAULT.window(), problems);
        Duration stopTimeout = duration(options, "--stop-timeout", DEFAULT_STOP_TIMEOUT, problems);
        int maxFailures = RestartPolicy.DEFAULT.maxFailures();
        if (options.containsKey("--max-failures")) {
            try {
                maxFailures = Integer.parseInt(options.get("--max-failures").trim());
            }
            catch (NumberFormatException e) {
                problems.add("--max-failures '" + options.get("--max-failures") + "' is not a whole number");
            }
        }
        problems.addAll(RestartPolicy.problems(initialBackoff, maxBackoff, maxFailures, window));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid watchdog arguments: " + String.join("; ", problems));
        }
        return new WatchdogConfig(options.get("--name"), command, Path.of(options.get("--log")), Path.of(options.get("--pid-file")),
                Path.of(options.get("--status-file")), new RestartPolicy(initialBackoff, maxBackoff, maxFailures, window), stopTimeout);
    }

    /** {@code 500ms}, {@code 2s}, {@code 1.5m}, {@code 1h}; a bare number is seconds. */
    static Optional<Duration> parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        BigDecimal amount = new BigDecimal(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        BigDecimal millisPerUnit = BigDecimal.valueOf(switch (unit) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            default -> 3_600_000L;
        });
        return Optional.of(Duration.ofMillis(amount.multiply(millisPerUnit).longValue()));
    }

    private static Duration duration(Map<String, String> options, String option, Duration fallback, List<String> problems) {
        if (!options.containsKey(option)) {
            return fallback;
        }
        Optional<Duration> parsed = parseDuration(options.get(option));
        if (parsed.isEmpty()) {
            problems.add(option + " '" + options.get(option) + "' is not a duration (e.g. 500ms, 2s, 5m)");
            return fallback;
        }
        return parsed.get();
    }
}
