package dev.bankinglake.lake.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Sends job requests over MQTT and collects the replies, as an application would. */
final class MqttTestClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttClient client;
    private final String requestTopic;
    private final List<JsonNode> replies = new CopyOnWriteArrayList<>();
    private final List<JsonNode> windows = new CopyOnWriteArrayList<>();

    /** Logs in as {@code user} with {@code password} (the broker refuses anonymous clients). */
    MqttTestClient(String uri, String user, String password, String requestTopic, String replyTopic, String windowsTopic) throws Exception {
        this.requestTopic = requestTopic;
        this.client = new MqttClient(uri, "lake-it-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        client.connect(options);
        client.subscribe(replyTopic, 1, (topic, message) -> replies.add(JSON.readTree(message.getPayload())));
        client.subscribe(windowsTopic, 0, (topic, message) -> windows.add(JSON.readTree(message.getPayload())));
    }

    void send(String payload) throws Exception {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(requestTopic, message);
    }

    /** The reply to the request with {@code externalId} whose status is not 202 (the final one), waiting up to {@code timeout}. */
    JsonNode finalReply(String externalId, Duration timeout) {
        return await("an MQTT reply for " + externalId).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> replies.stream().filter(reply -> externalId.equals(reply.path("external_id").asText(null)))
                        .filter(reply -> reply.path("status").asInt() != 202).findFirst().orElse(null), reply -> reply != null);
    }

    /** The newest reply without an external id (a request that could not be read), after {@code seen} such replies. */
    JsonNode anonymousReply(int seen, Duration timeout) {
        return await("an MQTT reply to an unreadable request").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<JsonNode> anonymous = replies.stream().filter(reply -> reply.path("external_id").isNull()).toList();
                    return anonymous.size() > seen ? anonymous.get(seen) : null;
                }, reply -> reply != null);
    }

    /** Replies received so far. */
    List<JsonNode> replies() {
        return List.copyOf(replies);
    }

    /** Window updates received so far. */
    List<JsonNode> windowUpdates() {
        return List.copyOf(windows);
    }

    @Override
    public void close() throws Exception {
        client.disconnect();
        client.close();
    }
}
