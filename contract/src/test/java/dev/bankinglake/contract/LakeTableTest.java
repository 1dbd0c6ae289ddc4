package dev.bankinglake.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LakeTableTest {
    @Test
    void everyEventTypeRoutesToAnEventTable() {
        for (EventType type : EventType.values()) {
            assertThat(type.table().isEventTable()).as(type.wireName()).isTrue();
            assertThat(type.table().eventTypes()).contains(type);
        }
        assertThat(LakeTable.REJECTED_EVENTS.eventTypes()).isEmpty();
    }

    @Test
    void routingMatchesTheProductTables() {
        assertThat(LakeTable.ASSET_PRICES.eventTypes()).containsExactly(EventType.RETURN_ASSET_PRICE, EventType.RETURN_ACCOUNT_INFO);
        assertThat(LakeTable.ACCOUNT_STATUS.eventTypes()).containsExactly(EventType.OPEN_ACCOUNT, EventType.DELETE_ACCOUNT);
        assertThat(LakeTable.ASSET_TRANSACTIONS.eventTypes()).containsExactly(EventType.BUY_ASSET, EventType.SELL_ASSET);
        assertThat(LakeTable.CASH_TRANSACTIONS.eventTypes()).containsExactly(EventType.MAKE_DEPOSIT, EventType.MAKE_WITHDRAWAL);
    }

    @Test
    void columnNamesAreUniqueAndNeverThePartitionColumn() {
        for (LakeTable table : LakeTable.values()) {
            List<String> names = table.columnNames();
            assertThat(new HashSet<>(names)).as(table.tableName()).hasSameSizeAs(names);
            assertThat(names).doesNotContain(LakeTable.PARTITION_COLUMN.name());
        }
    }

    @Test
    void eventTablesHoldEveryRequiredFieldOfTheirTypesAndEveryHeader() {
        for (EventType type : EventType.values()) {
            List<String> columns = type.table().columnNames();
            type.requiredFields().forEach(field -> assertThat(columns).as(type.wireName()).contains(field.jsonName()));
            HeaderField.all().forEach(header -> assertThat(columns).contains(header.fieldName()));
            assertThat(columns).contains("event_id", "event_type", "event_time", "description", "raw_event",
                    "kafka_partition", "kafka_offset", "kafka_timestamp");
        }
    }

    @Test
    void rejectedEventsKeepOriginAndReason() {
        assertThat(LakeTable.REJECTED_EVENTS.columnNames())
                .containsExactly("kafka_topic", "kafka_partition", "kafka_offset", "kafka_timestamp", "reason", "raw_value");
    }

    @Test
    void headerFieldsAreSnakeCaseOfTheirHttpNames() {
        assertThat(HeaderField.USER_AGENT.fieldName()).isEqualTo("user_agent");
        assertThat(HeaderField.byHttpName("content-type")).contains(HeaderField.CONTENT_TYPE);
        assertThat(HeaderField.byHttpName("Authorization")).isEmpty();
        assertThat(HeaderField.byHttpName("Cookie")).isEmpty();
    }

    @Test
    void wireNamesAreUniqueAndResolvable() {
        Set<String> names = new HashSet<>();
        Arrays.stream(EventType.values()).forEach(type -> {
            assertThat(names.add(type.wireName())).isTrue();
            assertThat(EventType.byWireName(type.wireName())).contains(type);
        });
        assertThat(EventType.byWireName("make_deposits")).isEmpty();
    }
}
