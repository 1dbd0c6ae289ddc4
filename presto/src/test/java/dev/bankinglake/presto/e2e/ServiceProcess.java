package dev.bankinglake.presto.e2e;

import static java.util.Objects.requireNonNull;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the project's services as the scripts run it, in a JVM of its own started from the built
 * module ({@code <module>/target/<artifact>-*.jar} and {@code classpath.txt}), with the test's own
 * environment, so a test can kill -9 it and start it again. Ready once {@code GET /health} answers 200.
 */
final class ServiceProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path module;
    private final String artifact;
    private final String mainClass;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final int port;
    private final Path logDir;
    private Process process;
    private Path log;
    private int launches;

    ServiceProcess(String name, Path module, String artifact, String mainClass, List<String> jvmOptions, Map<String, String> environment,
            int port) {
        this.name = requireNonNull(name, "name is null");
        this.module = requireNonNull(module, "module is null");
        this.artifact = requireNonNull(artifact, "artifact is null");
        this.mainClass = requireNonNull(mainClass, "mainClass is null");
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.logDir = Paths.get("target", "it-logs");
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the JVM and waits until its /health answers 200. */
    ServiceProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        launches++;
        Files.createDirectories(logDir);
        log = logDir.resolve(name + "-" + launches + ".log");
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        // a copy of its own: a rebuild of the module while the service runs must not change its classes under it
        Path jar = Files.createDirectories(Paths.get("target", "it-jars")).resolve(name + ".jar");
        Files.copy(jar(), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        command.add(jar.toAbsolutePath() + ":" + Files.readString(module.resolve("target/classpath.txt")).trim());
        command.add(mainClass);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        await(name + " to answer GET /health with 200 (log " + log + ")")
                .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .failFast(name + " exited (log " + log + ")", () -> !process.isAlive())
                .until(() -> status("/health") == 200);
        return this;
    }

    /** kill -9: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the JVM to exit. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    Path log() {
        return log;
    }

    int status(String path) {
        try {
            return get(path).statusCode();
        }
        catch (IOException e) {
            return -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Path jar() throws IOException {
        try (var files = Files.list(module.resolve("target"))) {
            return files.filter(file -> file.getFileName().toString().matches(artifact + "-[0-9].*\\.jar")
                            && !file.getFileName().toString().endsWith("-tests.jar") && !file.getFileName().toString().endsWith("-sources.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("No built jar of " + artifact + " in " + module.resolve("target")
                            + ": build it first (mvn package)"));
        }
    }
}
