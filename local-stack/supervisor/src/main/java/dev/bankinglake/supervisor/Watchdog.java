package dev.bankinglake.supervisor;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service as its child process and keeps it running: when the child exits without being
 * asked to, it is started again after a backoff that doubles with each failure, until
 * {@link RestartPolicy#maxFailures()} failures fall within the policy's window; then the watchdog
 * records that it gave up and exits with status 1. On SIGTERM (a JVM shutdown) it forwards
 * SIGTERM to the child, waits for it up to the stop timeout (then kills it) and exits.
 *
 * <p>The child's output is appended to the service log, its pid is written to the pid file at every
 * start, and the watchdog's state goes to a JSON status file ({@link WatchdogStatus}). Being the
 * child's parent, the watchdog reaps it at once: a dead service never lingers as a zombie that
 * {@code kill -0} mistakes for a live one.
 */
public final class Watchdog {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    /** After SIGKILL a process is gone within milliseconds; this only bounds a wait that should not hang. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** The loop returns right after the child it waits for has exited. */
    private static final Duration LOOP_EXIT_WAIT = Duration.ofSeconds(10);

    private final WatchdogConfig config;
    private final Clock clock;
    private final long ownPid = ProcessHandle.current().pid();
    private final Object lock = new Object();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    // guarded by lock
    private boolean stopping;
    private Process child;
    private WatchdogStatus status;

    public Watchdog(WatchdogConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public static void main(String[] args) {
        WatchdogConfig config;
        try {
            config = WatchdogConfig.parse(Arrays.asList(args));
        }
        catch (IllegalArgumentException e) {
            log.error("{}\n{}", e.getMessage(), WatchdogConfig.USAGE);
            System.exit(2);
            return;
        }
        Watchdog watchdog = new Watchdog(config, Clock.systemUTC());
        // SIGTERM and SIGINT run the shutdown hooks: that is where the child is stopped
        Runtime.getRuntime().addShutdownHook(new Thread(watchdog::stop, "watchdog-stop"));
        System.exit(watchdog.run());
    }

    /**
     * Starts the child and restarts it when it exits unasked. Returns 0 once {@link #stop()} was
     * called, 1 when it gave up.
     */
    public int run() {
        FailureWindow failures = new FailureWindow(config.policy());
        int restarts = 0;
        OptionalInt lastExitCode = OptionalInt.empty();
        Optional<Instant> lastExitAt = Optional.empty();
        try {
            while (true) {
                Process process;
                Instant startedAt;
                String startProblem = null;
                synchronized (lock) {
                    if (stopping) {
                        return 0;
                    }
                    startedAt = clock.instant();
                    try {
                        process = start(restarts);
                    }
                    catch (IOException e) {
                        process = null;
                        startProblem = "cannot start " + config.name() + ": " + e.getMessage();
                        log.error(startProblem);
                    }
                    child = process;
                    if (process != null) {
                        String message = restarts == 0
                                ? "started " + config.name() + " (pid " + process.pid() + ")"
                                : "restarted " + config.name() + " (pid " + process.pid() + "), restart " + restarts;
                        publish(WatchdogStatus.State.RUNNING, OptionalLong.of(process.pid()), restarts, failures.failuresAt(startedAt),
                                lastExitCode, lastExitAt, Optional.empty(), message);
                    }
                }
                if (process != null) {
                    lastExitCode = OptionalInt.of(process.waitFor());
                }
                else {
                    lastExitCode = OptionalInt.empty();
                }
                Instant exitedAt = clock.instant();
                lastExitAt = Optional.of(exitedAt);
                synchronized (lock) {
                    child = null;
                    if (stopping) {
                        // stop() reports the child's end
                        return 0;
                    }
                }
                String exit = startProblem != null ? startProblem
                        : config.name() + " (pid " + process.pid() + ") exited with code " + lastExitCode.getAsInt()
                                + " after " + seconds(Duration.between(startedAt, exitedAt)) + "s";
                FailureWindow.Decision decision = failures.recordFailure(exitedAt);
                if (decision instanceof FailureWindow.Decision.GiveUp giveUp) {
                    String message = exit + "; gave up after " + giveUp.failures() + " failures within " + seconds(giveUp.window())
                            + "s (max " + config.policy().maxFailures() + ")";
                    log.error(message);
                    synchronized (lock) {
                        publish(WatchdogStatus.State.GAVE_UP, OptionalLong.empty(), restarts, giveUp.failures(), lastExitCode, lastExitAt,
                                Optional.empty(), message);
                        deletePidFile();
                    }
                    return 1;
                }
                FailureWindow.Decision.Restart restart = (FailureWindow.Decision.Restart) decision;
                String message = exit + "; starting it again in " + seconds(restart.backoff()) + "s (" + restart.failuresInWindow()
                        + " of " + config.policy().maxFailures() + " failures within " + seconds(config.policy().window()) + "s)";
                log.warn(message);
                synchronized (lock) {
                    if (stopping) {
                        return 0;
                    }
                    publish(WatchdogStatus.State.BACKING_OFF, OptionalLong.empty(), restarts, restart.failuresInWindow(), lastExitCode,
                            lastExitAt, Optional.of(exitedAt.plus(restart.backoff())), message);
                }
                if (stopRequested.await(restart.backoff().toMillis(), TimeUnit.MILLISECONDS)) {
                    return 0;
                }
                restarts++;
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted; stopping {}", config.name());
            return 0;
        }
        finally {
            finished.countDown();
        }
    }

    /**
     * Stops the child (SIGTERM, then SIGKILL after the stop timeout) and the loop, and records
     * the state {@code stopped}. Does nothing once the watchdog gave up or was stopped already.
     */
    public void stop() {
        Process process;
        synchronized (lock) {
            if (stopping || finished.getCount() == 0) {
                return;
            }
            stopping = true;
            process = child;
        }
        stopRequested.countDown();
        OptionalInt exitCode = OptionalInt.empty();
        String message = "stopped on request";
        try {
            if (process != null) {
                log.info("stopping {} (pid {}): SIGTERM, waiting up to {}s", config.name(), process.pid(), seconds(config.stopTimeout()));
                process.destroy();
                if (!process.waitFor(config.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("{} (pid {}) did not exit within {}s of SIGTERM: killing it", config.name(), process.pid(),
                            seconds(config.stopTimeout()));
                    process.destroyForcibly();
                    process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    message += "; killed after " + seconds(config.stopTimeout()) + "s without exiting";
                }
                if (!process.isAlive()) {
                    exitCode = OptionalInt.of(process.exitValue());
                    message += "; " + config.name() + " (pid " + process.pid() + ") exited with code " + process.exitValue();
                }
            }
            if (!finished.await(LOOP_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the watchdog loop did not end within {}s", seconds(LOOP_EXIT_WAIT));
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            WatchdogStatus last = status;
            publish(WatchdogStatus.State.STOPPED, OptionalLong.empty(), last == null ? 0 : last.restarts(),
                    last == null ? 0 : last.failuresInWindow(),
                    exitCode.isPresent() ? exitCode : last == null ? OptionalInt.empty() : last.lastExitCode(),
                    exitCode.isPresent() ? Optional.of(clock.instant()) : last == null ? Optional.empty() : last.lastExitAt(),
                    Optional.empty(), message);
            deletePidFile();
        }
        log.info(message);
    }

    /** The last status written, if any. */
    public Optional<WatchdogStatus> status() {
        synchronized (lock) {
            return Optional.ofNullable(status);
        }
    }

    private Process start(int restarts) throws IOException {
        Path logFile = config.logFile().toAbsolutePath();
        Files.createDirectories(logFile.getParent());
        String marker = String.format("%n==== %s starting %s (watchdog pid %d, restart %d)%n",
                clock.instant().truncatedTo(ChronoUnit.SECONDS), config.name(), ownPid, restarts);
        Files.writeString(logFile, marker, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(config.command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        writePidFile(process.pid());
        log.info("{}: started pid {} (restart {}), output to {}", config.name(), process.pid(), restarts, logFile);
        return process;
    }

    private void writePidFile(long pid) throws IOException {
        Path pidFile = config.pidFile().toAbsolutePath();
        Files.createDirectories(pidFile.getParent());
        Path temporary = Files.createTempFile(pidFile.getParent(), pidFile.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, pid + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(config.pidFile());
        }
        catch (IOException e) {
            log.warn("cannot delete pid file {}: {}", config.pidFile(), e.toString());
        }
    }

    /** Records a new status; a status file that cannot be written is logged, not fatal to the service. */
    private void publish(WatchdogStatus.State state, OptionalLong childPid, int restarts, int failuresInWindow, OptionalInt lastExitCode,
            Optional<Instant> lastExitAt, Optional<Instant> nextStartAt, String message) {
        status = new WatchdogStatus(config.name(), state, ownPid, childPid, restarts, failuresInWindow, config.policy().maxFailures(),
                config.policy().window(), lastExitCode, lastExitAt, nextStartAt, message, clock.instant());
        try {
            status.writeTo(config.statusFile());
        }
        catch (IOException e) {
            log.warn("cannot write status file {}: {}", config.statusFile(), e.toString());
        }
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
