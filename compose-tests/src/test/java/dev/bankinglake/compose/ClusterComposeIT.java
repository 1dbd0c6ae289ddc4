package dev.bankinglake.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.LakeTable;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster shape, docker-compose.yml with docker-compose.cluster.yml, for real: every node up
 * and healthy, exact counts after a mix of requests, then the leader of a partition of the events
 * topic killed under load (docker kill) with every request still acknowledged and every event
 * stored once, then a Spark worker killed mid-stream with the counts still exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterComposeIT {
    private static final Duration UP = Duration.ofMinutes(20);
    private static final Duration LAKE_CATCH_UP = Duration.ofMinutes(5);
    private static final String BOOTSTRAP = "kafka:9092,kafka-2:9092,kafka-3:9092";
    private static final Pattern LEADER_OF_PARTITION_0 = Pattern.compile("(?m)^\\s*partition 0, leader (\\d+),");
    /** The compose cluster's API_KAFKA_TIMEOUT_MS: an answer waits at most this long for a moved partition leader. */
    private static final long LONGEST_ANSWER_MILLIS = 20_000;
    private static final List<String> SERVICES = List.of("api", "datanode", "datanode", "kafka", "kafka-2", "kafka-3", "metastore",
            "mosquitto", "namenode", "postgres", "presto", "presto-worker", "spark-master", "spark-worker", "spark-worker", "streaming",
            "tools");

    @RegisterExtension
    static final ComposeStack STACK = new ComposeStack("lake-cluster-it", List.of("docker-compose.yml", "docker-compose.cluster.yml"));

    private final ComposeProject project = STACK.project();
    private final ToolsContainer tools = new ToolsContainer(project);
    private final LakeCounts lake = new LakeCounts(STACK.prestoPort(), STACK::prestoProperties);
    private final HostApi api = new HostApi(STACK.apiPort());
    private final String prefix = "cluster" + Long.toString(System.currentTimeMillis(), 36) + "_";
    private final List<String> users = IntStream.range(0, 6).mapToObj(index -> prefix + "load" + index).toList();

    @Test
    @Order(1)
    void upWaitsUntilEveryNodeIsHealthy() {
        System.out.printf("compose-it: cluster shape up -d --wait, from nothing to all healthy: %.1f s%n", STACK.upHealthy(UP, SERVICES));
    }

    @Test
    @Order(2)
    void aMixOfRequestsLandsInPrestoExactlyOnce() throws Exception {
        RequestMix.send(tools, lake, prefix);
        lake.awaitExact(LAKE_CATCH_UP);
        assertThat(tools.topic(BOOTSTRAP, "events")).as("events kcat reads from the topic").hasSize((int) lake.expectedEvents());
        System.out.println("compose-it: cluster after the mix: " + lake.describe());
    }

    @Test
    @Order(3)
    void theLeaderOfAPartitionKilledUnderLoadCostsNoRequestAndNoEvent() throws Exception {
        for (String user : users) {
            HostApi.Answer opened = api.post("/open_account", "{\"user_id\": \"" + user + "\", \"full_name\": \"Cluster " + user + "\"}");
            assertThat(opened.status()).as("open_account of %s: %s", user, opened.body()).isEqualTo(201);
            lake.expect(LakeTable.ACCOUNT_STATUS, 1);
        }
        String metadata = project.exec(Duration.ofMinutes(1), null, "tools", "kcat", "-b", BOOTSTRAP, "-L", "-t", "events").orFail();
        Matcher leader = LEADER_OF_PARTITION_0.matcher(metadata);
        assertThat(leader.find()).as("kcat -L names the leader of partition 0:%n%s", metadata).isTrue();
        String victim = leader.group(1).equals("1") ? "kafka" : "kafka-" + leader.group(1);
        String container = project.containers(victim).get(0);

        List<HostApi.Answer> answers = api.depositsWhile(users, 3, Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(8),
                () -> ComposeProject.run(List.of("docker", "kill", container), Map.of(), Duration.ofMinutes(1), null).orFail());
        HostApi.Answer slowest = answers.stream().max(Comparator.comparingLong(HostApi.Answer::latencyMillis)).orElseThrow();
        System.out.printf("compose-it: %s (leader of partition 0) killed under load: %d answers, slowest %d ms%n", victim, answers.size(),
                slowest.latencyMillis());
        // what was acknowledged must be in the lake, whatever else the answers say
        lake.expect(LakeTable.CASH_TRANSACTIONS, acknowledged(answers));
        System.out.printf("compose-it: answers by status: %s%n", histogram(answers));
        assertThat(statuses(answers)).as("answers while %s was killed", victim).containsOnly(200);
        assertThat(slowest.latencyMillis()).as("the slowest of %d answers", answers.size()).isLessThan(LONGEST_ANSWER_MILLIS);
        lake.awaitExact(LAKE_CATCH_UP);
        System.out.println("compose-it: cluster after the broker's loss: " + lake.describe());

        project.compose(UP, "up", "-d", "--wait").orFail();
    }

    @Test
    @Order(4)
    void aSparkWorkerKilledMidStreamKeepsTheCountsExact() throws Exception {
        String worker = project.containers("spark-worker").get(0);
        List<HostApi.Answer> answers = api.depositsWhile(users, 3, Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofSeconds(8),
                () -> ComposeProject.run(List.of("docker", "kill", worker), Map.of(), Duration.ofMinutes(1), null).orFail());
        System.out.printf("compose-it: a Spark worker killed mid-stream: %d answers, by status %s%n", answers.size(), histogram(answers));
        lake.expect(LakeTable.CASH_TRANSACTIONS, acknowledged(answers));
        assertThat(statuses(answers)).as("answers while a Spark worker was killed").containsOnly(200);
        lake.awaitExact(LAKE_CATCH_UP);
        System.out.println("compose-it: cluster after the Spark worker's loss: " + lake.describe());
    }

    private static long acknowledged(List<HostApi.Answer> answers) {
        return answers.stream().filter(answer -> answer.status() == 200).count();
    }

    private static Map<Integer, Long> histogram(List<HostApi.Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(HostApi.Answer::status, TreeMap::new, Collectors.counting()));
    }

    private static List<Integer> statuses(List<HostApi.Answer> answers) {
        return answers.stream().map(HostApi.Answer::status).toList();
    }
}
