package dev.bankinglake.compose;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One compose stack for a test class: the images built (or the class skipped where no engine
 * answers), the project removed with its volumes before the first test and after the last, the
 * host ports free ones, and, when a test fails, the containers' health and last log lines printed.
 */
final class ComposeStack implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final int apiPort = freePort();
    private final int prestoPort = freePort();
    private final int lakeServicePort = freePort();
    private final ComposeProject project;
    private boolean engine;

    private final Path secretsSource;
    private final Path secrets;

    ComposeStack(String name, List<String> files) {
        this.secretsSource = Repository.root().resolve("compose-tests/target/secrets-" + requireNonNull(name, "name is null"));
        this.secrets = secretsSource.resolve("compose");
        this.project = new ComposeProject(name, files, Map.of(
                "API_PORT", String.valueOf(apiPort), "PRESTO_PORT", String.valueOf(prestoPort),
                "LAKE_SERVICE_PORT", String.valueOf(lakeServicePort), "LAKE_COMPOSE_SECRETS_DIR", secrets.toString()));
    }

    /** The operator token of this stack's lake service (its compose secret). */
    String operatorToken() {
        return secret("operator-token");
    }

    /** The password of an MQTT user of this stack's broker (its compose secret). */
    String mqttPassword(String user) {
        return secret("mqtt-" + user + ".password");
    }

    /** The first line of one of this stack's compose secrets, by file name. */
    String secretFile(String name) {
        return secret(name);
    }

    /** JDBC properties for this stack's Presto as lake-viewer: its password, TLS trusting the stack's CA. */
    Properties prestoProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", "lake-viewer");
        properties.setProperty("password", secret("presto-lake-viewer.password"));
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", secrets.resolve("presto-truststore.p12").toString());
        properties.setProperty("SSLTrustStorePassword", "lake-truststore");
        return properties;
    }

    private String secret(String name) {
        try {
            return Files.readString(secrets.resolve(name)).strip();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The files of docker-compose.yml's secrets, new ones for each stack, made by
     * scripts/lib/secrets.sh itself (lake_compose_secrets: random tokens and passwords, Presto's CA,
     * trust store and password hashes) into a folder of the owner only.
     */
    private void writeSecrets() {
        try {
            deleteRecursively(secretsSource);
            Files.createDirectories(secretsSource);
            Files.setPosixFilePermissions(secretsSource, PosixFilePermissions.fromString("rwx------"));
            ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                    "set -euo pipefail; source scripts/lib/env.sh; source scripts/lib/secrets.sh; lake_compose_secrets")
                    .directory(Repository.root().toFile()).redirectErrorStream(true);
            builder.environment().remove("LAKE_COMPOSE_SECRETS_DIR");
            builder.environment().put("LAKE_STATE_DIR", secretsSource.resolve("state").toString());
            builder.environment().put("LAKE_SECRETS_DIR", secretsSource.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("scripts/lib/secrets.sh could not make the compose secrets in " + secretsSource + ": " + output);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the compose secrets into " + secrets, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the compose secrets", e);
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    ComposeProject project() {
        return project;
    }

    int apiPort() {
        return apiPort;
    }

    int prestoPort() {
        return prestoPort;
    }

    int lakeServicePort() {
        return lakeServicePort;
    }

    /**
     * docker compose up -d --wait, then the service and health of every container, which must be
     * exactly {@code services} (a service once per replica), each healthy. Returns the seconds it took.
     */
    double upHealthy(Duration timeout, List<String> services) {
        long started = System.nanoTime();
        project.compose(timeout, "up", "-d", "--wait").orFail();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(project.health()).as("containers of %s and their health", project.name())
                .containsExactlyElementsOf(services.stream().sorted().map(service -> service + " healthy").toList());
        return seconds;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        DockerImages.requireBuilt();
        engine = true;
        writeSecrets();
        project.compose(Duration.ofMinutes(5), "down", "-v", "--remove-orphans").orFail();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (engine) {
            project.compose(Duration.ofMinutes(5), "down", "-v", "--remove-orphans");
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.out.println("compose-it: " + context.getDisplayName() + " failed; state and last log lines of " + project.name() + ":\n"
                + String.join("\n", project.health()) + "\n" + project.logs(30));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
