package dev.bankinglake.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingValuesTest {
    @Test
    void durationsTakeEveryUnitFromMillisecondsToHours() {
        List<String> problems = new ArrayList<>();
        assertThat(SettingValues.duration(problems, "D", "500 ms", "x")).contains(Duration.ofMillis(500));
        assertThat(SettingValues.duration(problems, "D", "2 milliseconds", "x")).contains(Duration.ofMillis(2));
        assertThat(SettingValues.duration(problems, "D", "1 second", "x")).contains(Duration.ofSeconds(1));
        assertThat(SettingValues.duration(problems, "D", "30s", "x")).contains(Duration.ofSeconds(30));
        assertThat(SettingValues.duration(problems, "D", "10 min", "x")).contains(Duration.ofMinutes(10));
        assertThat(SettingValues.duration(problems, "D", "2 Minutes", "x")).contains(Duration.ofMinutes(2));
        assertThat(SettingValues.duration(problems, "D", "1 hour", "x")).contains(Duration.ofHours(1));
        assertThat(SettingValues.duration(problems, "D", " 3 h ", "x")).contains(Duration.ofHours(3));
        assertThat(problems).isEmpty();
    }

    @Test
    void aBadDurationIsAProblemNamingTheSettingAndTheValue() {
        List<String> problems = new ArrayList<>();
        assertThat(SettingValues.duration(problems, "TRIGGER_INTERVAL", "soon", "'500 ms', '1 second'")).isEmpty();
        assertThat(SettingValues.duration(problems, "D", "5 days", "'1 hour'")).isEmpty();
        assertThat(SettingValues.duration(problems, "D", "99999999999999999999 h", "'1 hour'")).isEmpty();
        assertThat(problems).containsExactly(
                "TRIGGER_INTERVAL: 'soon' (must be a number and a unit, e.g. '500 ms', '1 second')",
                "D: '5 days' (must be a number and a unit, e.g. '1 hour')",
                "D: '99999999999999999999 h' (too large)");
    }

    @Test
    void sizesAreBytesOrPowersOf1024() {
        List<String> problems = new ArrayList<>();
        assertThat(SettingValues.size(problems, "S", "4096").getAsLong()).isEqualTo(4096);
        assertThat(SettingValues.size(problems, "S", "512 KB").getAsLong()).isEqualTo(512L * 1024);
        assertThat(SettingValues.size(problems, "S", "128 MB").getAsLong()).isEqualTo(128L * 1024 * 1024);
        assertThat(SettingValues.size(problems, "S", "1gb").getAsLong()).isEqualTo(1024L * 1024 * 1024);
        assertThat(problems).isEmpty();
        assertThat(SettingValues.size(problems, "S", "big")).isEmpty();
        assertThat(SettingValues.size(problems, "S", "99999999999 GB")).isEmpty();
        assertThat(problems).containsExactly("S: 'big' (must be a number of bytes, or with a unit: '512 KB', '128 MB', '1 GB')",
                "S: '99999999999 GB' (too large)");
    }
}
