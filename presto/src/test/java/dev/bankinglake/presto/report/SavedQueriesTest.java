package dev.bankinglake.presto.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.contract.LakeTable;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SavedQueriesTest {
    private static final Path QUERIES = Paths.get(System.getProperty("lake.queries.dir", "queries"));

    /** Words a saved query may use besides table and column names of the contract and its own aliases. */
    private static final Set<String> SQL_WORDS = Set.of(
            "select", "from", "where", "group", "by", "order", "desc", "asc", "as", "and", "or", "not", "case", "when",
            "then", "else", "end", "limit", "count", "count_if", "sum", "avg", "min", "max", "coalesce", "cast",
            "decimal", "varchar", "bigint", "in", "is", "null", "on", "join", "left", "having", "distinct");

    @Test
    void parsesQuestionAndSql() {
        SavedQuery query = SavedQuery.parse("q", "-- How many?\n-- more words\nSELECT 1\nFROM t;\n");
        assertThat(query.question()).isEqualTo("How many?");
        assertThat(query.sql()).isEqualTo("SELECT 1\nFROM t");
    }

    @Test
    void refusesAQueryWithoutQuestion() {
        assertThatThrownBy(() -> SavedQuery.parse("bare", "SELECT 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Query bare has no question (its first line must be '-- <question>')");
    }

    @Test
    void everySavedQueryAnswersAQuestion() {
        List<SavedQuery> queries = SavedQuery.loadAll(QUERIES);
        assertThat(queries).extracting(SavedQuery::name).containsExactly(
                "01_deposits_vs_withdrawals", "02_most_traded_assets", "03_most_viewed_assets", "04_retention",
                "05_money_per_user", "06_top_traders", "07_net_cash_flow_per_day");
        queries.forEach(query -> assertThat(query.question()).as(query.name()).isNotBlank());
    }

    /** The queries use typed columns of the contract's tables, nothing else: they cannot drift from the schema. */
    @Test
    void savedQueriesUseOnlyTablesAndColumnsOfTheContract() {
        for (SavedQuery query : SavedQuery.loadAll(QUERIES)) {
            String sql = query.sql().replaceAll("'[^']*'", "''").toLowerCase(Locale.ROOT);
            Matcher from = Pattern.compile("\\bfrom\\s+([a-z_]+)").matcher(sql);
            assertThat(from.find()).as("%s has a FROM clause", query.name()).isTrue();
            LakeTable table = LakeTable.byTableName(from.group(1)).orElseThrow(
                    () -> new AssertionError(query.name() + " reads " + from.group(1) + ", which is not a lake table"));
            Set<String> allowed = new HashSet<>(SQL_WORDS);
            allowed.add(table.tableName());
            allowed.addAll(table.columnNames());
            allowed.add(LakeTable.PARTITION_COLUMN.name());
            Matcher alias = Pattern.compile("\\bas\\s+([a-z_]+)").matcher(sql);
            while (alias.find()) {
                allowed.add(alias.group(1));
            }
            Matcher word = Pattern.compile("\\b[a-z_][a-z0-9_]*\\b").matcher(sql);
            while (word.find()) {
                assertThat(allowed).as("%s uses '%s': not a column of %s", query.name(), word.group(), table.tableName())
                        .contains(word.group());
            }
        }
    }
}
