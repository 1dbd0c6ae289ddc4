package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lake service's settings for on-demand jobs, from environment variables; defaults here and
 * nowhere else, every problem reported at once.
 *
 * @param routerFile the job router file, read at start and on change; empty: the bundled router
 * @param mqttUri the MQTT broker for job requests and replies; empty: no MQTT
 * @param mqttUsername the broker user the service logs in as (its ACL: read requests, write replies and windows)
 * @param mqttPasswordFile a file holding that user's password; empty: log in without one
 */
public record JobsConfig(Optional<Path> routerFile, Optional<String> mqttUri, String requestTopic, String replyTopic, String windowsTopic,
        Optional<String> mqttUsername, Optional<Path> mqttPasswordFile) {
    public static final String JOB_ROUTER_FILE = "JOB_ROUTER_FILE";
    public static final String MQTT_URI = "MQTT_URI";
    public static final String MQTT_REQUEST_TOPIC = "MQTT_REQUEST_TOPIC";
    public static final String MQTT_REPLY_TOPIC = "MQTT_REPLY_TOPIC";
    public static final String MQTT_WINDOWS_TOPIC = "MQTT_WINDOWS_TOPIC";
    public static final String MQTT_USERNAME = "MQTT_USERNAME";
    /** The password comes from a file, never from a variable: the environment of a process can be read. */
    public static final String MQTT_PASSWORD_FILE = "MQTT_PASSWORD_FILE";

    public static final Map<String, String> DEFAULTS = Map.of(
            MQTT_REQUEST_TOPIC, "lake/jobs/requests",
            MQTT_REPLY_TOPIC, "lake/jobs/replies",
            MQTT_WINDOWS_TOPIC, "lake/windows");

    public JobsConfig {
        requireNonNull(routerFile, "routerFile is null");
        requireNonNull(mqttUri, "mqttUri is null");
        requireNonNull(requestTopic, "requestTopic is null");
        requireNonNull(replyTopic, "replyTopic is null");
        requireNonNull(windowsTopic, "windowsTopic is null");
        requireNonNull(mqttUsername, "mqttUsername is null");
        requireNonNull(mqttPasswordFile, "mqttPasswordFile is null");
    }

    /** Without broker credentials. */
    public JobsConfig(Optional<Path> routerFile, Optional<String> mqttUri, String requestTopic, String replyTopic, String windowsTopic) {
        this(routerFile, mqttUri, requestTopic, replyTopic, windowsTopic, Optional.empty(), Optional.empty());
    }

    public static JobsConfig fromEnvironment(Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        Optional<Path> routerFile = optional(environment, JOB_ROUTER_FILE).map(Paths::get);
        Optional<String> mqttUri = optional(environment, MQTT_URI);
        mqttUri.ifPresent(uri -> {
            try {
                URI parsed = new URI(uri);
                if (!List.of("tcp", "ssl", "ws", "wss").contains(String.valueOf(parsed.getScheme())) || parsed.getHost() == null || parsed.getPort() < 1) {
                    problems.add(MQTT_URI + ": '" + uri + "' (must be tcp://host:port)");
                }
            }
            catch (URISyntaxException e) {
                problems.add(MQTT_URI + ": '" + uri + "' (must be tcp://host:port: " + e.getReason() + ")");
            }
        });
        String requestTopic = value(environment, MQTT_REQUEST_TOPIC);
        String replyTopic = value(environment, MQTT_REPLY_TOPIC);
        String windowsTopic = value(environment, MQTT_WINDOWS_TOPIC);
        for (Map.Entry<String, String> topic : Map.of(MQTT_REQUEST_TOPIC, requestTopic, MQTT_REPLY_TOPIC, replyTopic, MQTT_WINDOWS_TOPIC, windowsTopic).entrySet()) {
            if (topic.getValue().contains("#") || topic.getValue().contains("+")) {
                problems.add(topic.getKey() + ": '" + topic.getValue() + "' (must be a topic name, without wildcards)");
            }
        }
        Optional<String> username = optional(environment, MQTT_USERNAME);
        Optional<Path> passwordFile = optional(environment, MQTT_PASSWORD_FILE).map(Paths::get);
        if (passwordFile.isPresent() && username.isEmpty()) {
            problems.add(MQTT_PASSWORD_FILE + ": set, but " + MQTT_USERNAME + " is not (a password needs its user)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid jobs configuration: " + String.join("; ", problems));
        }
        return new JobsConfig(routerFile, mqttUri, requestTopic, replyTopic, windowsTopic, username, passwordFile);
    }

    private static Optional<String> optional(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static String value(Map<String, String> environment, String name) {
        return optional(environment, name).orElse(DEFAULTS.get(name));
    }
}
