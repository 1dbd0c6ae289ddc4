package dev.bankinglake.presto.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFormatTest {
    private static final SavedQuery QUERY = SavedQuery.parse("01_cash", "-- Deposits vs withdrawals\nSELECT 1");
    private static final QueryResult RESULT = new QueryResult(QUERY, List.of("event_type", "transactions", "total_amount"),
            List.of(List.of("make_deposit", "12", "2400.00"), Arrays.asList("make_withdrawal", "3", null)));

    @Test
    void tableAlignsNumbersRightAndTextLeft() {
        assertThat(ReportFormat.TABLE.render(List.of(RESULT))).isEqualTo("""
                == 1. Deposits vs withdrawals ==
                event_type      | transactions | total_amount
                ----------------+--------------+-------------
                make_deposit    |           12 |      2400.00
                make_withdrawal |            3 |         NULL
                (2 rows)

                """);
    }

    @Test
    void csvHasTheQuestionThenHeaderAndRows() {
        QueryResult quoted = new QueryResult(QUERY, List.of("user_id", "note"), List.of(List.of("ann", "a, \"b\"")));
        assertThat(ReportFormat.CSV.render(List.of(RESULT, quoted))).isEqualTo("""
                # 01_cash: Deposits vs withdrawals
                event_type,transactions,total_amount
                make_deposit,12,2400.00
                make_withdrawal,3,

                # 01_cash: Deposits vs withdrawals
                user_id,note
                ann,"a, ""b\"""
                """);
    }

    @Test
    void jsonKeepsNumbersAsNumbersAndEscapesText() {
        QueryResult text = new QueryResult(QUERY, List.of("user_id"), List.of(List.of("a\"b\n")));
        assertThat(ReportFormat.JSON.render(List.of(RESULT, text))).isEqualTo("""
                [
                  {"query": "01_cash", "question": "Deposits vs withdrawals", "columns": ["event_type", "transactions", "total_amount"], \
                "rows": [{"event_type": "make_deposit", "transactions": 12, "total_amount": 2400.00}, \
                {"event_type": "make_withdrawal", "transactions": 3, "total_amount": null}]},
                  {"query": "01_cash", "question": "Deposits vs withdrawals", "columns": ["user_id"], "rows": [{"user_id": "a\\"b\\n"}]}
                ]
                """);
    }

    @Test
    void unknownFormatSaysWhichAreValid() {
        assertThatThrownBy(() -> ReportFormat.parse("xml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid format: 'xml' (must be table, csv or json)");
        assertThat(ReportFormat.parse("CSV")).isEqualTo(ReportFormat.CSV);
    }

    @Test
    void looksUpAValueByRowKeyAndColumn() {
        assertThat(RESULT.valueOf("make_deposit", "total_amount")).isEqualTo("2400.00");
        assertThat(RESULT.valueOf("nobody", "total_amount")).isNull();
        assertThatThrownBy(() -> RESULT.valueOf("make_deposit", "nope"))
                .hasMessage("No column nope in 01_cash (has [event_type, transactions, total_amount])");
    }
}
