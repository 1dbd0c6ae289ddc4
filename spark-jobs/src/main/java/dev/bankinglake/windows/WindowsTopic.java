package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bankinglake.contract.Column;
import dev.bankinglake.contract.ColumnType;
import dev.bankinglake.contract.WindowTable;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka topic of window updates: compacted, keyed by table, window and key
 * ({@link WindowKey#topicKey()}), so that it keeps the latest value of every window.
 */
final class WindowsTopic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WindowsTopic.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final long TIMEOUT_SECONDS = 30;

    private final String bootstrap;
    private final String topic;
    private KafkaProducer<String, String> producer;

    WindowsTopic(String bootstrap, String topic) {
        this.bootstrap = requireNonNull(bootstrap, "bootstrap is null");
        this.topic = requireNonNull(topic, "topic is null");
    }

    String name() {
        return topic;
    }

    /** Creates the topic compacted if it is missing, or makes an existing one compacted. */
    void ensureCompacted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)))) {
            NewTopic compacted = new NewTopic(topic, Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(compacted)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Created topic {} (cleanup.policy=compact)", topic);
            }
            catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                String policy = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    LOG.warn("Topic {} exists with cleanup.policy={}; setting it to compact", topic, policy);
                    admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                            new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), AlterConfigOp.OpType.SET))))
                            .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Sends every update and waits until Kafka acknowledged all of them; fails if one was refused. */
    void publish(Collection<WindowUpdate> updates) throws Exception {
        if (updates.isEmpty()) {
            return;
        }
        KafkaProducer<String, String> kafka = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(updates.size());
        for (WindowUpdate update : updates) {
            sent.add(kafka.send(new ProducerRecord<>(topic, update.window().topicKey(), toJson(update))));
        }
        kafka.flush();
        for (Future<RecordMetadata> result : sent) {
            result.get(2 * TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    static String toJson(WindowUpdate update) {
        try {
            Map<String, Object> json = update.toJson();
            json.remove(update.table().keyColumn().name());
            return JSON.writeValueAsString(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write window update as JSON", e);
        }
    }

    /**
     * The latest value of every window on the topic (read to its end as it is now), so that a
     * restarted service shows the windows it showed before: the windows query only emits a window
     * again when an event changes it. A message that cannot be read is skipped with a warning.
     */
    List<WindowUpdate> latest(Duration limit) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Instant deadline = Instant.now().plus(limit);
        Map<String, WindowUpdate> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, limit).stream()
                    .map(partition -> new TopicPartition(topic, partition.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, limit);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Topic " + topic + " not read to its end within " + limit);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        latest.remove(record.key());
                        continue;
                    }
                    try {
                        latest.put(record.key(), fromJson(record.value()));
                    }
                    catch (RuntimeException e) {
                        LOG.warn("Skipping message {}@{} of topic {}: {}", record.offset(), record.partition(), topic, e.getMessage());
                    }
                }
            }
        }
        return List.copyOf(latest.values());
    }

    /** An update from its topic JSON ({@link #toJson}), figures typed by the contract's columns. */
    static WindowUpdate fromJson(String message) {
        JsonNode json;
        try {
            json = JSON.readTree(message);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not JSON: " + e.getOriginalMessage(), e);
        }
        WindowTable table = WindowTable.byTableName(json.path("table").asText())
                .orElseThrow(() -> new IllegalArgumentException("Unknown window table: '" + json.path("table").asText() + "'"));
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Column column : table.figureColumns()) {
            JsonNode value = json.path("figures").path(column.name());
            figures.put(column.name(), value.isNull() || value.isMissingNode() ? null
                    : column.type() == ColumnType.MONEY ? value.decimalValue().setScale(ColumnType.MONEY_SCALE, RoundingMode.UNNECESSARY)
                    : (Object) value.longValue());
        }
        WindowKey window = new WindowKey(table, Instant.parse(json.path("window_start").asText()).toEpochMilli(),
                Instant.parse(json.path("window_end").asText()).toEpochMilli(), json.path("key").asText());
        return new WindowUpdate(window, figures, json.path("final").asBoolean());
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties properties = producerProperties(bootstrap);
            properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            producer = new KafkaProducer<>(properties);
        }
        return producer;
    }

    /**
     * A string producer of the windows' topics (this one and the clock's): every write acknowledged
     * by all replicas, and given up by Kafka before a caller's TIMEOUT_SECONDS wait ends.
     */
    static Properties producerProperties(String bootstrap) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS) / 3);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS) - 1000);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return properties;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }
}
