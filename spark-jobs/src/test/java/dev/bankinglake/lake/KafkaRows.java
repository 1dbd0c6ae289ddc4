package dev.bankinglake.lake;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Rows shaped like Spark's Kafka source, so transformations are tested without a broker. */
final class KafkaRows {
    static final String TOPIC = "events-test";
    static final Instant KAFKA_TIME = Instant.parse("2026-11-21T00:00:01.500Z");

    /** The Kafka source's columns, as the driver-side reader builds them (DriverKafkaReaderTest checks them against Spark's). */
    static final StructType SCHEMA = DriverKafkaReader.SCHEMA;

    private KafkaRows() {
    }

    /** One message per value on partition 0, offsets 0, 1, ...; a null value is a null message. */
    static Dataset<Row> of(SparkSession spark, List<String> values) {
        List<Row> rows = new ArrayList<>();
        for (int offset = 0; offset < values.size(); offset++) {
            String value = values.get(offset);
            rows.add(RowFactory.create(null, value == null ? null : value.getBytes(StandardCharsets.UTF_8), TOPIC, 0,
                    (long) offset, Timestamp.from(KAFKA_TIME), 0));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }
}
