package dev.bankinglake.lake.it;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.service.LakeService;
import dev.bankinglake.stack.LocalStack;
import java.io.IOException;
import java.net.http.HttpResponse;
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
 * The lake service as the scripts run it: its own JVM, launched with jvm-options.txt and the
 * module's jar + classpath.txt, so a test can SIGTERM or kill -9 it. Ready means its
 * {@code GET /health} answers 200; {@link #get} and {@link #post} talk to its HTTP surface.
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

    /** Starts the service and waits until {@code /health} says it runs its queries. */
    JobProcess start() throws IOException {
        launch();
        await("service " + name + " to answer /health with 200 (log " + log + ")")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .failFast("service " + name + " exited (log " + log + ")", () -> !process.isAlive())
                .until(() -> status("/health") == 200);
        return this;
    }

    /** Starts the JVM without waiting for it. */
    JobProcess launch() throws IOException {
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
        // a copy of the jar: a rebuild of the module while the service runs must not pull classes from under it
        Path jar = logDir.resolve(name + "-" + launches + ".jar");
        Files.copy(MODULE.resolve("target/lake-spark-jobs-0.1.0-SNAPSHOT.jar"), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        command.add(jar + ":"
                + Files.readString(MODULE.resolve("target/classpath.txt")).trim());
        command.add(LakeService.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = new HashMap<>(environment);
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().putAll(env);
        process = builder.start();
        return this;
    }

    /** Waits for the JVM to exit and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Service " + name + " did not exit within " + timeout + " (log " + log + ")");
        }
        return process.exitValue();
    }

    int port() {
        return Integer.parseInt(environment.get("LAKE_SERVICE_PORT"));
    }

    ServiceClient client() {
        return new ServiceClient("http://127.0.0.1:" + port(), LocalStack.secret(java.nio.file.Paths.get(environment.get("LAKE_OPERATOR_TOKEN_FILE"))));
    }

    int status(String path) {
        return client().status(path);
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return client().get(path);
    }

    HttpResponse<String> request(String method, String path) throws IOException, InterruptedException {
        return client().request(method, path);
    }

    JsonNode post(String path) throws IOException, InterruptedException {
        return client().post(path);
    }

    JsonNode post(String path, String body) throws IOException, InterruptedException {
        return client().post(path, body);
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

    long pid() {
        return process.pid();
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
