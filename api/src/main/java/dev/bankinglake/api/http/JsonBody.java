package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.events.EventJson;
import dev.bankinglake.contract.EventField;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * A request body: a JSON object whose keys are event field names. Numbers may come as JSON
 * numbers or as numeric strings ({@code "amount": "200"}); everything else of the wrong type is
 * refused with a 400 that names the field.
 */
public final class JsonBody {
    private final JsonNode json;

    private JsonBody(JsonNode json) {
        this.json = json;
    }

    public static JsonBody parse(byte[] body, long maxBytes) {
        requireNonNull(body, "body is null");
        if (body.length > maxBytes) {
            throw ApiException.payloadTooLarge("Request body too large: " + body.length + " bytes (at most " + maxBytes + ")");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw ApiException.badRequest("Missing request body (expected a JSON object)");
        }
        JsonNode json;
        try {
            json = EventJson.read(text);
        }
        catch (JsonProcessingException e) {
            throw ApiException.badRequest("Malformed JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest("Request body must be a JSON object, was " + (json == null ? "empty" : json.getNodeType().name().toLowerCase()));
        }
        return new JsonBody(json);
    }

    public String text(EventField field) {
        JsonNode node = present(field);
        if (!node.isTextual()) {
            throw invalid(field, node, "must be a string");
        }
        return node.textValue();
    }

    /** A decimal number; range and scale are the game's to check. */
    public BigDecimal decimal(EventField field) {
        JsonNode node = present(field);
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().strip();
            if (text.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
                return new BigDecimal(text);
            }
        }
        throw invalid(field, node, "must be a number");
    }

    /** A whole number; sign and range are the game's to check. */
    public long wholeNumber(EventField field) {
        JsonNode node = present(field);
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        }
        else if (node.isTextual() && node.textValue().strip().matches("[+-]?\\d+(\\.\\d*)?")) {
            value = new BigDecimal(node.textValue().strip());
        }
        else {
            throw invalid(field, node, "must be a whole number");
        }
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw invalid(field, node, "must be a whole number");
        }
        try {
            return value.longValueExact();
        }
        catch (ArithmeticException e) {
            throw invalid(field, node, "too large");
        }
    }

    private JsonNode present(EventField field) {
        JsonNode node = json.get(field.jsonName());
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("Missing " + field.jsonName());
        }
        return node;
    }

    private static ApiException invalid(EventField field, JsonNode node, String why) {
        String shown = node.toString();
        if (shown.length() > 40) {
            shown = shown.substring(0, 40) + "...";
        }
        return ApiException.badRequest("Invalid " + field.jsonName() + ": " + shown + " (" + why + ")");
    }
}
