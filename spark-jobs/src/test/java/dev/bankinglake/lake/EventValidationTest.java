package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.bench.SampleEvents;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventValidationTest {
    private static final Instant EVENT_TIME = Instant.parse("2026-11-20T22:08:28.123Z");
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = LakeSession.local("event-validation-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static String deposit(Function<ObjectNode, ObjectNode> change) {
        return SampleEvents.toJson(change.apply(new SampleEvents(5).event(EventType.MAKE_DEPOSIT, EVENT_TIME)));
    }

    private static String buy(Function<ObjectNode, ObjectNode> change) {
        return SampleEvents.toJson(change.apply(new SampleEvents(5).event(EventType.BUY_ASSET, EVENT_TIME)));
    }

    @Test
    void namesTheReasonOfEveryKindOfBadMessage() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(null, "empty message: the Kafka value is null");
        cases.put("", "invalid JSON: the message is not a JSON object");
        cases.put("not json", "invalid JSON: the message is not a JSON object");
        cases.put("{\"event_type\": \"make_deposit\"", "invalid JSON: the message is not a JSON object");
        cases.put("[1, 2]", "invalid JSON: the message is not a JSON object");
        cases.put("42", "invalid JSON: the message is not a JSON object");
        cases.put(deposit(event -> event.put("event_type", "launch_rocket")), "unknown event_type 'launch_rocket'");
        cases.put(deposit(event -> event.without(List.of("amount"))), "missing required field(s): amount");
        cases.put(buy(event -> event.without(List.of("user_id", "number_of", "description"))),
                "missing required field(s): user_id, number_of, description");
        cases.put(deposit(event -> event.without(List.of("event_type"))), "missing required field(s): event_type");
        cases.put(deposit(event -> event.put("amount", "ten euros")), "wrong type for field(s): amount (expected decimal(18,2))");
        cases.put(buy(event -> event.put("number_of", 2.5)), "wrong type for field(s): number_of (expected bigint)");
        cases.put(buy(event -> event.put("number_of", "many").put("schema_version", "one")),
                "wrong type for field(s): schema_version (expected int), number_of (expected bigint)");
        cases.put(deposit(event -> event.put("headers", "none")), "wrong type for field(s): headers (expected a JSON object)");
        cases.put(deposit(event -> event.put("event_time", "yesterday")),
                "unparseable event_time 'yesterday' (must be ISO-8601 with a zone, e.g. 2026-11-20T22:08:28.123Z)");
        cases.put(deposit(event -> event.put("event_time", "2026-13-45T22:08:28.123Z")),
                "unparseable event_time '2026-13-45T22:08:28.123Z' (must be ISO-8601 with a zone, e.g. 2026-11-20T22:08:28.123Z)");
        cases.put(deposit(event -> event.put("event_time", "2026-11-20T22:08:28.123")),
                "unparseable event_time '2026-11-20T22:08:28.123' (must be ISO-8601 with a zone, e.g. 2026-11-20T22:08:28.123Z)");
        cases.put(deposit(event -> event.put("amount", new BigDecimal("12.345"))),
                "invalid amount 12.345000000000000000 (must have at most 2 decimals and fit decimal(18,2))");
        cases.put(deposit(event -> event.put("amount", new BigDecimal("12345678901234567.00"))),
                "invalid amount 12345678901234567.000000000000000000 (must have at most 2 decimals and fit decimal(18,2))");
        cases.put(deposit(event -> event.put("schema_version", 2)), "unsupported schema_version 2 (this job reads 1)");
        cases.put(deposit(event -> event.put("event_id", "abc")), "invalid event_id 'abc' (must be a UUID)");

        List<String> values = new ArrayList<>(cases.keySet());
        List<Row> rows = EventValidation.validate(KafkaRows.of(spark, values)).orderBy(EventValidation.KAFKA_OFFSET).collectAsList();

        assertThat(rows).hasSize(values.size());
        for (int index = 0; index < values.size(); index++) {
            Row row = rows.get(index);
            assertThat(row.<String>getAs(EventValidation.REASON)).as("reason for %s", values.get(index))
                    .isEqualTo(cases.get(values.get(index)));
            assertThat(row.<String>getAs(EventValidation.LAKE_TABLE)).isEqualTo(LakeTable.REJECTED_EVENTS.tableName());
        }
    }

    @Test
    void acceptsValidEventsInEveryTimeFormTheContractAllows() {
        List<String> values = List.of(
                deposit(event -> event),
                deposit(event -> event.put("event_time", "2026-11-20T22:08:28Z")),
                deposit(event -> event.put("event_time", "2026-11-20T23:08:28.123+01:00")),
                deposit(event -> event.put("amount", 12)),
                deposit(event -> event.put("full_name", "not applicable to a deposit, ignored")));

        List<Row> rows = EventValidation.validate(KafkaRows.of(spark, values)).collectAsList();

        assertThat(rows).extracting(row -> row.<String>getAs(EventValidation.REASON)).containsOnlyNulls();
        assertThat(rows).extracting(row -> row.<String>getAs(EventValidation.LAKE_TABLE))
                .containsOnly(LakeTable.CASH_TRANSACTIONS.tableName());
    }
}
