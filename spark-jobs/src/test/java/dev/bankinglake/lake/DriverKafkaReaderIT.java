package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The driver's read of an offset range against Spark's own Kafka read of the same range, on a real broker. */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA})
class DriverKafkaReaderIT {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = LakeSession.local("driver-kafka-reader-it");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static String createTopic(LocalStack stack, int partitions) throws Exception {
        String topic = "it-driver-read-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        return topic;
    }

    private static Properties producerProperties(LocalStack stack) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }

    private static String offsetsJson(String topic, Map<Integer, Long> offsets) {
        List<String> entries = new ArrayList<>();
        offsets.forEach((partition, offset) -> entries.add("\"" + partition + "\":" + offset));
        return "{\"" + topic + "\":{" + String.join(",", entries) + "}}";
    }

    /** What Spark's Kafka source reads of the range, as rows of its schema, sorted by partition and offset. */
    private static List<InternalRow> sparkRead(LocalStack stack, KafkaRange range, boolean headers) {
        Dataset<Row> batch = spark.read().format("kafka")
                .option("kafka.bootstrap.servers", stack.kafkaBootstrap())
                .option("subscribe", range.topic())
                // Spark wants a start for every partition of the topic; the range starts a missing one at 0
                .option("startingOffsets", offsetsJson(range.topic(), startOfEveryPartition(range)))
                .option("endingOffsets", offsetsJson(range.topic(), range.end()))
                .option("includeHeaders", Boolean.toString(headers))
                .load();
        UnsafeProjection projection = UnsafeProjection.create(batch.schema());
        List<InternalRow> rows = new ArrayList<>();
        for (InternalRow row : batch.queryExecution().executedPlan().executeCollect()) {
            rows.add(projection.apply(row).copy());
        }
        rows.sort(java.util.Comparator.comparingInt((InternalRow row) -> row.getInt(3)).thenComparingLong(row -> row.getLong(4)));
        return rows;
    }

    private static Map<Integer, Long> startOfEveryPartition(KafkaRange range) {
        Map<Integer, Long> start = new java.util.TreeMap<>();
        range.end().keySet().forEach(partition -> start.put(partition, range.start(partition)));
        return start;
    }

    private static List<InternalRow> unsafe(List<InternalRow> rows, org.apache.spark.sql.types.StructType schema) {
        UnsafeProjection projection = UnsafeProjection.create(schema);
        return rows.stream().map(row -> (InternalRow) projection.apply(row).copy()).toList();
    }

    @Test
    void readsTheRowsSparkReadsOfTheSameOffsets(LocalStack stack) throws Exception {
        String topic = createTopic(stack, 2);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(stack))) {
            for (int index = 0; index < 30; index++) {
                byte[] key = index % 3 == 0 ? null : ("user-" + index).getBytes(StandardCharsets.UTF_8);
                byte[] value = index % 7 == 0 ? null : ("{\"n\": " + index + "}").getBytes(StandardCharsets.UTF_8);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, index % 2, key, value);
                if (index % 4 == 0) {
                    record.headers().add(new RecordHeader("trace", ("t" + index).getBytes(StandardCharsets.UTF_8)));
                }
                producer.send(record).get();
            }
        }
        // a range in the middle of partition 0 and the whole of partition 1
        KafkaRange range = new KafkaRange(topic, Map.of(0, 3L), Map.of(0, 11L, 1, 15L));
        try (DriverKafkaReader reader = new DriverKafkaReader(Map.of("bootstrap.servers", stack.kafkaBootstrap(), "fetch.max.wait.ms", "20"),
                Duration.ofSeconds(10))) {
            for (boolean headers : new boolean[] {false, true}) {
                List<InternalRow> expected = sparkRead(stack, range, headers);
                org.apache.spark.sql.types.StructType schema = headers ? DriverKafkaReader.SCHEMA_WITH_HEADERS : DriverKafkaReader.SCHEMA;

                Optional<List<InternalRow>> read = reader.read(1, range, schema);

                assertThat(expected).as("Spark's read, headers %s", headers).hasSize(23);
                assertThat(read).as("the driver's read, headers %s", headers).isPresent();
                assertThat(unsafe(read.get(), schema)).as("the driver's rows, headers %s", headers).isEqualTo(expected);
            }
        }
    }

    @Test
    void leavesARangeWithATransactionMarkerToSpark(LocalStack stack) throws Exception {
        String topic = createTopic(stack, 1);
        Properties properties = producerProperties(stack);
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-tx");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int index = 0; index < 3; index++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("m" + index).getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, "m3".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }
        try (DriverKafkaReader reader = new DriverKafkaReader(Map.of("bootstrap.servers", stack.kafkaBootstrap()), Duration.ofSeconds(10))) {
            // offsets 0-2 are messages, 3 the transaction's commit marker, 4 a message
            Optional<List<InternalRow>> messages = reader.read(1, new KafkaRange(topic, Map.of(), Map.of(0, 3L)), DriverKafkaReader.SCHEMA);
            assertThat(messages).isPresent();
            assertThat(messages.get()).extracting(row -> new String(row.getBinary(1), StandardCharsets.UTF_8)).containsExactly("m0", "m1", "m2");
            assertThat(reader.read(2, new KafkaRange(topic, Map.of(), Map.of(0, 5L)), DriverKafkaReader.SCHEMA))
                    .as("a range over a marker has an offset without a record").isEmpty();
        }
    }
}
