package dev.bankinglake.cluster;

import static dev.bankinglake.cluster.ClusterTraffic.acknowledgedIds;
import static dev.bankinglake.cluster.ClusterTraffic.statuses;
import static dev.bankinglake.cluster.ClusterTraffic.users;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A DataNode is killed (kill -9) while events arrive: with replication 2 every block has a copy on
 * the other DataNode, writes go on there, and the lake takes every event after the kill, exactly
 * once, from the same lake service.
 */
class DataNodeLossClusterIT {
    private final ClusterTraffic traffic = new ClusterTraffic(LocalStack.sharedCluster());

    @AfterEach
    void bringTheDataNodeBack() {
        traffic.stack().script("start", "hdfs");
    }

    @Test
    void ingestionGoesOnWithOneDataNodeLeft() throws Exception {
        long lakeService = traffic.runningPid("streaming");
        String prefix = "datanode-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        List<String> users = users(prefix, 10);
        List<String> accounts = traffic.openAccounts(users);

        List<ClusterTraffic.Answer> answers = traffic.depositsWhile(users, 2, Duration.ofMillis(100), Duration.ofSeconds(20),
                Duration.ofSeconds(3), () -> traffic.killHard("datanode-2"));

        assertThat(statuses(answers)).containsOnly(200);
        traffic.awaitExactlyInLake(prefix, accounts, acknowledgedIds(answers), Duration.ofMinutes(4));
        assertThat(traffic.runningPid("streaming")).as("the same lake service went on, without a restart").isEqualTo(lakeService);
        assertThat(traffic.lakeServiceHealth()).isEqualTo(200);
    }
}
