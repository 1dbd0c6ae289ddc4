package dev.bankinglake.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The window tables of the contract, and contract/WINDOWS.md, which documents them column by column. */
class WindowTableTest {
    private static final Pattern TABLE_HEADING = Pattern.compile("^### `([a-z_]+)`$");
    private static final Pattern COLUMN_ROW = Pattern.compile("^\\| `([a-z_]+)` \\| ([a-z0-9(),]+) \\|.*$");

    @Test
    void everyWindowTableIsRegisteredWithTheOthers() {
        assertThat(TableDefinition.all()).contains(WindowTable.EVENT_COUNTS, WindowTable.TRADE_WINDOWS);
        assertThat(WindowTable.byTableName("trade_windows")).contains(WindowTable.TRADE_WINDOWS);
        assertThat(WindowTable.byTableName("asset_prices")).isEmpty();
    }

    @Test
    void columnsAreStartEndKeyThenFigures() {
        assertThat(WindowTable.EVENT_COUNTS.columnNames()).containsExactly("window_start", "window_end", "event_type", "events", "total_amount");
        assertThat(WindowTable.TRADE_WINDOWS.columnNames()).containsExactly("window_start", "window_end", "asset_name", "trades",
                "units_bought", "units_sold", "value_bought", "value_sold", "avg_unit_price", "min_unit_price", "max_unit_price");
        for (WindowTable table : WindowTable.values()) {
            assertThat(table.columnNames()).doesNotHaveDuplicates().doesNotContain(LakeTable.PARTITION_COLUMN.name());
            assertThat(table.columns().stream().filter(column -> column.name().contains("amount") || column.name().contains("value")
                    || column.name().contains("price")).map(Column::type)).as("money stays decimal").containsOnly(ColumnType.MONEY);
        }
    }

    @Test
    void windowsDocumentationListsExactlyTheContractsColumns() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("WINDOWS.md");
        Map<String, List<String>> documented = documentedTables(Files.readAllLines(doc, StandardCharsets.UTF_8));
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (WindowTable table : WindowTable.values()) {
            expected.put(table.tableName(), table.columns().stream().map(column -> column.name() + " " + column.type().hiveType()).toList());
        }
        assertThat(documented).as("tables and columns in contract/WINDOWS.md").isEqualTo(expected);
        assertThat(Files.readString(doc)).contains("Topic `" + WindowTable.TOPIC + "`").contains("cleanup.policy=compact");
    }

    private static Map<String, List<String>> documentedTables(List<String> lines) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            Matcher heading = TABLE_HEADING.matcher(line);
            if (heading.matches()) {
                current = new ArrayList<>();
                tables.put(heading.group(1), current);
                continue;
            }
            Matcher row = COLUMN_ROW.matcher(line);
            if (current != null && row.matches()) {
                current.add(row.group(1) + " " + row.group(2));
            }
            if (line.startsWith("## ")) {
                current = null;
            }
        }
        return tables;
    }
}
