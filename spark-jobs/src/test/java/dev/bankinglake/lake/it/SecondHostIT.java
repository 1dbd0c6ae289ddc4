package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stack as a second machine sees it: a network namespace of this test's own, joined to this
 * one by a veth pair (iproute2). A stack of its own (state folder, ports) with the default bind
 * address answers nothing there but two random ports of Presto's: its Drift (Thrift) server, which
 * PrestoDB 0.287 binds to every interface whatever it is told, and the JDK's local JMX connector,
 * which accepts the connection and closes it unless it comes from one of this host's own
 * addresses (README, "Who may reach what"); the same stack with
 * LAKE_BIND_ADDRESS set to the veth address lets the API and the lake service answer there, and
 * the lake service still refuses a change without the operator token. Needs root (ip netns);
 * skipped with the reason where that cannot be had.
 */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({})
class SecondHostIT {
    private static final String NAMESPACE = "lake-it-peer";
    private static final String HOST_LINK = "lakeit-h";
    private static final String PEER_LINK = "lakeit-p";
    private static final String HOST_ADDRESS = "10.251.7.1";
    private static final String PEER_ADDRESS = "10.251.7.2";
    private static final int PORT_BASE = 27000;
    private static final String[] START = {"start", "kafka", "hdfs", "metastore", "presto", "mosquitto", "api", "streaming"};
    private static final String[] STOP = {"stop", "kafka", "hdfs", "metastore", "presto", "mosquitto", "api", "streaming"};

    @BeforeAll
    static void joinASecondHost() throws Exception {
        tearDown();
        Result made = run(List.of("ip", "netns", "add", NAMESPACE));
        Assumptions.assumeTrue(made.code() == 0, "no network namespace can be made here (root and iproute2 needed): " + made.output());
        must(List.of("ip", "link", "add", HOST_LINK, "type", "veth", "peer", "name", PEER_LINK));
        must(List.of("ip", "link", "set", PEER_LINK, "netns", NAMESPACE));
        must(List.of("ip", "addr", "add", HOST_ADDRESS + "/30", "dev", HOST_LINK));
        must(List.of("ip", "link", "set", HOST_LINK, "up"));
        must(List.of("ip", "netns", "exec", NAMESPACE, "ip", "addr", "add", PEER_ADDRESS + "/30", "dev", PEER_LINK));
        must(List.of("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", PEER_LINK, "up"));
        must(List.of("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up"));
    }

    @AfterAll
    static void tearDown() throws Exception {
        run(List.of("ip", "netns", "del", NAMESPACE));
        run(List.of("ip", "link", "del", HOST_LINK));
    }

    @Test
    void byDefaultNothingAnswersTheOtherHostAndWithTheBindAddressTheApiAndTheLakeServiceDo(LocalStack stack) throws Exception {
        Map<String, String> environment = environment(stack);
        try {
            stack.script(environment, START);
            Map<String, Boolean> reached = probeEveryPort(stack, environment);
            assertThat(reached).as("listening ports of the stack's processes").isNotEmpty()
                    .containsKeys("api " + environment.get("API_PORT"), "streaming " + environment.get("LAKE_SERVICE_PORT"),
                            "kafka " + environment.get("KAFKA_PORT"), "namenode " + environment.get("HDFS_PORT"),
                            "mosquitto " + environment.get("MQTT_PORT"), "metastore " + environment.get("METASTORE_PORT"),
                            "presto " + environment.get("PRESTO_PORT"));
            List<String> answering = reached.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
            System.out.println("second-host: default bind, ports seen " + reached);
            assertThat(answering).as("ports answering the other host by default: at most Presto's Drift server and local JMX connector")
                    .hasSizeLessThanOrEqualTo(2)
                    .allSatisfy(port -> assertThat(port).startsWith("presto ").isNotEqualTo("presto " + environment.get("PRESTO_PORT")));
            stack.script(environment, STOP);

            environment.put("LAKE_BIND_ADDRESS", HOST_ADDRESS);
            stack.script(environment, START);
            String api = "http://" + HOST_ADDRESS + ":" + environment.get("API_PORT");
            String service = "http://" + HOST_ADDRESS + ":" + environment.get("LAKE_SERVICE_PORT");
            assertThat(fromPeer("curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", api + "/health").output()).isEqualTo("200");
            assertThat(fromPeer("curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", service + "/health").output()).isEqualTo("200");
            assertThat(fromPeer("curl", "-s", "-m", "10", "-X", "POST", service + "/pipeline/ingest/stop").output())
                    .as("a change from the other host without the token").contains("\"status\":401");
            // Presto there: HTTPS with a certificate for that address, signed by the stack's CA, and no answer without a login
            String presto = "https://" + HOST_ADDRESS + ":" + environment.get("PRESTO_PORT");
            assertThat(fromPeer("curl", "-s", "-m", "10", "--cacert", environment.get("LAKE_STATE_DIR") + "/secrets/presto-ca.pem", "-o", "/dev/null",
                    "-w", "%{http_code}", presto + "/v1/info").output()).as("Presto from the other host without a login").isEqualTo("401");
            System.out.println("second-host: bind " + HOST_ADDRESS + ", ports seen " + probeEveryPort(stack, environment));
        }
        finally {
            stack.script(environment, STOP);
        }
    }

