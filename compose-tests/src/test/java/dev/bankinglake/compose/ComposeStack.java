package dev.bankinglake.compose;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    private final Path secrets;

    ComposeStack(String name, List<String> files) {
        this.secrets = Repository.root().resolve("compose-tests/target/secrets-" + requireNonNull(name, "name is null"));
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

    private String secret(String name) {
        try {
            return Files.readString(secrets.resolve(name)).strip();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The files of docker-compose.yml's secrets, new random ones for each stack, as
     * scripts/lib/secrets.sh makes them: a folder of the owner only, files the containers'
     * users can read.
     */
    private void writeSecrets() {
        SecureRandom random = new SecureRandom();
        try {
            Files.createDirectories(secrets);
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
            for (String name : List.of("operator-token", "mqtt-lake-service.password", "mqtt-lake-operator.password", "mqtt-lake-viewer.password")) {
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                Path file = secrets.resolve(name);
                Files.writeString(file, HexFormat.of().formatHex(bytes) + "\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the compose secrets into " + secrets, e);
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
