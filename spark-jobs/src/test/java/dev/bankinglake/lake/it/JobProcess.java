package dev.bankinglake.lake.it;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

import dev.bankinglake.lake.StreamingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streaming job as the scripts run it: its own JVM, launched with jvm-options.txt and the
 * module's jar + classpath.txt, so a test can SIGTERM or kill -9 it.
 */
final class JobProcess {
    private static final Path MODULE = Paths.get("").toAbsolutePath();
    private static final Pattern BATCH_LINE = Pattern.compile("batch (\\d+): (\\d+) rows");

    private final Map<String, String> environment;
    private final Path logDir;
    private final String name;
    private Process process;
    private Path log;
    private int launches;

    JobProcess(String name, Map<String, String> environment, Path logDir) {
        this.name = requireNonNull(name, "name is null");
        this.environment = Map.copyOf(environment);
        this.logDir = requireNonNull(logDir, "logDir is null");
    }

    /** Starts the job and waits until its streaming query runs. */
    JobProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Job " + name + " is already running");
        }
        launches++;
        Files.createDirectories(logDir);
        log = logDir.resolve(name + "-" + launches + ".log");
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        for (String line : Files.readAllLines(MODULE.resolve("jvm-options.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                command.add(line.trim());
            }
        }
        command.add("-cp");
        command.add(MODULE.resolve("target/lake-spark-jobs-0.1.0-SNAPSHOT.jar") + ":"
                + Files.readString(MODULE.resolve("target/classpath.txt")).trim());
        command.add(StreamingJob.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = new HashMap<>(environment);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().putAll(env);
        process = builder.start();
        await("job " + name + " to start its streaming query (log " + log + ")")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .failFast("job " + name + " exited (log " + log + ")", () -> !process.isAlive())
                .until(() -> logText().contains("Streaming query started"));
        return this;
    }

    /** kill -9: no shutdown hook, no cleanup. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the JVM to exit; returns its exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Job " + name + " did not stop within 90 s of SIGTERM (log " + log + ")");
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    Path log() {
        return log;
    }

    String logText() throws IOException {
        return log == null || !Files.exists(log) ? "" : Files.readString(log);
    }

    /** Batches this launch of the job has logged as done. */
    int batchesLogged() throws IOException {
        Matcher matcher = BATCH_LINE.matcher(logText());
        int batches = 0;
        while (matcher.find()) {
            batches++;
        }
        return batches;
    }
}
