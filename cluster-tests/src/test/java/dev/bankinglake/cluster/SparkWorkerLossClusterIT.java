package dev.bankinglake.cluster;

import static dev.bankinglake.cluster.ClusterTraffic.acknowledgedIds;
import static dev.bankinglake.cluster.ClusterTraffic.statuses;
import static dev.bankinglake.cluster.ClusterTraffic.users;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Spark worker is killed (kill -9) while the lake service's driver streams on the standalone
 * cluster: its executor goes with it, the tasks it ran run again on the other worker's executor,
 * and the lake holds every acknowledged event exactly once, from the same driver.
 */
class SparkWorkerLossClusterIT {
    private final ClusterTraffic traffic = new ClusterTraffic(LocalStack.sharedCluster());

    @AfterEach
    void bringTheWorkerBack() {
        traffic.stack().script("start", "spark");
    }

    @Test
    void aWorkerKilledMidStreamLosesAndDuplicatesNothing() throws Exception {
        String masterJson = "http://127.0.0.1:" + traffic.setting("SPARK_MASTER_WEBUI_PORT") + "/json/";
        await("the lake service holds an executor on each of the two workers (the master's cores in use)")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> traffic.getJson(masterJson).path("coresused").asInt() == 2);
        long driver = traffic.runningPid("streaming");
        String prefix = "sparkworker-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        List<String> users = users(prefix, 10);
        List<String> accounts = traffic.openAccounts(users);

        List<ClusterTraffic.Answer> answers = traffic.depositsWhile(users, 2, Duration.ofMillis(100), Duration.ofSeconds(25),
                Duration.ofSeconds(8), () -> traffic.killHard("spark-worker-1"));

        assertThat(statuses(answers)).as("the API does not depend on Spark").containsOnly(200);
        JsonNode master = traffic.getJson(masterJson);
        assertThat(master.path("aliveworkers").asInt()).as("the master saw the worker go").isEqualTo(1);
        traffic.awaitExactlyInLake(prefix, accounts, acknowledgedIds(answers), Duration.ofMinutes(4));
        assertThat(traffic.runningPid("streaming")).as("the same driver went on, without a restart").isEqualTo(driver);
        assertThat(traffic.lakeServiceHealth()).isEqualTo(200);
    }
}
