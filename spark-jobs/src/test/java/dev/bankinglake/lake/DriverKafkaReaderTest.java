package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.kafka010.KafkaRecordToRowConverter;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DriverKafkaReaderTest {
    private static final byte[] VALUE = "{\"event_type\": \"make_deposit\"}".getBytes(StandardCharsets.UTF_8);

    private static ConsumerRecord<byte[], byte[]> record(long offset, long timestamp, TimestampType type, byte[] key, byte[] value,
            RecordHeaders headers) {
        return new ConsumerRecord<>("events", 3, offset, timestamp, type, key == null ? -1 : key.length, value == null ? -1 : value.length,
                key, value, headers, Optional.empty());
    }

    private static List<ConsumerRecord<byte[], byte[]>> records() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader("empty", (byte[]) null));
        return List.of(
                record(0, 1_763_683_200_123L, TimestampType.CREATE_TIME, null, VALUE, new RecordHeaders()),
                record(41, 1_763_683_201_999L, TimestampType.LOG_APPEND_TIME, "user-1".getBytes(StandardCharsets.UTF_8), VALUE, headers),
                record(Long.MAX_VALUE - 1, -1L, TimestampType.NO_TIMESTAMP_TYPE, new byte[0], null, new RecordHeaders()),
                record(7, 0L, TimestampType.CREATE_TIME, null, new byte[0], headers));
    }

    @Test
    void itsSchemasAreTheKafkaSourcesOwn() {
        assertThat(DriverKafkaReader.SCHEMA).isEqualTo(KafkaRecordToRowConverter.kafkaSchema(false));
        assertThat(DriverKafkaReader.SCHEMA_WITH_HEADERS).isEqualTo(KafkaRecordToRowConverter.kafkaSchema(true));
    }

    @Test
    void makesTheRowsSparksKafkaSourceMakesOfTheSameRecords() {
        KafkaRecordToRowConverter spark = new KafkaRecordToRowConverter();
        UnsafeProjection withoutHeaders = UnsafeProjection.create(DriverKafkaReader.SCHEMA);
        UnsafeProjection withHeaders = UnsafeProjection.create(DriverKafkaReader.SCHEMA_WITH_HEADERS);
        for (ConsumerRecord<byte[], byte[]> record : records()) {
            UnsafeRow expected = spark.toUnsafeRowWithoutHeadersProjector().apply(record).copy();
            assertThat(withoutHeaders.apply(DriverKafkaReader.toRow(record, false))).as("row of offset %d", record.offset()).isEqualTo(expected);
            UnsafeRow expectedWithHeaders = spark.toUnsafeRowWithHeadersProjector().apply(record).copy();
            assertThat(withHeaders.apply(DriverKafkaReader.toRow(record, true))).as("row with headers of offset %d", record.offset())
                    .isEqualTo(expectedWithHeaders);
        }
    }

    @Test
    void aRowGivesTheSameFlattenedRowAsSparksRowOfTheSameRecord() {
        // the projections of a small batch read the row by ordinal and type: a generic row and Spark's own must read alike
        InternalRow ours = DriverKafkaReader.toRow(records().get(1), false);
        UnsafeRow sparks = new KafkaRecordToRowConverter().toUnsafeRowWithoutHeadersProjector().apply(records().get(1));
        StructType schema = DriverKafkaReader.SCHEMA;
        for (int index = 0; index < schema.fields().length; index++) {
            assertThat(ours.get(index, schema.fields()[index].dataType())).as(schema.fields()[index].name())
                    .isEqualTo(sparks.get(index, schema.fields()[index].dataType()));
        }
    }

    @Test
    void needsTheBootstrapServers() {
        assertThatThrownBy(() -> new DriverKafkaReader(Map.of("fetch.max.wait.ms", "20"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without bootstrap.servers");
    }

    @Test
    void leavesABatchOfAnotherSchemaToSpark() {
        try (DriverKafkaReader reader = new DriverKafkaReader(Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofSeconds(1))) {
            StructType other = new StructType().add("value", org.apache.spark.sql.types.DataTypes.StringType);
            assertThat(reader.read(1, new KafkaRange("events", Map.of(), Map.of(0, 1L)), other)).isEmpty();
        }
    }

    @Test
    void readsNothingForAnEmptyRange() {
        try (DriverKafkaReader reader = new DriverKafkaReader(Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofSeconds(1))) {
            assertThat(reader.read(1, new KafkaRange("events", Map.of(0, 5L), Map.of(0, 5L)), DriverKafkaReader.SCHEMA)).contains(List.of());
        }
    }

    @Test
    void leavesTheBatchToSparkWhenTheBrokerDoesNotAnswerInTime() {
        try (DriverKafkaReader reader = new DriverKafkaReader(Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofMillis(300))) {
            long started = System.nanoTime();
            assertThat(reader.read(1, new KafkaRange("events", Map.of(0, 4L), Map.of(0, 5L)), DriverKafkaReader.SCHEMA)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
