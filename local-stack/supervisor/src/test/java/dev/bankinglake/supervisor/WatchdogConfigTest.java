package dev.bankinglake.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchdogConfigTest {
    @Test
    void defaults() {
        WatchdogConfig config = WatchdogConfig.parse(List.of("--name", "streaming", "--log", "logs/streaming.log",
                "--pid-file", "pids/streaming.pid", "--status-file", "pids/streaming-watchdog.json", "--", "java", "-Xmx2g", "Main"));
        assertThat(config).isEqualTo(new WatchdogConfig("streaming", List.of("java", "-Xmx2g", "Main"), Path.of("logs/streaming.log"),
                Path.of("pids/streaming.pid"), Path.of("pids/streaming-watchdog.json"),
                new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 6, Duration.ofMinutes(5)), Duration.ofSeconds(30)));
        assertThat(config.policy()).isEqualTo(RestartPolicy.DEFAULT);
    }

    @Test
    void everyOption() {
        WatchdogConfig config = WatchdogConfig.parse(List.of("--name", "api", "--log", "a.log", "--pid-file", "a.pid",
                "--status-file", "a.json", "--initial-backoff", "250ms", "--max-backoff", "1.5m", "--max-failures", "7",
                "--window", "90", "--stop-timeout", "0s", "--", "sh", "-c", "exit 3", "--name"));
        assertThat(config).isEqualTo(new WatchdogConfig("api", List.of("sh", "-c", "exit 3", "--name"), Path.of("a.log"), Path.of("a.pid"),
                Path.of("a.json"), new RestartPolicy(Duration.ofMillis(250), Duration.ofSeconds(90), 7, Duration.ofSeconds(90)),
                Duration.ZERO));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> WatchdogConfig.parse(List.of("--name", "x", "--log", "--frobnicate", "1",
                "--max-failures", "many", "--initial-backoff", "soon", "--window", "0", "--")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid watchdog arguments: --log needs a value; unknown argument '--frobnicate'; unknown argument '1'; "
                        + "--pid-file is missing; --status-file is missing; no command after --; "
                        + "--initial-backoff 'soon' is not a duration (e.g. 500ms, 2s, 5m); --max-failures 'many' is not a whole number; "
                        + "window PT0S (must be positive)");
    }

    @Test
    void anOptionWithoutValueIsReported() {
        assertThatThrownBy(() -> WatchdogConfig.parse(List.of("--name", "x", "--log", "l", "--pid-file", "p", "--status-file", "s",
                "--window", "--", "true")))
                .hasMessage("Invalid watchdog arguments: --window needs a value");
    }

    @Test
    void durations() {
        assertThat(WatchdogConfig.parseDuration("500ms")).contains(Duration.ofMillis(500));
        assertThat(WatchdogConfig.parseDuration("2")).contains(Duration.ofSeconds(2));
        assertThat(WatchdogConfig.parseDuration("0.5s")).contains(Duration.ofMillis(500));
        assertThat(WatchdogConfig.parseDuration(" 5m ")).contains(Duration.ofMinutes(5));
        assertThat(WatchdogConfig.parseDuration("1h")).contains(Duration.ofHours(1));
        assertThat(WatchdogConfig.parseDuration("-1s")).isEmpty();
        assertThat(WatchdogConfig.parseDuration("5 minutes")).isEmpty();
    }
}
