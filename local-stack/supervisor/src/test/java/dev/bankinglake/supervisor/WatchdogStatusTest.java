package dev.bankinglake.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogStatusTest {
    private static final WatchdogStatus BACKING_OFF = new WatchdogStatus("streaming", WatchdogStatus.State.BACKING_OFF, 42,
            OptionalLong.empty(), 3, 2, 5, Duration.ofMillis(1500), OptionalInt.of(137), Optional.of(Instant.parse("2025-01-02T03:04:05.678Z")),
            Optional.of(Instant.parse("2025-01-02T03:04:07.678Z")), "exited with code 137; \"quoted\"\tand\\ more\nlines",
            Instant.parse("2025-01-02T03:04:05.679Z"));

    @Test
    void oneFieldPerLineForTheScripts() {
        // scripts/stack.sh reads fields with: sed -n 's/^  "NAME": "\{0,1\}\([^"]*\)"\{0,1\},\{0,1\}$/\1/p'
        assertThat(BACKING_OFF.toJson()).isEqualTo("""
                {
                  "service": "streaming",
                  "state": "backing-off",
                  "watchdog_pid": 42,
                  "child_pid": null,
                  "restarts": 3,
                  "failures_in_window": 2,
                  "max_failures": 5,
                  "window_seconds": 1.5,
                  "last_exit_code": 137,
                  "last_exit_at": "2025-01-02T03:04:05.678Z",
                  "next_start_at": "2025-01-02T03:04:07.678Z",
                  "updated_at": "2025-01-02T03:04:05.679Z",
                  "message": "exited with code 137; \\"quoted\\"\\tand\\\\ more\\nlines"
                }
                """);
    }

    @Test
    void readsBackWhatItWrites(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("status.json");
        BACKING_OFF.writeTo(file);
        assertThat(WatchdogStatus.readFrom(file)).isEqualTo(BACKING_OFF);
        WatchdogStatus running = new WatchdogStatus("api", WatchdogStatus.State.RUNNING, 1, OptionalLong.of(77), 0, 0, 1,
                Duration.ofMinutes(5), OptionalInt.empty(), Optional.empty(), Optional.empty(), "", Instant.parse("2025-01-01T00:00:00Z"));
        running.writeTo(file);
        assertThat(WatchdogStatus.readFrom(file)).isEqualTo(running);
        assertThat(file).content().contains("  \"window_seconds\": 300,\n");
        try (var files = Files.list(folder)) {
            assertThat(files).as("no temporary file left next to the status").containsExactly(file);
        }
    }

    @Test
    void refusesSomethingElse() {
        assertThatThrownBy(() -> WatchdogStatus.fromJson("{\"state\": \"running\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Not a watchdog status: field service is missing");
    }
}
