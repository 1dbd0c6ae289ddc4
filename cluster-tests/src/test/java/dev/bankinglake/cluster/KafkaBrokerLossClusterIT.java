package dev.bankinglake.cluster;

import static dev.bankinglake.cluster.ClusterTraffic.acknowledgedIds;
import static dev.bankinglake.cluster.ClusterTraffic.statuses;
import static dev.bankinglake.cluster.ClusterTraffic.users;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.stack.LocalStack;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka node leading partition 0 of the events topic is killed (kill -9) under load: the API
 * keeps answering 200 (acks=all, min.insync.replicas=2 of 3 replicas), no answer waits more than
 * a few seconds, and the lake holds every acknowledged event exactly once.
 */
class KafkaBrokerLossClusterIT {
    /**
     * The longest an answer may take: the cluster's API_KAFKA_TIMEOUT_MS (10 s), after which the API
     * would answer 503. The node is fenced after broker.session.timeout.ms (3 s) plus the
     * controller's and the machine's delays: 6-7 s under load on 2 cores.
     */
    private static final long LONGEST_ANSWER_MILLIS = 10_000;

    private final ClusterTraffic traffic = new ClusterTraffic(LocalStack.sharedCluster());

    @AfterEach
    void bringTheBrokerBack() {
        traffic.stack().script("start", "kafka");
    }

    @Test
    void aBrokerKilledUnderLoadCostsNoRequestAndNoEvent() throws Exception {
        String topic = traffic.setting("EVENTS_TOPIC");
        TopicDescription events;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, traffic.stack().kafkaBootstrap()))) {
            events = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        }
        assertThat(events.partitions()).allSatisfy(partition -> {
            assertThat(partition.replicas()).as("replicas of partition %s", partition.partition()).hasSize(3);
            assertThat(partition.isr()).as("in-sync replicas of partition %s", partition.partition()).hasSize(3);
        });
        int leader = events.partitions().get(0).leader().id();
        String victim = leader == 1 ? "kafka" : "kafka-" + leader;
        String prefix = "kafkabroker-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        List<String> users = users(prefix, 10);
        List<String> accounts = traffic.openAccounts(users);

        List<ClusterTraffic.Answer> answers = traffic.depositsWhile(users, 3, Duration.ofMillis(100), Duration.ofSeconds(25),
                Duration.ofSeconds(6), () -> traffic.killHard(victim));

        assertThat(statuses(answers)).as("answers while %s (leader of partition 0) was killed", victim).containsOnly(200);
        ClusterTraffic.Answer slowest = answers.stream().max(Comparator.comparingLong(ClusterTraffic.Answer::latencyMillis)).orElseThrow();
        System.out.printf("kafka node loss: %d answers, slowest %d ms%n", answers.size(), slowest.latencyMillis());
        assertThat(slowest.latencyMillis()).as("the slowest of %s answers", answers.size()).isLessThan(LONGEST_ANSWER_MILLIS);
        assertThat(largestGapMillis(answers)).as("longest time without any answer").isLessThan(LONGEST_ANSWER_MILLIS);
        traffic.awaitExactlyInLake(prefix, accounts, acknowledgedIds(answers), Duration.ofMinutes(4));
    }

    private static long largestGapMillis(List<ClusterTraffic.Answer> answers) {
        List<Long> times = answers.stream().map(ClusterTraffic.Answer::completedAtMillis).sorted().toList();
        long largest = 0;
        for (int index = 1; index < times.size(); index++) {
            largest = Math.max(largest, times.get(index) - times.get(index - 1));
        }
        return largest;
    }
}
