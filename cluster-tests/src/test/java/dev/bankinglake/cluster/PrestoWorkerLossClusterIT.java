package dev.bankinglake.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bankinglake.stack.LocalStack;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The only Presto worker is killed (kill -9): once the coordinator has noticed, a query fails within
 * the coordinator's wait for a worker (PRESTO_WORKERS_MAX_WAIT) with an error that says there is
 * none; once the worker is back, the same query answers what it answered before.
 */
class PrestoWorkerLossClusterIT {
    private final ClusterTraffic traffic = new ClusterTraffic(LocalStack.sharedCluster());

    @AfterEach
    void bringTheWorkerBack() {
        traffic.stack().script("start", "presto");
    }

    @Test
    void queriesFailClearlyWithoutTheWorkerAndAnswerOnceItIsBack() throws Exception {
        String prefix = "prestoworker-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        List<String> accounts = traffic.openAccounts(ClusterTraffic.users(prefix, 5));
        traffic.awaitExactlyInLake(prefix, accounts, List.of(), Duration.ofMinutes(3));
        String query = "select count(*) from account_status where user_id like '" + prefix + "%'";
        assertThat(traffic.count(query)).isEqualTo(5);

        traffic.killHard("presto-worker-1");
        await("the coordinator counts no active worker").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> traffic.prestoJson("/v1/cluster").path("activeWorkers").asInt() == 0);
        long start = System.nanoTime();
        // the coordinator holds a query that finds no worker for PRESTO_WORKERS_MAX_WAIT (10 s), then fails it
        assertThatThrownBy(() -> traffic.count(query)).isInstanceOf(SQLException.class)
                .hasMessageContaining("Insufficient active worker nodes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the query fails within the wait for a worker")
                .isLessThan(Duration.ofSeconds(40));

        traffic.stack().script("start", "presto");
        assertThat(traffic.prestoJson("/v1/cluster").path("activeWorkers").asInt()).isEqualTo(1);
        assertThat(traffic.count(query)).as("the same query once the worker is back").isEqualTo(5);
    }
}
