package dev.bankinglake.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsConfigTest {
    private static final String CHECKPOINT = "hdfs://127.0.0.1:8020/checkpoints/lake-streaming";

    @Test
    void defaults() {
        assertThat(WindowsConfig.fromEnvironment(Map.of(), CHECKPOINT)).isEqualTo(new WindowsConfig(true, Duration.ofSeconds(10),
                Duration.ofMinutes(1), Duration.ofSeconds(60), Duration.ofSeconds(10), "windows", CHECKPOINT + "-windows", "hive_readonly", 1000,
                Duration.ofSeconds(30)));
    }

    @Test
    void readsEveryVariable() {
        WindowsConfig config = WindowsConfig.fromEnvironment(Map.of(
                "WINDOWS_ENABLED", "FALSE",
                "WATERMARK_DELAY", "2 s",
                "WINDOW_BUCKET", "10 seconds",
                "TRADE_WINDOW", "2 minutes",
                "TRADE_SLIDE", "30s",
                "WINDOWS_TOPIC", "windows.test",
                "WINDOWS_CHECKPOINT_DIR", "file:///tmp/windows/",
                "PRESTO_READONLY_CATALOG", "lake_ro",
                "ANALYTICS_SQL_MAX_ROWS", "50",
                "ANALYTICS_SQL_TIMEOUT", "3 seconds"), CHECKPOINT);
        assertThat(config).isEqualTo(new WindowsConfig(false, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMinutes(2),
                Duration.ofSeconds(30), "windows.test", "file:///tmp/windows", "lake_ro", 50, Duration.ofSeconds(3)));
        assertThat(config.countsSpec()).isEqualTo(WindowSpec.tumbling(Duration.ofSeconds(10)));
        assertThat(config.tradesSpec().windowsPerInstant()).isEqualTo(4);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> WindowsConfig.fromEnvironment(Map.of("WINDOWS_ENABLED", "yes", "WATERMARK_DELAY", "soon"), CHECKPOINT))
                .hasMessage("Invalid windows configuration: WINDOWS_ENABLED: 'yes' (must be true or false); "
                        + "WATERMARK_DELAY: 'soon' (must be a number and a unit, e.g. '500 ms', '10 seconds', '1 minute')");
        assertThatThrownBy(() -> WindowsConfig.fromEnvironment(Map.of("WINDOW_BUCKET", "7 minutes", "TRADE_SLIDE", "25 seconds",
                "ANALYTICS_SQL_MAX_ROWS", "0", "ANALYTICS_SQL_TIMEOUT", "10 ms"), CHECKPOINT))
                .hasMessage("Invalid windows configuration: WINDOW_BUCKET: PT7M (must be whole seconds, at least 1 second, and divide a day); "
                        + "TRADE_SLIDE: PT25S (must divide TRADE_WINDOW PT1M); "
                        + "ANALYTICS_SQL_MAX_ROWS: 0 (must be 1 to 100000); "
                        + "ANALYTICS_SQL_TIMEOUT: PT0.01S (must be at least 1 second)");
    }
}
