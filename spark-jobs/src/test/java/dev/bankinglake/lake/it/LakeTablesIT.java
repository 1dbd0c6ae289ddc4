package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events of every type reach their table with every column, bad messages reach rejected_events: read through Presto. */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO})
class LakeTablesIT {
    private static final Instant EVENT_TIME = Instant.parse("2026-11-20T22:08:28.123Z");

    @Test
    void everyEventLandsInItsTableAndBadMessagesAreRejectedWithTheirReason(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "tables");
        lake.createTopic(1);
        SampleEvents samples = new SampleEvents(99);
        Map<EventType, ObjectNode> events = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            events.put(type, samples.event(type, EVENT_TIME));
        }
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"event_type\": \"make_deposit\", oops", "invalid JSON: the message is not a JSON object");
        ObjectNode unknown = samples.event(EventType.MAKE_DEPOSIT, EVENT_TIME).put("event_type", "launch_rocket");
        bad.put(SampleEvents.toJson(unknown), "unknown event_type 'launch_rocket'");
        ObjectNode missing = samples.event(EventType.BUY_ASSET, EVENT_TIME);
        missing.remove(EventField.UNIT_PRICE.jsonName());
        bad.put(SampleEvents.toJson(missing), "missing required field(s): unit_price");
        ObjectNode wrongType = samples.event(EventType.MAKE_WITHDRAWAL, EVENT_TIME).put("amount", "a lot");
        bad.put(SampleEvents.toJson(wrongType), "wrong type for field(s): amount (expected decimal(18,2))");

        try (KafkaProducer<String, String> producer = lake.producer()) {
            for (ObjectNode event : events.values()) {
                producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(event))).get();
            }
            for (String message : bad.keySet()) {
                producer.send(new ProducerRecord<>(lake.topic, message)).get();
            }
        }

        JobProcess job = lake.job("job", Map.of()).start();
        Map<LakeTable, Long> expected = new EnumMap<>(LakeTable.class);
        for (EventType type : EventType.values()) {
            expected.merge(type.table(), 1L, Long::sum);
        }
        expected.put(LakeTable.REJECTED_EVENTS, (long) bad.size());
        await("every table to show its rows in Presto (job log " + job.log() + ")")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    for (LakeTable table : LakeTable.values()) {
                        assertThat(lake.prestoCount(table)).as("rows of %s", table.tableName()).isEqualTo(expected.get(table));
                    }
                });

        for (EventType type : EventType.values()) {
            ObjectNode event = events.get(type);
            List<Map<String, String>> rows = lake.query("select *, cast(event_time as varchar) as event_time_text, "
                    + "cast(kafka_timestamp as varchar) as kafka_time_text from " + lake.table(type.table())
                    + " where event_id = '" + event.get("event_id").asText() + "'");
            assertThat(rows).as("rows of %s", type).hasSize(1);
            Map<String, String> row = rows.get(0);
            for (dev.bankinglake.contract.Column column : type.table().columns()) {
                String expectedValue = expectedValue(column, event, type);
                if (expectedValue != null) {
                    assertThat(row.get(column.name())).as("%s of %s", column.name(), type).isEqualTo(expectedValue);
                }
            }
            assertThat(row.get("event_time_text")).as("event_time of %s", type).isEqualTo("2026-11-20 22:08:28.123");
            assertThat(row.get("dt")).isEqualTo("2026-11-20");
            assertThat(row.get("kafka_partition")).isEqualTo("0");
            assertThat(row.get("kafka_offset")).isNotNull();
            assertThat(row.get("kafka_time_text")).isNotNull();
        }

        List<Map<String, String>> rejected = lake.query("select reason, raw_value, kafka_topic, kafka_partition, kafka_offset, "
                + "kafka_timestamp, dt from " + lake.table(LakeTable.REJECTED_EVENTS) + " order by kafka_offset");
        assertThat(rejected).extracting(row -> row.get("raw_value")).containsExactlyElementsOf(bad.keySet());
        assertThat(rejected).extracting(row -> row.get("reason")).containsExactlyElementsOf(bad.values());
        assertThat(rejected).extracting(row -> row.get("kafka_offset"))
                .containsExactly("8", "9", "10", "11");
        assertThat(rejected).allSatisfy(row -> {
            assertThat(row.get("kafka_topic")).isEqualTo(lake.topic);
            assertThat(row.get("kafka_timestamp")).isNotNull();
            assertThat(row.get("dt")).matches("\\d{4}-\\d{2}-\\d{2}");
        });

        int exitCode = job.stop();
        assertThat(job.logText()).as("a clean stop on SIGTERM").contains("Stopping: waiting for the running batch to finish", "Stopped");
        assertThat(exitCode).isEqualTo(143);
    }

    /** The value Presto should show for a column, as text; null for columns checked elsewhere. */
    private static String expectedValue(dev.bankinglake.contract.Column column, ObjectNode event, EventType type) {
        String name = column.name();
        for (HeaderField header : HeaderField.all()) {
            if (header.fieldName().equals(name)) {
                return event.get(EventField.HEADERS.jsonName()).get(name).asText();
            }
        }
        if (name.equals(LakeTable.RAW_EVENT.name())) {
            return SampleEvents.toJson(event);
        }
        return EventField.byJsonName(name)
                .filter(field -> field != EventField.EVENT_TIME && field != EventField.HEADERS)
                .map(field -> {
                    if (!event.has(field.jsonName())) {
                        return "null-marker";
                    }
                    if (field.type() == dev.bankinglake.contract.ColumnType.MONEY) {
                        return new BigDecimal(event.get(field.jsonName()).asText()).setScale(2).toPlainString();
                    }
                    return event.get(field.jsonName()).asText();
                })
                .map(value -> value.equals("null-marker") ? null : value)
                .orElse(null);
    }
}
