package dev.bankinglake.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bankinglake.contract.LakeTable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docker-compose.yml as a user meets it, from a clean state: `docker compose up -d --wait` on the
 * images scripts/images.sh built, a known mix of requests through the tools container, exact
 * counts in Presto, the lake service's process killed, `down` and `up` again, and
 * `./pipeline.sh --compose` to its report. One stack for the whole class, steps in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeStackIT {
    private static final Duration UP = Duration.ofMinutes(15);
    private static final Duration LAKE_CATCH_UP = Duration.ofMinutes(4);
    private static final List<String> SERVICES = List.of("api", "datanode", "kafka", "metastore", "mosquitto", "namenode", "postgres",
            "presto", "streaming", "tools");

    @RegisterExtension
    static final ComposeStack STACK = new ComposeStack("lake-compose-it", List.of("docker-compose.yml"));

    private final ComposeProject project = STACK.project();
    private final ToolsContainer tools = new ToolsContainer(project);
    private final LakeCounts lake = new LakeCounts(STACK.prestoPort(), STACK::prestoProperties);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String prefix = "cit" + Long.toString(System.currentTimeMillis(), 36) + "_";

    @Test
    @Order(1)
    void upWaitsUntilEveryServiceIsHealthy() {
        System.out.printf("compose-it: docker compose up -d --wait, from nothing to all healthy: %.1f s%n", STACK.upHealthy(UP, SERVICES));
    }

    @Test
    @Order(2)
    void aMixOverEveryRouteLandsInPrestoExactlyOnce() throws Exception {
        RequestMix.send(tools, lake, prefix);
        lake.awaitExact(LAKE_CATCH_UP);
        System.out.println("compose-it: after the mix: " + lake.describe());
        List<String> events = tools.topic("kafka:9092", "events");
        assertThat(events).as("events kcat reads from the topic in the tools container").hasSize((int) lake.expectedEvents());
        assertThat(events).as("events of the mix's users").filteredOn(event -> event.contains(prefix)).isNotEmpty();
    }

    /**
     * The compose secrets (operator token, MQTT and Presto passwords, Presto's key store password and
     * internal shared secret), in use by the running stack, appear in
     * no image (its configuration and layer history), no container's configuration (`docker
     * inspect`: environment, command, labels), no container's log and no command line on this
     * machine (what `ps` shows, the containers' processes included).
     */
    @Test
    @Order(3)
    void theSecretsStayOutOfImagesContainersLogsAndProcesses() throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("operator token", STACK.operatorToken());
        for (String user : List.of("lake-service", "lake-operator", "lake-viewer")) {
            secrets.put("MQTT password of " + user, STACK.mqttPassword(user));
        }
        for (String user : List.of("lake-operator", "lake-analytics", "lake-viewer")) {
            secrets.put("Presto password of " + user, STACK.secretFile("presto-" + user + ".password"));
        }
        secrets.put("Presto key store password", STACK.secretFile("presto-keystore.password"));
        secrets.put("Presto internal shared secret", STACK.secretFile("presto-internal.secret"));
        List<String> containers = project.compose(Duration.ofMinutes(1), "ps", "-q").orFail().lines().map(String::strip)
                .filter(line -> !line.isEmpty()).toList();
        assertThat(containers).as("containers of the stack").hasSize(SERVICES.size());
        Map<String, String> looked = new TreeMap<>();
        for (String container : containers) {
            looked.put("docker inspect " + container, docker("inspect", container));
            looked.put("docker logs " + container, docker("logs", container));
            String image = ComposeProject.inspect(container, "{{.Image}}");
            looked.put("docker image inspect " + image, docker("image", "inspect", image));
            looked.put("docker history " + image, docker("history", "--no-trunc", image));
        }
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(path -> path.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    looked.put("command line of " + process, new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8));
                }
                catch (IOException gone) {
                    // the process ended between listing and reading
                }
            }
        }
        assertThat(looked.keySet()).as("what was looked at").anySatisfy(key -> assertThat(key).startsWith("command line of"));
        looked.forEach((where, text) -> secrets.forEach((name, secret) -> assertThat(text).as("%s (%s)", where, name).doesNotContain(secret)));
        // the lake service did read its token from the secret: a change without it is refused
        assertThat(lakeServicePost("/pipeline/ingest/restart")).as("POST without the token").isEqualTo(401);
        System.out.printf("compose-it: no secret in %d images, configurations, logs and command lines%n", looked.size());
    }

    private static String docker(String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        return ComposeProject.run(command, Map.of(), Duration.ofMinutes(1), null).orFail();
    }

    private int lakeServicePost(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + STACK.lakeServicePort() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Order(4)
    void theLakeServiceIsRestartedAfterItsProcessIsKilledAndLosesNothing() throws Exception {
        String container = project.containers("streaming").get(0);
        int restarts = Integer.parseInt(ComposeProject.inspect(container, "{{.RestartCount}}"));
        long pid = Long.parseLong(ComposeProject.inspect(container, "{{.State.Pid}}"));
        assertThat(ProcessHandle.of(pid)).as("the lake service's main process, pid %s on this machine", pid).isPresent();
        long killed = System.nanoTime();
        assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).as("kill -9 of pid %s", pid).isTrue();
        await("the lake service's container restarted by its policy (RestartCount above " + restarts + ")")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> Integer.parseInt(ComposeProject.inspect(container, "{{.RestartCount}}")) > restarts);
        await("GET /health of the lake service answers 200 again after kill -9")
                .atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> lakeServiceHealth() == 200);
        System.out.printf("compose-it: lake service killed (kill -9 of pid %d), /health 200 again after %.1f s%n", pid,
                (System.nanoTime() - killed) / 1e9);

        ToolsContainer.Bench deposits = tools.ab("/deposit", "{\"user_id\": \"" + prefix + "a\", \"amount\": \"10\"}", 30, 3);
        lake.expect(LakeTable.CASH_TRANSACTIONS, deposits.acknowledged());
        assertThat(deposits).as("ab -n 30 deposits after the restart").isEqualTo(new ToolsContainer.Bench(30, 0, 0));
        lake.awaitExact(LAKE_CATCH_UP);
        System.out.println("compose-it: after the restart: " + lake.describe());
    }

    @Test
    @Order(5)
    void downWithoutVolumesAndUpAgainKeepsTheLakeAndTheAccounts() throws Exception {
        project.compose(Duration.ofMinutes(5), "down").orFail();
        long started = System.nanoTime();
        project.compose(UP, "up", "-d", "--wait").orFail();
        System.out.printf("compose-it: up -d --wait after down (volumes kept): %.1f s%n", (System.nanoTime() - started) / 1e9);
        lake.awaitExact(Duration.ofMinutes(1));

        // the API rebuilt its accounts from the topic: the first user's cash is what the requests left
        ToolsContainer.Answer account = tools.get("/return_account_info/" + prefix + "a");
        assertThat(account.status()).as("GET /return_account_info of %sa after down and up: %s", prefix, account.body()).isEqualTo(200);
        assertThat(account.body()).as("account of %sa after down and up", prefix).contains("\"cash\":880.00");
        lake.expect(LakeTable.ASSET_PRICES, 1);
        lake.awaitExact(LAKE_CATCH_UP);
        System.out.println("compose-it: after down and up: " + lake.describe());
    }

    @Test
    @Order(6)
    void pipelineComposeRunsUpAndTheDemoToTheReport() {
        long started = System.nanoTime();
        ComposeProject.Result pipeline = ComposeProject.run(List.of("./pipeline.sh", "--compose"), project.environment(),
                Duration.ofMinutes(15), null);
        String output = pipeline.orFail();
        System.out.printf("compose-it: ./pipeline.sh --compose (up, demo, report) in %.1f s%n", (System.nanoTime() - started) / 1e9);
        assertThat(output).as("./pipeline.sh --compose output").contains("== 7. Net cash flow per day ==").contains("] done");
    }

    private int lakeServiceHealth() {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + STACK.lakeServicePort() + "/health")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
