package dev.bankinglake.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.contract.EventField;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBodyTest {
    private static JsonBody parse(String json) {
        return JsonBody.parse(json.getBytes(StandardCharsets.UTF_8), 1024);
    }

    @Test
    void numbersMayBeJsonNumbersOrNumericStrings() {
        assertThat(parse("{\"amount\":200}").decimal(EventField.AMOUNT)).isEqualByComparingTo("200");
        assertThat(parse("{\"amount\":\"200\"}").decimal(EventField.AMOUNT)).isEqualByComparingTo("200");
        assertThat(parse("{\"amount\":\" 12.50 \"}").decimal(EventField.AMOUNT)).isEqualTo(new BigDecimal("12.50"));
        assertThat(parse("{\"amount\":0.1}").decimal(EventField.AMOUNT)).isEqualTo(new BigDecimal("0.1"));
        assertThat(parse("{\"number_of\":3}").wholeNumber(EventField.NUMBER_OF)).isEqualTo(3);
        assertThat(parse("{\"number_of\":\"3\"}").wholeNumber(EventField.NUMBER_OF)).isEqualTo(3);
        assertThat(parse("{\"number_of\":3.0}").wholeNumber(EventField.NUMBER_OF)).isEqualTo(3);
    }

    @Test
    void wrongTypesNameTheFieldAndTheValue() {
        assertThatThrownBy(() -> parse("{\"user_id\":[\"a\"]}").text(EventField.USER_ID))
                .isInstanceOf(ApiException.class)
                .hasMessage("Invalid user_id: [\"a\"] (must be a string)");
        assertThatThrownBy(() -> parse("{\"amount\":\"1,5\"}").decimal(EventField.AMOUNT))
                .hasMessage("Invalid amount: \"1,5\" (must be a number)");
        assertThatThrownBy(() -> parse("{\"number_of\":1.5}").wholeNumber(EventField.NUMBER_OF))
                .hasMessage("Invalid number_of: 1.5 (must be a whole number)");
        assertThatThrownBy(() -> parse("{\"number_of\":99999999999999999999}").wholeNumber(EventField.NUMBER_OF))
                .hasMessage("Invalid number_of: 99999999999999999999 (too large)");
    }

    @Test
    void malformedOrOversizedBodiesAreRefused() {
        assertThatThrownBy(() -> parse("{\"a\":1,\"a\":2}"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("Malformed JSON: Duplicate field 'a'");
        assertThatThrownBy(() -> parse("\"text\""))
                .hasMessage("Request body must be a JSON object, was string");
        assertThatThrownBy(() -> JsonBody.parse(new byte[2000], 1024))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413))
                .hasMessage("Request body too large: 2000 bytes (at most 1024)");
    }
}
