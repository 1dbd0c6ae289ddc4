package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the messages of a small batch on the driver, with one long-lived Kafka consumer, instead of
 * a Spark job: for a batch of a few messages the job (scheduling, a task, its consumer's fetch)
 * costs far more than the fetch itself. The rows are the Kafka source's own ({@link #toRow}): the
 * same columns, in the same order, with the same values, so what follows the read does not know
 * which way the messages came.
 *
 * <p>Reads exactly the offsets of the batch's range. Whenever it cannot hand back one record for
 * each of them (a gap, as compaction, retention or transaction markers leave; a record that does
 * not arrive in time; any client error) it answers empty, says why in the log, and the batch is
 * read by Spark's job, which has its own rules for those cases.
 */
public final class DriverKafkaReader implements LakeBatchWriter.MessageReader, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverKafkaReader.class);

    /**
     * The Kafka source's schema without headers ({@code includeHeaders} false): the one
     * declaration of it, for the tests and benchmarks that build Kafka rows too.
     */
    public static final StructType SCHEMA = new StructType()
            .add("key", DataTypes.BinaryType)
            .add("value", DataTypes.BinaryType)
            .add("topic", DataTypes.StringType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType)
            .add("timestamp", DataTypes.TimestampType)
            .add("timestampType", DataTypes.IntegerType);
    /** The source's {@code headers} column, last, when it includes headers. */
    static final ArrayType HEADERS_TYPE = DataTypes.createArrayType(new StructType()
            .add("key", DataTypes.StringType)
            .add("value", DataTypes.BinaryType));
    static final StructType SCHEMA_WITH_HEADERS = SCHEMA.add("headers", HEADERS_TYPE);

    private final Map<String, Object> consumerProperties;
    private final Duration timeout;
    // one batch at a time uses it (the writer's batch lock); created at the first small batch
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * {@code kafkaParameters}: the Kafka client settings the source is given (its {@code kafka.*}
     * options without the prefix: bootstrap servers, security, isolation level, ...).
     */
    public DriverKafkaReader(Map<String, String> kafkaParameters, Duration timeout) {
        requireNonNull(kafkaParameters, "kafkaParameters is null");
        if (!kafkaParameters.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("Kafka parameters without " + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG + ": " + kafkaParameters.keySet());
        }
        this.timeout = requireNonNull(timeout, "timeout is null");
        Map<String, Object> properties = new HashMap<>(kafkaParameters);
        // as Spark's own consumers of a batch: bytes as they are, no group offsets, no reset past a gap
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "lake-small-batch-reader");
        this.consumerProperties = Map.copyOf(properties);
    }

    /** Why the driver does not read a batch; the Spark job reads it instead. */
    private static final class NotRead extends Exception {
        private static final long serialVersionUID = 1L;

        NotRead(String message) {
            super(message);
        }
    }

    @Override
    public synchronized Optional<List<InternalRow>> read(long batchId, KafkaRange range, StructType schema) {
        boolean withHeaders;
        if (schema.equals(SCHEMA)) {
            withHeaders = false;
        }
        else if (schema.equals(SCHEMA_WITH_HEADERS)) {
            withHeaders = true;
        }
        else {
            LOG.warn("Batch {}: read by a Spark job, the source's schema {} is not the Kafka source's", batchId, schema.simpleString());
            return Optional.empty();
        }
        long started = System.nanoTime();
        try {
            List<InternalRow> rows = readRange(range, withHeaders);
            LOG.debug("Batch {}: {} message(s) read on the driver in {} ms", batchId, rows.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return Optional.of(rows);
        }
        catch (NotRead e) {
            LOG.warn("Batch {}: read by a Spark job, the driver's read of {} did not match: {}", batchId, range, e.getMessage());
            return Optional.empty();
        }
        catch (RuntimeException e) {
            LOG.warn("Batch {}: read by a Spark job, the driver's read of {} failed: {}", batchId, range, e.toString());
            // a consumer in an unknown state is not used again
            closeConsumer();
            return Optional.empty();
        }
    }

    private List<InternalRow> readRange(KafkaRange range, boolean withHeaders) throws NotRead {
        // next offset to read per partition, in partition order; a partition is done at its end offset
        Map<TopicPartition, Long> next = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        Map<TopicPartition, Long> end = new HashMap<>();
        Map<TopicPartition, List<InternalRow>> rows = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        for (Map.Entry<Integer, Long> partition : range.end().entrySet()) {
            long start = range.start(partition.getKey());
            if (partition.getValue() > start) {
                TopicPartition topicPartition = new TopicPartition(range.topic(), partition.getKey());
                next.put(topicPartition, start);
                end.put(topicPartition, partition.getValue());
                rows.put(topicPartition, new ArrayList<>());
            }
        }
        if (next.isEmpty()) {
            return List.of();
        }
        KafkaConsumer<byte[], byte[]> kafka = consumer();
        kafka.assign(next.keySet());
        next.forEach(kafka::seek);
        Map<TopicPartition, Long> open = new HashMap<>(next);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!open.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new NotRead("no record for offset(s) " + open + " within " + timeout.toMillis() + " ms");
            }
            ConsumerRecords<byte[], byte[]> polled = kafka.poll(Duration.ofNanos(left));
            for (TopicPartition partition : polled.partitions()) {
                Long expected = open.get(partition);
                if (expected == null) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                    if (record.offset() < expected) {
                        continue;
                    }
                    if (record.offset() >= end.get(partition)) {
                        break;
                    }
                    if (record.offset() != expected) {
                        throw new NotRead("offset " + expected + " of " + partition + " is missing (next record: " + record.offset() + ")");
                    }
                    rows.get(partition).add(toRow(record, withHeaders));
                    expected++;
                }
                if (expected >= end.get(partition)) {
                    open.remove(partition);
                }
                else {
                    open.put(partition, expected);
                }
            }
            for (Map.Entry<TopicPartition, Long> partition : open.entrySet()) {
                // the consumer moved past an offset without a record for it: a gap
                long position = kafka.position(partition.getKey(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (position > partition.getValue()) {
                    throw new NotRead("offset " + partition.getValue() + " of " + partition.getKey() + " is missing (consumer at " + position + ")");
                }
            }
        }
        List<InternalRow> all = new ArrayList<>();
        rows.values().forEach(all::addAll);
        return all;
    }

    /** A record as the row Spark's Kafka source makes of it (its {@code KafkaRecordToRowConverter}). */
    static InternalRow toRow(ConsumerRecord<byte[], byte[]> record, boolean withHeaders) {
        Object[] values = new Object[withHeaders ? 8 : 7];
        values[0] = record.key();
        values[1] = record.value();
        values[2] = UTF8String.fromString(record.topic());
        values[3] = record.partition();
        values[4] = record.offset();
        values[5] = DateTimeUtils.fromJavaTimestamp(new Timestamp(record.timestamp()));
        values[6] = record.timestampType().id;
        if (withHeaders) {
            Iterator<Header> headers = record.headers().iterator();
            if (headers.hasNext()) {
                List<Object> entries = new ArrayList<>();
                headers.forEachRemaining(header -> entries.add(new GenericInternalRow(new Object[] {UTF8String.fromString(header.key()), header.value()})));
                values[7] = new GenericArrayData(entries.toArray());
            }
        }
        return new GenericInternalRow(values);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProperties);
        }
        return consumer;
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            }
            catch (RuntimeException e) {
                LOG.debug("Closing the small-batch consumer failed", e);
            }
            consumer = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConsumer();
    }
}
