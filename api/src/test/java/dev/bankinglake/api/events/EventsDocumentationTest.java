package dev.bankinglake.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** contract/EVENTS.md shows exactly what the serializer writes, so the documentation cannot drift. */
class EventsDocumentationTest {
    private static final Pattern EXAMPLE = Pattern.compile("<!-- example: (\\S+) -->\\s*```json\\s*(.*?)```", Pattern.DOTALL);

    private static Map<String, String> documentedExamples() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).resolveSibling("contract").resolve("EVENTS.md");
        Matcher matcher = EXAMPLE.matcher(Files.readString(doc));
        Map<String, String> examples = new LinkedHashMap<>();
        while (matcher.find()) {
            examples.put(matcher.group(1), matcher.group(2));
        }
        return examples;
    }

    @Test
    void everyExampleIsWhatTheSerializerWrites() throws Exception {
        Map<String, String> examples = documentedExamples();
        assertThat(examples.keySet()).containsExactlyInAnyOrderElementsOf(EventExamples.ACTIONS.keySet());
        for (Map.Entry<String, String> example : examples.entrySet()) {
            JsonNode documented = EventJson.read(example.getValue());
            Event produced = EventExamples.event(example.getKey());
            // Compact re-serialization compares names, order, nulls versus omissions and decimal scale.
            assertThat(EventJson.write(documented))
                    .as("example %s in contract/EVENTS.md", example.getKey())
                    .isEqualTo(produced.value());
        }
    }

    @Test
    void everyEventTypeIsDocumentedWithItsRequiredFields() throws Exception {
        Map<String, String> examples = documentedExamples();
        for (EventType type : EventType.values()) {
            assertThat(examples.entrySet())
                    .as("an example of %s", type.wireName())
                    .anySatisfy(example -> {
                        JsonNode json = EventJson.read(example.getValue());
                        assertThat(json.path(EventField.EVENT_TYPE.jsonName()).asText()).isEqualTo(type.wireName());
                        for (EventField field : type.requiredFields()) {
                            assertThat(json.has(field.jsonName())).as("%s has %s", example.getKey(), field.jsonName()).isTrue();
                        }
                    });
        }
    }
}
