package dev.bankinglake.bench;

import dev.bankinglake.contract.EventType;
import dev.bankinglake.lake.bench.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-loads a topic with a realistic mix of events (and one malformed message per thousand) for
 * the streaming benchmark. Environment: KAFKA_BOOTSTRAP, EVENTS_TOPIC, BENCH_EVENTS,
 * BENCH_PARTITIONS; fails if the topic already holds messages, so a backlog is never mixed.
 *
 * <p>{@code EventLoader trickle COUNT INTERVAL_MS} instead sends COUNT single events to the
 * existing topic, each once the previous one is acknowledged and INTERVAL_MS later, so that a
 * consumer with a shorter trigger sees batches of one row.
 */
public final class EventLoader {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoader.class);
    public static final int MALFORMED_EVERY = 1000;

    private EventLoader() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> environment = System.getenv();
        String bootstrap = environment.getOrDefault("KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        String topic = environment.getOrDefault("EVENTS_TOPIC", "bench-events");
        long count = Long.parseLong(environment.getOrDefault("BENCH_EVENTS", "1000000"));
        int partitions = Integer.parseInt(environment.getOrDefault("BENCH_PARTITIONS", "2"));
        if (args.length > 0 && args[0].equals("trickle")) {
            if (args.length != 3) {
                throw new IllegalArgumentException("Usage: EventLoader trickle COUNT INTERVAL_MS");
            }
            trickle(bootstrap, topic, Integer.parseInt(args[1]), Duration.ofMillis(Long.parseLong(args[2])));
            return;
        }
        long started = System.nanoTime();
        createTopic(bootstrap, topic, partitions);
        load(bootstrap, topic, count, 42);
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info("Loaded {} messages into {} ({} partitions) in {} s ({} messages/s)", count, topic, partitions,
                String.format("%.1f", seconds), String.format("%.0f", count / seconds));
    }

    public static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            throw new IllegalStateException("Topic " + topic + " already exists: use a fresh topic for a benchmark", e);
        }
    }

    /** Sends {@code count} valid events one at a time, each acknowledged before the pause and the next. */
    public static void trickle(String bootstrap, String topic, int count, Duration interval) throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("Invalid trickle count: " + count + " (must be positive)");
        }
        SampleEvents samples = new SampleEvents(7);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(bootstrap, 0))) {
            for (int index = 0; index < count; index++) {
                producer.send(new ProducerRecord<>(topic, null, SampleEvents.toJson(samples.event(samples.nextType(), Instant.now())))).get();
                Thread.sleep(interval.toMillis());
            }
        }
        LOG.info("Trickled {} single events into {}, one every {} ms", count, topic, interval.toMillis());
    }

    private static Properties producerProperties(String bootstrap, int lingerMs) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return properties;
    }

    /** Sends {@code count} messages, one malformed per {@value #MALFORMED_EVERY}; returns when all are acknowledged. */
    public static void load(String bootstrap, String topic, long count, long seed) throws Exception {
        Properties properties = producerProperties(bootstrap, 20);
        SampleEvents samples = new SampleEvents(seed);
        Instant base = Instant.now().minus(Duration.ofDays(1));
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            for (long index = 0; index < count && failure.get() == null; index++) {
                String value;
                if (index % MALFORMED_EVERY == MALFORMED_EVERY - 1) {
                    value = "{\"event_type\": \"make_deposit\", truncated";
                }
                else {
                    EventType type = samples.nextType();
                    // spread over two days so the tables get more than one partition
                    value = SampleEvents.toJson(samples.event(type, base.plusMillis(index * 100)));
                }
                producer.send(new ProducerRecord<>(topic, null, value), (metadata, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    }
                });
                if (index > 0 && index % 200_000 == 0) {
                    LOG.info("Sent {} of {}", index, count);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Loading " + topic + " failed", failure.get());
        }
    }
}
