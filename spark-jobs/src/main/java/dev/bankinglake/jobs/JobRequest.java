package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code {"job", "parameters", "external_id", "mode": "sync"|"async"}}, as HTTP and MQTT send it. */
public record JobRequest(String job, Map<String, String> parameters, Optional<String> externalId, Mode mode) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX_BYTES = 16 * 1024;

    public enum Mode { SYNC, ASYNC }

    public JobRequest {
        requireNonNull(job, "job is null");
        parameters = Map.copyOf(parameters);
        requireNonNull(externalId, "externalId is null");
        requireNonNull(mode, "mode is null");
    }

    /** Parses a request body, refusing what it cannot take with a message that says why. */
    public static JobRequest parse(byte[] body, Mode defaultMode) {
        if (body.length > MAX_BYTES) {
            throw new JobRequestException(413, "Request too large: " + body.length + " bytes (at most " + MAX_BYTES + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new JobRequestException(400, "Malformed JSON: " + e.getOriginalMessage());
        }
        catch (IOException e) {
            throw new JobRequestException(400, "Malformed JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new JobRequestException(400, "Malformed request: expected a JSON object {\"job\", \"parameters\", \"external_id\", \"mode\"}");
        }
        for (java.util.Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!java.util.Set.of("job", "parameters", "external_id", "mode").contains(name)) {
                throw new JobRequestException(400, "Unknown field '" + name + "' (allowed: job, parameters, external_id, mode)");
            }
        }
        JsonNode job = root.path("job");
        if (!job.isTextual() || job.asText().isBlank()) {
            throw new JobRequestException(400, "Missing field 'job': the name of the job to run");
        }
        Map<String, String> parameters = new TreeMap<>();
        JsonNode given = root.path("parameters");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw new JobRequestException(400, "Field 'parameters' must be an object of name to value");
            }
            for (java.util.Iterator<Map.Entry<String, JsonNode>> fields = given.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                    throw new JobRequestException(400, "Parameter '" + field.getKey() + "' must be a string, number or boolean");
                }
                parameters.put(field.getKey(), field.getValue().asText());
            }
        }
        Optional<String> externalId = Optional.empty();
        JsonNode external = root.path("external_id");
        if (!external.isMissingNode() && !external.isNull()) {
            if (!external.isValueNode() || external.asText().length() > 200) {
                throw new JobRequestException(400, "Field 'external_id' must be a string of at most 200 characters");
            }
            externalId = Optional.of(external.asText());
        }
        Mode mode = defaultMode;
        JsonNode modeNode = root.path("mode");
        if (!modeNode.isMissingNode() && !modeNode.isNull()) {
            mode = switch (modeNode.asText()) {
                case "sync" -> Mode.SYNC;
                case "async" -> Mode.ASYNC;
                default -> throw new JobRequestException(400, "Invalid mode '" + modeNode.asText() + "' (sync or async)");
            };
        }
        return new JobRequest(job.asText(), parameters, externalId, mode);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", job);
        json.put("parameters", new TreeMap<>(parameters));
        json.put("external_id", externalId.orElse(null));
        json.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        return json;
    }
}
