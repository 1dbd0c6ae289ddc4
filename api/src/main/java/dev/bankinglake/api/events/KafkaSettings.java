package dev.bankinglake.api.events;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Client settings for the API's producer, the state-rebuild consumer and the admin client. */
public final class KafkaSettings {
    private KafkaSettings() {
    }

    /**
     * Durable and bounded: every in-sync replica must have the event (acks=all), retries cannot
     * duplicate it (idempotence), and a send gives up after {@code timeout} so a request never
     * hangs on a broker that is away.
     */
    public static Properties producer(String bootstrap, Duration timeout) {
        return producer(bootstrap, timeout, Duration.ZERO);
    }

    /** {@code linger}: Kafka's {@code linger.ms}, how long a send waits for others to share its request. */
    public static Properties producer(String bootstrap, Duration timeout, Duration linger) {
        long timeoutMs = timeout.toMillis();
        Properties properties = common(bootstrap, "lake-api-producer");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        // delivery.timeout.ms must be at least linger.ms + request.timeout.ms. A broker killed without
        // a word (its host gone: no RST) holds a request until request.timeout.ms and a new connection
        // until the setup timeout; both short, so that the retry on the partition's new leader still
        // fits in the delivery timeout (the leader of a partition killed under load, ClusterComposeIT)
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(250, timeoutMs / 4)));
        long setupMs = Math.min(3000, Math.max(250, timeoutMs / 8));
        properties.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Long.toString(setupMs));
        properties.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Long.toString(setupMs));
        properties.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        properties.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return properties;
    }

    /** Reads the topic by assignment from the beginning; no consumer group, nothing committed. */
    public static Properties rebuildConsumer(String bootstrap, Duration timeout) {
        Properties properties = common(bootstrap, "lake-api-rebuild");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        properties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        return properties;
    }

    public static Properties admin(String bootstrap, Duration timeout) {
        Properties properties = common(bootstrap, "lake-api-admin");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        return properties;
    }

    private static Properties common(String bootstrap, String clientId) {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        properties.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return properties;
    }
}
