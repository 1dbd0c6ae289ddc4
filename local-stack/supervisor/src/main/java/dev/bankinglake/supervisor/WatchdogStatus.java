package dev.bankinglake.supervisor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the watchdog is doing, as written to its status file: a flat JSON object with one field
 * per line, so that {@code scripts/stack.sh status} can read it with sed and people with cat.
 *
 * @param failuresInWindow unasked exits that still count towards giving up
 * @param restarts starts after the first one, since the watchdog started
 */
public record WatchdogStatus(
        String service,
        State state,
        long watchdogPid,
        OptionalLong childPid,
        int restarts,
        int failuresInWindow,
        int maxFailures,
        Duration window,
        OptionalInt lastExitCode,
        Optional<Instant> lastExitAt,
        Optional<Instant> nextStartAt,
        String message,
        Instant updatedAt) {
    private static final Pattern FIELD = Pattern.compile("^\\s*\"(\\w+)\"\\s*:\\s*(null|-?\\d+(?:\\.\\d+)?|\"(?:[^\"\\\\]|\\\\.)*\")\\s*,?\\s*$");

    public WatchdogStatus {
        requireNonNull(service, "service is null");
        requireNonNull(state, "state is null");
        requireNonNull(childPid, "childPid is null");
        requireNonNull(window, "window is null");
        requireNonNull(lastExitCode, "lastExitCode is null");
        requireNonNull(lastExitAt, "lastExitAt is null");
        requireNonNull(nextStartAt, "nextStartAt is null");
        requireNonNull(message, "message is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    /** The watchdog's states, by the names the status file and {@code stack.sh status} use. */
    public enum State {
        /** The child process is alive (whether it is healthy is for the service's own probe to say). */
        RUNNING("running"),
        /** The child exited unasked; it starts again at {@code next_start_at}. */
        BACKING_OFF("backing-off"),
        /** Too many failures within the window: the watchdog stopped restarting and exited. */
        GAVE_UP("gave-up"),
        /** Stopped on request (SIGTERM): the child was stopped too. */
        STOPPED("stopped");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static State ofLabel(String label) {
            for (State state : values()) {
                if (state.label.equals(label)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("Unknown watchdog state '" + label + "'");
        }
    }

    public String toJson() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("service", quote(service));
        fields.put("state", quote(state.label()));
        fields.put("watchdog_pid", Long.toString(watchdogPid));
        fields.put("child_pid", childPid.isPresent() ? Long.toString(childPid.getAsLong()) : "null");
        fields.put("restarts", Integer.toString(restarts));
        fields.put("failures_in_window", Integer.toString(failuresInWindow));
        fields.put("max_failures", Integer.toString(maxFailures));
        fields.put("window_seconds", BigDecimal.valueOf(window.toMillis(), 3).stripTrailingZeros().toPlainString());
        fields.put("last_exit_code", lastExitCode.isPresent() ? Integer.toString(lastExitCode.getAsInt()) : "null");
        fields.put("last_exit_at", lastExitAt.map(WatchdogStatus::time).orElse("null"));
        fields.put("next_start_at", nextStartAt.map(WatchdogStatus::time).orElse("null"));
        fields.put("updated_at", time(updatedAt));
        fields.put("message", quote(message));
        StringBuilder json = new StringBuilder("{\n");
        int index = 0;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            json.append("  \"").append(field.getKey()).append("\": ").append(field.getValue());
            json.append(++index < fields.size() ? ",\n" : "\n");
        }
        return json.append("}\n").toString();
    }

    /** Reads what {@link #toJson()} wrote. */
    public static WatchdogStatus fromJson(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : json.split("\n")) {
            Matcher matcher = FIELD.matcher(line);
            if (matcher.matches()) {
                fields.put(matcher.group(1), matcher.group(2));
            }
        }
        try {
            return new WatchdogStatus(
                    string(fields, "service"),
                    State.ofLabel(string(fields, "state")),
                    Long.parseLong(required(fields, "watchdog_pid")),
                    nullable(fields, "child_pid").map(value -> OptionalLong.of(Long.parseLong(value))).orElse(OptionalLong.empty()),
                    Integer.parseInt(required(fields, "restarts")),
                    Integer.parseInt(required(fields, "failures_in_window")),
                    Integer.parseInt(required(fields, "max_failures")),
                    Duration.ofMillis(new BigDecimal(required(fields, "window_seconds")).movePointRight(3).longValueExact()),
                    nullable(fields, "last_exit_code").map(value -> OptionalInt.of(Integer.parseInt(value))).orElse(OptionalInt.empty()),
                    nullable(fields, "last_exit_at").map(value -> Instant.parse(unquote(value))),
                    nullable(fields, "next_start_at").map(value -> Instant.parse(unquote(value))),
                    string(fields, "message"),
                    Instant.parse(string(fields, "updated_at")));
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a watchdog status: " + e.getMessage() + "\n" + json, e);
        }
    }

    /** Replaces the file in one step, so that a reader never sees half of it. */
    public void writeTo(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, toJson(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    public static WatchdogStatus readFrom(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static String time(Instant instant) {
        return quote(instant.truncatedTo(ChronoUnit.MILLIS).toString());
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char character : text.toCharArray()) {
            switch (character) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (character < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) character));
                    }
                    else {
                        quoted.append(character);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static String unquote(String value) {
        if (value.length() < 2 || !value.startsWith("\"") || !value.endsWith("\"")) {
            throw new IllegalArgumentException("not a JSON string: " + value);
        }
        StringBuilder text = new StringBuilder();
        for (int index = 1; index < value.length() - 1; index++) {
            char character = value.charAt(index);
            if (character != '\\') {
                text.append(character);
                continue;
            }
            char escaped = value.charAt(++index);
            switch (escaped) {
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    text.append((char) Integer.parseInt(value.substring(index + 1, index + 5), 16));
                    index += 4;
                }
                default -> text.append(escaped);
            }
        }
        return text.toString();
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.equals("null")) {
            throw new IllegalArgumentException("field " + name + " is missing");
        }
        return value;
    }

    private static String string(Map<String, String> fields, String name) {
        return unquote(required(fields, name));
    }

    private static Optional<String> nullable(Map<String, String> fields, String name) {
        String value = fields.get(name);
        return value == null || value.equals("null") ? Optional.empty() : Optional.of(value);
    }
}