    /** A stack of this test's own: its state folder and ports, beside the shared one. */
    private static Map<String, String> environment(LocalStack stack) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LAKE_STATE_DIR", stack.repoRoot().resolve("spark-jobs/target/second-host-stack").toString());
        Map<String, Integer> ports = Map.ofEntries(Map.entry("KAFKA_PORT", 92), Map.entry("KAFKA_CONTROLLER_PORT", 93),
                Map.entry("HDFS_PORT", 20), Map.entry("HDFS_HTTP_PORT", 70), Map.entry("HDFS_DATANODE_PORT", 66),
                Map.entry("HDFS_DATANODE_HTTP_PORT", 64), Map.entry("HDFS_DATANODE_IPC_PORT", 67), Map.entry("HDFS_DATANODE_PROXY_PORT", 69),
                Map.entry("METASTORE_PORT", 83), Map.entry("PRESTO_PORT", 80), Map.entry("API_PORT", 50), Map.entry("LAKE_SERVICE_PORT", 55),
                Map.entry("MQTT_PORT", 88));
        ports.forEach((name, offset) -> env.put(name, String.valueOf(PORT_BASE + offset)));
        env.put("LAKE_BIND_ADDRESS", "127.0.0.1");
        env.put("LAKE_START_TIMEOUT", "240");
        return env;
    }

    /** "process port" of every TCP port the stack's processes listen on, and whether the other host reached it. */
    private static Map<String, Boolean> probeEveryPort(LocalStack stack, Map<String, String> environment) throws Exception {
        String table = must(List.of("ss", "-Hltnp")).output();
        Map<String, Boolean> reached = new TreeMap<>();
        Path pids = Path.of(environment.get("LAKE_STATE_DIR"), "pids");
        try (var files = Files.list(pids)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".pid")).toList()) {
                String process = file.getFileName().toString().replace(".pid", "");
                String pid = Files.readString(file).strip();
                Matcher listening = Pattern.compile("(?m)^\\S+\\s+\\S+\\s+\\S+\\s+(\\S+):(\\d+)\\s+.*pid=" + Pattern.quote(pid) + ",").matcher(table);
                while (listening.find()) {
                    String port = listening.group(2);
                    reached.put(process + " " + port, fromPeer("bash", "-c", "exec 3<>/dev/tcp/" + HOST_ADDRESS + "/" + port).code() == 0);
                }
            }
        }
        return reached;
    }

    private static Result fromPeer(String... command) throws Exception {
        List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE, "timeout", "10"));
        inNamespace.addAll(List.of(command));
        return run(inNamespace);
    }

    private record Result(int code, String output) {}

    private static Result must(List<String> command) throws Exception {
        Result result = run(command);
        assertThat(result.code()).as("%s: %s", String.join(" ", command), result.output()).isZero();
        return result;
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(124, output);
        }
        return new Result(process.exitValue(), output);
    }
}
