package dev.bankinglake.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog as scripts/stack.sh runs it: its own JVM, stopped with SIGTERM. */
class WatchdogMainTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    @Test
    void sigtermStopsTheChildAndTheWatchdog() throws Exception {
        Process watchdog = watchdog("--", "sleep", "600");
        try {
            WatchdogStatus running = await("the watchdog JVM started its child").atMost(DEADLINE)
                    .until(this::status, status -> status.isPresent() && status.get().state() == WatchdogStatus.State.RUNNING)
                    .orElseThrow();
            long child = running.childPid().orElseThrow();
            assertThat(running.watchdogPid()).isEqualTo(watchdog.pid());
            assertThat(Files.readString(folder.resolve("child.pid")).trim()).isEqualTo(Long.toString(child));

            watchdog.destroy();

            assertThat(watchdog.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("watchdog exited after SIGTERM").isTrue();
            assertThat(ProcessHandle.of(child)).as("child %d after the watchdog's SIGTERM", child).isEmpty();
            WatchdogStatus stopped = status().orElseThrow();
            assertThat(stopped.state()).isEqualTo(WatchdogStatus.State.STOPPED);
            assertThat(stopped.lastExitCode()).isEqualTo(OptionalInt.of(143));
            assertThat(folder.resolve("child.pid")).doesNotExist();
        }
        finally {
            watchdog.destroyForcibly();
        }
    }

    @Test
    void givesUpAndExitsWithStatusOne() throws Exception {
        Process watchdog = watchdog("--initial-backoff", "10ms", "--max-failures", "2", "--", "sh", "-c", "exit 4");
        try {
            assertThat(watchdog.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(watchdog.exitValue()).isEqualTo(1);
            assertThat(status().orElseThrow().state()).as("a gave-up status is not overwritten when the JVM exits")
                    .isEqualTo(WatchdogStatus.State.GAVE_UP);
            assertThat(Files.readString(folder.resolve("watchdog.log"))).contains("gave up after 2 failures within 300s (max 2)");
        }
        finally {
            watchdog.destroyForcibly();
        }
    }

    @Test
    void badArgumentsExitWithStatusTwoAndSayWhy() throws Exception {
        Process watchdog = watchdog("--max-failures", "0", "--");
        assertThat(watchdog.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(watchdog.exitValue()).isEqualTo(2);
        assertThat(Files.readString(folder.resolve("watchdog.log")))
                .contains("Invalid watchdog arguments: no command after --; max failures 0 (must be at least 1)", "Usage: Watchdog");
    }

    private Process watchdog(String... arguments) throws IOException, URISyntaxException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-cp", classpath(), Watchdog.class.getName(), "--name", "child", "--log", folder.resolve("service.log").toString(),
                "--pid-file", folder.resolve("child.pid").toString(), "--status-file", folder.resolve("status.json").toString()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("watchdog.log").toFile())).start();
    }

    /** The watchdog's runtime classpath: its classes, slf4j-api and the slf4j-simple provider. */
    private static String classpath() throws URISyntaxException {
        List<String> entries = new ArrayList<>();
        for (String className : List.of(Watchdog.class.getName(), "org.slf4j.LoggerFactory", "org.slf4j.simple.SimpleServiceProvider")) {
            try {
                Class<?> type = Class.forName(className);
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            }
            catch (ClassNotFoundException e) {
                throw new IllegalStateException(className + " is not on the test classpath", e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private Optional<WatchdogStatus> status() {
        try {
            return Optional.of(WatchdogStatus.readFrom(folder.resolve("status.json")));
        }
        catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
