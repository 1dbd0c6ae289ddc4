package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.bench.SampleEvents;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TableRowsTest {
    private static final Instant EVENT_TIME = Instant.parse("2026-11-20T23:59:59.123Z");
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = LakeSession.local("table-rows-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void routesEveryEventTypeToItsTable() {
        SampleEvents samples = new SampleEvents(1);
        List<String> values = new ArrayList<>();
        for (EventType type : EventType.values()) {
            values.add(SampleEvents.toJson(samples.event(type, EVENT_TIME)));
        }
        Dataset<Row> validated = EventValidation.validate(KafkaRows.of(spark, values)).cache();

        for (LakeTable table : LakeTable.values()) {
            List<String> types = TableRows.rowsFor(validated, table).collectAsList().stream()
                    .map(row -> table.isEventTable() ? row.<String>getAs("event_type") : row.<String>getAs("reason"))
                    .toList();
            assertThat(types).as("rows of %s", table.tableName())
                    .containsExactlyInAnyOrderElementsOf(table.eventTypes().stream().map(EventType::wireName).toList());
        }
    }

    @Test
    void flattensIntoExactlyTheContractColumnsWithTheirTypes() {
        for (LakeTable table : LakeTable.values()) {
            Dataset<Row> rows = TableRows.rowsFor(EventValidation.validate(KafkaRows.of(spark, List.of())), table);
            assertThat(rows.schema()).as("schema of %s", table.tableName()).isEqualTo(LakeSchemas.tableSchema(table));
        }
    }

    @Test
    void fillsEveryColumnOfAnAssetTransaction() {
        String eventId = UUID.randomUUID().toString();
        ObjectNode event = new SampleEvents(7).event(EventType.BUY_ASSET, eventId, EVENT_TIME);
        event.put(EventField.UNIT_PRICE.jsonName(), new BigDecimal("12.50"));
        event.put(EventField.NUMBER_OF.jsonName(), 3);
        event.put(EventField.AMOUNT.jsonName(), new BigDecimal("37.50"));
        String json = SampleEvents.toJson(event);

        List<Row> rows = TableRows.rowsFor(EventValidation.validate(KafkaRows.of(spark, List.of("not json", json))),
                LakeTable.ASSET_TRANSACTIONS).collectAsList();

        assertThat(rows).hasSize(1);
        Row row = rows.get(0);
        assertThat(row.<String>getAs("event_id")).isEqualTo(eventId);
        assertThat(row.<String>getAs("event_type")).isEqualTo("buy_asset");
        assertThat(row.<Timestamp>getAs("event_time").toInstant()).isEqualTo(EVENT_TIME);
        assertThat(row.<Integer>getAs("schema_version")).isEqualTo(1);
        assertThat(row.<String>getAs("user_id")).isEqualTo(event.get("user_id").asText());
        assertThat(row.<String>getAs("asset_name")).isEqualTo(event.get("asset_name").asText());
        assertThat(row.<Long>getAs("number_of")).isEqualTo(3L);
        assertThat(row.<BigDecimal>getAs("unit_price")).isEqualTo(new BigDecimal("12.50"));
        assertThat(row.<BigDecimal>getAs("amount")).isEqualTo(new BigDecimal("37.50"));
        assertThat(row.<String>getAs("description")).isEqualTo(event.get("description").asText());
        for (HeaderField header : HeaderField.all()) {
            assertThat(row.<String>getAs(header.fieldName())).as(header.fieldName())
                    .isEqualTo(event.get("headers").get(header.fieldName()).asText());
        }
        assertThat(row.<Integer>getAs("kafka_partition")).isEqualTo(0);
        assertThat(row.<Long>getAs("kafka_offset")).isEqualTo(1L);
        assertThat(row.<Timestamp>getAs("kafka_timestamp").toInstant()).isEqualTo(KafkaRows.KAFKA_TIME);
        assertThat(row.<String>getAs("raw_event")).isEqualTo(json);
        assertThat(row.<String>getAs("dt")).as("UTC date of the event, not of the Kafka timestamp").isEqualTo("2026-11-20");
    }

    @Test
    void keepsRejectedMessagesWithReasonAndOrigin() {
        List<Row> rows = TableRows.rowsFor(EventValidation.validate(KafkaRows.of(spark, List.of("{\"broken\"", "{}"))),
                LakeTable.REJECTED_EVENTS).orderBy("kafka_offset").collectAsList();

        assertThat(rows).hasSize(2);
        Row first = rows.get(0);
        assertThat(first.<String>getAs("kafka_topic")).isEqualTo(KafkaRows.TOPIC);
        assertThat(first.<Integer>getAs("kafka_partition")).isEqualTo(0);
        assertThat(first.<Long>getAs("kafka_offset")).isEqualTo(0L);
        assertThat(first.<Timestamp>getAs("kafka_timestamp").toInstant()).isEqualTo(KafkaRows.KAFKA_TIME);
        assertThat(first.<String>getAs("reason")).startsWith("invalid JSON");
        assertThat(first.<String>getAs("raw_value")).isEqualTo("{\"broken\"");
        assertThat(first.<String>getAs("dt")).as("UTC date of the Kafka timestamp").isEqualTo("2026-11-21");
        assertThat(rows.get(1).<String>getAs("reason"))
                .isEqualTo("missing required field(s): schema_version, event_id, event_type, event_time, description, headers");
    }

    @Test
    void acceptsAbsentOptionalFieldsAndMissingHeaders() {
        ObjectNode event = new SampleEvents(3).event(EventType.MAKE_DEPOSIT, EVENT_TIME);
        ((ObjectNode) event.get("headers")).remove(HeaderField.USER_AGENT.fieldName());
        event.putNull(EventField.ASSET_NAME.jsonName());

        Map<String, Object> row = TableRows.rowsFor(EventValidation.validate(KafkaRows.of(spark, List.of(SampleEvents.toJson(event)))),
                LakeTable.CASH_TRANSACTIONS).collectAsList().stream()
                .map(r -> Map.<String, Object>of("accept", r.getAs("accept"), "user_agent", String.valueOf((Object) r.getAs("user_agent"))))
                .findFirst().orElseThrow();
        assertThat(row).containsEntry("accept", "application/json").containsEntry("user_agent", "null");
    }
}
