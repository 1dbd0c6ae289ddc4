package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LakeServiceConfigTest {
    @Test
    void defaultsPointAtTheLocalStack() {
        LakeServiceConfig config = LakeServiceConfig.fromEnvironment(Map.of());

        assertThat(config).isEqualTo(new LakeServiceConfig(
                "127.0.0.1:9092",
                "events",
                "hdfs://127.0.0.1:8020/lake",
                "hdfs://127.0.0.1:8020/checkpoints/lake-streaming",
                "thrift://127.0.0.1:9083",
                "default",
                "local[2]",
                Duration.ofSeconds(1),
                200_000,
                Optional.empty(),
                5050,
                Duration.ofSeconds(30),
                Set.of(1),
                "https://127.0.0.1:8080",
                "127.0.0.1",
                Optional.empty()));
    }

    @Test
    void readsEveryVariable() {
        LakeServiceConfig config = LakeServiceConfig.fromEnvironment(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP", "kafka-1:29092,kafka-2:29092"),
                Map.entry("EVENTS_TOPIC", "events.v1"),
                Map.entry("LAKE_ROOT", "file:///tmp/lake/"),
                Map.entry("CHECKPOINT_DIR", "hdfs://namenode:9000/checkpoints/x"),
                Map.entry("METASTORE_URI", "thrift://metastore:19083"),
                Map.entry("HIVE_DATABASE", "lake_test"),
                Map.entry("SPARK_MASTER", "local[4]"),
                Map.entry("TRIGGER_INTERVAL", "500 ms"),
                Map.entry("MAX_OFFSETS_PER_TRIGGER", "5000"),
                Map.entry("HADOOP_CONF_DIR", "/etc/hadoop/conf"),
                Map.entry("LAKE_SERVICE_PORT", "15050"),
                Map.entry("QUERY_RESTART_MAX_BACKOFF", "2 minutes"),
                Map.entry("SUPPORTED_SCHEMA_VERSIONS", "2, 1"),
                Map.entry("PRESTO_URL", "http://presto:18080/"),
                Map.entry("LAKE_BIND_ADDRESS", "0.0.0.0"),
                Map.entry("LAKE_OPERATOR_TOKEN_FILE", "/run/secrets/operator_token")));

        assertThat(config).isEqualTo(new LakeServiceConfig(
                "kafka-1:29092,kafka-2:29092",
                "events.v1",
                "file:///tmp/lake",
                "hdfs://namenode:9000/checkpoints/x",
                "thrift://metastore:19083",
                "lake_test",
                "local[4]",
                Duration.ofMillis(500),
                5000,
                Optional.of("/etc/hadoop/conf"),
                15050,
                Duration.ofMinutes(2),
                Set.of(1, 2),
                "http://presto:18080",
                "0.0.0.0",
                Optional.of(Path.of("/run/secrets/operator_token"))));
    }

    @Test
    void understandsIntervalUnits() {
        assertThat(LakeServiceConfig.fromEnvironment(Map.of("TRIGGER_INTERVAL", "2 minutes")).triggerInterval())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(LakeServiceConfig.fromEnvironment(Map.of("TRIGGER_INTERVAL", "10s")).triggerInterval())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(LakeServiceConfig.fromEnvironment(Map.of("TRIGGER_INTERVAL", "1 second", "HADOOP_CONF_DIR", " ")).hadoopConfDir())
                .isEmpty();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> LakeServiceConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP", "no-port",
                "EVENTS_TOPIC", "bad topic",
                "LAKE_ROOT", "relative/lake",
                "METASTORE_URI", "http://127.0.0.1:9083",
                "TRIGGER_INTERVAL", "soon",
                "MAX_OFFSETS_PER_TRIGGER", "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid lake service configuration: "
                        + "TRIGGER_INTERVAL: 'soon' (must be a number and a unit, e.g. '500 ms', '1 second', '2 minutes'); "
                        + "MAX_OFFSETS_PER_TRIGGER: 'lots' (must be a whole number); "
                        + "KAFKA_BOOTSTRAP: 'no-port' (must be a comma-separated list of host:port); "
                        + "EVENTS_TOPIC: 'bad topic' (must be a Kafka topic name: letters, digits, '.', '_', '-'); "
                        + "LAKE_ROOT: 'relative/lake' (must be an absolute URI such as hdfs://host:port/path or file:///path); "
                        + "METASTORE_URI: 'http://127.0.0.1:9083' (must be a thrift://host:port URI)");
    }

    @Test
    void rejectsAPortOutOfRangeAndATooShortBackoff() {
        assertThatThrownBy(() -> LakeServiceConfig.fromEnvironment(Map.of("LAKE_SERVICE_PORT", "70000", "QUERY_RESTART_MAX_BACKOFF", "10 ms")))
                .hasMessage("Invalid lake service configuration: LAKE_SERVICE_PORT: 70000 (must be a TCP port, 1 to 65535); "
                        + "QUERY_RESTART_MAX_BACKOFF: PT0.01S (must be at least 1 second)");
    }

    @Test
    void rejectsSchemaVersionsThatAreNotPositiveNumbers() {
        assertThatThrownBy(() -> LakeServiceConfig.fromEnvironment(Map.of("SUPPORTED_SCHEMA_VERSIONS", "1,x")))
                .hasMessage("Invalid lake service configuration: SUPPORTED_SCHEMA_VERSIONS: '1,x' "
                        + "(must be a comma-separated list of positive whole numbers, e.g. 1,2)");
    }

    @Test
    void rejectsAPrestoUrlThatIsNotHttpHostPort() {
        assertThatThrownBy(() -> LakeServiceConfig.fromEnvironment(Map.of("PRESTO_URL", "jdbc:presto://127.0.0.1:8080/hive")))
                .hasMessage("Invalid lake service configuration: PRESTO_URL: 'jdbc:presto://127.0.0.1:8080/hive' (must be http://host:port)");
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> LakeServiceConfig.fromEnvironment(Map.of("MAX_OFFSETS_PER_TRIGGER", "0", "TRIGGER_INTERVAL", "0 ms")))
                .hasMessage("Invalid lake service configuration: TRIGGER_INTERVAL: PT0S (must be positive); "
                        + "MAX_OFFSETS_PER_TRIGGER: 0 (must be positive)");
    }
}
