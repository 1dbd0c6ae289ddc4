package dev.bankinglake.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactionConfigTest {
    @Test
    void defaults() {
        assertThat(CompactionConfig.fromEnvironment(Map.of()))
                .isEqualTo(new CompactionConfig(true, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(1), 128L * 1024 * 1024, 0,
                        Duration.ofSeconds(20)));
    }

    @Test
    void readsEverySetting() {
        CompactionConfig config = CompactionConfig.fromEnvironment(Map.of(
                "COMPACTION_SCHEDULED", "FALSE",
                "COMPACTION_CHECK_INTERVAL", "5 seconds",
                "COMPACTION_CLOSE_GRACE", "0 s",
                "COMPACTION_DELETE_GRACE", "90 minutes",
                "COMPACTION_TARGET_FILE_SIZE", "64 MB",
                "COMPACTION_OPEN_FILES", "0",
                "COMPACTION_OPEN_CHECK_INTERVAL", "1 minute"));
        assertThat(config).isEqualTo(new CompactionConfig(false, Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(90), 64L * 1024 * 1024, 0,
                Duration.ofMinutes(1)));
        assertThat(config.mergesOpenDays()).isFalse();
        assertThat(CompactionConfig.fromEnvironment(Map.of()).mergesOpenDays()).as("off by default").isFalse();
        assertThat(CompactionConfig.fromEnvironment(Map.of("COMPACTION_OPEN_FILES", "8")).mergesOpenDays()).isTrue();
        assertThat(CompactionConfig.fromEnvironment(Map.of("COMPACTION_OPEN_FILES", "8", "COMPACTION_SCHEDULED", "false")).mergesOpenDays())
                .as("not scheduled").isFalse();
        assertThat(CompactionConfig.fromEnvironment(Map.of("COMPACTION_TARGET_FILE_SIZE", "2097152", "COMPACTION_DELETE_GRACE", "2 h")))
                .extracting(CompactionConfig::targetFileSize, CompactionConfig::deleteGrace)
                .containsExactly(2L * 1024 * 1024, Duration.ofHours(2));
        assertThat(CompactionConfig.fromEnvironment(Map.of("COMPACTION_TARGET_FILE_SIZE", " ")).targetFileSize()).isEqualTo(128L * 1024 * 1024);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> CompactionConfig.fromEnvironment(Map.of(
                "COMPACTION_SCHEDULED", "sometimes",
                "COMPACTION_CHECK_INTERVAL", "often",
                "COMPACTION_TARGET_FILE_SIZE", "huge")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid compaction configuration: COMPACTION_SCHEDULED: 'sometimes' (must be true or false); "
                        + "COMPACTION_CHECK_INTERVAL: 'often' (must be a number and a unit, e.g. '30 seconds', '10 minutes', '1 hour'); "
                        + "COMPACTION_TARGET_FILE_SIZE: 'huge' (must be a number of bytes, or with a unit: '512 KB', '128 MB', '1 GB')");
        assertThatThrownBy(() -> CompactionConfig.fromEnvironment(Map.of(
                "COMPACTION_CHECK_INTERVAL", "10 ms",
                "COMPACTION_CLOSE_GRACE", "25 hours",
                "COMPACTION_TARGET_FILE_SIZE", "1 KB",
                "COMPACTION_OPEN_FILES", "1",
                "COMPACTION_OPEN_CHECK_INTERVAL", "0 s")))
                .hasMessage("Invalid compaction configuration: COMPACTION_CHECK_INTERVAL: PT0.01S (must be at least 1 second); "
                        + "COMPACTION_CLOSE_GRACE: PT25H (must be 0 to 24 hours); "
                        + "COMPACTION_TARGET_FILE_SIZE: 1024 bytes (must be 1 MB to 16 GB); "
                        + "COMPACTION_OPEN_FILES: 1 (must be 0, for never, or 2 to 100000); "
                        + "COMPACTION_OPEN_CHECK_INTERVAL: PT0S (must be at least 1 second)");
        assertThatThrownBy(() -> CompactionConfig.fromEnvironment(Map.of("COMPACTION_OPEN_FILES", "many")))
                .hasMessage("Invalid compaction configuration: COMPACTION_OPEN_FILES: 'many' (must be a whole number)");
    }

    @Test
    void parsesSizes() {
        assertThat(CompactionConfig.parseSize("512 KB")).isEqualTo(512 * 1024);
        assertThat(CompactionConfig.parseSize("1gb")).isEqualTo(1024L * 1024 * 1024);
        assertThat(CompactionConfig.parseSize("100")).isEqualTo(100);
        assertThatThrownBy(() -> CompactionConfig.parseSize("12 TB"))
                .hasMessage("size: '12 TB' (must be a number of bytes, or with a unit: '512 KB', '128 MB', '1 GB')");
    }
}
