package dev.bankinglake.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobRequestTest {
    private static JobRequest parse(String json) {
        return JobRequest.parse(json.getBytes(StandardCharsets.UTF_8), JobRequest.Mode.SYNC);
    }

    @Test
    void readsEveryField() {
        JobRequest request = parse("{\"job\": \"audit\", \"parameters\": {\"max_ids\": 5, \"flag\": true}, \"external_id\": \"r-1\", \"mode\": \"async\"}");
        assertThat(request).isEqualTo(new JobRequest("audit", Map.of("max_ids", "5", "flag", "true"), Optional.of("r-1"), JobRequest.Mode.ASYNC));
        assertThat(parse("{\"job\": \"audit\"}")).isEqualTo(new JobRequest("audit", Map.of(), Optional.empty(), JobRequest.Mode.SYNC));
    }

    @Test
    void refusesWhatItCannotTakeSayingWhy() {
        assertRefused("{\"job\": ", 400, "Malformed JSON: ");
        assertRefused("[1, 2]", 400, "Malformed request: expected a JSON object");
        assertRefused("{\"parameters\": {}}", 400, "Missing field 'job': the name of the job to run");
        assertRefused("{\"job\": \"audit\", \"params\": {}}", 400, "Unknown field 'params' (allowed: job, parameters, external_id, mode)");
        assertRefused("{\"job\": \"audit\", \"parameters\": [1]}", 400, "Field 'parameters' must be an object of name to value");
        assertRefused("{\"job\": \"audit\", \"parameters\": {\"a\": {\"b\": 1}}}", 400, "Parameter 'a' must be a string, number or boolean");
        assertRefused("{\"job\": \"audit\", \"mode\": \"later\"}", 400, "Invalid mode 'later' (sync or async)");
        assertRefused("{\"job\": \"" + "x".repeat(JobRequest.MAX_BYTES) + "\"}", 413, "Request too large: ");
    }

    private static void assertRefused(String json, int status, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(JobRequestException.class, refusal -> {
            assertThat(refusal.status()).isEqualTo(status);
            assertThat(refusal.getMessage()).startsWith(message);
        });
    }
}
