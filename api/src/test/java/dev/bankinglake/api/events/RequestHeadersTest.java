package dev.bankinglake.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.HeaderField;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RequestHeadersTest {
    @Test
    void keepsOnlyWhitelistedHeaders() {
        Map<String, String> sent = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sent.put("authorization", "Bearer secret");
        sent.put("Cookie", "session=secret");
        sent.put("X-Forwarded-For", "10.0.0.1");
        sent.put("user-agent", "curl/8");
        sent.put("Content-Type", "application/json");

        RequestHeaders headers = RequestHeaders.whitelisted(sent::get);

        assertThat(headers.values()).containsOnly(
                Map.entry(HeaderField.USER_AGENT, "curl/8"),
                Map.entry(HeaderField.CONTENT_TYPE, "application/json"));
        assertThat(headers.values().values()).noneMatch(value -> value.contains("secret"));
    }

    @Test
    void cutsOverlongValues() {
        RequestHeaders headers = RequestHeaders.whitelisted(name -> "x".repeat(10_000));
        assertThat(headers.get(HeaderField.ACCEPT)).hasSize(RequestHeaders.MAX_VALUE_LENGTH);
    }
}
