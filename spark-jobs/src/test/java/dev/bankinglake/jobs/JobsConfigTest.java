package dev.bankinglake.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobsConfigTest {
    @Test
    void defaultsUseTheBundledRouterAndNoMqtt() {
        assertThat(JobsConfig.fromEnvironment(Map.of()))
                .isEqualTo(new JobsConfig(Optional.empty(), Optional.empty(), "lake/jobs/requests", "lake/jobs/replies", "lake/windows"));
    }

    @Test
    void readsEveryVariable() {
        assertThat(JobsConfig.fromEnvironment(Map.of("JOB_ROUTER_FILE", "/etc/lake/jobs.json", "MQTT_URI", "tcp://mosquitto:1883",
                "MQTT_REQUEST_TOPIC", "a/req", "MQTT_REPLY_TOPIC", "a/rep", "MQTT_WINDOWS_TOPIC", "a/win",
                "MQTT_USERNAME", "lake-service", "MQTT_PASSWORD_FILE", "/run/secrets/mqtt")))
                .isEqualTo(new JobsConfig(Optional.of(Paths.get("/etc/lake/jobs.json")), Optional.of("tcp://mosquitto:1883"), "a/req", "a/rep", "a/win",
                        Optional.of("lake-service"), Optional.of(Paths.get("/run/secrets/mqtt"))));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> JobsConfig.fromEnvironment(Map.of("MQTT_URI", "mosquitto", "MQTT_REPLY_TOPIC", "a/#", "MQTT_PASSWORD_FILE", "/p")))
                .hasMessage("Invalid jobs configuration: MQTT_URI: 'mosquitto' (must be tcp://host:port); "
                        + "MQTT_REPLY_TOPIC: 'a/#' (must be a topic name, without wildcards); "
                        + "MQTT_PASSWORD_FILE: set, but MQTT_USERNAME is not (a password needs its user)");
    }
}
