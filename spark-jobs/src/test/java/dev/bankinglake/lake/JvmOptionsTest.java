package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** jvm-options.txt (used by scripts) and the test JVMs' flags (from the pom) must not drift apart. */
class JvmOptionsTest {
    @Test
    void testJvmRunsWithEveryFlagOfJvmOptionsFile() throws IOException {
        List<String> fileFlags = Files.readAllLines(Path.of("jvm-options.txt")).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();

        assertThat(fileFlags).isNotEmpty().contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).containsAll(fileFlags);
    }
}
