package dev.bankinglake.api.events;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The events topic as the admin client sees it: whether the cluster answers, and creating the topic. */
public final class KafkaTopic implements AutoCloseable {
    private final Admin admin;
    private final String topic;
    private final Duration timeout;

    public KafkaTopic(Admin admin, String topic, Duration timeout) {
        this.admin = requireNonNull(admin, "admin is null");
        this.topic = requireNonNull(topic, "topic is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    public boolean clusterReachable() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (Exception e) {
            return false;
        }
    }

    /** Creates the topic with the broker's default partitions and replication unless it exists. */
    public void ensureExists() throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic '" + topic + "': " + e.getCause(), e.getCause());
            }
        }
        catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot create topic '" + topic + "': no answer within " + timeout.toMillis() + " ms", e);
        }
    }

    @Override
    public void close() {
        admin.close(timeout);
    }
}
