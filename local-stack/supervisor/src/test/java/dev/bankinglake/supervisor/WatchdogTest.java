package dev.bankinglake.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog with real child processes (sh, sleep), in this JVM; see WatchdogMainTest for SIGTERM to a watchdog JVM. */
class WatchdogTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path folder;

    private Watchdog watchdog;
    private CompletableFuture<Integer> running;

    @AfterEach
    void stopWatchdog() throws Exception {
        if (watchdog != null) {
            watchdog.stop();
            running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void restartsAFailingChildWithBackoffThenGivesUp() throws Exception {
        Watchdog failing = new Watchdog(config(new RestartPolicy(Duration.ofMillis(20), Duration.ofMillis(40), 3, Duration.ofMinutes(1)),
                "sh", "-c", "echo attempt $$; exit 3"), Clock.systemUTC());

        int exitCode = CompletableFuture.supplyAsync(failing::run).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        assertThat(exitCode).as("the watchdog's exit code after giving up").isEqualTo(1);
        WatchdogStatus status = status();
        assertThat(status.state()).isEqualTo(WatchdogStatus.State.GAVE_UP);
        assertThat(status.restarts()).isEqualTo(2);
        assertThat(status.failuresInWindow()).isEqualTo(3);
        assertThat(status.lastExitCode()).isEqualTo(OptionalInt.of(3));
        assertThat(status.childPid()).isEmpty();
        assertThat(status.message()).matches("child \\(pid \\d+\\) exited with code 3 after [0-9.]+s; gave up after 3 failures within 60s \\(max 3\\)");
        String log = Files.readString(folder.resolve("service.log"));
        assertThat(log.lines().filter(line -> line.startsWith("==== ")).toList()).as("start markers in the service log").hasSize(3)
                .allMatch(line -> line.contains("starting child"));
        assertThat(log.lines().filter(line -> line.startsWith("attempt ")).toList()).as("the child's own output").hasSize(3);
        assertThat(folder.resolve("child.pid")).as("pid file once nothing runs").doesNotExist();
    }

    @Test
    void restartsAKilledChildAndStopsItOnRequest() throws Exception {
        start(config(new RestartPolicy(Duration.ofMillis(50), Duration.ofMillis(50), 5, Duration.ofMinutes(1)), "sleep", "600"));
        long first = awaitRunningChild(0);

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        long second = awaitRunningChild(1);
        assertThat(second).isNotEqualTo(first);
        assertThat(status().lastExitCode()).as("exit code of the killed child (128 + SIGKILL)").isEqualTo(OptionalInt.of(137));

        watchdog.stop();

        assertThat(running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(ProcessHandle.of(second).map(ProcessHandle::isAlive)).as("child %d after stop", second).isEmpty();
        WatchdogStatus stopped = status();
        assertThat(stopped.state()).isEqualTo(WatchdogStatus.State.STOPPED);
        assertThat(stopped.lastExitCode()).as("SIGTERM'd sleep").isEqualTo(OptionalInt.of(143));
        assertThat(stopped.restarts()).isEqualTo(1);
        assertThat(folder.resolve("child.pid")).doesNotExist();
        watchdog = null;
    }

    @Test
    void killsAChildThatIgnoresSigtermAfterTheStopTimeout() throws Exception {
        // an ignored signal stays ignored across exec: sleep inherits "ignore SIGTERM" from sh
        WatchdogConfig config = new WatchdogConfig("child", List.of("sh", "-c", "trap '' TERM; exec sleep 600"),
                folder.resolve("service.log"), folder.resolve("child.pid"), folder.resolve("status.json"),
                RestartPolicy.DEFAULT, Duration.ofMillis(300));
        start(config);
        long child = awaitRunningChild(0);

        watchdog.stop();

        assertThat(running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
        assertThat(ProcessHandle.of(child)).isEmpty();
        assertThat(status().state()).isEqualTo(WatchdogStatus.State.STOPPED);
        assertThat(status().lastExitCode()).isEqualTo(OptionalInt.of(137));
        assertThat(status().message()).contains("killed after 0.3s without exiting");
        watchdog = null;
    }

    @Test
    void stopDuringBackoffEndsAtOnceWithoutAnotherStart() throws Exception {
        start(config(new RestartPolicy(Duration.ofMinutes(10), Duration.ofMinutes(10), 5, Duration.ofMinutes(1)), "sh", "-c", "exit 7"));
        await("backing off after the first exit").atMost(DEADLINE)
                .until(() -> readStatus().map(status -> status.state() == WatchdogStatus.State.BACKING_OFF).orElse(false));
        assertThat(status().nextStartAt()).isPresent();

        watchdog.stop();

        assertThat(running.get(5, TimeUnit.SECONDS)).as("run() returns well before the 10 min backoff").isZero();
        assertThat(status().state()).isEqualTo(WatchdogStatus.State.STOPPED);
        assertThat(status().lastExitCode()).isEqualTo(OptionalInt.of(7));
        assertThat(Files.readString(folder.resolve("service.log")).lines().filter(line -> line.startsWith("==== "))).hasSize(1);
        watchdog = null;
    }

    @Test
    void aCommandThatCannotStartCountsAsAFailure() throws Exception {
        Watchdog broken = new Watchdog(config(new RestartPolicy(Duration.ZERO, Duration.ZERO, 2, Duration.ofMinutes(1)),
                folder.resolve("no-such-program").toString()), Clock.systemUTC());

        assertThat(CompletableFuture.supplyAsync(broken::run).get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(status().state()).isEqualTo(WatchdogStatus.State.GAVE_UP);
        assertThat(status().lastExitCode()).isEmpty();
        assertThat(status().message()).startsWith("cannot start child: ").endsWith("gave up after 2 failures within 60s (max 2)");
    }

    private WatchdogConfig config(RestartPolicy policy, String... command) {
        return new WatchdogConfig("child", List.of(command), folder.resolve("service.log"), folder.resolve("child.pid"),
                folder.resolve("status.json"), policy, Duration.ofSeconds(10));
    }

    private void start(WatchdogConfig config) {
        watchdog = new Watchdog(config, Clock.systemUTC());
        running = CompletableFuture.supplyAsync(watchdog::run);
    }

    /** Waits until the child of the given restart runs, and the pid file names it; returns its pid. */
    private long awaitRunningChild(int restarts) {
        return await("child of restart " + restarts + " running, pid file written").atMost(DEADLINE)
                .until(() -> readStatus().filter(status -> status.state() == WatchdogStatus.State.RUNNING && status.restarts() == restarts)
                                .flatMap(status -> pidFile().filter(pid -> status.childPid().equals(java.util.OptionalLong.of(pid))))
                                .orElse(-1L),
                        pid -> pid > 0);
    }

    private java.util.Optional<Long> pidFile() {
        try {
            return java.util.Optional.of(Long.parseLong(Files.readString(folder.resolve("child.pid")).trim()));
        }
        catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private java.util.Optional<WatchdogStatus> readStatus() {
        try {
            return java.util.Optional.of(WatchdogStatus.readFrom(folder.resolve("status.json")));
        }
        catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private WatchdogStatus status() throws IOException {
        return WatchdogStatus.readFrom(folder.resolve("status.json"));
    }
}
