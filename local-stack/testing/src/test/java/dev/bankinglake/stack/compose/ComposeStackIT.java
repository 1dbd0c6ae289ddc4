package dev.bankinglake.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bankinglake.contract.LakeTable;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The whole flow of docker-compose.yml, built and started by Testcontainers: requests to the API
 * end up as rows that Presto counts. Needs a Docker engine with the compose plugin; where there is
 * none, the test is skipped (never passed) with a message saying so. It does not use the local
 * stack: no LocalStackExtension here.
 */
class ComposeStackIT {
    private static final Duration STARTUP = Duration.ofMinutes(25);
    private static final Duration LAKE_CATCH_UP = Duration.ofMinutes(3);
    private static final String USER = "compose_it_" + UUID.randomUUID().toString().substring(0, 8);

    /** Built and started in the test, not in @BeforeAll, so that a missing engine is reported as a skipped test. */
    private static ComposeContainer compose() throws IOException {
        return new ComposeContainer(ComposeFile.repoRoot().resolve(ComposeFile.FILE_NAME).toFile())
                .withLocalCompose(true)
                .withBuild(true)
                .withRemoveVolumes(true)
                // the host ports the file publishes, moved off 5000/8080 so a running stack does not clash
                .withEnv("API_PORT", String.valueOf(freePort()))
                .withEnv("PRESTO_PORT", String.valueOf(freePort()))
                .withExposedService("api", 5000, Wait.forHealthcheck().withStartupTimeout(STARTUP))
                .withExposedService("presto", 8080, Wait.forHealthcheck().withStartupTimeout(STARTUP))
                .waitingFor("streaming", Wait.forHealthcheck().withStartupTimeout(STARTUP))
                .withStartupTimeout(STARTUP);
    }

    @Test
    void depositsThroughTheApiAreCountedByPresto() throws Exception {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        String reason = "No Docker engine: ComposeStackIT needs one to build and run docker-compose.yml; it was skipped, nothing was checked";
        if (!docker) {
            // the build log shows skips as a count only; say why where people look
            System.out.println("SKIPPED " + reason);
        }
        assumeTrue(docker, reason);
        try (ComposeContainer stack = compose()) {
            stack.start();
            checkTheFlow(stack);
        }
    }

    private static void checkTheFlow(ComposeContainer stack) throws Exception {
        String api = "http://" + stack.getServiceHost("api", 5000) + ":" + stack.getServicePort("api", 5000);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        assertThat(post(http, api + "/open_account", "{\"user_id\": \"" + USER + "\", \"full_name\": \"Compose Test\"}"))
                .as("POST /open_account for %s", USER).isEqualTo(201);
        for (String amount : new String[] {"200", "35.50", "1"}) {
            assertThat(post(http, api + "/deposit", "{\"user_id\": \"" + USER + "\", \"amount\": \"" + amount + "\"}"))
                    .as("POST /deposit %s for %s", amount, USER).isEqualTo(200);
        }

        String jdbc = "jdbc:presto://" + stack.getServiceHost("presto", 8080) + ":" + stack.getServicePort("presto", 8080) + "/hive/default";
        String table = LakeTable.CASH_TRANSACTIONS.tableName();
        await("3 deposits of " + USER + " in Presto table " + table)
                .atMost(LAKE_CATCH_UP)
                .pollInterval(Duration.ofSeconds(3))
                .ignoreExceptionsMatching(e -> e instanceof SQLException)
                .untilAsserted(() -> assertThat(count(jdbc, "select count(*) from " + table + " where user_id = ?", USER))
                        .as("rows of %s in %s", USER, table).isEqualTo(3));
        assertThat(count(jdbc, "select count(*) from " + LakeTable.ACCOUNT_STATUS.tableName() + " where user_id = ?", USER))
                .as("account_status rows of %s", USER).isEqualTo(1);
    }

    private static int post(HttpClient http, String url, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            System.out.println("POST " + url + " " + json + " -> " + response.statusCode() + " " + response.body());
        }
        return response.statusCode();
    }

    private static long count(String jdbc, String sql, String user) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "compose-it");
        try (Connection connection = DriverManager.getConnection(jdbc, properties);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, user);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
